#include "models/thermal/lumped_thermal.h"

#include <cmath>

namespace packsim::models {

Eigen::ArrayXd ThermalNetwork::total_conductance_w_per_k() const {
  const Eigen::Index n = size();
  Eigen::ArrayXd links = Eigen::ArrayXd::Constant(n, 2.0);
  if (n > 0) {
    links(0) -= 1.0;
    links(n - 1) -= 1.0;
  }
  return ambient_conductance_w_per_k + neighbour_conductance_w_per_k * links;
}

ThermalStep prepare_thermal_step(const ThermalNetwork& network, double dt_s) {
  ThermalStep step;
  step.total_conductance_w_per_k = network.total_conductance_w_per_k();
  step.gain_k_per_w.resize(network.size());
  for (Eigen::Index i = 0; i < network.size(); ++i) {
    const double g = step.total_conductance_w_per_k(i);
    const double c = network.heat_capacity_j_per_k(i);
    const double x = g * dt_s / c;
    step.gain_k_per_w(i) = x > 1e-12 ? -std::expm1(-x) / g : dt_s / c;
  }
  return step;
}

void advance_thermal(const ThermalNetwork& network, const ThermalStep& step, const Eigen::ArrayXd& heat_w,
                     const Eigen::ArrayXd& ambient_c, Eigen::ArrayXd& temp_c, Eigen::ArrayXd& scratch) {
  const Eigen::Index n = temp_c.size();
  const double g_nb = network.neighbour_conductance_w_per_k;
  scratch = network.ambient_conductance_w_per_k * ambient_c + heat_w - step.total_conductance_w_per_k * temp_c;
  if (g_nb > 0.0 && n > 1) {
    scratch.head(n - 1) += g_nb * temp_c.tail(n - 1);
    scratch.tail(n - 1) += g_nb * temp_c.head(n - 1);
  }
  temp_c += step.gain_k_per_w * scratch;
}

}  // namespace packsim::models

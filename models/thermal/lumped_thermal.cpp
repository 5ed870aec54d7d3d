#include "models/thermal/lumped_thermal.h"

#include <cmath>

namespace packsim::models {

namespace {
// (1 - exp(-x)) / x, accurate as x -> 0.
double relaxed_fraction(double x) { return x > 1e-12 ? -std::expm1(-x) / x : 1.0 - 0.5 * x; }

void equalise_links(const ThermalNetwork& network, const ThermalStep& step, Eigen::Index first,
                    Eigen::ArrayXd& temp_c) {
  const Eigen::ArrayXd& c = network.heat_capacity_j_per_k;
  for (Eigen::Index l = first; l + 1 < temp_c.size(); l += 2) {
    const double energy_j = step.link_transfer_j_per_k(l) * (temp_c(l) - temp_c(l + 1));
    temp_c(l) -= energy_j / c(l);
    temp_c(l + 1) += energy_j / c(l + 1);
  }
}
}  // namespace

ThermalStep prepare_thermal_step(const ThermalNetwork& network, double dt_s) {
  const Eigen::Index n = network.size();
  const Eigen::ArrayXd& c = network.heat_capacity_j_per_k;
  ThermalStep step;
  step.ambient_gain_k_per_w.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    step.ambient_gain_k_per_w(i) = dt_s / c(i) * relaxed_fraction(network.ambient_conductance_w_per_k(i) * dt_s / c(i));
  }
  step.link_transfer_j_per_k.setZero(n > 1 ? n - 1 : 0);
  const double g = network.neighbour_conductance_w_per_k;
  for (Eigen::Index l = 0; l + 1 < n; ++l) {
    // A pair's temperature difference decays as exp(-g (1/C_l + 1/C_l+1) dt).
    const double inverse_c = 1.0 / c(l) + 1.0 / c(l + 1);
    step.link_transfer_j_per_k(l) = g * dt_s * relaxed_fraction(g * inverse_c * dt_s);
  }
  return step;
}

void advance_thermal(const ThermalNetwork& network, const ThermalStep& step, const Eigen::ArrayXd& heat_w,
                     const Eigen::ArrayXd& ambient_c, Eigen::ArrayXd& temp_c) {
  temp_c += step.ambient_gain_k_per_w * (heat_w + network.ambient_conductance_w_per_k * (ambient_c - temp_c));
  if (network.neighbour_conductance_w_per_k > 0.0) {
    equalise_links(network, step, 0, temp_c);
    equalise_links(network, step, 1, temp_c);
  }
}

}  // namespace packsim::models

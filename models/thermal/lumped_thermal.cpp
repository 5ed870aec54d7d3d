#include "models/thermal/lumped_thermal.h"

#include <cmath>

#include "common/vectorize.h"

namespace packsim::models {

namespace {
// (1 - exp(-x)) / x, accurate as x -> 0.
double relaxed_fraction(double x) { return x > 1e-12 ? -std::expm1(-x) / x : 1.0 - 0.5 * x; }

// Links of one parity share no node, so each pass is free of dependences.
void equalise_links(const ThermalStep& step, Eigen::Index first, Eigen::ArrayXd& temp_c) {
  const Eigen::Index links = temp_c.size() - 1;
  double* __restrict temp = temp_c.data();
  const double* __restrict left = step.link_left_k_per_k.data();
  const double* __restrict right = step.link_right_k_per_k.data();
  PACKSIM_INDEPENDENT_ITERATIONS
  for (Eigen::Index l = first; l < links; l += 2) {
    const double difference = temp[l] - temp[l + 1];
    temp[l] -= left[l] * difference;
    temp[l + 1] += right[l] * difference;
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
  step.link_left_k_per_k.setZero(n > 1 ? n - 1 : 0);
  step.link_right_k_per_k.setZero(n > 1 ? n - 1 : 0);
  const double g = network.neighbour_conductance_w_per_k;
  for (Eigen::Index l = 0; l + 1 < n; ++l) {
    // A pair's temperature difference decays as exp(-g (1/C_l + 1/C_l+1) dt).
    const double inverse_c = 1.0 / c(l) + 1.0 / c(l + 1);
    const double transfer_j_per_k = g * dt_s * relaxed_fraction(g * inverse_c * dt_s);
    step.link_left_k_per_k(l) = transfer_j_per_k / c(l);
    step.link_right_k_per_k(l) = transfer_j_per_k / c(l + 1);
  }
  return step;
}

void advance_thermal(const ThermalNetwork& network, const ThermalStep& step, const Eigen::ArrayXd& heat_w,
                     const Eigen::ArrayXd& ambient_c, Eigen::ArrayXd& temp_c) {
  temp_c += step.ambient_gain_k_per_w * (heat_w + network.ambient_conductance_w_per_k * (ambient_c - temp_c));
  if (network.neighbour_conductance_w_per_k > 0.0) {
    equalise_links(step, 0, temp_c);
    equalise_links(step, 1, temp_c);
  }
}

}  // namespace packsim::models

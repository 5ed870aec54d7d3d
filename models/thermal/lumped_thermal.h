#pragma once

#include <Eigen/Core>

namespace packsim::models {

// Lumped thermal network of a row of cells: each cell is one heat capacity C,
// convects to its own ambient through g_ambient and conducts to the cells
// before and after it in the row through g_neighbour.
struct ThermalNetwork {
  Eigen::ArrayXd heat_capacity_j_per_k;
  Eigen::ArrayXd ambient_conductance_w_per_k;
  double neighbour_conductance_w_per_k{0.0};

  Eigen::Index size() const { return heat_capacity_j_per_k.size(); }
};

// Coefficients of one step length, cached by callers that repeat a dt.
//
// The step is split into exact pieces, each unconditionally stable from
// microseconds to hours:
// - each node relaxes exponentially towards ambient under its own heat:
//   T <- T + gain (q + g_a (T_a - T)), gain = (1 - exp(-g_a dt / C)) / g_a
//   (q dt / C for an adiabatic node);
// - each neighbour link then equalises its pair exactly, the even links first
//   and the odd links after, so every exchange conserves energy to rounding.
struct ThermalStep {
  Eigen::ArrayXd ambient_gain_k_per_w;
  // Link l joins nodes l and l+1: per kelvin of difference, the left node cools
  // by link_left and the right one warms by link_right (energy / heat capacity).
  Eigen::ArrayXd link_left_k_per_k;
  Eigen::ArrayXd link_right_k_per_k;
};

ThermalStep prepare_thermal_step(const ThermalNetwork& network, double dt_s);

// Advances temp_c by one step under heat_w (no allocation).
void advance_thermal(const ThermalNetwork& network, const ThermalStep& step, const Eigen::ArrayXd& heat_w,
                     const Eigen::ArrayXd& ambient_c, Eigen::ArrayXd& temp_c);

}  // namespace packsim::models

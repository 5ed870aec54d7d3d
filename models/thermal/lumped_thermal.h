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
  // Conductance leaving each node: ambient plus one link per neighbour.
  Eigen::ArrayXd total_conductance_w_per_k() const;
};

// Coefficients of one step length, cached by callers that repeat a dt.
// Each node relaxes exactly (exponentially) towards its equilibrium with its
// neighbours held at their start-of-step temperatures:
// T <- T + gain (inflow - G T), gain = (1 - exp(-G dt / C)) / G,
// which is unconditionally stable from microseconds to hours and reduces to
// q dt / C for an adiabatic node.
struct ThermalStep {
  Eigen::ArrayXd total_conductance_w_per_k;
  Eigen::ArrayXd gain_k_per_w;
};

ThermalStep prepare_thermal_step(const ThermalNetwork& network, double dt_s);

// Advances temp_c by one step under heat_w; scratch is reused (no allocation
// once sized).
void advance_thermal(const ThermalNetwork& network, const ThermalStep& step, const Eigen::ArrayXd& heat_w,
                     const Eigen::ArrayXd& ambient_c, Eigen::ArrayXd& temp_c, Eigen::ArrayXd& scratch);

}  // namespace packsim::models

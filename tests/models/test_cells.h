#pragma once

#include <string>

#include "models/cell/cell_params.h"
#include "models/pack/pack.h"
#include "models/pack/pack_config.h"

namespace packsim::models::testing {

// A cell whose parameters do not move with SOC or temperature: a linear OCV
// (3.0 V + 1.0 V x SOC), constant R/C, no entropic term, no aging, no leakage.
// Closed-form answers exist for it, so tests can demand exactness.
inline CellParams linear_test_cell() {
  CellParams cell;
  cell.name = "linear test cell";
  cell.chemistry = "test";
  cell.capacity_ah = 2.0;
  cell.voltage = {4.0, 3.0, 3.5};
  cell.ocv.reference_temp_c = 25.0;
  cell.ocv.ocv_v = {{0.0, 1.0}, {3.0, 4.0}};
  cell.ocv.entropic_v_per_k = {{0.0, 1.0}, {0.0, 0.0}};
  cell.ocv.hysteresis_v = {{0.0, 1.0}, {0.0, 0.0}};
  cell.ocv.hysteresis_rate = 0.0;
  const auto constant = [](double value) { return Table2d{{0.0, 1.0}, {25.0}, {value, value}}; };
  cell.impedance.r0_ohm = constant(0.010);
  cell.impedance.r1_ohm = constant(0.005);
  cell.impedance.c1_f = constant(2000.0);  // tau 10 s
  cell.impedance.r2_ohm = constant(0.008);
  cell.impedance.c2_f = constant(25000.0);  // tau 200 s
  cell.impedance.activation_energy_j_per_mol = 0.0;
  cell.thermal = {1e12, 0.0};  // isothermal: parameters stay put
  return cell;
}

inline CellParams shipped_cell(const std::string& file) {
  return load_cell_params(std::string(PACKSIM_PARAMS_DIR) + "/" + file);
}
inline CellParams lfp_cell() { return shipped_cell("lfp_a123_26650.yaml"); }
inline CellParams nmc_cell() { return shipped_cell("nmc_18650.yaml"); }

inline PackConfig pack_of(const CellParams& cell, int series = 1, int parallel = 1, double soc = 1.0,
                          double temp_c = 25.0) {
  PackConfig config;
  config.name = "test pack";
  config.cell = cell;
  config.series = series;
  config.parallel = parallel;
  config.initial_soc = soc;
  config.initial_temp_c = temp_c;
  return config;
}

// A spread with every factor 1 and one SOC for all cells.
inline CellSpread uniform_spread(const PackConfig& config) {
  const Eigen::Index n = static_cast<Eigen::Index>(config.series) * config.parallel;
  return {Eigen::ArrayXd::Ones(n), Eigen::ArrayXd::Ones(n), Eigen::ArrayXd::Ones(n),
          Eigen::ArrayXd::Constant(n, config.initial_soc)};
}

inline PackInputs load(double current_a, double ambient_c = 25.0) {
  PackInputs inputs;
  inputs.port = ConstantCurrent{current_a};
  inputs.ambient_c = ambient_c;
  return inputs;
}

// Steps at dt under inputs until the lowest group voltage reaches cutoff_v
// (or max_s passes); returns the charge delivered in Ah.
inline double discharge_until(const Pack& pack, PackState& state, const PackInputs& inputs, double cutoff_v,
                              double dt_s = 1.0, double max_s = 48 * 3600.0) {
  double delivered_ah = 0.0;
  for (double t = 0.0; t < max_s; t += dt_s) {
    pack.step(state, inputs, dt_s);
    delivered_ah += state.pack_current_a * dt_s / 3600.0;
    if (state.group_voltage_v.minCoeff() <= cutoff_v) {
      break;
    }
  }
  return delivered_ah;
}

}  // namespace packsim::models::testing

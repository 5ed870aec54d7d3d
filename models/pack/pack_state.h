#pragma once

#include <Eigen/Core>

#include "models/thermal/lumped_thermal.h"

namespace packsim::models {

// Coefficients that depend on the operating point and the step length, derived
// from PackState and rebuilt by Pack when stale. Kept in the state (the
// context) so that Pack itself stays immutable and two states never share them.
struct PackStepCache {
  bool valid{false};
  double dt_s{0.0};
  double age_s{0.0};  // time stepped since the operating points were read from the tables

  // Operating point, per cell, at the last refresh.
  Eigen::ArrayXd soc_ref, ocv_ref_v, ocv_slope_v, hysteresis_v, entropic_v_per_k;
  Eigen::ArrayXd r0_ohm, r1_ohm, r2_ohm, c1_f, c2_f, inverse_r1_s, inverse_r2_s, self_discharge_a, plating_onset_a;
  Eigen::ArrayXd capacity_ah;  // present capacity (variation, weak-cell fault, fade)
  Eigen::ArrayXd charge_as;    // the same in ampere-seconds

  // Step coefficients, per cell, for dt_s.
  Eigen::ArrayXd soc_per_as;  // dt / (3600 Q): SOC drop per ampere over one step
  Eigen::ArrayXd hysteresis_per_ampere;  // gamma dt / (3600 Q): hysteresis exponent per ampere
  Eigen::ArrayXd rc1_decay, rc1_gain_ohm, rc1_mean_first, rc1_mean_second;
  Eigen::ArrayXd rc2_decay, rc2_gain_ohm, rc2_mean_first, rc2_mean_second;
  Eigen::ArrayXd short_factor;     // 1 / (1 + Z G): Thevenin of a cell with its internal short
  Eigen::ArrayXd terminal_ohm;     // the cell's source resistance over the step, short included
  Eigen::ArrayXd admittance_s;     // to its group's busbar through the interconnect; 0 when the tab is open
  Eigen::ArrayXd group_inverse_admittance_ohm;  // per series group; 0 for an open group
  double pack_source_ohm{0.0};
  double max_hysteresis_per_ampere{0.0};
  double max_soc_per_as{0.0};
  double max_self_discharge_a{0.0};
  double soc_drift_bound{0.0};  // bound on any cell's SOC change since the refresh
  bool open_string{false};
  bool any_short{false};
  ThermalStep thermal;

  // Scratch reused by every step (no allocation in the step).
  Eigen::ArrayXd emf_v, group_emf_v, group_voltage_per_cell_v, scratch_a, scratch_b, scratch_c, scratch_d,
      scratch_e;
};

// Everything that changes as the pack runs. SoA: arrays have one entry per cell,
// cell n = group * parallel + position, group 0 at the most negative end.
struct PackState {
  double time_s{0.0};

  // Electrochemical state.
  Eigen::ArrayXd soc;
  Eigen::ArrayXd hysteresis;  // -1 after discharge .. +1 after charge
  Eigen::ArrayXd v_rc1_v;
  Eigen::ArrayXd v_rc2_v;
  Eigen::ArrayXd temp_c;

  // Aging, fractions of nominal capacity.
  Eigen::ArrayXd calendar_loss, cycle_loss, plating_loss;
  Eigen::ArrayXd plated_lithium_ah;
  Eigen::ArrayXd charge_moved_ah;  // |I| dt integrated: charge in plus charge out

  // Faults.
  Eigen::ArrayXd short_conductance_s;
  Eigen::ArrayXd tab_connected;  // 1 connected, 0 open
  Eigen::ArrayXd weak_capacity_factor;
  Eigen::ArrayXd weak_self_discharge_factor;

  // Results of the last step.
  double pack_current_a{0.0};
  double terminal_voltage_v{0.0};  // at the cells' end of the FETs (the AFE's stack measurement side)
  double load_voltage_v{0.0};      // at the PACK pins, beyond the FETs: what the load or charger sees
  bool port_limited{false};
  Eigen::ArrayXd cell_current_a;   // per cell, + discharging
  Eigen::ArrayXd group_voltage_v;  // per series group: what the AFE measures
  Eigen::ArrayXd heat_w;           // per cell, mean over the step

  // Books since the start: electrical energy and charge delivered at the
  // terminals (integrated over every internal step, so exact whatever the
  // length of the steps asked for), and heat generated inside the cells
  // (irreversible and reversible).
  double energy_out_j{0.0};
  double charge_out_as{0.0};
  double heat_generated_j{0.0};

  // Aging drivers accumulated since the aging states were last advanced.
  double pending_aging_s{0.0};
  Eigen::ArrayXd pending_charge_ah, pending_plated_ah;

  PackStepCache cache;

  double capacity_loss(Eigen::Index cell) const {
    return calendar_loss(cell) + cycle_loss(cell) + plating_loss(cell);
  }
};

}  // namespace packsim::models

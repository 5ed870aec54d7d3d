#pragma once

#include <Eigen/Core>
#include <stdexcept>
#include <string>

#include "models/pack/pack_config.h"
#include "models/pack/pack_fault.h"
#include "models/pack/pack_state.h"
#include "models/pack/port.h"
#include "models/pack/power_path.h"
#include "models/thermal/lumped_thermal.h"

namespace packsim::models {

// The physics stopped: a state became NaN or infinite, or one no real pack can
// be in (find_impossible_state, models/pack/state_guard.h: SOC far outside 0..1,
// no capacity left, a cell voltage of the wrong sign, energy from a passive
// load). The message names the cell (1-based, as users count), the state, its
// value and the simulated time.
class PlantError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Numerical settings; defaults suit everything from a 1 us short to hours of rest.
struct PackOptions {
  // The tables are re-read after this long, or sooner once any cell's SOC may
  // have moved by refresh_soc_change: temperature and SOC move slowly.
  double parameter_refresh_s{1.0};
  double refresh_soc_change{5e-4};
  double max_substep_s{1.0};        // longest internal step while current flows
  double max_rest_substep_s{30.0};  // longest internal step at rest
};

// Inputs held constant over one step.
struct PackInputs {
  PortModel port{OpenCircuit{}};
  double ambient_c{25.0};
  Eigen::ArrayXd cell_ambient_c;   // optional per-cell ambient (size cells), overrides ambient_c
  Eigen::ArrayXd bleed_current_a;  // optional per-series-group balancing current (size series)
  PowerPath path;                  // protection FETs between the cells and the load
};

// Per-cell manufacturing spread: factors on capacity, every resistance and
// self-discharge, and the initial SOC.
struct CellSpread {
  Eigen::ArrayXd capacity_factor;
  Eigen::ArrayXd resistance_factor;
  Eigen::ArrayXd self_discharge_factor;
  Eigen::ArrayXd initial_soc;
};

// Draws the spread of config.variation from config.seed, cell by cell in a fixed
// order: the same seed gives the same pack, bit for bit.
CellSpread draw_cell_spread(const PackConfig& config);

// An NsMp pack of one cell type with seeded cell-to-cell variation. Immutable
// once built: everything that evolves lives in PackState.
class Pack {
 public:
  explicit Pack(PackConfig config, PackOptions options = {});
  // A pack with a given spread (a measured pack, or a test's hand-picked cells).
  Pack(PackConfig config, PackOptions options, CellSpread spread);

  const PackConfig& config() const { return config_; }
  const CellParams& cell_params() const { return config_.cell; }
  int series() const { return config_.series; }
  int parallel() const { return config_.parallel; }
  int cell_count() const { return config_.series * config_.parallel; }

  // The seeded manufacturing spread of each cell.
  const Eigen::ArrayXd& capacity_factor() const { return spread_.capacity_factor; }
  const Eigen::ArrayXd& resistance_factor() const { return spread_.resistance_factor; }
  const Eigen::ArrayXd& self_discharge_factor() const { return spread_.self_discharge_factor; }

  // State at the configured initial SOC (with its seeded spread) and temperature, at rest.
  PackState initial_state() const;

  // Advances the state by dt_s under inputs; splits into internal steps no
  // longer than the options allow. Throws PlantError, at the internal step it
  // happens in, on a non-finite or an impossible state (state_guard.h).
  void step(PackState& state, const PackInputs& inputs, double dt_s) const;

  // Brings the aging states up to date with what has been stepped (done
  // automatically every parameter_refresh_s).
  void settle_aging(PackState& state) const;

  void inject(PackState& state, const PlantFault& fault) const;
  void clear_fault(PackState& state, PlantFaultKind kind, int cell) const;

  // Present capacity of a cell: nominal x variation x weak-cell factor x (1 - fade).
  double cell_capacity_ah(const PackState& state, int cell) const;
  // Open-circuit voltage of each series group (no hysteresis, no polarisation).
  Eigen::ArrayXd group_open_circuit_voltage_v(const PackState& state) const;

 private:
  void substep(PackState& state, const PackInputs& inputs, double dt_s) const;
  // Reads every cell's operating point from the tables, then the step coefficients.
  void refresh_cache(PackState& state, double dt_s) const;
  // The coefficients that depend on the step length only (exponentials of the
  // RC branches, SOC per ampere, the Thevenin sums): a change of step length
  // recomputes these and keeps the operating points.
  void refresh_step_coefficients(PackState& state, double dt_s) const;
  void check_finite(const PackState& state) const;
  void check_physical(const PackState& state, const PackInputs& inputs) const;
  void check_cell_finite(const PackState& state, Eigen::Index cell) const;
  void check_cell_index(int cell) const;
  Eigen::Index group_of(Eigen::Index cell) const { return cell / config_.parallel; }

  PackConfig config_;
  PackOptions options_;
  CellSpread spread_;
  ThermalNetwork thermal_;
};

}  // namespace packsim::models

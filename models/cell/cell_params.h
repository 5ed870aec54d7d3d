#pragma once

#include "common/source_files.h"

#include <string>
#include <vector>

#include "models/cell/lookup_table.h"

namespace packsim::models {

// Open-circuit voltage: OCV(SOC, T) = ocv_v(SOC) + entropic_v_per_k(SOC) (T - T_ref),
// plus a one-state hysteresis (Plett 2004) of magnitude hysteresis_v(SOC).
struct OcvParams {
  Table1d ocv_v;                // over SOC 0..1, at reference_temp_c
  Table1d entropic_v_per_k;     // dU/dT over SOC; also sets reversible heat
  double reference_temp_c{25.0};
  Table1d hysteresis_v;         // half-width of the charge/discharge gap over SOC
  double hysteresis_rate{0.0};  // gamma: 1/e of the gap crossed per gamma^-1 of capacity passed
};

// Second-order Thevenin branch values over SOC x temperature.
struct ImpedanceParams {
  Table2d r0_ohm;
  Table2d r1_ohm;
  Table2d c1_f;
  Table2d r2_ohm;
  Table2d c2_f;
  double activation_energy_j_per_mol{0.0};  // Arrhenius beyond the table's temperatures
};

// Lumped single-node thermal mass of one cell.
struct ThermalParams {
  double heat_capacity_j_per_k{0.0};
  double ambient_conductance_w_per_k{0.0};  // convection to ambient (1 / R_th)
};

// Temperature-dependent self-discharge, as a fraction of capacity per day.
struct SelfDischargeParams {
  double fraction_per_day{0.0};  // at reference_temp_c
  double reference_temp_c{25.0};
  double activation_energy_j_per_mol{0.0};
};

// Calendar fade: loss = k(T, SOC) sqrt(days), k Arrhenius in T and exponential in SOC.
struct CalendarAgingParams {
  double loss_per_sqrt_day{0.0};  // capacity fraction per sqrt(day) at the references
  double reference_temp_c{25.0};
  double reference_soc{0.5};
  double activation_energy_j_per_mol{0.0};
  double soc_stress{0.0};  // loss scales by exp(soc_stress (SOC - reference_soc))
};

// Cycle fade after Wang et al., J. Power Sources 196 (2011) 3942:
// loss[%] = B exp((-Ea + c_rate_coefficient * C) / (R T)) Ah^z, Ah of throughput of a
// reference_capacity_ah cell (other capacities scale their throughput to it).
struct CycleAgingParams {
  double prefactor_b{0.0};
  double activation_energy_j_per_mol{31700.0};
  double c_rate_coefficient_j_per_mol{370.3};
  double throughput_exponent_z{0.552};
  double reference_capacity_ah{2.3};
};

// Resistance growth as the cell loses capacity: R x (1 + per_capacity_loss * loss).
struct ResistanceGrowthParams {
  double per_capacity_loss{0.0};
};

// Lithium plating when charging cold: plating starts where the charge C-rate
// exceeds onset_c_rate(T, SOC) = onset_c_rate_at_reference * arrhenius(-Ea) *
// (1 - soc_sensitivity * SOC); the excess charge plates at rate_per_excess_ah,
// of which irreversible_fraction is lost capacity for good.
struct PlatingParams {
  double onset_c_rate_at_reference{1.0};
  double reference_temp_c{25.0};
  double activation_energy_j_per_mol{0.0};
  double soc_sensitivity{0.0};
  double rate_per_excess_ah{0.0};
  double irreversible_fraction{1.0};
};

struct AgingParams {
  CalendarAgingParams calendar;
  CycleAgingParams cycle;
  ResistanceGrowthParams resistance;
  PlatingParams plating;
};

// Voltage window the manufacturer allows.
struct VoltageLimits {
  double max_v{0.0};
  double min_v{0.0};
  double nominal_v{0.0};
};

// Everything that describes one cell type; loaded from models/params/*.yaml.
struct CellParams {
  std::string name;
  std::string chemistry;
  std::vector<std::string> sources;  // where the numbers come from
  double capacity_ah{0.0};
  VoltageLimits voltage;
  OcvParams ocv;
  ImpedanceParams impedance;
  ThermalParams thermal;
  SelfDischargeParams self_discharge;
  AgingParams aging;
};

// Loads and validates a cell parameter file; refuses unknown keys, missing
// fields, non-monotonic axes and impossible values with InputError (file:line:col).
CellParams load_cell_params(const std::string& path);
// The same, reading through `files` (common/source_files.h).
CellParams load_cell_params(const std::string& path, SourceFiles& files);

}  // namespace packsim::models

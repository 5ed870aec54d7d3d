// Strict loader for cell parameter files (models/params/*.yaml); the schema is
// documented field by field in models/params/lfp_a123_26650.yaml.
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/yaml_reader.h"
#include "models/cell/cell_params.h"
#include "models/pack/plant_limits.h"

namespace packsim::models {

namespace {

constexpr double kMinTempC = kMinTemperatureC;
constexpr double kMaxTempC = kMaxTemperatureC;
constexpr double kMaxCellV = kMaxCellVoltageV;
// dU/dT of real cells is below 1 mV/K; 5 mV/K catches values typed in mV/K.
constexpr double kMaxEntropicVPerK = 0.005;

// Physical limits of the aging and leakage laws. Within them every law stays
// finite over the whole -60..120 degC range and any run the clock allows;
// beyond them a value is a typo (a percentage for a fraction, a J for a kJ),
// and a run would drive its cells below SOC 0 or their capacity below zero.
//
// Self-discharge: lithium-ion cells lose 1-5 % a month (0.03-0.17 %/day) and
// NiMH, the leakiest rechargeable, up to 3 %/day. 5 %/day is beyond any cell
// that is not faulty; a faulty one is a WeakCell or InternalShort fault.
constexpr double kMaxSelfDischargePerDay = 0.05;
// Calendar fade k sqrt(days): published cells lose at most ~20 %/year stored full
// at 60 degC (k ~ 0.01). 0.1 loses all capacity in 100 days at the reference conditions.
constexpr double kMaxCalendarLossPerSqrtDay = 0.1;
// Degradation and transport processes of lithium-ion cells have activation
// energies of 20-100 kJ/mol; 200 kJ/mol keeps exp(Ea / R (1/T - 1/Tref)) finite
// (below 1e15) over -60..120 degC, where a typo of 1e308 makes it infinite.
constexpr double kMaxActivationEnergyJPerMol = 2.0e5;
// Charge that plates cannot exceed the charge in excess of the onset.
constexpr double kMaxPlatingPerExcessAh = 1.0;

NumberRange activation_energy_range() { return NumberRange::closed(0.0, kMaxActivationEnergyJPerMol); }

NumberRange temperature_range() { return NumberRange::closed(kMinTempC, kMaxTempC); }
NumberRange fraction_range() { return NumberRange::closed(0.0, 1.0); }

std::string text(const YamlObject& object, const std::string& key) {
  std::string value = object.string(key);
  if (value.empty()) {
    object.fail_at(key, "expected non-empty text");
  }
  return value;
}

// Interpolation needs a strictly increasing axis; the error names the element that breaks it.
void require_strictly_increasing(const YamlObject& object, const std::string& key, const std::vector<double>& axis) {
  for (std::size_t i = 1; i < axis.size(); ++i) {
    if (!(axis[i] > axis[i - 1])) {
      object.fail_at_element(key, i,
                             format_number(axis[i]) + " is not above the previous value " + format_number(axis[i - 1]) +
                                 "; the axis must be strictly increasing");
    }
  }
}

void require_non_decreasing(const YamlObject& object, const std::string& key, const std::vector<double>& values) {
  for (std::size_t i = 1; i < values.size(); ++i) {
    if (values[i] < values[i - 1]) {
      object.fail_at_element(key, i,
                             format_number(values[i]) + " is below the previous value " + format_number(values[i - 1]) +
                                 "; OCV must not fall as SOC rises");
    }
  }
}

// One entry per axis point; a surplus points at the first entry too many, a shortfall at the list.
void require_count(const YamlObject& object, const std::string& key, std::size_t count, std::size_t expected,
                   const std::string& entries, const std::string& axis) {
  if (count == expected) {
    return;
  }
  const std::string message = "has " + std::to_string(count) + " " + entries + ", expected " +
                              std::to_string(expected) + " (one per '" + axis + "' point)";
  if (count > expected) {
    object.fail_at_element(key, expected, message);
  }
  object.fail_at(key, message);
}

// A table over ocv.soc (Table1d with x = that axis).
Table1d read_soc_table(const YamlObject& ocv, const std::string& key, const std::vector<double>& soc,
                       NumberRange range) {
  std::vector<double> values = ocv.numbers(key, 1, range);
  require_count(ocv, key, values.size(), soc.size(), "values", "soc");
  return Table1d{soc, std::move(values)};
}

// One branch value table over impedance.soc x impedance.temp_c, stored row-major; all > 0.
Table2d read_branch_table(const YamlObject& impedance, const std::string& key, const std::vector<double>& soc,
                          const std::vector<double>& temp_c) {
  const std::vector<std::vector<double>> rows = impedance.rows(key, NumberRange::positive());
  require_count(impedance, key, rows.size(), soc.size(), "rows", "soc");
  // rows() has already made every row as long as the first; only that common width is left.
  if (rows.front().size() != temp_c.size()) {
    impedance.fail_at_element(key, 0,
                              "row has " + std::to_string(rows.front().size()) + " values, expected " +
                                  std::to_string(temp_c.size()) + " (one per 'temp_c' point)");
  }
  Table2d table{soc, temp_c, {}};
  table.values.reserve(soc.size() * temp_c.size());
  for (const auto& row : rows) {
    table.values.insert(table.values.end(), row.begin(), row.end());
  }
  return table;
}

VoltageLimits read_voltage(const YamlObject& voltage) {
  const NumberRange cell_v{0.0, kMaxCellV, true};
  VoltageLimits limits;
  limits.max_v = voltage.number("max_v", cell_v);
  limits.min_v = voltage.number("min_v", cell_v);
  limits.nominal_v = voltage.number("nominal_v", cell_v);
  if (!(limits.min_v < limits.nominal_v && limits.nominal_v < limits.max_v)) {
    voltage.fail_at("nominal_v", format_number(limits.nominal_v) + " must lie strictly between min_v " +
                                     format_number(limits.min_v) + " and max_v " + format_number(limits.max_v));
  }
  voltage.finish();
  return limits;
}

OcvParams read_ocv(const YamlObject& ocv) {
  OcvParams params;
  params.reference_temp_c = ocv.number("reference_temp_c", temperature_range());
  const std::vector<double> soc = ocv.numbers("soc", 2, fraction_range());
  require_strictly_increasing(ocv, "soc", soc);
  // The model reads OCV at any SOC from empty to full; clamping would hide a short axis.
  if (soc.front() != 0.0) {
    ocv.fail_at_element("soc", 0, "must start at 0 (empty)");
  }
  if (soc.back() != 1.0) {
    ocv.fail_at_element("soc", soc.size() - 1, "must end at 1 (full)");
  }
  params.ocv_v = read_soc_table(ocv, "ocv_v", soc, NumberRange{0.0, kMaxCellV, true});
  require_non_decreasing(ocv, "ocv_v", params.ocv_v.y);
  params.entropic_v_per_k = read_soc_table(ocv, "entropic_v_per_k", soc, {});
  for (std::size_t i = 0; i < params.entropic_v_per_k.y.size(); ++i) {
    if (std::abs(params.entropic_v_per_k.y[i]) >= kMaxEntropicVPerK) {
      ocv.fail_at_element("entropic_v_per_k", i,
                          format_number(params.entropic_v_per_k.y[i]) + " is out of range; |dU/dT| must be < " +
                              format_number(kMaxEntropicVPerK) + " V/K");
    }
  }
  params.hysteresis_v = read_soc_table(ocv, "hysteresis_v", soc, NumberRange::non_negative());
  params.hysteresis_rate = ocv.number("hysteresis_rate", NumberRange::non_negative());
  ocv.finish();
  return params;
}

ImpedanceParams read_impedance(const YamlObject& impedance) {
  ImpedanceParams params;
  params.activation_energy_j_per_mol = impedance.number("activation_energy_j_per_mol", activation_energy_range());
  const std::vector<double> soc = impedance.numbers("soc", 1, fraction_range());
  require_strictly_increasing(impedance, "soc", soc);
  const std::vector<double> temp_c = impedance.numbers("temp_c", 1, temperature_range());
  require_strictly_increasing(impedance, "temp_c", temp_c);
  params.r0_ohm = read_branch_table(impedance, "r0_ohm", soc, temp_c);
  params.r1_ohm = read_branch_table(impedance, "r1_ohm", soc, temp_c);
  params.c1_f = read_branch_table(impedance, "c1_f", soc, temp_c);
  params.r2_ohm = read_branch_table(impedance, "r2_ohm", soc, temp_c);
  params.c2_f = read_branch_table(impedance, "c2_f", soc, temp_c);
  impedance.finish();
  return params;
}

ThermalParams read_thermal(const YamlObject& thermal) {
  ThermalParams params;
  params.heat_capacity_j_per_k = thermal.number("heat_capacity_j_per_k", NumberRange::positive());
  params.ambient_conductance_w_per_k = thermal.number("ambient_conductance_w_per_k", NumberRange::non_negative());
  thermal.finish();
  return params;
}

SelfDischargeParams read_self_discharge(const YamlObject& self_discharge) {
  SelfDischargeParams params;
  params.fraction_per_day =
      self_discharge.number("fraction_per_day", NumberRange::closed(0.0, kMaxSelfDischargePerDay));
  params.reference_temp_c = self_discharge.number("reference_temp_c", temperature_range());
  params.activation_energy_j_per_mol = self_discharge.number("activation_energy_j_per_mol", activation_energy_range());
  self_discharge.finish();
  return params;
}

CalendarAgingParams read_calendar(const YamlObject& calendar) {
  CalendarAgingParams params;
  params.loss_per_sqrt_day =
      calendar.number("loss_per_sqrt_day", NumberRange::closed(0.0, kMaxCalendarLossPerSqrtDay));
  params.reference_temp_c = calendar.number("reference_temp_c", temperature_range());
  params.reference_soc = calendar.number("reference_soc", fraction_range());
  params.activation_energy_j_per_mol = calendar.number("activation_energy_j_per_mol", activation_energy_range());
  params.soc_stress = calendar.number("soc_stress", NumberRange::non_negative());
  calendar.finish();
  return params;
}

CycleAgingParams read_cycle(const YamlObject& cycle) {
  CycleAgingParams params;
  params.prefactor_b = cycle.number("prefactor_b", NumberRange::non_negative());
  params.activation_energy_j_per_mol = cycle.number("activation_energy_j_per_mol", activation_energy_range());
  // Multiplied by the C-rate (up to 10C) in the same exponent as the activation energy.
  params.c_rate_coefficient_j_per_mol =
      cycle.number("c_rate_coefficient_j_per_mol", NumberRange::closed(0.0, kMaxActivationEnergyJPerMol / 10.0));
  params.throughput_exponent_z = cycle.number("throughput_exponent_z", NumberRange::positive());
  params.reference_capacity_ah = cycle.number("reference_capacity_ah", NumberRange::positive());
  cycle.finish();
  return params;
}

PlatingParams read_plating(const YamlObject& plating) {
  PlatingParams params;
  params.onset_c_rate_at_reference = plating.number("onset_c_rate_at_reference", NumberRange::positive());
  params.reference_temp_c = plating.number("reference_temp_c", temperature_range());
  params.activation_energy_j_per_mol = plating.number("activation_energy_j_per_mol", activation_energy_range());
  // onset scales by (1 - soc_sensitivity * SOC): above 1 it would turn negative when full.
  params.soc_sensitivity = plating.number("soc_sensitivity", fraction_range());
  params.rate_per_excess_ah = plating.number("rate_per_excess_ah", NumberRange::closed(0.0, kMaxPlatingPerExcessAh));
  params.irreversible_fraction = plating.number("irreversible_fraction", fraction_range());
  plating.finish();
  return params;
}

AgingParams read_aging(const YamlObject& aging) {
  AgingParams params;
  params.calendar = read_calendar(aging.child("calendar"));
  params.cycle = read_cycle(aging.child("cycle"));
  const YamlObject resistance = aging.child("resistance_growth");
  params.resistance.per_capacity_loss = resistance.number("per_capacity_loss", NumberRange::non_negative());
  resistance.finish();
  params.plating = read_plating(aging.child("plating"));
  aging.finish();
  return params;
}

}  // namespace

CellParams load_cell_params(const std::string& path) {
  SourceFiles files{SourceFiles::disk()};
  return load_cell_params(path, files);
}

CellParams load_cell_params(const std::string& path, SourceFiles& files) {
  const YamlObject root = YamlObject::load_file(path, files);
  CellParams cell;
  cell.name = text(root, "name");
  cell.chemistry = text(root, "chemistry");
  cell.sources = root.strings("sources");
  cell.capacity_ah = root.number("capacity_ah", NumberRange::positive());
  cell.voltage = read_voltage(root.child("voltage"));
  cell.ocv = read_ocv(root.child("ocv"));
  cell.impedance = read_impedance(root.child("impedance"));
  cell.thermal = read_thermal(root.child("thermal"));
  cell.self_discharge = read_self_discharge(root.child("self_discharge"));
  cell.aging = read_aging(root.child("aging"));
  root.finish();
  return cell;
}

}  // namespace packsim::models

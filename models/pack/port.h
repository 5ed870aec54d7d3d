#pragma once

#include <string>
#include <variant>

#include "models/pack/power_path.h"

namespace packsim::models {

// What is connected to the pack terminals. Current is positive out of the pack
// (discharge); every model below is solved in closed form against the pack's
// linear Thevenin view V = E - Z I over one step.
struct OpenCircuit {};
struct ConstantCurrent {
  double current_a{0.0};  // > 0 discharge, < 0 charge
};
struct ConstantPower {
  double power_w{0.0};  // > 0 discharge, < 0 charge
};
struct ResistiveLoad {
  double resistance_ohm{1.0};
};
// A charger: constant current until the terminal reaches voltage_v, then constant voltage.
// It only sources current (a charger cannot discharge the pack).
struct CcCvCharger {
  double max_current_a{0.0};
  double voltage_v{0.0};
};
// A stiff source behind a resistance: a lab supply, an oversized charger or an
// inverter's DC bus. Current flows either way.
struct VoltageSource {
  double voltage_v{0.0};
  double internal_resistance_ohm{0.0};
};

// A bench power supply: constant voltage at its output terminals with a current
// limit (it crosses over to constant current at the limit), behind the resistance
// of its leads. Like most bench supplies it only sources current: with the pack
// above its set voltage nothing flows, and its open terminals sit at that voltage.
struct LabSupply {
  double voltage_v{0.0};
  double current_limit_a{0.0};
  double lead_resistance_ohm{0.0};
};

using PortModel =
    std::variant<OpenCircuit, ConstantCurrent, ConstantPower, ResistiveLoad, CcCvCharger, VoltageSource, LabSupply>;

struct PortSolution {
  double current_a{0.0};
  // Voltage at the load's terminals (the PACK pins). Equal to the pack terminal
  // voltage less the FETs' drop while current flows; with no current it is what
  // the load holds the terminals at on its own (0 V for a passive load, the set
  // voltage of a charger or source).
  // The load asked for more than the pack can give (constant power beyond the
  // maximum power point): it gets the maximum power point instead.
  bool limited{false};
  double load_voltage_v{0.0};
};

// Solves the port against a source of open-circuit voltage e_v and resistance z_ohm (> 0).
PortSolution solve_port(const PortModel& port, double e_v, double z_ohm);

// The same through the protection FETs: a closed path adds their on-resistance;
// a FET that is open conducts only through its body diode, in its direction.
PortSolution solve_port(const PortModel& port, double e_v, double z_ohm, const PowerPath& path);

// Voltage the load holds its terminals at when no current flows.
double idle_load_voltage_v(const PortModel& port);

std::string describe(const PortModel& port);

}  // namespace packsim::models

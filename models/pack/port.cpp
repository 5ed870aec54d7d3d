#include "models/pack/port.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace packsim::models {

namespace {
template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::string format(const char* pattern, double a, double b = 0.0, double c = 0.0) {
  char text[96];
  std::snprintf(text, sizeof text, pattern, a, b, c);
  return text;
}
}  // namespace

PortSolution solve_port(const PortModel& port, double e_v, double z_ohm) {
  return std::visit(
      Overloaded{
          [](const OpenCircuit&) { return PortSolution{}; },
          [](const ConstantCurrent& cc) { return PortSolution{cc.current_a, false}; },
          [&](const ConstantPower& cp) {
            // V I = P with V = E - Z I: Z I^2 - E I + P = 0; the root near P / E is the
            // stable operating point. Written as 2P / (E + sqrt(.)) to stay exact as Z -> 0.
            const double discriminant = e_v * e_v - 4.0 * z_ohm * cp.power_w;
            if (discriminant < 0.0 || e_v <= 0.0) {
              // Beyond the maximum power point E^2 / 4Z: the load gets that point.
              return PortSolution{e_v > 0.0 ? e_v / (2.0 * z_ohm) : 0.0, true};
            }
            return PortSolution{2.0 * cp.power_w / (e_v + std::sqrt(discriminant)), false};
          },
          [&](const ResistiveLoad& load) { return PortSolution{e_v / (z_ohm + load.resistance_ohm), false}; },
          [&](const CcCvCharger& charger) {
            const double to_reach_voltage = (charger.voltage_v - e_v) / z_ohm;  // charge current for V = Vset
            return PortSolution{-std::clamp(to_reach_voltage, 0.0, charger.max_current_a), false};
          },
          [&](const VoltageSource& source) {
            return PortSolution{(e_v - source.voltage_v) / (z_ohm + source.internal_resistance_ohm), false};
          },
          [&](const LabSupply& supply) {
            // CV: E + (Z + R_leads) I_charge = V_set; at the limit, CC; never a sink.
            const double to_hold_voltage = (supply.voltage_v - e_v) / (z_ohm + supply.lead_resistance_ohm);
            return PortSolution{-std::clamp(to_hold_voltage, 0.0, supply.current_limit_a), false};
          },
      },
      port);
}

double idle_load_voltage_v(const PortModel& port) {
  return std::visit(Overloaded{
                        [](const CcCvCharger& charger) { return charger.voltage_v; },
                        [](const VoltageSource& source) { return source.voltage_v; },
                        [](const LabSupply& supply) { return supply.voltage_v; },
                        [](const auto&) { return 0.0; },
                    },
                    port);
}

PortSolution solve_port(const PortModel& port, double e_v, double z_ohm, const PowerPath& path) {
  const double z_path = z_ohm + path.fet_on_resistance_ohm;
  PortSolution solution{};
  if (path.charge_fet_on && path.discharge_fet_on) {
    solution = solve_port(port, e_v, z_path);
    solution.load_voltage_v = e_v - z_path * solution.current_a;
    return solution;
  }
  if (!path.charge_fet_on && !path.discharge_fet_on) {
    solution.load_voltage_v = idle_load_voltage_v(port);
    return solution;
  }
  // One FET open: current flows only in its body diode's direction, and the diode's
  // drop sits between the cells and the load.
  const bool discharge_only = !path.charge_fet_on;
  const double drop_v = discharge_only ? path.body_diode_drop_v : -path.body_diode_drop_v;
  solution = solve_port(port, e_v - drop_v, z_path);
  const bool flows = discharge_only ? solution.current_a > 0.0 : solution.current_a < 0.0;
  if (!flows) {
    return PortSolution{0.0, false, idle_load_voltage_v(port)};
  }
  solution.load_voltage_v = e_v - drop_v - z_path * solution.current_a;
  return solution;
}

std::string describe(const PortModel& port) {
  return std::visit(Overloaded{
                        [](const OpenCircuit&) { return std::string("open circuit"); },
                        [](const ConstantCurrent& cc) { return format("constant current %.6g A", cc.current_a); },
                        [](const ConstantPower& cp) { return format("constant power %.6g W", cp.power_w); },
                        [](const ResistiveLoad& r) { return format("resistive load %.6g ohm", r.resistance_ohm); },
                        [](const CcCvCharger& c) {
                          return format("CC-CV charger %.6g A / %.6g V", c.max_current_a, c.voltage_v);
                        },
                        [](const VoltageSource& s) {
                          return format("voltage source %.6g V behind %.6g ohm", s.voltage_v, s.internal_resistance_ohm);
                        },
                        [](const LabSupply& s) {
                          return format("lab supply %.6g V, limit %.6g A, leads %.6g ohm", s.voltage_v,
                                        s.current_limit_a, s.lead_resistance_ohm);
                        },
                    },
                    port);
}

}  // namespace packsim::models

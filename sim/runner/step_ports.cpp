#include "sim/runner/step_ports.h"

#include <type_traits>

namespace packsim::runner {

namespace {

double drive_current_a(const scenario::Drive& drive, double nominal_capacity_ah) {
  return drive.kind == scenario::DriveKind::kCRate ? drive.value * nominal_capacity_ah : drive.value;
}

}  // namespace

models::PortModel discharge_port(const scenario::Discharge& step, double nominal_capacity_ah) {
  switch (step.drive.kind) {
    case scenario::DriveKind::kPower: return models::ConstantPower{step.drive.value};
    case scenario::DriveKind::kResistance: return models::ResistiveLoad{step.drive.value};
    default: return models::ConstantCurrent{drive_current_a(step.drive, nominal_capacity_ah)};
  }
}

models::PortModel charge_port(const scenario::Charge& step, double nominal_capacity_ah, int series) {
  if (step.drive.kind == scenario::DriveKind::kPower) {
    return models::ConstantPower{-step.drive.value};  // the port has no CC-CV at constant power
  }
  const double current_a{drive_current_a(step.drive, nominal_capacity_ah)};
  if (step.voltage_limit_cell_v) {
    return models::CcCvCharger{current_a, *step.voltage_limit_cell_v * series};
  }
  return models::ConstantCurrent{-current_a};
}

models::PortModel device_port(const scenario::Device& device) {
  return std::visit(
      [](const auto& d) -> models::PortModel {
        using T = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<T, scenario::Charger>) {
          return models::CcCvCharger{d.current_a, d.voltage_v};
        } else if constexpr (std::is_same_v<T, scenario::LabSupply>) {
          return models::LabSupply{d.voltage_v, d.current_limit_a, d.resistance_ohm};
        } else if constexpr (std::is_same_v<T, scenario::Load>) {
          switch (d.kind) {
            case scenario::LoadKind::kCurrent: return models::ConstantCurrent{d.value};
            case scenario::LoadKind::kPower: return models::ConstantPower{d.value};
            case scenario::LoadKind::kResistance: break;
          }
          return models::ResistiveLoad{d.value};
        } else {
          return models::ConstantCurrent{d.peak_a};
        }
      },
      device);
}

}  // namespace packsim::runner

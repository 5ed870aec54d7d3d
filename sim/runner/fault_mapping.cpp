#include "sim/runner/fault_mapping.h"

#include <stdexcept>
#include <type_traits>

namespace packsim::runner {

namespace {

// The cell input (1-based VC pin) whose top is series group `group`'s top.
int top_pin_of_group(const afe::AfeWiring& wiring, int group) {
  int pin{-1};
  for (std::size_t i = 0; i < afe::kCellInputs; ++i) {
    if (wiring.vc_group[i] == group) pin = static_cast<int>(i) + 1;
  }
  if (pin < 0) throw std::runtime_error{"fault: series group " + std::to_string(group + 1) + " is not wired"};
  return pin;
}

afe::AdcChannel channel_of(const scenario::StuckAdc& stuck, const afe::AfeWiring& wiring, int parallel) {
  using scenario::AdcSource;
  switch (stuck.source) {
    case AdcSource::kCell: {
      const int pin{top_pin_of_group(wiring, stuck.cell_index / std::max(parallel, 1))};
      return static_cast<afe::AdcChannel>(static_cast<int>(afe::AdcChannel::kCell1) + pin - 1);
    }
    case AdcSource::kStack: return afe::AdcChannel::kStack;
    case AdcSource::kPack: return afe::AdcChannel::kPack;
    case AdcSource::kLd: return afe::AdcChannel::kLd;
    case AdcSource::kCurrent: return afe::AdcChannel::kCurrent;
    // Thermistor pins in register order: CFETOFF, DFETOFF, ALERT, TS1, TS2, TS3...
    case AdcSource::kTs1: return static_cast<afe::AdcChannel>(static_cast<int>(afe::AdcChannel::kPin0) + 3);
    case AdcSource::kTs2: return static_cast<afe::AdcChannel>(static_cast<int>(afe::AdcChannel::kPin0) + 4);
    case AdcSource::kTs3: return static_cast<afe::AdcChannel>(static_cast<int>(afe::AdcChannel::kPin0) + 5);
    case AdcSource::kDieTemp: return afe::AdcChannel::kDieTemp;
  }
  return afe::AdcChannel::kStack;
}

}  // namespace

RigFault to_rig_fault(const scenario::Fault& fault, const afe::AfeWiring& wiring, int parallel) {
  return std::visit(
      [&](const auto& f) -> RigFault {
        using T = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<T, models::InternalShort> || std::is_same_v<T, models::OpenTab> ||
                      std::is_same_v<T, models::WeakCell>) {
          return models::PlantFault{f};
        } else if constexpr (std::is_same_v<T, scenario::OpenWire>) {
          // Tap 0 is the bottom of the stack (VC0); tap k the top of group k.
          const int pin{f.tap == 0 ? 0 : top_pin_of_group(wiring, f.tap - 1)};
          return afe::AfeFault{afe::OpenSenseWire{.pin = pin}};
        } else if constexpr (std::is_same_v<T, scenario::StuckAdc>) {
          return afe::AfeFault{afe::StuckAdcChannel{channel_of(f, wiring, parallel)}};
        } else if constexpr (std::is_same_v<T, scenario::NtcOpen>) {
          return afe::AfeFault{afe::NtcOpen{static_cast<std::size_t>(2 + f.ts)}};
        } else if constexpr (std::is_same_v<T, scenario::NtcShort>) {
          return afe::AfeFault{afe::NtcShort{static_cast<std::size_t>(2 + f.ts)}};
        } else if constexpr (std::is_same_v<T, scenario::I2cErrors>) {
          return afe::AfeFault{afe::I2cBusErrors{f.nack_probability, f.corrupt_probability}};
        } else {
          return afe::AfeFault{afe::BrownOut{f.duration_ns}};
        }
      },
      fault);
}

afe::AfeFaultKind to_afe_fault_kind(scenario::FaultKind kind) {
  switch (kind) {
    case scenario::FaultKind::kOpenWire: return afe::AfeFaultKind::kOpenSenseWire;
    case scenario::FaultKind::kStuckAdc: return afe::AfeFaultKind::kStuckAdcChannel;
    case scenario::FaultKind::kNtcOpen: return afe::AfeFaultKind::kNtcOpen;
    case scenario::FaultKind::kNtcShort: return afe::AfeFaultKind::kNtcShort;
    case scenario::FaultKind::kI2cErrors: return afe::AfeFaultKind::kI2cBusErrors;
    case scenario::FaultKind::kBrownout: return afe::AfeFaultKind::kBrownOut;
    default: break;
  }
  throw std::logic_error{"to_afe_fault_kind: a plant fault"};
}

models::PlantFaultKind to_plant_fault_kind(scenario::FaultKind kind) {
  switch (kind) {
    case scenario::FaultKind::kInternalShort: return models::PlantFaultKind::kInternalShort;
    case scenario::FaultKind::kOpenTab: return models::PlantFaultKind::kOpenTab;
    case scenario::FaultKind::kWeakCell: return models::PlantFaultKind::kWeakCell;
    default: break;
  }
  throw std::logic_error{"to_plant_fault_kind: an AFE fault"};
}

}  // namespace packsim::runner

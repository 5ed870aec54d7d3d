#pragma once

// Faults a scenario injects: the plant's (models/pack/pack_fault.h, used as
// they are, cells 0-based) and the AFE's, in the terms a user writes them
// (cell numbers, TS pins). The runner maps AFE faults to afe::AfeFault through
// the rig's wiring, which knows which VC input and thermistor pin a cell uses.

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

#include "models/pack/pack_fault.h"
#include "sim/clock/virtual_clock.h"

namespace packsim::scenario {

// A broken sense wire. Taps are numbered as the cells: tap k is the wire
// between cell k and cell k + 1 (the top of cell k), tap 0 the bottom of cell 1.
struct OpenWire {
  int tap{1};
};

enum class AdcSource : std::uint8_t { kCell, kStack, kPack, kLd, kCurrent, kTs1, kTs2, kTs3, kDieTemp };

// An ADC result frozen at its last value.
struct StuckAdc {
  AdcSource source{AdcSource::kCell};
  int cell_index{0};  // kCell only, 0-based
};

// A thermistor on TS1..TS3 disconnected or shorted.
struct NtcOpen {
  int ts{1};  // 1..3, the pin's name
};
struct NtcShort {
  int ts{1};
};

// A noisy I2C bus between the MCU and the AFE (probabilities per byte, 0..1).
struct I2cErrors {
  double nack_probability{0.0};
  double corrupt_probability{0.0};
};

// The AFE's supply dips: it goes silent, then boots with its defaults.
struct Brownout {
  sim::TimeNs duration_ns{10 * sim::kNsPerMs};
};

using Fault = std::variant<models::InternalShort, models::OpenTab, models::WeakCell, OpenWire, StuckAdc, NtcOpen,
                           NtcShort, I2cErrors, Brownout>;

// In Fault's order: FaultKind{fault.index()}.
enum class FaultKind : std::uint8_t {
  kInternalShort,
  kOpenTab,
  kWeakCell,
  kOpenWire,
  kStuckAdc,
  kNtcOpen,
  kNtcShort,
  kI2cErrors,
  kBrownout,
};
inline constexpr int kFaultKindCount{9};

constexpr FaultKind kind_of(const Fault& fault) { return static_cast<FaultKind>(fault.index()); }
constexpr bool is_plant_fault(FaultKind kind) { return kind <= FaultKind::kWeakCell; }

// "internal_short", "open_wire"... as written in scenarios.
std::string_view fault_kind_name(FaultKind kind);
std::optional<FaultKind> find_fault_kind(std::string_view name);

}  // namespace packsim::scenario

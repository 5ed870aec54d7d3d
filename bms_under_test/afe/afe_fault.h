#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "bms_under_test/afe/adc.h"
#include "sim/clock/virtual_clock.h"

namespace packsim::afe {

// Faults on the chip's side of its pins, injectable at any time and each
// clearable. The plant's own faults (internal short, open tab...) live in models/.

// A broken sense wire to cell input pin VC`pin` (0..16). The pin floats on its
// filter capacitor, which the input and open-wire-check currents slowly
// discharge (datasheet 12.11): the cell below the pin reads low and drifts down,
// the cell above reads high by the same amount.
struct OpenSenseWire {
  int pin{1};
  double drift_v_per_s{0.02};  // judgement: ~0.2 uF filter cap, ~5 uA leakage
};

// An ADC channel whose result stays frozen at its last value.
struct StuckAdcChannel {
  AdcChannel channel{AdcChannel::kCell1};
};

// Thermistor on a multifunction pin (register order, 3 = TS1) disconnected or shorted.
struct NtcOpen {
  std::size_t pin{3};
};
struct NtcShort {
  std::size_t pin{3};
};

// A noisy I2C bus: each byte the host sends is NACKed with nack_probability,
// and each byte crossing the bus is corrupted (one bit flipped) with
// corrupt_probability. Drawn from the chip's seed: the same seed gives the
// same errors.
struct I2cBusErrors {
  double nack_probability{0.0};
  double corrupt_probability{0.0};
};

// The supply dips below the power-on-reset threshold for duration_ns: the chip
// goes silent (address NACK, FETs off), then boots with its defaults.
struct BrownOut {
  sim::TimeNs duration_ns{10 * sim::kNsPerMs};
};

using AfeFault = std::variant<OpenSenseWire, StuckAdcChannel, NtcOpen, NtcShort, I2cBusErrors, BrownOut>;

enum class AfeFaultKind : std::uint8_t { kOpenSenseWire, kStuckAdcChannel, kNtcOpen, kNtcShort, kI2cBusErrors, kBrownOut };

constexpr AfeFaultKind kind_of(const AfeFault& fault) { return static_cast<AfeFaultKind>(fault.index()); }

std::string_view describe(AfeFaultKind kind);

}  // namespace packsim::afe

#pragma once

#include <array>
#include <cstddef>
#include <limits>

namespace packsim::afe {

inline constexpr std::size_t kCellInputs{16};  // VC1..VC16 differential inputs
// Multifunction pins that can bias a thermistor, in register order (TRM 12.x,
// 0x6A..0x7A): CFETOFF, DFETOFF, ALERT, TS1, TS2, TS3, HDQ, DCHG, DDSG.
inline constexpr std::size_t kThermistorPins{9};
inline constexpr std::size_t kTs1Pin{3};
inline constexpr std::size_t kTs2Pin{4};
inline constexpr std::size_t kTs3Pin{5};

// The true electrical quantities at the chip's pins at one instant, before
// anything the chip does to them (ADC errors, faults on its own side). The
// plant coupling computes these from a models::PackState; tests set them directly.
struct AnalogInputs {
  // VC(k) - VC(k-1), k = 1..16: cell 1 is the most negative. Inputs shorted to
  // their neighbour (Vcell Mode leaves them out) read 0 V.
  std::array<double, kCellInputs> cell_v{};
  double stack_v{0.0};  // VC16 (top of stack) to VSS; also the BAT supply
  double pack_v{0.0};   // PACK pin: the load side of the FETs
  double ld_v{0.0};     // LD pin: follows PACK+ through the board's resistor
  // SRP - SRN across the sense resistor. Positive while charging, as on the
  // real board (datasheet 10.3: a charging current makes SRP positive).
  double sense_v{0.0};
  // Body temperature of the NTC on each thermistor-capable pin (the pin's
  // configuration decides whether the chip measures it).
  std::array<double, kThermistorPins> pin_temp_c{25.0, 25.0, 25.0, 25.0, 25.0, 25.0, 25.0, 25.0, 25.0};
  double die_temp_c{25.0};
  // Impedance the LD pin's load-detect current source sees beyond PACK+
  // (infinite when the load is removed). Only the latch recoveries use it.
  double ld_load_ohm{std::numeric_limits<double>::infinity()};
  bool ts2_pulled_low{false};  // a switch from TS2 to VSS (wakes SHUTDOWN)

  bool operator==(const AnalogInputs&) const = default;
};

// The chip's drive outputs.
struct AfeOutputs {
  bool chg_fet_on{false};
  bool dsg_fet_on{false};
  bool pchg_fet_on{false};
  bool pdsg_fet_on{false};
  unsigned balancing_mask{0};  // bit k-1: balancing switch across cell input k
  bool alert_pin{false};
};

}  // namespace packsim::afe

#pragma once

// Physical quantities as scenario files write them: a number, then its unit.
//
//   "2.5 V"  "2500 mV"  "10 A"  "250 mA"  "100 W"  "1 kW"  "50 mohm"  "1 mΩ"
//   "100 ms"  "1.5 min"  "6 h"  "2 d"  "-10 degC"  "25 °C"  "50 %"  "2.3 Ah"
//   "0.5C"  "1 C"  "C/20"  "0.3 W/K"  "100 A^2s"
//
// Units are case-sensitive ("mV" is not "MV"), and every quantity needs one:
// a bare number is refused, so that "2.5" never silently means volts. Whole
// counts (cell numbers, cycle counts, seeds, CAN identifiers) take no unit and
// go through parse_integer, which also reads 0x hexadecimal.
//
// The "C" rule. "C" alone is both the C-rate unit and the Celsius symbol. The
// quantity that the key or the signal expects decides, never the spacing:
// `c_rate: 1C`, `c_rate: 1 C`, `initial_temp: -10 C` and `max_cell_temp > 50 C`
// all read as meant, and "1C" and "1 C" are the same. This is unambiguous
// because no key and no signal accepts both a temperature and a C-rate (the
// parser refuses such a set outright). Whitespace was rejected as the rule: it
// is invisible in review and easy to get wrong. "degC", "°C" and "℃" always
// mean Celsius and "C/20" always a C-rate, and are the spellings to prefer.
// A "C" where neither is expected is reported as such ("a voltage, got 50 C:
// a temperature or a C-rate").

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "common/yaml_reader.h"
#include "models/pack/plant_limits.h"
#include "sim/clock/virtual_clock.h"

namespace packsim::scenario {

enum class Quantity : std::uint8_t {
  kVoltage,             // V
  kCurrent,             // A
  kCRate,               // multiples of the pack's nominal capacity per hour
  kPower,               // W
  kResistance,          // ohm
  kThermalConductance,  // W/K
  kTime,                // s
  kTemperature,         // degC
  kFraction,            // written in %, held as a fraction (50 % = 0.5)
  kCapacity,            // Ah
  kCurrentSquaredTime,  // A^2 s (an I^2 t budget)
};

// The quantities a key or a signal accepts.
class QuantitySet {
 public:
  constexpr QuantitySet() = default;
  // Implicit: one quantity is a set of one.
  constexpr QuantitySet(Quantity quantity) : bits_{bit(quantity)} {}
  constexpr QuantitySet(std::initializer_list<Quantity> quantities) {
    for (const Quantity quantity : quantities) bits_ |= bit(quantity);
  }
  constexpr bool contains(Quantity quantity) const { return (bits_ & bit(quantity)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }

 private:
  static constexpr std::uint32_t bit(Quantity quantity) { return 1U << static_cast<unsigned>(quantity); }
  std::uint32_t bits_{0};
};

struct QuantityValue {
  Quantity quantity{Quantity::kVoltage};
  // In SI: V, A, C-rate, W, ohm, W/K, s, degC, fraction, Ah, A^2 s.
  double value{0.0};
  std::size_t number_offset{0};  // byte of the number in the scalar's text, for range errors
};

// "a voltage (V, mV, kV)", "a current (A, mA) or a C-rate (1C, C/20)".
std::string describe_expected(QuantitySet accepted);
// The unit values of a quantity are shown in: "V", "%", "degC"...
std::string_view display_unit(Quantity quantity);
// A value in SI shown in its display unit: "2.5 V", "50 %", "-10 degC".
std::string format_quantity(double value, Quantity quantity);

// Parses the whole text of scalar (or bytes [begin, end) of it) as one
// quantity. Errors are InputError at the offending character: the number
// (not a number, not finite), the unit (unknown, wrong quantity), just after
// the number (missing unit), or what follows the unit. `what` names the key or
// signal the value is for.
QuantityValue parse_quantity(const YamlScalar& scalar, QuantitySet accepted, std::string_view what);
QuantityValue parse_quantity(const YamlScalar& scalar, std::size_t begin, std::size_t end, QuantitySet accepted,
                             std::string_view what);

// Refuses a value outside range (in SI), naming the bound in the display unit, at the number.
void check_range(const YamlScalar& scalar, const QuantityValue& value, NumberRange range, std::string_view what);

// Seconds to nanoseconds of virtual time; refuses durations beyond kMaxDurationS.
inline constexpr double kMaxDurationS{models::kMaxSimulatedDurationS};
sim::TimeNs to_time_ns(const YamlScalar& scalar, const QuantityValue& value, std::string_view what);

// A whole number without a unit, decimal or 0x hexadecimal, within [min, max].
std::int64_t parse_integer(const YamlScalar& scalar, std::int64_t min, std::int64_t max, std::string_view what);
std::int64_t parse_integer(const YamlScalar& scalar, std::size_t begin, std::size_t end, std::int64_t min,
                           std::int64_t max, std::string_view what);

// ---- Reading keys of a YAML mapping ----

double read_quantity(const YamlObject& object, const std::string& key, Quantity quantity, NumberRange range = {});
std::optional<double> read_optional_quantity(const YamlObject& object, const std::string& key, Quantity quantity,
                                             NumberRange range = {});
// A duration, range in seconds.
sim::TimeNs read_duration(const YamlObject& object, const std::string& key,
                          NumberRange range = NumberRange::non_negative());
std::optional<sim::TimeNs> read_optional_duration(const YamlObject& object, const std::string& key,
                                                  NumberRange range = NumberRange::non_negative());
std::int64_t read_integer(const YamlObject& object, const std::string& key, std::int64_t min, std::int64_t max);

}  // namespace packsim::scenario

#include "sim/scenario/quantity.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <system_error>

namespace packsim::scenario {

namespace {

struct UnitSpelling {
  std::string_view text;
  Quantity quantity;
  double factor;  // to SI
};

// Every spelling a value may carry. "C" is not here: the expected quantity
// decides what it means (see quantity.h).
constexpr std::array kUnits{
    UnitSpelling{"V", Quantity::kVoltage, 1.0},
    UnitSpelling{"mV", Quantity::kVoltage, 1e-3},
    UnitSpelling{"kV", Quantity::kVoltage, 1e3},
    UnitSpelling{"A", Quantity::kCurrent, 1.0},
    UnitSpelling{"mA", Quantity::kCurrent, 1e-3},
    UnitSpelling{"uA", Quantity::kCurrent, 1e-6},
    UnitSpelling{"\xc2\xb5" "A", Quantity::kCurrent, 1e-6},  // µA (micro sign)
    UnitSpelling{"\xce\xbc" "A", Quantity::kCurrent, 1e-6},  // μA (Greek mu)
    UnitSpelling{"kA", Quantity::kCurrent, 1e3},
    UnitSpelling{"W", Quantity::kPower, 1.0},
    UnitSpelling{"mW", Quantity::kPower, 1e-3},
    UnitSpelling{"kW", Quantity::kPower, 1e3},
    UnitSpelling{"MW", Quantity::kPower, 1e6},
    UnitSpelling{"ohm", Quantity::kResistance, 1.0},
    UnitSpelling{"Ohm", Quantity::kResistance, 1.0},
    UnitSpelling{"\xce\xa9", Quantity::kResistance, 1.0},      // Ω (Greek capital omega)
    UnitSpelling{"\xe2\x84\xa6", Quantity::kResistance, 1.0},  // Ω (ohm sign)
    UnitSpelling{"mohm", Quantity::kResistance, 1e-3},
    UnitSpelling{"mOhm", Quantity::kResistance, 1e-3},
    UnitSpelling{"m\xce\xa9", Quantity::kResistance, 1e-3},
    UnitSpelling{"m\xe2\x84\xa6", Quantity::kResistance, 1e-3},
    UnitSpelling{"uohm", Quantity::kResistance, 1e-6},
    UnitSpelling{"uOhm", Quantity::kResistance, 1e-6},
    UnitSpelling{"\xc2\xb5" "ohm", Quantity::kResistance, 1e-6},
    UnitSpelling{"\xc2\xb5\xce\xa9", Quantity::kResistance, 1e-6},
    UnitSpelling{"kohm", Quantity::kResistance, 1e3},
    UnitSpelling{"kOhm", Quantity::kResistance, 1e3},
    UnitSpelling{"k\xce\xa9", Quantity::kResistance, 1e3},
    UnitSpelling{"k\xe2\x84\xa6", Quantity::kResistance, 1e3},
    UnitSpelling{"Mohm", Quantity::kResistance, 1e6},
    UnitSpelling{"MOhm", Quantity::kResistance, 1e6},
    UnitSpelling{"M\xce\xa9", Quantity::kResistance, 1e6},
    UnitSpelling{"W/K", Quantity::kThermalConductance, 1.0},
    UnitSpelling{"mW/K", Quantity::kThermalConductance, 1e-3},
    UnitSpelling{"ns", Quantity::kTime, 1e-9},
    UnitSpelling{"us", Quantity::kTime, 1e-6},
    UnitSpelling{"\xc2\xb5s", Quantity::kTime, 1e-6},
    UnitSpelling{"\xce\xbcs", Quantity::kTime, 1e-6},
    UnitSpelling{"ms", Quantity::kTime, 1e-3},
    UnitSpelling{"s", Quantity::kTime, 1.0},
    UnitSpelling{"sec", Quantity::kTime, 1.0},
    UnitSpelling{"second", Quantity::kTime, 1.0},
    UnitSpelling{"seconds", Quantity::kTime, 1.0},
    UnitSpelling{"min", Quantity::kTime, 60.0},
    UnitSpelling{"minute", Quantity::kTime, 60.0},
    UnitSpelling{"minutes", Quantity::kTime, 60.0},
    UnitSpelling{"h", Quantity::kTime, 3600.0},
    UnitSpelling{"hr", Quantity::kTime, 3600.0},
    UnitSpelling{"hour", Quantity::kTime, 3600.0},
    UnitSpelling{"hours", Quantity::kTime, 3600.0},
    UnitSpelling{"d", Quantity::kTime, 86400.0},
    UnitSpelling{"day", Quantity::kTime, 86400.0},
    UnitSpelling{"days", Quantity::kTime, 86400.0},
    UnitSpelling{"degC", Quantity::kTemperature, 1.0},
    UnitSpelling{"\xc2\xb0" "C", Quantity::kTemperature, 1.0},  // °C
    UnitSpelling{"\xe2\x84\x83", Quantity::kTemperature, 1.0},  // ℃
    UnitSpelling{"%", Quantity::kFraction, 0.01},
    UnitSpelling{"Ah", Quantity::kCapacity, 1.0},
    UnitSpelling{"mAh", Quantity::kCapacity, 1e-3},
    UnitSpelling{"A^2s", Quantity::kCurrentSquaredTime, 1.0},
    UnitSpelling{"A2s", Quantity::kCurrentSquaredTime, 1.0},
    UnitSpelling{"A\xc2\xb2s", Quantity::kCurrentSquaredTime, 1.0},  // A²s
};

struct QuantityName {
  std::string_view with_article;  // "a voltage"
  std::string_view units;         // the common spellings, for messages
};

constexpr QuantityName name_of(Quantity quantity) {
  switch (quantity) {
    case Quantity::kVoltage: return {"a voltage", "V, mV"};
    case Quantity::kCurrent: return {"a current", "A, mA"};
    case Quantity::kCRate: return {"a C-rate", "e.g. 0.5C, C/20"};
    case Quantity::kPower: return {"a power", "W, kW"};
    case Quantity::kResistance: return {"a resistance", "ohm, mohm"};
    case Quantity::kThermalConductance: return {"a thermal conductance", "W/K"};
    case Quantity::kTime: return {"a duration", "ms, s, min, h, d"};
    case Quantity::kTemperature: return {"a temperature", "degC, \xc2\xb0" "C"};
    case Quantity::kFraction: return {"a percentage", "%"};
    case Quantity::kCapacity: return {"a capacity", "Ah, mAh"};
    case Quantity::kCurrentSquaredTime: return {"an I^2 t", "A^2s"};
  }
  return {"a value", ""};
}

constexpr std::array kAllQuantities{
    Quantity::kVoltage,  Quantity::kCurrent,     Quantity::kCRate,    Quantity::kPower,
    Quantity::kResistance, Quantity::kThermalConductance, Quantity::kTime, Quantity::kTemperature,
    Quantity::kFraction, Quantity::kCapacity,    Quantity::kCurrentSquaredTime,
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string prefix(std::string_view what) { return what.empty() ? std::string{} : "'" + std::string{what} + "': "; }

// Bytes of a decimal number at start ("-1.5e3"), 0 when there is none.
std::size_t number_length(std::string_view text, std::size_t start, std::size_t end) {
  auto at = [&](std::size_t i) -> char { return i < end ? text[i] : '\0'; };
  std::size_t i{start};
  if (at(i) == '+' || at(i) == '-') ++i;
  const bool leading_digit{is_digit(at(i))};
  if (!leading_digit && !(at(i) == '.' && is_digit(at(i + 1)))) return 0;
  while (is_digit(at(i))) ++i;
  if (at(i) == '.' && (leading_digit || is_digit(at(i + 1)))) {
    ++i;
    while (is_digit(at(i))) ++i;
  }
  if (at(i) == 'e' || at(i) == 'E') {
    std::size_t j{i + 1};
    if (at(j) == '+' || at(j) == '-') ++j;
    if (is_digit(at(j))) {
      i = j;
      while (is_digit(at(i))) ++i;
    }
  }
  return i - start;
}

// The next whitespace-delimited word, for messages.
std::string_view word_at(std::string_view text, std::size_t start, std::size_t end) {
  std::size_t stop{start};
  while (stop < end && !is_space(text[stop])) ++stop;
  return text.substr(start, stop - start);
}

std::size_t skip_spaces(std::string_view text, std::size_t i, std::size_t end) {
  while (i < end && is_space(text[i])) ++i;
  return i;
}

double to_double(const YamlScalar& scalar, std::size_t start, std::size_t length, std::string_view what) {
  std::string_view digits{std::string_view{scalar.text()}.substr(start, length)};
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  double value{0.0};
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error == std::errc::result_out_of_range) {
    scalar.fail_at(start, prefix(what) + "'" + std::string{digits} + "' is too large or too small a number");
  }
  if (error != std::errc{} || end != digits.data() + digits.size() || !std::isfinite(value)) {
    scalar.fail_at(start, prefix(what) + "expected a finite number, got '" + std::string{digits} + "'");
  }
  return value;
}

void refuse_trailing(const YamlScalar& scalar, std::size_t i, std::size_t end, std::string_view what) {
  const std::size_t next{skip_spaces(scalar.text(), i, end)};
  if (next < end) {
    scalar.fail_at(next, prefix(what) + "unexpected '" + std::string{word_at(scalar.text(), next, end)} +
                             "' after the value");
  }
}

}  // namespace

std::string describe_expected(QuantitySet accepted) {
  std::string text;
  bool first{true};
  for (const Quantity quantity : kAllQuantities) {
    if (!accepted.contains(quantity)) continue;
    const QuantityName name{name_of(quantity)};
    text += (first ? "" : " or ") + std::string{name.with_article} + " (" + std::string{name.units} + ")";
    first = false;
  }
  return text.empty() ? "a value" : text;
}

std::string_view display_unit(Quantity quantity) {
  switch (quantity) {
    case Quantity::kVoltage: return "V";
    case Quantity::kCurrent: return "A";
    case Quantity::kCRate: return "C";
    case Quantity::kPower: return "W";
    case Quantity::kResistance: return "ohm";
    case Quantity::kThermalConductance: return "W/K";
    case Quantity::kTime: return "s";
    case Quantity::kTemperature: return "degC";
    case Quantity::kFraction: return "%";
    case Quantity::kCapacity: return "Ah";
    case Quantity::kCurrentSquaredTime: return "A^2s";
  }
  return "";
}

std::string format_quantity(double value, Quantity quantity) {
  if (quantity == Quantity::kFraction) return format_number(value * 100.0) + " %";
  if (quantity == Quantity::kCRate) return format_number(value) + "C";
  return format_number(value) + " " + std::string{display_unit(quantity)};
}

QuantityValue parse_quantity(const YamlScalar& scalar, QuantitySet accepted, std::string_view what) {
  return parse_quantity(scalar, 0, scalar.text().size(), accepted, what);
}

QuantityValue parse_quantity(const YamlScalar& scalar, std::size_t begin, std::size_t end, QuantitySet accepted,
                             std::string_view what) {
  if (accepted.contains(Quantity::kTemperature) && accepted.contains(Quantity::kCRate)) {
    // The "C" rule rests on this (quantity.h).
    throw std::logic_error{"parse_quantity: a temperature and a C-rate in one set make 'C' ambiguous"};
  }
  const std::string_view text{scalar.text()};
  end = std::min(end, text.size());
  const std::size_t start{skip_spaces(text, begin, end)};
  const std::string expected{describe_expected(accepted)};
  if (start >= end) {
    scalar.fail_at(start, prefix(what) + "expected " + expected);
  }

  // C/n: a C-rate written as a fraction of one hour's discharge.
  if (text[start] == 'C' && start + 1 < end && text[start + 1] == '/') {
    if (!accepted.contains(Quantity::kCRate)) {
      scalar.fail_at(start, prefix(what) + "expected " + expected + ", got a C-rate '" +
                                std::string{word_at(text, start, end)} + "'");
    }
    const std::size_t digits{start + 2};
    const std::size_t length{number_length(text, digits, end)};
    if (length == 0) {
      scalar.fail_at(digits, prefix(what) + "expected a number after 'C/', e.g. C/20");
    }
    const double divisor{to_double(scalar, digits, length, what)};
    if (!(divisor > 0.0)) {
      scalar.fail_at(digits, prefix(what) + "the divisor of C/" + format_number(divisor) + " must be > 0");
    }
    refuse_trailing(scalar, digits + length, end, what);
    return {Quantity::kCRate, 1.0 / divisor, start};
  }

  const std::size_t length{number_length(text, start, end)};
  if (length == 0) {
    scalar.fail_at(start, prefix(what) + "expected " + expected + ", got '" +
                              std::string{word_at(text, start, end)} + "'");
  }
  if (start + length < end && (text[start + length] == '.' || text[start + length] == ',')) {
    // "1.2.3 h", "1,5 V": a malformed number, not a number and a unit.
    scalar.fail_at(start, prefix(what) + "'" + std::string{word_at(text, start, end)} +
                              "' is not a number (digits with one decimal point)");
  }
  const double number{to_double(scalar, start, length, what)};
  const std::size_t unit_start{skip_spaces(text, start + length, end)};
  if (unit_start >= end) {
    scalar.fail_at(start, prefix(what) + "'" + std::string{text.substr(start, length)} + "' needs a unit: expected " +
                              expected);
  }
  std::size_t unit_end{unit_start};
  while (unit_end < end && !is_space(text[unit_end])) ++unit_end;
  const std::string_view unit{text.substr(unit_start, unit_end - unit_start)};
  const std::string written{std::string{text.substr(start, unit_end - start)}};

  if (unit == "C") {
    Quantity quantity{Quantity::kTemperature};
    if (accepted.contains(Quantity::kCRate)) {
      quantity = Quantity::kCRate;
    } else if (!accepted.contains(Quantity::kTemperature)) {
      scalar.fail_at(unit_start, prefix(what) + "expected " + expected + ", got '" + written +
                                     "' (a temperature or a C-rate)");
    }
    refuse_trailing(scalar, unit_end, end, what);
    return {quantity, number, start};
  }
  for (const UnitSpelling& spelling : kUnits) {
    if (spelling.text != unit) continue;
    if (!accepted.contains(spelling.quantity)) {
      scalar.fail_at(unit_start, prefix(what) + "expected " + expected + ", got " +
                                     std::string{name_of(spelling.quantity).with_article} + " '" + written + "'");
    }
    refuse_trailing(scalar, unit_end, end, what);
    const double value{number * spelling.factor};
    if (!std::isfinite(value)) {
      scalar.fail_at(start, prefix(what) + "'" + written + "' is too large");
    }
    return {spelling.quantity, value, start};
  }
  scalar.fail_at(unit_start, prefix(what) + "unknown unit '" + std::string{unit} + "'; expected " + expected);
}

void check_range(const YamlScalar& scalar, const QuantityValue& value, NumberRange range, std::string_view what) {
  const double v{value.value};
  const Quantity q{value.quantity};
  const bool below{range.min_exclusive ? v <= range.min : v < range.min};
  if (below) {
    scalar.fail_at(value.number_offset, prefix(what) + format_quantity(v, q) + " is not possible here; must be " +
                                            (range.min_exclusive ? "> " : ">= ") + format_quantity(range.min, q));
  }
  const bool above{range.max_exclusive ? v >= range.max : v > range.max};
  if (above) {
    scalar.fail_at(value.number_offset, prefix(what) + format_quantity(v, q) + " is out of range; must be " +
                                            (range.max_exclusive ? "< " : "<= ") + format_quantity(range.max, q));
  }
}

sim::TimeNs to_time_ns(const YamlScalar& scalar, const QuantityValue& value, std::string_view what) {
  check_range(scalar, value, NumberRange::closed(-kMaxDurationS, kMaxDurationS), what);
  return sim::from_seconds(value.value);
}

std::int64_t parse_integer(const YamlScalar& scalar, std::int64_t min, std::int64_t max, std::string_view what) {
  return parse_integer(scalar, 0, scalar.text().size(), min, max, what);
}

std::int64_t parse_integer(const YamlScalar& scalar, std::size_t begin, std::size_t end, std::int64_t min,
                           std::int64_t max, std::string_view what) {
  const std::string_view text{scalar.text()};
  end = std::min(end, text.size());
  const std::size_t start{skip_spaces(text, begin, end)};
  std::size_t stop{start};
  while (stop < end && !is_space(text[stop])) ++stop;
  const std::string_view word{text.substr(start, stop - start)};
  const auto bad = [&]() {
    scalar.fail_at(start, prefix(what) + "expected a whole number" +
                              (word.empty() ? "" : ", got '" + std::string{word} + "'"));
  };
  if (word.empty()) bad();
  std::int64_t value{0};
  std::from_chars_result result{};
  const bool hex{word.size() > 2 && word[0] == '0' && (word[1] == 'x' || word[1] == 'X')};
  if (hex) {
    std::uint64_t unsigned_value{0};
    result = std::from_chars(word.data() + 2, word.data() + word.size(), unsigned_value, 16);
    if (result.ec == std::errc{} &&
        unsigned_value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      result.ec = std::errc::result_out_of_range;
    }
    value = static_cast<std::int64_t>(unsigned_value);
  } else {
    const std::size_t skip{!word.empty() && word.front() == '+' ? std::size_t{1} : std::size_t{0}};
    result = std::from_chars(word.data() + skip, word.data() + word.size(), value, 10);
  }
  if (result.ec == std::errc::result_out_of_range) {
    scalar.fail_at(start, prefix(what) + "'" + std::string{word} + "' is out of range; must be " + std::to_string(min) +
                              ".." + std::to_string(max));
  }
  if (result.ec != std::errc{} || result.ptr != word.data() + word.size()) bad();
  refuse_trailing(scalar, stop, end, what);
  if (value < min || value > max) {
    scalar.fail_at(start, prefix(what) + std::string{word} + " is out of range; must be " + std::to_string(min) + ".." +
                              std::to_string(max));
  }
  return value;
}

double read_quantity(const YamlObject& object, const std::string& key, Quantity quantity, NumberRange range) {
  const YamlScalar scalar{object.scalar(key)};
  const QuantityValue value{parse_quantity(scalar, quantity, key)};
  check_range(scalar, value, range, key);
  return value.value;
}

std::optional<double> read_optional_quantity(const YamlObject& object, const std::string& key, Quantity quantity,
                                             NumberRange range) {
  if (object.kind(key) == YamlObject::Kind::kMissing) {
    return std::nullopt;
  }
  return read_quantity(object, key, quantity, range);
}

sim::TimeNs read_duration(const YamlObject& object, const std::string& key, NumberRange range) {
  const YamlScalar scalar{object.scalar(key)};
  const QuantityValue value{parse_quantity(scalar, Quantity::kTime, key)};
  check_range(scalar, value, range, key);
  return to_time_ns(scalar, value, key);
}

std::optional<sim::TimeNs> read_optional_duration(const YamlObject& object, const std::string& key,
                                                  NumberRange range) {
  if (object.kind(key) == YamlObject::Kind::kMissing) {
    return std::nullopt;
  }
  return read_duration(object, key, range);
}

std::int64_t read_integer(const YamlObject& object, const std::string& key, std::int64_t min, std::int64_t max) {
  return parse_integer(object.scalar(key), min, max, key);
}

}  // namespace packsim::scenario

#include "sim/experiment/experiment_step.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <system_error>
#include <utility>

#include "models/pack/plant_limits.h"

namespace packsim::sim {

namespace {

constexpr std::string_view kVerbs{"expected Discharge, Charge, Rest or Hold"};
constexpr std::string_view kConditionExample{"e.g. 2.5 V, 48 V pack, C/20, 50 mA, SOC 80 % or 45 degC"};
// UTF-8 spellings, compared against the ASCII-lowercased token text.
constexpr std::string_view kDegreeC{"\xc2\xb0" "c"};       // °C
constexpr std::string_view kDegreeSign{"\xc2\xb0"};        // ° alone, as in "45 ° C"
constexpr std::string_view kCelsiusSign{"\xe2\x84\x83"};   // ℃
constexpr std::string_view kOmega{"\xce\xa9"};             // Ω (Greek capital omega)
constexpr std::string_view kOhmSign{"\xe2\x84\xa6"};       // Ω (U+2126 OHM SIGN)

enum class TokenKind { kNumber, kWord, kSlash, kPercent, kOther, kEnd };

struct Token {
  TokenKind kind{TokenKind::kEnd};
  std::string_view text;
  std::string lower;  // ASCII letters lowercased: keywords and units are case-insensitive
  int column{1};      // 1-based, in characters
};

bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
// Non-ASCII bytes join words so that "°C", "Ω" and "mΩ" lex as one unit token.
bool is_word_byte(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80; }

std::string ascii_lower(std::string_view text) {
  std::string out{text};
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Columns count UTF-8 code points (bytes that do not continue a sequence), so a
// caret under "45 °C" lines up in an editor; for ASCII text that is the byte index + 1.
std::vector<int> columns_of(std::string_view text) {
  std::vector<int> columns(text.size() + 1);
  int column{0};
  for (std::size_t i = 0; i < text.size(); ++i) {
    // A continuation byte takes the column of the character it continues.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 || column == 0) ++column;
    columns[i] = column;
  }
  columns[text.size()] = column + 1;
  return columns;
}

std::size_t number_length(std::string_view text, std::size_t start) {
  auto at = [&](std::size_t i) -> unsigned char { return i < text.size() ? static_cast<unsigned char>(text[i]) : 0; };
  std::size_t i = start;
  if (at(i) == '+' || at(i) == '-') ++i;
  const bool leading_digit = is_digit(at(i));
  if (!leading_digit && !(at(i) == '.' && is_digit(at(i + 1)))) return 0;
  while (is_digit(at(i))) ++i;
  if (at(i) == '.' && (leading_digit || is_digit(at(i + 1)))) {
    ++i;
    while (is_digit(at(i))) ++i;
  }
  // An exponent only when digits follow, so "1e" stays a number and a word.
  if (at(i) == 'e' || at(i) == 'E') {
    std::size_t j = i + 1;
    if (at(j) == '+' || at(j) == '-') ++j;
    if (is_digit(at(j))) {
      i = j;
      while (is_digit(at(i))) ++i;
    }
  }
  return i - start;
}

std::vector<Token> lex(std::string_view text) {
  const std::vector<int> columns = columns_of(text);
  std::vector<Token> tokens;
  std::size_t i = 0;
  std::size_t last_end = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (is_space(c)) {
      ++i;
      continue;
    }
    std::size_t length = number_length(text, i);
    TokenKind kind{TokenKind::kNumber};
    if (length == 0) {
      if (is_word_byte(c)) {
        kind = TokenKind::kWord;
        while (i + length < text.size() && is_word_byte(static_cast<unsigned char>(text[i + length]))) ++length;
      } else {
        kind = c == '/' ? TokenKind::kSlash : c == '%' ? TokenKind::kPercent : TokenKind::kOther;
        length = 1;
      }
    }
    const std::string_view piece = text.substr(i, length);
    tokens.push_back(Token{kind, piece, ascii_lower(piece), columns[i]});
    i += length;
    last_end = i;
  }
  // The end sits just past the last token: where the missing piece would go.
  tokens.push_back(Token{TokenKind::kEnd, {}, {}, columns[last_end]});
  return tokens;
}

// Quotes a token for a message; control bytes are escaped so a message stays one line.
std::string quote(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out{"'"};
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += ch;
    }
  }
  return out + "'";
}

std::string format_number(double value) {
  char buffer[64];
  // Shortest text that reads back as the same double, so describe() round-trips.
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

class StepParser {
 public:
  StepParser(std::string_view text, const std::string& origin) : text_{text}, origin_{origin}, tokens_{lex(text)} {}

  ExperimentStep parse() {
    ExperimentStep step;
    step.text = std::string{text_};
    const Token& verb = next();
    if (verb.kind == TokenKind::kEnd) fail(verb, "empty step; " + std::string{kVerbs});
    if (is_word(verb, "discharge")) {
      step.mode = StepMode::kDischarge;
      parse_driven(step, "Discharge");
    } else if (is_word(verb, "charge")) {
      step.mode = StepMode::kCharge;
      parse_driven(step, "Charge");
    } else if (is_word(verb, "rest")) {
      step.mode = StepMode::kRest;
      // Rest has no other way to end that is always reached, so the duration is required.
      if (!is_word(peek(), "for")) fail(peek(), "Rest needs a duration first, e.g. 'Rest for 1 hour'");
    } else if (is_word(verb, "hold")) {
      step.mode = StepMode::kHold;
      parse_hold(step);
    } else {
      fail(verb, "unknown step " + quote(verb.text) + "; " + std::string{kVerbs});
    }
    parse_ending(step);
    return step;
  }

 private:
  const Token& peek(std::size_t ahead = 0) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }

  // Never moves past the end token, so a parser asking for more just sees the end again.
  const Token& next() {
    const Token& token = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return token;
  }

  static bool is_word(const Token& token, std::string_view word) {
    return token.kind == TokenKind::kWord && token.lower == word;
  }

  bool accept_word(std::string_view word) {
    if (!is_word(peek(), word)) return false;
    next();
    return true;
  }

  [[noreturn]] void fail(const Token& at, const std::string& message) const {
    throw InputError(SourceLocation{origin_, 1, at.column}, message);
  }

  double number_value(const Token& token) const {
    std::string_view digits = token.text;
    if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);  // from_chars takes '-' only
    double value{0.0};
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error == std::errc::result_out_of_range) fail(token, "number " + quote(token.text) + " is out of range");
    if (error != std::errc{} || end != digits.data() + digits.size()) {
      fail(token, "malformed number " + quote(token.text));
    }
    return value;
  }

  // Scaling by a unit can overflow a finite number (1e308 kW).
  void require_finite(double value, const Token& number) const {
    if (!std::isfinite(value)) fail(number, "number " + quote(number.text) + " is out of range");
  }

  // Reports a unit that is missing (end, a number, punctuation) or not one we know.
  [[noreturn]] void fail_unit(const Token& unit, const Token& number, std::string_view what,
                              std::string_view accepted, std::string_view hint = {}) const {
    std::string message;
    // A keyword where the unit belongs means the unit was left out, not misspelt.
    const bool keyword = is_word(unit, "for") || is_word(unit, "until") || is_word(unit, "or");
    if ((unit.kind == TokenKind::kWord && !keyword) || unit.kind == TokenKind::kPercent) {
      message = "unknown " + std::string{what} + " unit " + quote(unit.text) + "; accepted: " + std::string{accepted};
    } else {
      message = "expected a " + std::string{what} + " unit after " + quote(number.text) + "; accepted: " +
                std::string{accepted};
    }
    fail(unit, message + std::string{hint});
  }

  // After "C" "/": the n of C/n, returned as a C-rate.
  double parse_c_fraction() {
    const Token& number = peek();
    if (number.kind != TokenKind::kNumber) fail(number, "expected a number after 'C/', e.g. C/20");
    next();
    const double divisor = number_value(number);
    if (!(divisor > 0.0)) fail(number, "C/<n> needs n greater than zero");
    const double rate = 1.0 / divisor;
    require_finite(rate, number);
    if (!(rate > 0.0)) fail(number, "number " + quote(number.text) + " is out of range");
    return rate;
  }

  // The drive limits `packsim run`'s scenario steps use (models/pack/plant_limits.h).
  void require_drive_limit(const ExperimentStep& step, double value, const Token& number, bool c_fraction) const {
    double limit{0.0};
    const char* what{""};
    const char* unit{""};
    switch (step.drive) {
      case DriveKind::kCRate:
        limit = models::kMaxDriveCRate;
        what = "C-rate";
        unit = "C";
        break;
      case DriveKind::kCurrentA:
        limit = models::kMaxDriveCurrentA;
        what = "current";
        unit = " A";
        break;
      case DriveKind::kPowerW:
        limit = models::kMaxDrivePowerW;
        what = "power";
        unit = " W";
        break;
      default:
        return;
    }
    if (value > limit) {
      const std::string written{c_fraction ? "C/" + std::string{number.text} + " (" + format_number(value) + "C)"
                                           : format_number(value) + unit};
      fail(number, std::string{what} + " " + written + " is beyond the limit of " + format_number(limit) + unit +
                       " (the limit packsim run's scenarios have too)");
    }
  }

  bool at_c_fraction() const { return is_word(peek(), "c") && peek(1).kind == TokenKind::kSlash; }

  void parse_driven(ExperimentStep& step, std::string_view verb) {
    const Token& how = next();
    if (is_word(how, "at")) {
      parse_drive(step);
    } else if (is_word(how, "through")) {
      if (step.mode == StepMode::kCharge) {
        fail(how, "'through' (a resistive load) can only discharge; charge 'at' a current, C-rate or power");
      }
      parse_resistance(step);
    } else if (step.mode == StepMode::kCharge) {
      fail(how, "expected 'at' after Charge, e.g. 'Charge at 0.5C until 3.65 V'");
    } else {
      fail(how, "expected 'at' or 'through' after " + std::string{verb} + ", e.g. 'Discharge at 1C until 2.5 V'");
    }
  }

  void parse_drive(ExperimentStep& step) {
    if (at_c_fraction()) {
      next();
      next();
      step.drive = DriveKind::kCRate;
      const Token& number = peek();
      step.drive_value = parse_c_fraction();
      require_drive_limit(step, step.drive_value, number, true);
      return;
    }
    const Token& number = peek();
    if (number.kind != TokenKind::kNumber) fail(number, "expected a drive after 'at', e.g. 1C, C/2, 2 A or 10 W");
    next();
    double value = number_value(number);
    const Token& unit = next();
    if (is_word(unit, "c")) {
      step.drive = DriveKind::kCRate;
    } else if (is_word(unit, "a")) {
      step.drive = DriveKind::kCurrentA;
    } else if (is_word(unit, "ma")) {
      step.drive = DriveKind::kCurrentA;
      value /= 1000.0;
    } else if (is_word(unit, "w")) {
      step.drive = DriveKind::kPowerW;
    } else if (is_word(unit, "kw")) {
      step.drive = DriveKind::kPowerW;
      value *= 1000.0;
    } else {
      const bool voltage = is_word(unit, "v") || is_word(unit, "mv");
      fail_unit(unit, number, "drive", "C, A, mA, W or kW",
                voltage ? " (for a constant voltage write 'Hold at <V> V')" : "");
    }
    require_finite(value, number);
    if (!(value > 0.0)) {
      fail(number, "drive must be greater than zero (Discharge/Charge give the direction; use Rest for no current)");
    }
    require_drive_limit(step, value, number, false);
    step.drive_value = value;
  }

  void parse_resistance(ExperimentStep& step) {
    const Token& number = peek();
    if (number.kind != TokenKind::kNumber) fail(number, "expected a resistance after 'through', e.g. 50 mOhm");
    next();
    double value = number_value(number);
    const Token& unit = next();
    if (is_word(unit, "ohm") || is_word(unit, "ohms") || is_word(unit, kOmega) || is_word(unit, kOhmSign)) {
      // already in ohm
    } else if (is_word(unit, "mohm") || is_word(unit, "mohms") || unit.lower == "m" + std::string{kOmega} ||
               unit.lower == "m" + std::string{kOhmSign}) {
      value /= 1000.0;
    } else {
      fail_unit(unit, number, "resistance", "ohm, mOhm, \xce\xa9 or m\xce\xa9");
    }
    require_finite(value, number);
    if (!(value > 0.0)) fail(number, "resistance must be greater than zero");
    step.drive = DriveKind::kResistanceOhm;
    step.drive_value = value;
  }

  void parse_hold(ExperimentStep& step) {
    const Token& at = next();
    if (!is_word(at, "at")) fail(at, "expected 'at' after Hold, e.g. 'Hold at 3.65 V until C/20'");
    const Token& number = peek();
    if (number.kind != TokenKind::kNumber) fail(number, "expected a voltage after 'Hold at', e.g. 3.65 V");
    next();
    double value = number_value(number);
    const Token& unit = next();
    if (is_word(unit, "mv")) {
      value /= 1000.0;
    } else if (!is_word(unit, "v")) {
      fail_unit(unit, number, "hold voltage", "V or mV", " (a Hold keeps each cell at a constant voltage)");
    }
    require_finite(value, number);
    if (!(value > 0.0)) fail(number, "hold voltage must be greater than zero");
    if (value > models::kMaxCellVoltageV) {
      fail(number, "hold voltage " + format_number(value) + " V is beyond the limit of " +
                       format_number(models::kMaxCellVoltageV) +
                       " V: it is per cell, and no cell chemistry is charged above that");
    }
    step.drive = DriveKind::kVoltageV;
    step.drive_value = value;
  }

  double parse_duration() {
    const Token& number = peek();
    if (number.kind != TokenKind::kNumber) fail(number, "expected a duration after 'for', e.g. 1 hour or 30 min");
    next();
    double value = number_value(number);
    const Token& unit = next();
    const std::string& u = unit.lower;
    if (unit.kind != TokenKind::kWord) {
      fail_unit(unit, number, "duration", "ms, s, min, h or day");
    } else if (u == "ms") {
      value /= 1000.0;
    } else if (u == "s" || u == "sec" || u == "secs" || u == "second" || u == "seconds") {
      // already in seconds
    } else if (u == "min" || u == "mins" || u == "minute" || u == "minutes") {
      value *= 60.0;
    } else if (u == "h" || u == "hr" || u == "hrs" || u == "hour" || u == "hours") {
      value *= 3600.0;
    } else if (u == "day" || u == "days") {
      value *= 86400.0;
    } else {
      fail_unit(unit, number, "duration", "ms, s, min, h or day");
    }
    require_finite(value, number);
    if (!(value > 0.0)) fail(number, "duration must be greater than zero");
    if (value > kMaxStepDurationS) {
      fail(number, "duration of " + format_number(value) + " s is beyond the longest step the clock allows (" +
                       format_number(kMaxStepDurationS) + " s, about 3 years)");
    }
    return value;
  }

  StopCondition parse_condition(StepMode mode) {
    const Token& start = peek();
    StopCondition condition;
    const Token* number = &start;
    double value{0.0};
    if (at_c_fraction()) {
      next();
      next();
      condition.kind = StopKind::kCurrentBelowCRate;
      value = parse_c_fraction();
    } else if (is_word(start, "soc")) {
      next();
      number = &peek();
      if (number->kind != TokenKind::kNumber) fail(*number, "expected a percentage after SOC, e.g. SOC 80 %");
      next();
      value = number_value(*number);
      const Token& unit = next();
      if (unit.kind != TokenKind::kPercent) fail(unit, "expected '%' after the SOC value, e.g. SOC 80 %");
      condition.kind = StopKind::kSocPercent;
    } else if (start.kind == TokenKind::kNumber) {
      next();
      value = number_value(start);
      const Token& unit = next();
      if (is_word(unit, "v") || is_word(unit, "mv")) {
        if (is_word(unit, "mv")) value /= 1000.0;
        condition.kind = accept_word("pack") ? StopKind::kPackVoltageV : StopKind::kCellVoltageV;
      } else if (is_word(unit, "a") || is_word(unit, "ma")) {
        if (is_word(unit, "ma")) value /= 1000.0;
        condition.kind = StopKind::kCurrentBelowA;
      } else if (is_word(unit, "c")) {
        condition.kind = StopKind::kCurrentBelowCRate;
      } else if (unit.kind == TokenKind::kPercent) {
        accept_word("soc");  // "80 % SOC" reads naturally too
        condition.kind = StopKind::kSocPercent;
      } else if (is_word(unit, "degc") || is_word(unit, kDegreeC) || is_word(unit, kCelsiusSign)) {
        condition.kind = StopKind::kMaxTemperatureC;
      } else if ((is_word(unit, "deg") || is_word(unit, kDegreeSign)) && is_word(peek(), "c")) {
        next();
        condition.kind = StopKind::kMaxTemperatureC;
      } else {
        fail_unit(unit, start, "condition", "V, V pack, mV, A, mA, C, %, degC or \xc2\xb0" "C");
      }
    } else {
      fail(start, "expected a condition, " + std::string{kConditionExample});
    }
    require_finite(value, *number);
    switch (condition.kind) {
      case StopKind::kCellVoltageV:
      case StopKind::kPackVoltageV:
        // The held voltage is fixed, so a voltage threshold would end it at once or never.
        if (mode == StepMode::kHold) {
          fail(start, "a Hold keeps the voltage fixed; end it on current (e.g. C/20 or 50 mA), time, SOC or "
                      "temperature");
        }
        if (!(value > 0.0)) fail(*number, "voltage must be greater than zero");
        break;
      case StopKind::kCurrentBelowA:
      case StopKind::kCurrentBelowCRate:
        if (!(value > 0.0)) fail(*number, "current threshold must be greater than zero");
        break;
      case StopKind::kSocPercent:
        if (!(value >= 0.0 && value <= 100.0)) fail(*number, "SOC must be between 0 and 100 %");
        break;
      case StopKind::kMaxTemperatureC:
        if (!(value > -273.15)) fail(*number, "temperature must be above absolute zero (-273.15 degC)");
        break;
    }
    condition.value = value;
    return condition;
  }

  void parse_conditions(ExperimentStep& step) {
    step.until.push_back(parse_condition(step.mode));
    while (accept_word("or")) {
      accept_word("until");  // "until 2.5 V or until 45 degC" says the same thing
      step.until.push_back(parse_condition(step.mode));
    }
  }

  // [for <duration>] [[or] until <cond> [or <cond>]...], then the end of the text.
  void parse_ending(ExperimentStep& step) {
    if (accept_word("for")) step.duration_s = parse_duration();
    if (accept_word("until")) {
      parse_conditions(step);
    } else if (step.duration_s && accept_word("or")) {  // PyBaMM: "for 1 hour or until 2.5 V"
      accept_word("until");
      parse_conditions(step);
    }
    const Token& end = peek();
    if (end.kind != TokenKind::kEnd) {
      std::string expected;
      if (!step.until.empty()) {
        expected = is_word(end, "for") ? "write 'for <duration>' before 'until'" : "expected 'or <condition>' or the end";
      } else if (step.duration_s) {
        expected = "expected 'or until <condition>' or the end";
      } else {
        expected = "expected 'for <duration>' or 'until <condition>'";
      }
      fail(end, "unexpected " + quote(end.text) + "; " + expected);
    }
    if (!step.duration_s && step.until.empty()) {
      fail(end, "step never ends; add 'for <duration>' or 'until <condition>'");
    }
  }

  std::string_view text_;
  const std::string& origin_;
  std::vector<Token> tokens_;
  std::size_t pos_{0};
};

std::string describe_duration(double seconds) {
  // The largest unit that divides exactly keeps "1 h" readable and still exact.
  static constexpr std::pair<double, std::string_view> kUnits[] = {{86400.0, "day"}, {3600.0, "h"}, {60.0, "min"}};
  for (const auto& [unit_s, name] : kUnits) {
    if (seconds >= unit_s && std::fmod(seconds, unit_s) == 0.0) {
      return format_number(seconds / unit_s) + " " + std::string{name};
    }
  }
  return format_number(seconds) + " s";
}

std::string describe_condition(const StopCondition& condition) {
  const std::string value = format_number(condition.value);
  switch (condition.kind) {
    case StopKind::kCellVoltageV: return value + " V";
    case StopKind::kPackVoltageV: return value + " V pack";
    case StopKind::kCurrentBelowA: return value + " A";
    case StopKind::kCurrentBelowCRate: return value + "C";
    case StopKind::kSocPercent: return "SOC " + value + " %";
    case StopKind::kMaxTemperatureC: return value + " degC";
  }
  return value;
}

}  // namespace

ExperimentStep parse_experiment_step(std::string_view text, const std::string& origin) {
  return StepParser{text, origin}.parse();
}

std::string describe(const ExperimentStep& step) {
  std::string out;
  switch (step.mode) {
    case StepMode::kDischarge: out = "Discharge"; break;
    case StepMode::kCharge: out = "Charge"; break;
    case StepMode::kRest: out = "Rest"; break;
    case StepMode::kHold: out = "Hold"; break;
  }
  const std::string value = format_number(step.drive_value);
  switch (step.drive) {
    case DriveKind::kNone: break;
    case DriveKind::kCurrentA: out += " at " + value + " A"; break;
    case DriveKind::kCRate: out += " at " + value + "C"; break;
    case DriveKind::kPowerW: out += " at " + value + " W"; break;
    case DriveKind::kResistanceOhm: out += " through " + value + " ohm"; break;
    case DriveKind::kVoltageV: out += " at " + value + " V"; break;
  }
  if (step.duration_s) out += " for " + describe_duration(*step.duration_s);
  for (std::size_t i = 0; i < step.until.size(); ++i) {
    if (i == 0) {
      out += step.duration_s ? " or until " : " until ";
    } else {
      out += " or ";
    }
    out += describe_condition(step.until[i]);
  }
  return out;
}

}  // namespace packsim::sim

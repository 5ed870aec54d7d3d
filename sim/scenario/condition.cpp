#include "sim/scenario/condition.h"

#include <algorithm>
#include <array>
#include <limits>

#include "sim/scenario/faults.h"
#include "sim/scenario/name_suggestion.h"

namespace packsim::scenario {

namespace {

constexpr std::array<std::string_view, 7> kKeywords{"or", "and", "within", "of", "while", "reports", "is"};
constexpr std::array<std::string_view, 3> kObservers{"afe", "service", "can"};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_op_char(char c) { return c == '<' || c == '>' || c == '=' || c == '!' || c == ':'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_keyword(std::string_view word) {
  return std::find(kKeywords.begin(), kKeywords.end(), word) != kKeywords.end();
}

// A word that starts a number ("2.5", "-10", ".5") or a C/n rate.
bool starts_value(std::string_view word) {
  if (word.empty()) return false;
  if (word.size() > 1 && word[0] == 'C' && word[1] == '/') return true;
  std::size_t i{0};
  if (word[i] == '+' || word[i] == '-') ++i;
  if (i < word.size() && word[i] == '.') ++i;
  return i < word.size() && is_digit(word[i]);
}

bool all_numeric(std::string_view word) {
  return std::all_of(word.begin(), word.end(),
                     [](char c) { return is_digit(c) || c == '.' || c == '+' || c == '-' || c == 'e' || c == 'E'; });
}

std::vector<std::string_view> signal_names() {
  std::vector<std::string_view> names;
  for (const SignalInfo& info : signal_table()) names.push_back(info.name);
  return names;
}

std::vector<std::string_view> fault_names() {
  std::vector<std::string_view> names;
  for (int i = 0; i < kFaultKindCount; ++i) names.push_back(fault_kind_name(static_cast<FaultKind>(i)));
  return names;
}

std::vector<std::string_view> state_names() {
  std::vector<std::string_view> names;
  for (int i = 0; i < kFirmwareStateCount; ++i) names.push_back(firmware_state_name(static_cast<FirmwareState>(i)));
  return names;
}

}  // namespace

std::string_view describe(CompareOp op) {
  switch (op) {
    case CompareOp::kLess: return "<";
    case CompareOp::kLessEqual: return "<=";
    case CompareOp::kGreater: return ">";
    case CompareOp::kGreaterEqual: return ">=";
    case CompareOp::kEqual: return "==";
    case CompareOp::kNotEqual: return "!=";
  }
  return "?";
}

SentenceParser::SentenceParser(const YamlScalar& scalar, const ConditionContext& context, std::size_t begin,
                               std::size_t end)
    : scalar_(scalar), context_(context) {
  const std::string_view text{scalar.text()};
  end = std::min(end, text.size());
  std::size_t i{begin};
  while (i < end) {
    const char c{text[i]};
    if (is_space(c)) {
      ++i;
      continue;
    }
    if (is_op_char(c)) {
      const bool two{i + 1 < end && text[i + 1] == '=' && c != ':'};
      tokens_.push_back({TokenKind::kOp, text.substr(i, two ? 2 : 1), i});
      i += two ? 2 : 1;
      continue;
    }
    if (c == '[' || c == ']') {
      tokens_.push_back({c == '[' ? TokenKind::kOpenBracket : TokenKind::kCloseBracket, text.substr(i, 1), i});
      ++i;
      continue;
    }
    std::size_t stop{i};
    while (stop < end && !is_space(text[stop]) && !is_op_char(text[stop]) && text[stop] != '[' && text[stop] != ']') {
      ++stop;
    }
    tokens_.push_back({TokenKind::kWord, text.substr(i, stop - i), i});
    i = stop;
  }
  // The end sits just past the last token: where a missing piece would go.
  const std::size_t last{tokens_.empty() ? begin : tokens_.back().offset + tokens_.back().text.size()};
  tokens_.push_back({TokenKind::kEnd, {}, last});
}

std::size_t SentenceParser::end_offset() const { return tokens_.back().offset; }

bool SentenceParser::at_word(std::string_view word) const {
  return peek().kind == TokenKind::kWord && peek().text == word;
}

bool SentenceParser::accept(std::string_view word) {
  if (!at_word(word)) return false;
  ++next_;
  return true;
}

bool SentenceParser::accept_op(std::string_view op) {
  if (peek().kind != TokenKind::kOp || peek().text != op) return false;
  ++next_;
  return true;
}

void SentenceParser::expect_word(std::string_view word, const std::string& message) {
  if (!accept(word)) fail_at_token(peek(), message);
}

void SentenceParser::expect_end(const std::string& message) {
  if (peek().kind != TokenKind::kEnd) fail_at_token(peek(), message);
}

void SentenceParser::fail_at_token(const Token& token, const std::string& message) const {
  const std::string got{token.kind == TokenKind::kEnd ? std::string{" (at the end)"}
                                                      : ", got '" + std::string{token.text} + "'"};
  scalar_.fail_at(token.offset, message + got);
}

std::size_t SentenceParser::value_span_end(std::span<const std::string_view> stops) {
  std::size_t end{peek().offset};
  while (peek().kind == TokenKind::kWord && !is_keyword(peek().text) &&
         std::find(stops.begin(), stops.end(), peek().text) == stops.end()) {
    end = peek().offset + peek().text.size();
    ++next_;
  }
  return end;
}

sim::TimeNs SentenceParser::duration(std::string_view what) {
  const Token first{peek()};
  if (first.kind != TokenKind::kWord || !starts_value(first.text)) {
    fail_at_token(first, "expected a duration after '" + std::string{what} + "', e.g. 100 ms");
  }
  ++next_;
  std::size_t end{first.offset + first.text.size()};
  // "6 h" is two words, "6h" one.
  if (all_numeric(first.text) && peek().kind == TokenKind::kWord && !is_keyword(peek().text)) {
    end = peek().offset + peek().text.size();
    ++next_;
  }
  const QuantityValue value{parse_quantity(scalar_, first.offset, end, Quantity::kTime, what)};
  check_range(scalar_, value, NumberRange::non_negative(), what);
  return to_time_ns(scalar_, value, what);
}

SignalRef SentenceParser::signal_index(const SignalInfo& info, const Token& name_token) {
  const std::string name{info.name};
  SignalRef ref{info.id, -1};
  const bool bracket{peek().kind == TokenKind::kOpenBracket};
  if (info.indexing == SignalIndexing::kStep && !context_.allow_step_events) {
    scalar_.fail_at(name_token.offset, "'" + name + "': step events belong in expectations, not in a step's 'until'");
  }
  if (info.indexing == SignalIndexing::kNone) {
    if (bracket) scalar_.fail_at(peek().offset, "'" + name + "' takes no index");
    return ref;
  }
  if (!bracket) {
    switch (info.indexing) {
      case SignalIndexing::kSeriesGroup:
        scalar_.fail_at(name_token.offset, "'" + name + "' needs a series group number, e.g. " + name + "[1] (1.." +
                                               std::to_string(context_.series) + ")");
      case SignalIndexing::kCell:
        scalar_.fail_at(name_token.offset, "'" + name + "' needs a cell number, e.g. " + name + "[1] (1.." +
                                               std::to_string(context_.cells) + ")");
      case SignalIndexing::kStep:
        scalar_.fail_at(name_token.offset, "'" + name + "' needs a step number or label, e.g. " + name + "[1]");
      default:
        return ref;  // optional fault kind: any fault
    }
  }
  ++next_;  // [
  const Token index{peek()};
  if (index.kind != TokenKind::kWord) {
    fail_at_token(index, "expected an index inside '[]'");
  }
  ++next_;
  const std::size_t index_end{index.offset + index.text.size()};
  // A number within 1..count, with a message that says what is counted.
  const auto number_within = [&](int count, std::string_view counted) {
    const std::int64_t number{
        parse_integer(scalar_, index.offset, index_end, 1, std::numeric_limits<int>::max(), name)};
    if (number > count) {
      scalar_.fail_at(index.offset, "'" + name + "': there is no " + std::string{counted} + " " +
                                        std::to_string(number) + "; there are " + std::to_string(count) + " (1.." +
                                        std::to_string(count) + ")");
    }
    return static_cast<int>(number) - 1;
  };
  switch (info.indexing) {
    case SignalIndexing::kSeriesGroup:
      ref.index = number_within(context_.series, "series group");
      break;
    case SignalIndexing::kCell:
      ref.index = number_within(context_.cells, "cell");
      break;
    case SignalIndexing::kStep: {
      const auto labelled = std::find(context_.step_labels.begin(), context_.step_labels.end(), index.text);
      if (!index.text.empty() && labelled != context_.step_labels.end()) {
        ref.index = static_cast<int>(labelled - context_.step_labels.begin());
      } else if (std::all_of(index.text.begin(), index.text.end(), is_digit)) {
        ref.index = number_within(static_cast<int>(context_.step_labels.size()), "step");
      } else {
        scalar_.fail_at(index.offset, "'" + name + "': no step is labelled '" + std::string{index.text} + "'");
      }
      break;
    }
    case SignalIndexing::kOptionalFaultKind: {
      const auto kind = find_fault_kind(index.text);
      if (!kind) {
        scalar_.fail_at(index.offset, "'" + name + "': unknown fault '" + std::string{index.text} + "'; expected " +
                                          join_names(fault_names()));
      }
      ref.index = static_cast<int>(*kind);
      break;
    }
    case SignalIndexing::kNone: break;
  }
  if (peek().kind != TokenKind::kCloseBracket) {
    fail_at_token(peek(), "expected ']'");
  }
  ++next_;
  return ref;
}

Term SentenceParser::term(std::span<const std::string_view> stops) {
  const Token start{peek()};
  const bool stop_word{start.kind == TokenKind::kWord &&
                       std::find(stops.begin(), stops.end(), start.text) != stops.end()};
  if (start.kind != TokenKind::kWord || stop_word || (is_keyword(start.text) && start.text != "is")) {
    fail_at_token(start, "expected a condition, e.g. min_cell_v < 2.5 V");
  }
  Term result;
  result.where = scalar_.location_at(start.offset);

  if (starts_value(start.text)) {
    const std::size_t end{value_span_end(stops)};
    const QuantityValue value{parse_quantity(scalar_, start.offset, end, Quantity::kTime, "until")};
    if (!context_.allow_elapsed) {
      scalar_.fail_at(start.offset,
                      "a duration alone only ends a step ('until'); compare a signal here, e.g. soc < 10 %");
    }
    check_range(scalar_, value, NumberRange::positive(), "until");
    result.predicate = Elapsed{to_time_ns(scalar_, value, "until")};
    result.text = scalar_.text().substr(start.offset, end - start.offset);
    return result;
  }

  // "service reports cell_undervoltage" names service.cell_undervoltage.
  std::string prefix;
  if (std::find(kObservers.begin(), kObservers.end(), start.text) != kObservers.end() &&
      tokens_[next_ + 1].kind == TokenKind::kWord && tokens_[next_ + 1].text == "reports") {
    prefix = std::string{start.text} + ".";
    next_ += 2;
  }
  const Token name_token{peek()};
  if (name_token.kind != TokenKind::kWord || is_keyword(name_token.text)) {
    fail_at_token(name_token, "expected a signal name");
  }
  ++next_;
  const std::string name{prefix + std::string{name_token.text}};
  const SignalInfo* info{find_signal(name)};
  if (info == nullptr) {
    scalar_.fail_at(name_token.offset, "unknown signal '" + name + "'" + did_you_mean(name, signal_names()));
  }
  const SignalRef ref{signal_index(*info, name_token)};

  switch (info->kind) {
    case SignalKind::kNumber: {
      const Token op{peek()};
      static constexpr std::array<std::pair<std::string_view, CompareOp>, 6> kOps{{{"<", CompareOp::kLess},
                                                                                   {"<=", CompareOp::kLessEqual},
                                                                                   {">", CompareOp::kGreater},
                                                                                   {">=", CompareOp::kGreaterEqual},
                                                                                   {"==", CompareOp::kEqual},
                                                                                   {"!=", CompareOp::kNotEqual}}};
      const auto found = std::find_if(kOps.begin(), kOps.end(), [&](const auto& entry) {
        return op.kind == TokenKind::kOp && entry.first == op.text;
      });
      if (found == kOps.end()) {
        fail_at_token(op, "'" + name + "' is compared with <, <=, >, >=, == or !=, e.g. " + name + " < " +
                              format_quantity(info->quantity == Quantity::kFraction ? 0.1 : 2.5, info->quantity));
      }
      ++next_;
      const Token value_start{peek()};
      const std::size_t end{value_span_end(stops)};
      QuantitySet accepted{info->quantity};
      if (info->quantity == Quantity::kCurrent) accepted = QuantitySet{Quantity::kCurrent, Quantity::kCRate};
      QuantityValue value{parse_quantity(scalar_, value_start.offset, end, accepted, name)};
      if (value.quantity == Quantity::kCRate) {
        value.value *= context_.nominal_capacity_ah;
        value.quantity = Quantity::kCurrent;
      }
      if (info->quantity == Quantity::kFraction) check_range(scalar_, value, NumberRange::closed(0.0, 1.0), name);
      if (info->quantity == Quantity::kTemperature) {
        check_range(scalar_, value, NumberRange::closed(-273.15, 1000.0), name);
      }
      result.predicate = Comparison{ref, found->second, value.value};
      break;
    }
    case SignalKind::kSwitch:
    case SignalKind::kState: {
      bool equal{true};
      bool has_value{false};
      if (peek().kind == TokenKind::kOp) {
        const Token op{peek()};
        if (op.text == "==" || op.text == ":") {
          equal = true;
        } else if (op.text == "!=") {
          equal = false;
        } else {
          scalar_.fail_at(op.offset, "'" + name + "' is " +
                                         (info->kind == SignalKind::kSwitch ? "on or off" : "a state") +
                                         ": compare it with == or !=");
        }
        ++next_;
        has_value = true;
      } else if (accept("is")) {
        equal = !accept("not");
        has_value = true;
      } else if (peek().kind == TokenKind::kWord && !is_keyword(peek().text) &&
                 std::find(stops.begin(), stops.end(), peek().text) == stops.end()) {
        has_value = true;
      }
      int state_value{1};
      if (has_value) {
        const Token value{peek()};
        if (value.kind != TokenKind::kWord) {
          fail_at_token(value, "expected " + std::string{info->kind == SignalKind::kSwitch ? "on or off" : "a state"} +
                                   " for '" + name + "'");
        }
        ++next_;
        if (info->kind == SignalKind::kSwitch) {
          if (value.text == "on" || value.text == "true") {
            state_value = 1;
          } else if (value.text == "off" || value.text == "false") {
            state_value = 0;
          } else {
            scalar_.fail_at(value.offset, "'" + name + "' is on or off, got '" + std::string{value.text} + "'");
          }
        } else {
          const std::vector<std::string_view> states{state_names()};
          const auto state = std::find(states.begin(), states.end(), value.text);
          if (state == states.end()) {
            scalar_.fail_at(value.offset, "unknown firmware state '" + std::string{value.text} + "'; expected " +
                                              join_names(states));
          }
          state_value = static_cast<int>(state - states.begin());
        }
      } else if (info->kind == SignalKind::kState) {
        fail_at_token(peek(), "'" + name + "' needs a state, e.g. " + name + " == fault_latched");
      }
      result.predicate = StateIs{ref, equal, state_value};
      break;
    }
    case SignalKind::kEvent:
      if (peek().kind == TokenKind::kOp || at_word("is")) {
        scalar_.fail_at(peek().offset, "'" + name + "' is an event: write it alone (it happens or not)");
      }
      result.predicate = EventHappens{ref};
      break;
  }
  const std::size_t end{tokens_[next_ - 1].offset + tokens_[next_ - 1].text.size()};
  result.text = scalar_.text().substr(start.offset, end - start.offset);
  return result;
}

Condition SentenceParser::condition(std::span<const std::string_view> stops) {
  Condition result;
  const Token first{peek()};
  result.where = scalar_.location_at(first.offset);
  result.any_of.emplace_back();
  result.any_of.back().all_of.push_back(term(stops));
  while (true) {
    if (accept("or")) {
      result.any_of.emplace_back();
    } else if (!accept("and")) {
      break;
    }
    result.any_of.back().all_of.push_back(term(stops));
  }
  const std::size_t end{tokens_[next_ - 1].offset + tokens_[next_ - 1].text.size()};
  result.text = scalar_.text().substr(first.offset, end - first.offset);
  return result;
}

Condition parse_condition(const YamlScalar& scalar, const ConditionContext& context) {
  SentenceParser parser{scalar, context};
  Condition result{parser.condition()};
  parser.expect_end("expected 'or', 'and' or the end of the condition");
  return result;
}

}  // namespace packsim::scenario

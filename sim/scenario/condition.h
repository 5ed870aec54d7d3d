#pragma once

// Conditions on signals, as `until:` and expectations write them, parsed to an
// AST the runner evaluates at each sample.
//
//   condition := clause ('or' clause)*
//   clause    := term ('and' term)*                 ('and' binds tighter; no parentheses)
//   term      := <duration>                         until only: time since the step began ("2 h")
//              | [observer 'reports'] signal ['[' k ']'] <op> <quantity>   numbers
//              | [observer 'reports'] signal ['[' k ']'] [<op> | 'is'] <value>  switches and states
//              | [observer 'reports'] signal ['[' k ']']                     a switch is on / an event happens
//   op        := '<' | '<=' | '>' | '>=' | '==' | '!='   (':' reads as '==' for switches and states)
//   observer  := 'afe' | 'service' | 'can'   ("service reports cell_undervoltage" = service.cell_undervoltage)
//   value     := on | off | true | false | a firmware state (fault_latched ...)
//
// Examples: "min_cell_v < 2.5 V or 2 h", "dsg_fet off", "firmware_state == fault_latched",
// "charge_current < C/20", "cell_temp[3] > 45 degC and chg_fet on", "can reports discharge_limit == 0 A".
// The quantity must be the signal's (signals.h); a current also takes a
// C-rate, converted to amperes with the pack's nominal capacity.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/input_error.h"
#include "common/yaml_reader.h"
#include "sim/clock/virtual_clock.h"
#include "sim/scenario/signals.h"

namespace packsim::scenario {

enum class CompareOp : std::uint8_t { kLess, kLessEqual, kGreater, kGreaterEqual, kEqual, kNotEqual };

struct SignalRef {
  SignalId id{SignalId::kPackV};
  // cell_v: series group, cell_temp/cell_soc: cell, step events: step (all
  // 0-based); fault events: FaultKind; -1: none.
  int index{-1};
};

// A number against a value in SI (V, A, degC, fraction...).
struct Comparison {
  SignalRef signal;
  CompareOp op{CompareOp::kLess};
  double value{0.0};
};

// A switch or a state equals (or not) a value: on = 1, off = 0, or a FirmwareState.
struct StateIs {
  SignalRef signal;
  bool equal{true};
  int value{1};
};

// An event happens (true at the instant it does).
struct EventHappens {
  SignalRef event;
};

// Time since the step began (`until` only).
struct Elapsed {
  sim::TimeNs duration_ns{0};
};

using Predicate = std::variant<Comparison, StateIs, EventHappens, Elapsed>;

struct Term {
  Predicate predicate;
  std::string text;  // as written, for reports
  SourceLocation where;
};

struct Clause {
  std::vector<Term> all_of;
};

struct Condition {
  std::vector<Clause> any_of;
  std::string text;  // as written
  SourceLocation where;
};

// What a condition may refer to, from the pack and the timeline.
struct ConditionContext {
  int series{1};
  int cells{1};                    // series x parallel
  double nominal_capacity_ah{1.0}; // a C-rate of 1 in amperes
  bool allow_elapsed{false};       // a bare duration ends a step
  bool allow_step_events{false};   // step_started[k] / step_ended[k]
  std::span<const std::string> step_labels;  // one per step, "" when unlabeled
};

// ---- Parsing, shared by until conditions and expectations ----

// A condition sentence lexed into words, operators and brackets.
class SentenceParser {
 public:
  enum class TokenKind { kWord, kOp, kOpenBracket, kCloseBracket, kEnd };
  struct Token {
    TokenKind kind{TokenKind::kEnd};
    std::string_view text;
    std::size_t offset{0};  // byte in the scalar's text
  };

  // Parses bytes [begin, end) of scalar's text.
  SentenceParser(const YamlScalar& scalar, const ConditionContext& context, std::size_t begin, std::size_t end);
  SentenceParser(const YamlScalar& scalar, const ConditionContext& context)
      : SentenceParser(scalar, context, 0, scalar.text().size()) {}

  // A condition up to the end or to a word of `stops` (e.g. within, while).
  Condition condition(std::span<const std::string_view> stops = {});
  // A duration written as the next one or two words ("6 h", "100ms"), for
  // "after 6 h" and "within 100 ms".
  sim::TimeNs duration(std::string_view what);

  const Token& peek() const { return tokens_[next_]; }
  bool at_word(std::string_view word) const;
  // Takes the next token if it is this word.
  bool accept(std::string_view word);
  bool accept_op(std::string_view op);
  void expect_word(std::string_view word, const std::string& message);
  void expect_end(const std::string& message);
  [[noreturn]] void fail_at_token(const Token& token, const std::string& message) const;
  const YamlScalar& scalar() const { return scalar_; }
  std::size_t end_offset() const;  // just past the last token

 private:
  Term term(std::span<const std::string_view> stops);
  std::size_t value_span_end(std::span<const std::string_view> stops);
  SignalRef signal_index(const SignalInfo& info, const Token& name_token);

  const YamlScalar& scalar_;
  const ConditionContext& context_;
  std::vector<Token> tokens_;
  std::size_t next_{0};
};

// A whole scalar as one condition.
Condition parse_condition(const YamlScalar& scalar, const ConditionContext& context);

std::string_view describe(CompareOp op);

}  // namespace packsim::scenario

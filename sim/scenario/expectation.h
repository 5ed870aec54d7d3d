#pragma once

// Expectations: named assertions on signals and events with time bounds.
//
// In a scenario's `expect:` list each entry has a `name` and one form key:
//
//   - name: dsg opens at cutoff
//     that: dsg_fet off within 100 ms of min_cell_v < 2.5 V
//   - {name: no overcharge, never: max_cell_v > 3.65 V}
//   - {name: no cold charge, always: charge_current <= 0.1 A while min_cell_temp < 0 degC}
//   - {name: reported, eventually: service reports cell_undervoltage}
//   - {name: balanced, at_end: cell_spread < 20 mV}
//   - {name: settled, after 6 h: cell_spread < 20 mV}
//
// `that:` takes a whole sentence, the other keys the sentence's first words:
//
//   sentence := 'never' C ['while' W]             C holds at no sample (at no sample where W holds)
//             | 'always' C ['while' W]            C holds at every sample (where W holds)
//             | 'eventually' C ['within' T]       C holds at some sample (no later than T after the start)
//             | 'eventually' C 'within' T 'of' E  same as below
//             | 'at end' C | 'at_end' C           C holds at the last sample
//             | 'after' T [':'] C                 C holds at time T after the start
//             | C 'within' T 'of' E               each time E becomes true (or happens, for an event),
//                                                 C holds at some sample no later than T after it;
//                                                 fails as well when E never becomes true, so a
//                                                 trigger that never comes cannot pass silently
//
// C, W and E are conditions (condition.h); step events (step_started[k]) are
// allowed here.

#include <optional>
#include <string>
#include <string_view>

#include "common/input_error.h"
#include "common/yaml_reader.h"
#include "sim/clock/virtual_clock.h"
#include "sim/scenario/condition.h"

namespace packsim::scenario {

enum class ExpectationKind : std::uint8_t { kNever, kAlways, kEventually, kAtEnd, kAfter, kWithinOf };

struct Expectation {
  std::string name;
  ExpectationKind kind{ExpectationKind::kAlways};
  Condition condition;
  std::optional<Condition> while_condition;  // kNever, kAlways: only where this holds
  std::optional<Condition> trigger;          // kWithinOf: the E of "within T of E"
  // kAfter: the instant after the start; kWithinOf: the deadline after each
  // trigger; kEventually: the deadline after the start (kNoEvent: the end of the run).
  sim::TimeNs time_ns{sim::kNoEvent};
  std::string text;  // as written; "key: body" for the short forms
  SourceLocation where;
};

// Which key the sentence came from; kSentence for `that:`.
enum class ExpectationForm : std::uint8_t { kSentence, kNever, kAlways, kEventually, kAtEnd, kAfter };

// Parses the body of one form key. For kAfter, after_ns is the time the key
// itself carries ("after 6 h").
Expectation parse_expectation(const YamlScalar& body, ExpectationForm form, const ConditionContext& context,
                              sim::TimeNs after_ns = 0);

std::string_view describe(ExpectationKind kind);

}  // namespace packsim::scenario

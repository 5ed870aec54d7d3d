// Expectations: each form, as a `that:` sentence and as its short key, parsed
// to the same AST.
#include <gtest/gtest.h>

#include <string>

#include "sim/scenario/expectation.h"
#include "tests/sim/scenario/scenario_test_support.h"

namespace packsim::scenario::testing {
namespace {

const std::vector<std::string> kLabels{"", "cutoff"};

ConditionContext context() {
  ConditionContext result;
  result.series = 16;
  result.cells = 16;
  result.nominal_capacity_ah = 2.3;
  result.allow_step_events = true;
  result.step_labels = kLabels;
  return result;
}

Expectation sentence(const std::string& text) {
  return parse_expectation(scalar(text), ExpectationForm::kSentence, context());
}

Expectation keyed(ExpectationForm form, const std::string& text, sim::TimeNs after_ns = 0) {
  return parse_expectation(scalar(text), form, context(), after_ns);
}

std::string error(const std::string& text, ExpectationForm form = ExpectationForm::kSentence) {
  return error_of([&] { parse_expectation(scalar(text), form, context()); });
}

SignalId first_signal(const Condition& condition) {
  const Predicate& predicate{condition.any_of.at(0).all_of.at(0).predicate};
  if (const auto* comparison = std::get_if<Comparison>(&predicate)) return comparison->signal.id;
  if (const auto* state = std::get_if<StateIs>(&predicate)) return state->signal.id;
  return std::get<EventHappens>(predicate).event.id;
}

TEST(ExpectationForms, WithinOfIsAResponseToEachTrigger) {
  const Expectation e{sentence("dsg_fet off within 100 ms of min_cell_v < 2.5 V")};
  EXPECT_EQ(e.kind, ExpectationKind::kWithinOf);
  EXPECT_EQ(first_signal(e.condition), SignalId::kDsgFet);
  ASSERT_TRUE(e.trigger.has_value());
  EXPECT_EQ(first_signal(*e.trigger), SignalId::kMinCellV);
  EXPECT_EQ(e.time_ns, 100 * sim::kNsPerMs);
}

TEST(ExpectationForms, ResponseToAnEventWithAnObserver) {
  const Expectation e{sentence("can reports discharge_limit == 0 A within 35 s of heartbeat_lost")};
  EXPECT_EQ(e.kind, ExpectationKind::kWithinOf);
  EXPECT_EQ(first_signal(e.condition), SignalId::kCanDischargeLimit);
  EXPECT_EQ(first_signal(*e.trigger), SignalId::kHeartbeatLost);
  EXPECT_EQ(e.time_ns, 35 * sim::kNsPerS);
}

TEST(ExpectationForms, NeverAsSentenceAndAsKeyAreTheSame) {
  const Expectation a{sentence("never max_cell_v > 3.65 V")};
  const Expectation b{keyed(ExpectationForm::kNever, "max_cell_v > 3.65 V")};
  EXPECT_EQ(a.kind, ExpectationKind::kNever);
  EXPECT_EQ(b.kind, ExpectationKind::kNever);
  EXPECT_DOUBLE_EQ(std::get<Comparison>(a.condition.any_of[0].all_of[0].predicate).value, 3.65);
  EXPECT_EQ(a.condition.text, b.condition.text);
  EXPECT_FALSE(a.while_condition.has_value());
}

TEST(ExpectationForms, AlwaysWhile) {
  const Expectation e{keyed(ExpectationForm::kAlways, "charge_current <= 0.1 A while min_cell_temp < 0 C")};
  EXPECT_EQ(e.kind, ExpectationKind::kAlways);
  EXPECT_EQ(first_signal(e.condition), SignalId::kChargeCurrent);
  ASSERT_TRUE(e.while_condition.has_value());
  EXPECT_EQ(first_signal(*e.while_condition), SignalId::kMinCellTemp);
  EXPECT_DOUBLE_EQ(std::get<Comparison>(e.while_condition->any_of[0].all_of[0].predicate).value, 0.0);
}

TEST(ExpectationForms, EventuallyWithoutDeadlineMeansByTheEnd) {
  const Expectation e{keyed(ExpectationForm::kEventually, "service reports cell_undervoltage")};
  EXPECT_EQ(e.kind, ExpectationKind::kEventually);
  EXPECT_EQ(e.time_ns, sim::kNoEvent);
  EXPECT_EQ(first_signal(e.condition), SignalId::kServiceCellUndervoltage);
}

TEST(ExpectationForms, EventuallyWithinADeadlineFromTheStart) {
  const Expectation e{sentence("eventually firmware_state == normal within 2 s")};
  EXPECT_EQ(e.kind, ExpectationKind::kEventually);
  EXPECT_EQ(e.time_ns, 2 * sim::kNsPerS);
}

TEST(ExpectationForms, EventuallyWithinOfIsAResponse) {
  const Expectation e{keyed(ExpectationForm::kEventually, "chg_fet off within 1 s of step_started[cutoff]")};
  EXPECT_EQ(e.kind, ExpectationKind::kWithinOf);
  EXPECT_EQ(std::get<EventHappens>(e.trigger->any_of[0].all_of[0].predicate).event.index, 1);
}

TEST(ExpectationForms, AtEndInEverySpelling) {
  EXPECT_EQ(sentence("at end cell_spread < 20 mV").kind, ExpectationKind::kAtEnd);
  EXPECT_EQ(sentence("at_end cell_spread < 20 mV").kind, ExpectationKind::kAtEnd);
  const Expectation e{keyed(ExpectationForm::kAtEnd, "cell_spread < 20 mV")};
  EXPECT_EQ(e.kind, ExpectationKind::kAtEnd);
  EXPECT_DOUBLE_EQ(std::get<Comparison>(e.condition.any_of[0].all_of[0].predicate).value, 0.02);
}

TEST(ExpectationForms, AfterATimeFromTheSentenceOrTheKey) {
  const Expectation a{sentence("after 6 h: cell_spread < 20 mV")};
  EXPECT_EQ(a.kind, ExpectationKind::kAfter);
  EXPECT_EQ(a.time_ns, 6 * 3600 * sim::kNsPerS);
  EXPECT_EQ(sentence("after 6h cell_spread < 20 mV").time_ns, 6 * 3600 * sim::kNsPerS);
  const Expectation b{keyed(ExpectationForm::kAfter, "cell_spread < 20 mV", 6 * 3600 * sim::kNsPerS)};
  EXPECT_EQ(b.kind, ExpectationKind::kAfter);
  EXPECT_EQ(b.time_ns, a.time_ns);
}

TEST(ExpectationErrors, ConditionWithoutTimeFrame) {
  EXPECT_EQ(error("min_cell_v < 2.5 V"),
            "t.yaml:3:28: a condition alone has no time frame: start with never, always, eventually, 'at end' or "
            "'after <time>', or end with 'within <time> of <condition>' (at the end)");
}

TEST(ExpectationErrors, WithinNeedsADurationAndATrigger) {
  EXPECT_EQ(error("dsg_fet off within of heartbeat_lost"),
            "t.yaml:3:29: expected a duration after 'within', e.g. 100 ms, got 'of'");
  EXPECT_EQ(error("dsg_fet off within 1 s"),
            "t.yaml:3:32: expected 'of <condition>' after 'within <time>' (at the end)");
  EXPECT_EQ(error("dsg_fet off within 1 V of heartbeat_lost"),
            "t.yaml:3:31: 'within': expected a duration (ms, s, min, h, d), got a voltage '1 V'");
}

TEST(ExpectationErrors, NeverTakesNoDeadline) {
  EXPECT_EQ(error("max_cell_v > 3.65 V within 1 s", ExpectationForm::kNever),
            "t.yaml:3:30: expected 'while <condition>', 'or', 'and' or the end, got 'within'");
}

TEST(ExpectationErrors, EmptyExpectation) {
  EXPECT_EQ(error("", ExpectationForm::kNever),
            "t.yaml:3:10: expected an expectation, e.g. never max_cell_v > 3.65 V (at the end)");
}

TEST(ExpectationErrors, AtWithoutEnd) {
  EXPECT_EQ(error("at last soc < 5 %"), "t.yaml:3:13: expected 'at end', got 'last'");
}

}  // namespace
}  // namespace packsim::scenario::testing

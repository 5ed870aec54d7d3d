// Conditions on signals (until and expectations) and the signal table.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "sim/scenario/condition.h"
#include "sim/scenario/faults.h"
#include "tests/sim/scenario/scenario_test_support.h"

namespace packsim::scenario::testing {
namespace {

// A 16S1P pack of 2.3 Ah cells, with three steps (the second labelled).
const std::vector<std::string> kLabels{"", "cutoff", ""};

ConditionContext until_context() {
  ConditionContext context;
  context.series = 16;
  context.cells = 16;
  context.nominal_capacity_ah = 2.3;
  context.allow_elapsed = true;
  return context;
}

ConditionContext expect_context() {
  ConditionContext context{until_context()};
  context.allow_elapsed = false;
  context.allow_step_events = true;
  context.step_labels = kLabels;
  return context;
}

Condition parse(const std::string& text, const ConditionContext& context = until_context()) {
  return parse_condition(scalar(text), context);
}

std::string error(const std::string& text, const ConditionContext& context = until_context()) {
  return error_of([&] { parse(text, context); });
}

// The single term of a condition, as T (a copy: the condition is a temporary).
template <class T>
T only(const Condition& condition) {
  EXPECT_EQ(condition.any_of.size(), 1U);
  EXPECT_EQ(condition.any_of.at(0).all_of.size(), 1U);
  return std::get<T>(condition.any_of.at(0).all_of.at(0).predicate);
}

TEST(SignalTable, NamesAreUniqueAndEveryIdHasItsRow) {
  std::set<std::string_view> names;
  std::size_t index{0};
  for (const SignalInfo& info : signal_table()) {
    EXPECT_TRUE(names.insert(info.name).second) << info.name;
    EXPECT_EQ(static_cast<std::size_t>(info.id), index++) << info.name;
    EXPECT_FALSE(info.description.empty()) << info.name;
    EXPECT_EQ(find_signal(info.name), &info);
  }
  EXPECT_EQ(find_signal("no_such_signal"), nullptr);
}

TEST(SignalTable, CoversEverySourceTheRunnerObserves) {
  EXPECT_EQ(find_signal("cell_v")->indexing, SignalIndexing::kSeriesGroup);
  EXPECT_EQ(find_signal("cell_temp")->indexing, SignalIndexing::kCell);
  EXPECT_EQ(find_signal("dsg_fet")->kind, SignalKind::kSwitch);
  EXPECT_EQ(find_signal("afe.scd")->source, SignalSource::kAfe);
  EXPECT_EQ(find_signal("firmware_state")->kind, SignalKind::kState);
  EXPECT_EQ(find_signal("service.cell_undervoltage")->source, SignalSource::kService);
  EXPECT_EQ(find_signal("can.discharge_limit")->quantity, Quantity::kCurrent);
  EXPECT_EQ(find_signal("can.charge_enable")->source, SignalSource::kCan);
  EXPECT_EQ(find_signal("heartbeat_lost")->kind, SignalKind::kEvent);
  EXPECT_EQ(find_signal("step_started")->indexing, SignalIndexing::kStep);
}

TEST(SignalTable, MarkdownListsNameUnitAndDescription) {
  const std::string table{signal_table_markdown()};
  EXPECT_NE(table.find("| `min_cell_v` | V | lowest series-group voltage |"), std::string::npos);
  EXPECT_NE(table.find("| `cell_temp[k]` | degC |"), std::string::npos);
  EXPECT_NE(table.find("| `dsg_fet` | on/off |"), std::string::npos);
}

TEST(SignalTable, ReadmeShowsTheTableAsTheCodeDefinesIt) {
  const std::string readme{read_text(kRepoDir + "/sim/scenario/README.md")};
  EXPECT_NE(readme.find(signal_table_markdown()), std::string::npos)
      << "regenerate the table in sim/scenario/README.md from signal_table_markdown()";
}

TEST(ConditionParse, ComparisonOfANumberInSi) {
  const auto comparison = only<Comparison>(parse("min_cell_v < 2.5 V"));
  EXPECT_EQ(comparison.signal.id, SignalId::kMinCellV);
  EXPECT_EQ(comparison.op, CompareOp::kLess);
  EXPECT_DOUBLE_EQ(comparison.value, 2.5);
}

TEST(ConditionParse, EveryComparisonOperator) {
  EXPECT_EQ(only<Comparison>(parse("soc <= 10 %")).op, CompareOp::kLessEqual);
  EXPECT_EQ(only<Comparison>(parse("soc > 10 %")).op, CompareOp::kGreater);
  EXPECT_EQ(only<Comparison>(parse("soc >= 10 %")).op, CompareOp::kGreaterEqual);
  EXPECT_EQ(only<Comparison>(parse("soc == 10 %")).op, CompareOp::kEqual);
  EXPECT_EQ(only<Comparison>(parse("soc != 10 %")).op, CompareOp::kNotEqual);
  EXPECT_DOUBLE_EQ(only<Comparison>(parse("soc<10%")).value, 0.1);
}

TEST(ConditionParse, TemperatureSignalReadsCAsCelsius) {
  const auto comparison = only<Comparison>(parse("max_cell_temp > 50 C"));
  EXPECT_EQ(comparison.signal.id, SignalId::kMaxCellTemp);
  EXPECT_DOUBLE_EQ(comparison.value, 50.0);
  EXPECT_DOUBLE_EQ(only<Comparison>(parse("min_cell_temp < -10 degC")).value, -10.0);
}

TEST(ConditionParse, CurrentSignalTakesACRateConvertedWithTheNominalCapacity) {
  EXPECT_DOUBLE_EQ(only<Comparison>(parse("charge_current < C/20")).value, 2.3 / 20.0);
  EXPECT_DOUBLE_EQ(only<Comparison>(parse("pack_current > 1C")).value, 2.3);
  EXPECT_DOUBLE_EQ(only<Comparison>(parse("pack_current > -1 A")).value, -1.0);
}

TEST(ConditionParse, IndexedSignalsAreZeroBased) {
  EXPECT_EQ(only<Comparison>(parse("cell_v[3] < 2.5 V")).signal.index, 2);
  EXPECT_EQ(only<Comparison>(parse("cell_temp[16] > 45 degC")).signal.index, 15);
  EXPECT_EQ(only<Comparison>(parse("cell_soc[1] < 5 %")).signal.index, 0);
}

TEST(ConditionParse, SwitchInEveryWording) {
  for (const std::string text : {"dsg_fet off", "dsg_fet == off", "dsg_fet: off", "dsg_fet is off", "dsg_fet false"}) {
    const auto state = only<StateIs>(parse(text));
    EXPECT_EQ(state.signal.id, SignalId::kDsgFet) << text;
    EXPECT_TRUE(state.equal) << text;
    EXPECT_EQ(state.value, 0) << text;
  }
  const auto alone = only<StateIs>(parse("chg_fet"));
  EXPECT_EQ(alone.value, 1);
  const auto negated = only<StateIs>(parse("chg_fet is not on"));
  EXPECT_FALSE(negated.equal);
  EXPECT_FALSE(only<StateIs>(parse("chg_fet != on")).equal);
}

TEST(ConditionParse, FirmwareStateByName) {
  const auto state = only<StateIs>(parse("firmware_state == fault_latched"));
  EXPECT_EQ(state.signal.id, SignalId::kFirmwareState);
  EXPECT_EQ(state.value, static_cast<int>(FirmwareState::kFaultLatched));
}

TEST(ConditionParse, ObserverReportsNamesTheObserversSignal) {
  const auto service = only<StateIs>(parse("service reports cell_undervoltage"));
  EXPECT_EQ(service.signal.id, SignalId::kServiceCellUndervoltage);
  const auto can = only<Comparison>(parse("can reports discharge_limit == 0 A"));
  EXPECT_EQ(can.signal.id, SignalId::kCanDischargeLimit);
  EXPECT_EQ(only<StateIs>(parse("afe reports cuv")).signal.id, SignalId::kAfeCuv);
  EXPECT_EQ(only<StateIs>(parse("afe.cuv")).signal.id, SignalId::kAfeCuv);
}

TEST(ConditionParse, EventsAloneWithOptionalFaultKind) {
  EXPECT_EQ(only<EventHappens>(parse("heartbeat_lost")).event.id, SignalId::kHeartbeatLost);
  EXPECT_EQ(only<EventHappens>(parse("fault_injected")).event.index, -1);
  EXPECT_EQ(only<EventHappens>(parse("fault_injected[open_wire]")).event.index,
            static_cast<int>(FaultKind::kOpenWire));
}

TEST(ConditionParse, StepEventsByNumberOrLabelInExpectations) {
  EXPECT_EQ(only<EventHappens>(parse("step_started[cutoff]", expect_context())).event.index, 1);
  EXPECT_EQ(only<EventHappens>(parse("step_ended[3]", expect_context())).event.index, 2);
}

TEST(ConditionParse, BareDurationEndsAStep) {
  EXPECT_EQ(only<Elapsed>(parse("2 h")).duration_ns, 2 * 3600 * sim::kNsPerS);
}

TEST(ConditionParse, AndBindsTighterThanOr) {
  const Condition condition{parse("min_cell_v < 2.5 V or dsg_fet off and soc < 5 % or 30 min")};
  ASSERT_EQ(condition.any_of.size(), 3U);
  EXPECT_EQ(condition.any_of[0].all_of.size(), 1U);
  EXPECT_EQ(condition.any_of[1].all_of.size(), 2U);
  EXPECT_EQ(condition.any_of[1].all_of[1].text, "soc < 5 %");
  EXPECT_EQ(condition.text, "min_cell_v < 2.5 V or dsg_fet off and soc < 5 % or 30 min");
}

TEST(ConditionParse, TermsKeepWhereTheyWereWritten) {
  const Condition condition{parse("dsg_fet off or min_cell_v < 2 V")};
  EXPECT_EQ(condition.any_of[1].all_of[0].where.column, 25);
}

// ---- Errors, each at its token (the text starts at t.yaml:3:10) ----

TEST(ConditionErrors, UnknownSignalSuggestsTheNearestName) {
  EXPECT_EQ(error("min_cell_volt < 2.5 V"), "t.yaml:3:10: unknown signal 'min_cell_volt'; did you mean 'min_cell_v'?");
}

TEST(ConditionErrors, ComparingWithTheWrongQuantityPointsAtTheUnit) {
  EXPECT_EQ(error("min_cell_v < 50 C"),
            "t.yaml:3:26: 'min_cell_v': expected a voltage (V, mV), got '50 C' (a temperature or a C-rate)");
  EXPECT_EQ(error("soc < 2.5 V"), "t.yaml:3:20: 'soc': expected a percentage (%), got a voltage '2.5 V'");
}

TEST(ConditionErrors, NumberWithoutAComparison) {
  EXPECT_EQ(error("min_cell_v"),
            "t.yaml:3:20: 'min_cell_v' is compared with <, <=, >, >=, == or !=, e.g. min_cell_v < 2.5 V (at the end)");
  EXPECT_EQ(error("min_cell_v = 2 V"),
            "t.yaml:3:21: 'min_cell_v' is compared with <, <=, >, >=, == or !=, e.g. min_cell_v < 2.5 V, got '='");
}

TEST(ConditionErrors, MissingValueAfterTheOperator) {
  EXPECT_EQ(error("min_cell_v < or dsg_fet off"), "t.yaml:3:23: 'min_cell_v': expected a voltage (V, mV)");
}

TEST(ConditionErrors, SwitchComparedAsANumber) {
  EXPECT_EQ(error("dsg_fet < 1 V"), "t.yaml:3:18: 'dsg_fet' is on or off: compare it with == or !=");
  EXPECT_EQ(error("dsg_fet maybe"), "t.yaml:3:18: 'dsg_fet' is on or off, got 'maybe'");
}

TEST(ConditionErrors, UnknownFirmwareState) {
  EXPECT_EQ(error("firmware_state == faulted"),
            "t.yaml:3:28: unknown firmware state 'faulted'; expected startup, standby, normal, charge_inhibit, "
            "discharge_inhibit, fault_latched or sleep");
}

TEST(ConditionErrors, EventWithAValue) {
  EXPECT_EQ(error("heartbeat_lost == on"),
            "t.yaml:3:25: 'heartbeat_lost' is an event: write it alone (it happens or not)");
}

TEST(ConditionErrors, IndexBeyondThePack) {
  EXPECT_EQ(error("cell_v[17] < 2 V"), "t.yaml:3:17: 'cell_v': there is no series group 17; there are 16 (1..16)");
  EXPECT_EQ(error("cell_v < 2 V"), "t.yaml:3:10: 'cell_v' needs a series group number, e.g. cell_v[1] (1..16)");
  EXPECT_EQ(error("pack_v[1] < 2 V"), "t.yaml:3:16: 'pack_v' takes no index");
  EXPECT_EQ(error("cell_v[3 < 2 V"), "t.yaml:3:19: expected ']', got '<'");
}

TEST(ConditionErrors, StepEventsOnlyInExpectations) {
  EXPECT_EQ(error("step_started[1]"),
            "t.yaml:3:10: 'step_started': step events belong in expectations, not in a step's 'until'");
  EXPECT_EQ(error("step_started[nope]", expect_context()), "t.yaml:3:23: 'step_started': no step is labelled 'nope'");
}

TEST(ConditionErrors, DurationAloneOutsideUntil) {
  EXPECT_EQ(error("2 h", expect_context()),
            "t.yaml:3:10: a duration alone only ends a step ('until'); compare a signal here, e.g. soc < 10 %");
}

TEST(ConditionErrors, DanglingOr) {
  EXPECT_EQ(error("dsg_fet off or"), "t.yaml:3:24: expected a condition, e.g. min_cell_v < 2.5 V (at the end)");
}

TEST(ConditionErrors, EmptyCondition) {
  EXPECT_EQ(error(""), "t.yaml:3:10: expected a condition, e.g. min_cell_v < 2.5 V (at the end)");
}

}  // namespace
}  // namespace packsim::scenario::testing

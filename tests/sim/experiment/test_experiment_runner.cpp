#include "sim/experiment/experiment_runner.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "models/pack/pack_config.h"

namespace packsim::sim {
namespace {

const std::string kPackPath{std::string{PACKSIM_PARAMS_DIR} + "/packs/lfp_16s1p.yaml"};
constexpr double kNominalAh{2.3};  // lfp_16s1p: one 2.3 Ah cell per group

struct Outcome {
  ExperimentResult result;
  std::string csv;
};

Outcome run(const std::vector<std::string>& texts, ExperimentOptions options = {}) {
  std::vector<ExperimentStep> steps;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    steps.push_back(parse_experiment_step(texts[i], "--step " + std::to_string(i + 1)));
  }
  std::ostringstream csv;
  Outcome out{run_experiment(models::load_pack_config(kPackPath), steps, options, &csv), {}};
  out.csv = csv.str();
  return out;
}

struct Row {
  std::string time;  // as written: exact decimal seconds
  std::vector<double> values;  // every column, time included
};

std::vector<Row> parse_csv(const std::string& csv) {
  std::vector<Row> rows;
  std::istringstream lines{csv};
  std::string line;
  std::getline(lines, line);  // header
  while (std::getline(lines, line)) {
    Row row;
    std::istringstream fields{line};
    std::string field;
    while (std::getline(fields, field, ',')) {
      if (row.values.empty()) row.time = field;
      row.values.push_back(std::strtod(field.c_str(), nullptr));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

constexpr std::size_t kFirstCellColumn{4};  // time_s, step, current_a, terminal_v, cell1_v...

double lowest_cell_v(const Row& row, int series) {
  double lowest{row.values[kFirstCellColumn]};
  for (int i = 1; i < series; ++i) lowest = std::min(lowest, row.values[kFirstCellColumn + i]);
  return lowest;
}

TEST(ExperimentRunner, DischargeAt1CStopsWithTheLowestCellAtTheCutoff) {
  const Outcome r{run({"Discharge at 1C until 2.5 V"})};
  ASSERT_TRUE(r.result.completed) << r.result.error;
  ASSERT_EQ(r.result.steps.size(), 1u);
  const StepSummary& step{r.result.steps[0]};
  EXPECT_EQ(step.end, StepEnd::kCondition);
  EXPECT_EQ(step.reason, "lowest cell <= 2.5 V");
  // Bisection to 1 ms puts the lowest cell at the cutoff, not up to a 1 s step past it.
  EXPECT_LE(step.min_cell_v, 2.5);
  EXPECT_GE(step.min_cell_v, 2.498);
  EXPECT_NEAR(step.current_a, kNominalAh, 1e-12);
  // The boundary row is the last one and carries the same state.
  const std::vector<Row> rows{parse_csv(r.csv)};
  ASSERT_FALSE(rows.empty());
  EXPECT_NEAR(lowest_cell_v(rows.back(), 16), step.min_cell_v, 1e-8);  // %.9g in the CSV
  EXPECT_NEAR(rows.back().values[0], step.duration_s, 1e-9);
  // A matched 16S pack at 1C gives most of its nominal capacity.
  const double delivered{r.result.run.discharge_ah / kNominalAh};
  EXPECT_GE(delivered, 0.90);
  EXPECT_LE(delivered, 1.05);
  EXPECT_NEAR(r.result.run.discharge_ah, step.charge_ah, 1e-12);
  EXPECT_NEAR(step.charge_ah, kNominalAh * step.duration_s / 3600.0, 1e-9);
  EXPECT_GT(r.result.run.discharge_wh, 0.0);
  EXPECT_GT(r.result.run.heat_j, 0.0);
  EXPECT_GT(r.result.run.max_temp_c, 25.0);
}

TEST(ExperimentRunner, RestForOneHourLastsExactly3600SecondsFromAnOffGridStart) {
  // The discharge ends between two checks, so the rest starts off the 1 s grid.
  const Outcome r{run({"Discharge at 1C until 3.25 V", "Rest for 1 hour"})};
  ASSERT_TRUE(r.result.completed) << r.result.error;
  ASSERT_EQ(r.result.steps.size(), 2u);
  const StepSummary& rest{r.result.steps[1]};
  EXPECT_NE(std::fmod(rest.start_s, 1.0), 0.0);
  EXPECT_EQ(rest.end, StepEnd::kDuration);
  EXPECT_EQ(rest.duration_s, 3600.0);
  EXPECT_EQ(rest.charge_ah, 0.0);
  EXPECT_EQ(rest.current_a, 0.0);
  EXPECT_NEAR(r.result.run.duration_s, rest.start_s + 3600.0, 1e-9);
}

TEST(ExperimentRunner, HoldEndsWithTheCurrentJustBelowC20) {
  ExperimentOptions options{};
  options.initial_soc = 0.2;
  const Outcome r{run({"Charge at 0.5C until 3.6 V", "Hold at 3.6 V until C/20"}, options)};
  ASSERT_TRUE(r.result.completed) << r.result.error;
  ASSERT_EQ(r.result.steps.size(), 2u);
  const StepSummary& charge{r.result.steps[0]};
  EXPECT_EQ(charge.end, StepEnd::kCondition);
  EXPECT_EQ(charge.reason, "highest cell >= 3.6 V");
  EXPECT_GE(charge.max_cell_v, 3.6);
  EXPECT_LE(charge.max_cell_v, 3.602);
  EXPECT_NEAR(charge.current_a, -0.5 * kNominalAh, 1e-12);
  const StepSummary& hold{r.result.steps[1]};
  EXPECT_EQ(hold.end, StepEnd::kCondition);
  EXPECT_GT(hold.duration_s, 1.0);
  // Charging (negative), below C/20 in magnitude, and no more than 2 % below it:
  // the crossing was located, not overshot by a check period.
  const double c20{kNominalAh / 20.0};
  EXPECT_LT(hold.current_a, 0.0);
  EXPECT_LT(std::abs(hold.current_a), c20);
  EXPECT_GE(std::abs(hold.current_a), 0.98 * c20);
  // Below the charger's current limit the terminals sit at the hold voltage x series.
  EXPECT_NEAR(hold.terminal_v, 3.6 * 16, 1e-6);
  EXPECT_GT(r.result.run.charge_ah, 0.0);
  EXPECT_EQ(r.result.run.discharge_ah, 0.0);
}

TEST(ExperimentRunner, AStepAlreadySatisfiedAtItsStartEndsImmediately) {
  // A full LFP pack rests near 3.5 V per cell, below a 3.7 V cutoff: the
  // discharge's condition holds at once.
  const Outcome r{run({"Discharge at 1C until 3.7 V", "Rest for 10 s"})};
  ASSERT_TRUE(r.result.completed) << r.result.error;
  ASSERT_EQ(r.result.steps.size(), 2u);
  EXPECT_EQ(r.result.steps[0].end, StepEnd::kSatisfiedAtStart);
  EXPECT_EQ(r.result.steps[0].reason, "already lowest cell <= 3.7 V at the start");
  EXPECT_EQ(r.result.steps[0].duration_s, 0.0);
  EXPECT_EQ(r.result.steps[0].charge_ah, 0.0);
  EXPECT_EQ(r.result.steps[1].start_s, 0.0);
  EXPECT_EQ(r.result.steps[1].duration_s, 10.0);
  // Rows at 0, 1, ..., 10 s: the boundary at 0 and the first sample share a row.
  const std::vector<Row> rows{parse_csv(r.csv)};
  ASSERT_EQ(rows.size(), 11u);
  EXPECT_EQ(rows.front().time, "0");
  EXPECT_EQ(rows.back().time, "10");
}

TEST(ExperimentRunner, ACurrentConditionIsJudgedUnderTheStepsOwnCurrent) {
  // After a rest the plant's present current is 0, below C/20; the hold must
  // still run until its own current falls to C/20.
  ExperimentOptions options{};
  options.initial_soc = 0.9;
  const Outcome r{run({"Rest for 10 s", "Hold at 3.45 V until C/20"}, options)};
  ASSERT_TRUE(r.result.completed) << r.result.error;
  ASSERT_EQ(r.result.steps.size(), 2u);
  EXPECT_EQ(r.result.steps[1].end, StepEnd::kCondition);
  EXPECT_GT(r.result.steps[1].duration_s, 0.0);
  EXPECT_LT(r.result.steps[1].charge_ah, 0.0);
}

TEST(ExperimentRunner, SameInputsGiveIdenticalCsvBytes) {
  const std::vector<std::string> steps{"Discharge at 2C until 3.2 V", "Rest for 5 min", "Charge at 1C for 90 s"};
  ExperimentOptions options{};
  options.sample_period_s = 0.5;
  const Outcome first{run(steps, options)};
  const Outcome second{run(steps, options)};
  ASSERT_TRUE(first.result.completed) << first.result.error;
  EXPECT_GT(first.csv.size(), 1000u);
  EXPECT_EQ(first.csv, second.csv);
}

TEST(ExperimentRunner, SampleRowsLieExactlyOnMultiplesOfTheSamplePeriod) {
  ExperimentOptions options{};
  options.sample_period_s = 7.0;
  const Outcome r{run({"Discharge at 1C until 3.25 V", "Rest for 100 s"}, options)};
  ASSERT_TRUE(r.result.completed) << r.result.error;
  ASSERT_EQ(r.result.steps.size(), 2u);
  const double boundary_s{r.result.steps[0].duration_s};
  const double end_s{r.result.run.duration_s};
  const std::vector<Row> rows{parse_csv(r.csv)};
  std::vector<double> samples;
  for (const Row& row : rows) {
    const double t{row.values[0]};
    if (std::abs(t - boundary_s) < 1e-9 || std::abs(t - end_s) < 1e-9) continue;  // step boundaries
    // Multiples of 7 s print as whole seconds: exact, not merely close.
    EXPECT_EQ(row.time.find('.'), std::string::npos) << row.time;
    EXPECT_EQ(std::fmod(t, 7.0), 0.0) << row.time;
    samples.push_back(t);
  }
  // Every multiple from 0 to the end is there, once.
  const auto expected{static_cast<std::size_t>(std::floor(end_s / 7.0)) + 1};
  ASSERT_EQ(samples.size() + (std::fmod(end_s, 7.0) == 0.0 ? 1 : 0), expected);
  EXPECT_EQ(rows.size(), r.result.run.rows);
}

TEST(ExperimentRunner, RowsAfterACrossingBelongToTheNextStepEvenBetweenChecks) {
  // Samples every 0.25 s, checks every 1 s: samples between the crossing and the
  // check that found it are taken under the next step's inputs.
  ExperimentOptions options{};
  options.sample_period_s = 0.25;
  const Outcome r{run({"Discharge at 1C until 3.25 V", "Rest for 10 s"}, options)};
  ASSERT_TRUE(r.result.completed) << r.result.error;
  const double boundary_s{r.result.steps[0].duration_s};
  double last_t{-1.0};
  for (const Row& row : parse_csv(r.csv)) {
    const double t{row.values[0]};
    EXPECT_GT(t, last_t);
    last_t = t;
    const double step{row.values[1]};
    const double current_a{row.values[2]};
    if (t > boundary_s + 1e-9) {
      EXPECT_EQ(step, 2.0) << row.time;
      EXPECT_EQ(current_a, 0.0) << row.time;
    } else if (t > 0.0) {
      EXPECT_EQ(step, 1.0) << row.time;
      EXPECT_EQ(current_a, kNominalAh) << row.time;
    }
  }
}

TEST(ExperimentRunner, CsvHasTheDocumentedColumns) {
  const std::string header{experiment_csv_header(2, 4)};
  EXPECT_EQ(header,
            "time_s,step,current_a,terminal_v,cell1_v,cell2_v,cell1_soc,cell2_soc,cell3_soc,cell4_soc,"
            "cell1_temp_c,cell2_temp_c,cell3_temp_c,cell4_temp_c");
  const Outcome r{run({"Rest for 2 s"})};
  const std::string first_line{r.csv.substr(0, r.csv.find('\n'))};
  EXPECT_EQ(first_line, experiment_csv_header(16, 16));
  const std::vector<Row> rows{parse_csv(r.csv)};
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].values.size(), 4u + 16u + 2u * 16u);
}

TEST(ExperimentRunner, InitialOverridesSetSocAndTemperature) {
  ExperimentOptions options{};
  options.initial_soc = 0.5;
  options.initial_temp_c = 10.0;
  options.ambient_c = 10.0;
  const Outcome r{run({"Rest for 1 s"}, options)};
  ASSERT_TRUE(r.result.completed) << r.result.error;
  const Row first{parse_csv(r.csv).front()};
  double mean_soc{0.0};
  for (int i = 0; i < 16; ++i) mean_soc += first.values[kFirstCellColumn + 16 + i] / 16.0;
  EXPECT_NEAR(mean_soc, 0.5, 0.01);  // the seeded spread is 0.5 % around it
  EXPECT_EQ(first.values[kFirstCellColumn + 32], 10.0);
  EXPECT_NEAR(r.result.run.mean_temp_c, 10.0, 1e-3);
}

TEST(ExperimentRunner, NonFinitePhysicsStopsTheRunNamingTheStepAndTheCell) {
  // Beyond the parser's drive limit, so built by hand: run_experiment takes any step.
  std::vector<ExperimentStep> steps{parse_experiment_step("Rest for 5 s", "--step 1"),
                                    parse_experiment_step("Discharge at 1 A for 10 s", "--step 2")};
  steps[1].drive_value = 1e200;
  std::ostringstream csv;
  const Outcome r{run_experiment(models::load_pack_config(kPackPath), steps, {}, &csv), csv.str()};
  EXPECT_FALSE(r.result.completed);
  EXPECT_EQ(r.result.failed_step, 2);
  EXPECT_NE(r.result.error.find("step 2 (Discharge at 1e+200 A for 10 s)"), std::string::npos) << r.result.error;
  EXPECT_NE(r.result.error.find("cell 1"), std::string::npos) << r.result.error;
  ASSERT_EQ(r.result.steps.size(), 1u);  // the rest ended; the discharge did not
  EXPECT_EQ(r.result.run.duration_s, 5.0);
}

TEST(ExperimentRunner, AStepThatNeverMeetsItsConditionStopsAtTheTimeLimit) {
  ExperimentOptions options{};
  options.step_time_limit_s = 60.0;
  const Outcome r{run({"Discharge at 0.01C until 1 V"}, options)};
  EXPECT_FALSE(r.result.completed);
  EXPECT_EQ(r.result.failed_step, 1);
  ASSERT_EQ(r.result.steps.size(), 1u);
  EXPECT_EQ(r.result.steps[0].end, StepEnd::kTimeLimit);
  EXPECT_EQ(r.result.steps[0].duration_s, 60.0);
  EXPECT_NE(r.result.error.find("step time limit"), std::string::npos) << r.result.error;
}

// "--initial-soc 0" then an hour at 1C went on to SOC -100 % and cells at -1 V
// and said it completed. The guard stops it at the first impossible state.
TEST(ExperimentRunner, DischargeFromEmptyStopsAtTheFirstImpossibleStateNamingCellStateAndTime) {
  ExperimentOptions options{};
  options.initial_soc = 0.0;
  const Outcome r{run({"Discharge at 1C for 1 hour"}, options)};
  ASSERT_FALSE(r.result.completed);
  EXPECT_EQ(r.result.failed_step, 1);
  const std::string& error{r.result.error};
  EXPECT_EQ(error.rfind("step 1 (Discharge at 1C for 1 h): plant: impossible state at t = ", 0), 0u) << error;
  EXPECT_NE(error.find("cell "), std::string::npos) << error;
  EXPECT_TRUE(error.find(" voltage = -") != std::string::npos || error.find(" SOC = -") != std::string::npos)
      << error;
  // Stopped near the first tenth of the hour (10 % below empty at 1C): no cell got far below empty.
  const double stopped_s{std::strtod(error.c_str() + error.find("t = ") + 4, nullptr)};
  EXPECT_GT(stopped_s, 0.0);
  EXPECT_LT(stopped_s, 400.0);
  for (const Row& row : parse_csv(r.csv)) {
    for (int i = 0; i < 16; ++i) EXPECT_GE(row.values[kFirstCellColumn + 16 + i], -0.1) << row.time;
  }
}

// Steps whose durations (or time limits) add up beyond the clock's range are refused.
TEST(ExperimentRunner, StepsAddingUpBeyondTheClockRangeAreRejected) {
  std::vector<std::string> steps(10, "Rest for 100000000 s");
  EXPECT_EQ(longest_experiment_s({parse_experiment_step("Rest for 1 h", "x"),
                                  parse_experiment_step("Discharge at 1C until 2.5 V", "x")},
                                 ExperimentOptions{}),
            3600.0 + 240.0 * 3600.0);
  ExperimentOptions options{};
  options.check_period_s = 3600.0;
  std::vector<ExperimentStep> parsed;
  for (const std::string& text : steps) parsed.push_back(parse_experiment_step(text, "x"));
  EXPECT_EQ(longest_experiment_s(parsed, options), 1e9);
  parsed.push_back(parse_experiment_step("Rest for 1 s", "x"));
  std::ostringstream csv;
  EXPECT_THROW(run_experiment(models::load_pack_config(kPackPath), parsed, options, &csv), std::invalid_argument);
  options.check_period_s = 2e8;
  EXPECT_THROW(run({"Rest for 1 s"}, options), std::invalid_argument);
}

TEST(ExperimentRunner, OptionsOutOfRangeAreRejected) {
  ExperimentOptions options{};
  options.check_period_s = 0.0;
  EXPECT_THROW(run({"Rest for 1 s"}, options), std::invalid_argument);
  options = {};
  options.initial_soc = 1.5;
  EXPECT_THROW(run({"Rest for 1 s"}, options), std::invalid_argument);
  EXPECT_THROW(run({}), std::invalid_argument);
}

}  // namespace
}  // namespace packsim::sim

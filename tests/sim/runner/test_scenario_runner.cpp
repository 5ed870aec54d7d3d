// The scenario runner on the reference firmware: verdicts, failure details,
// the trace and determinism. One rig at a time (the firmware's static context).
#include "sim/runner/scenario_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sim/runner/expectation_monitor.h"
#include "sim/scenario/scenario_loader.h"
#include "tests/sim/scenario/scenario_test_support.h"

namespace packsim::runner {
namespace {

using scenario::testing::kRepoDir;
const std::string kRunnerData{std::string{PACKSIM_TEST_DATA_DIR} + "/runner"};

RunResult run_file(const std::string& path, ScenarioRunner** keep = nullptr) {
  static std::unique_ptr<ScenarioRunner> last;
  last = std::make_unique<ScenarioRunner>(scenario::validate_scenario(path), RunOptions{});
  if (keep != nullptr) *keep = last.get();
  return last->run();
}

std::string failures(const RunResult& result) {
  std::string out{result.error};
  for (const ExpectationResult& e : result.expectations) {
    if (!e.passed) out += "\n" + e.name + ": " + e.detail;
  }
  return out;
}

// The DSG FET column goes from on to off after min_cell_v first drops below 2.5 V.
void expect_dsg_opens_after_cutoff(const TraceRecorder& trace) {
  const int min_v{trace.column(scenario::SignalId::kMinCellV)};
  const int dsg{trace.column(scenario::SignalId::kDsgFet)};
  ASSERT_GE(min_v, 0);
  ASSERT_GE(dsg, 0);
  std::size_t cutoff{trace.rows()};
  for (std::size_t row = 0; row < trace.rows(); ++row) {
    if (trace.value(row, min_v) < 2.5) {
      cutoff = row;
      break;
    }
  }
  ASSERT_LT(cutoff, trace.rows()) << "min_cell_v never fell below 2.5 V";
  ASSERT_GT(cutoff, 0U);
  EXPECT_EQ(trace.value(cutoff - 1, dsg), 1.0) << "the DSG FET was already open before the cut-off";
  std::size_t opened{trace.rows()};
  for (std::size_t row = cutoff; row < trace.rows(); ++row) {
    if (trace.value(row, dsg) == 0.0) {
      opened = row;
      break;
    }
  }
  ASSERT_LT(opened, trace.rows()) << "the DSG FET never opened";
  const double delay_s{sim::to_seconds(trace.time_ns(opened) - trace.time_ns(cutoff))};
  EXPECT_GE(delay_s, 1.0);  // the firmware's 2 s undervoltage delay, less the AFE's sampling
  EXPECT_LE(delay_s, 3.0);
  for (std::size_t row = opened; row < trace.rows(); ++row) EXPECT_EQ(trace.value(row, dsg), 0.0);
}

TEST(ScenarioRunner, DeepDischargeScenarioPassesAndItsTraceShowsDsgOpeningAfterCutoff) {
  ScenarioRunner* runner{nullptr};
  const RunResult result{run_file(kRepoDir + "/scenarios/deep_discharge.yaml", &runner)};
  EXPECT_TRUE(result.passed()) << failures(result);
  EXPECT_EQ(result.expectations.size(), 5U);
  EXPECT_GT(result.statistics.simulated_s, 3000.0);
  EXPECT_GT(result.statistics.speed_up(), 1.0);
  expect_dsg_opens_after_cutoff(runner->trace());
  EXPECT_NE(runner->can_log().find("(0"), std::string::npos) << "the CAN log is empty";
}

TEST(ScenarioRunner, NearCutoffScenarioPassesQuickly) {
  ScenarioRunner* runner{nullptr};
  const RunResult result{run_file(kRunnerData + "/near_cutoff.yaml", &runner)};
  EXPECT_TRUE(result.passed()) << failures(result);
  ASSERT_EQ(result.expectations.size(), 5U);
  expect_dsg_opens_after_cutoff(runner->trace());
}

TEST(ScenarioRunner, WrongExpectationFailsWithDetailNamingTriggerAndTime) {
  const RunResult result{run_file(kRunnerData + "/wrong_expectation.yaml")};
  EXPECT_FALSE(result.passed());
  ASSERT_EQ(result.expectations.size(), 2U);
  EXPECT_TRUE(result.expectations[0].passed) << result.expectations[0].detail;
  const ExpectationResult& wrong{result.expectations[1]};
  EXPECT_EQ(wrong.name, "dsg opens within 100 ms & <instantly>");
  EXPECT_FALSE(wrong.passed);
  EXPECT_NE(wrong.detail.find("trigger min_cell_v < 2.5 V at t="), std::string::npos) << wrong.detail;
  EXPECT_NE(wrong.detail.find("dsg_fet = on"), std::string::npos) << wrong.detail;
  EXPECT_NE(wrong.detail.find("deadline"), std::string::npos) << wrong.detail;
  // The deciding instant is also given as a number (the report's markers use
  // it): the deadline check, as the detail's last time says.
  ASSERT_TRUE(wrong.failed_at_ns.has_value());
  const std::string at{format_time(*wrong.failed_at_ns)};
  EXPECT_NE(wrong.detail.find(" at " + at), std::string::npos) << at << " in " << wrong.detail;
  EXPECT_FALSE(result.expectations[0].failed_at_ns.has_value());
}

TEST(ScenarioRunner, SameScenarioAndSeedGiveByteIdenticalTraces) {
  ScenarioRunner* runner{nullptr};
  run_file(kRunnerData + "/near_cutoff.yaml", &runner);
  const std::string first_trace{runner->trace().csv()};
  const std::string first_can{runner->can_log()};
  run_file(kRunnerData + "/near_cutoff.yaml", &runner);
  EXPECT_EQ(runner->trace().csv(), first_trace);
  EXPECT_EQ(runner->can_log(), first_can);
  EXPECT_GT(std::count(first_trace.begin(), first_trace.end(), '\n'), 100);
}

// Every library scenario, run twice in one process (the firmware's static
// context reused, every seeded stream drawn again): the same bytes.
TEST(ScenarioRunner, EveryLibraryScenarioReplaysBitForBit) {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator{kRepoDir + "/scenarios"}) {
    if (entry.path().extension() == ".yaml") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  ASSERT_GE(paths.size(), 14U);
  for (const std::string& path : paths) {
    ScenarioRunner* runner{nullptr};
    run_file(path, &runner);
    const std::string first_trace{runner->trace().csv()};
    const std::string first_can{runner->can_log()};
    run_file(path, &runner);
    EXPECT_TRUE(runner->trace().csv() == first_trace) << path << ": the trace differs";
    EXPECT_TRUE(runner->can_log() == first_can) << path << ": the CAN log differs";
  }
}

// Paced to the wall clock (here 1000x, so the test stays short), the run
// computes exactly what it computes unpaced; only its wall time differs.
TEST(ScenarioRunner, PacingToTheWallClockChangesWhenNotWhat) {
  ScenarioRunner* runner{nullptr};
  run_file(kRunnerData + "/near_cutoff.yaml", &runner);
  const std::string unpaced_trace{runner->trace().csv()};
  RunOptions paced;
  paced.realtime = sim::PacerOptions{.period_ns = sim::kNsPerMs, .speed = 1000.0, .fifo_priority = 0};
  ScenarioRunner paced_runner{scenario::validate_scenario(kRunnerData + "/near_cutoff.yaml"), paced};
  const RunResult result{paced_runner.run()};
  EXPECT_TRUE(result.passed()) << failures(result);
  EXPECT_TRUE(paced_runner.trace().csv() == unpaced_trace);
  ASSERT_TRUE(result.statistics.realtime.has_value());
  EXPECT_GE(result.statistics.realtime->waits, 180);  // one a wall millisecond at least
  EXPECT_GE(result.statistics.wall_s, result.statistics.simulated_s / 1000.0);
}

TEST(ScenarioRunner, TraceHasTimeAndTheSignalsTheScenarioUses) {
  ScenarioRunner* runner{nullptr};
  run_file(kRunnerData + "/near_cutoff.yaml", &runner);
  const std::string csv{runner->trace().csv()};
  const std::string header{csv.substr(0, csv.find('\n'))};
  EXPECT_EQ(header.rfind("time_s,", 0), 0U) << header;
  for (const char* column : {"min_cell_v", "dsg_fet", "firmware_state", "service.cell_undervoltage"}) {
    EXPECT_NE(header.find(column), std::string::npos) << column << " missing from " << header;
  }
}

// The short lasts 61 us before the AFE's SCD opens DSG: the trace still shows
// it, in rows at the stimulus and at the FET edge.
TEST(ScenarioRunner, TraceShowsAShortsCurrentThatLastsMicroseconds) {
  ScenarioRunner* runner{nullptr};
  const RunResult result{run_file(kRepoDir + "/scenarios/short_circuit.yaml", &runner)};
  EXPECT_TRUE(result.passed()) << failures(result);
  const TraceRecorder& trace{runner->trace()};
  const int current{trace.column(scenario::SignalId::kPackCurrent)};
  ASSERT_GE(current, 0);
  double peak_a{0.0};
  for (std::size_t row = 0; row < trace.rows(); ++row) peak_a = std::max(peak_a, trace.value(row, current));
  EXPECT_GT(peak_a, 200.0);  // 50 mohm on 16 cells of ~8 mohm each: about 275 A
  // Microsecond rows are told apart in the CSV's time column.
  EXPECT_NE(trace.csv().find("\n2.000001,"), std::string::npos) << "the stimulus row at 2 s + 1 us";
}

// A service read the firmware never answers (the minimal example firmware has
// no service port) waits out the tool's 500 ms timeout; expectations are still
// checked at their own instants meanwhile, not after the wait.
TEST(ScenarioRunner, ExpectationsAreCheckedWhileAServiceReadWaitsForItsTimeout) {
  const std::filesystem::path dir{std::filesystem::temp_directory_path() / "packsim_service_wait"};
  std::filesystem::create_directories(dir);
  const std::string path{(dir / "wait.yaml").string()};
  std::ofstream{path} << "name: wait\ndescription: a service read that times out\nseed: 3\n"
                         "pack: {file: " << kRepoDir << "/models/params/packs/lfp_16s1p.yaml, initial_soc: 60 %}\n"
                         "firmware: {path: " << MINIMAL_FIRMWARE_SO << "}\n"
                         "steps:\n"
                         "  - rest: 1 s\n"
                         "  - service: {read: status}\n"
                         "expect:\n"
                         "  - name: decided at its own instant, inside the wait\n"
                         "    after 1200 ms: dsg_fet off\n";
  const RunResult result{run_file(path)};
  ASSERT_EQ(result.expectations.size(), 2U);  // the expectation, then the timed-out step
  EXPECT_TRUE(result.expectations[0].passed) << result.expectations[0].detail;
  EXPECT_NE(result.expectations[0].detail.find("held at t=1.20 s"), std::string::npos) << result.expectations[0].detail;
  EXPECT_FALSE(result.expectations[1].passed);
  EXPECT_NE(result.expectations[1].detail.find("at t=1.5"), std::string::npos) << result.expectations[1].detail;
}

// A re-flash with another image mid-run: the pack and the chip keep their
// state, the new image boots on the same board, and flashing the reference
// back brings its state machine back to normal.
TEST(ScenarioRunner, ReflashSwapsTheImageMidRunAndBack) {
  const std::filesystem::path dir{std::filesystem::temp_directory_path() / "packsim_reflash_swap"};
  std::filesystem::create_directories(dir);
  const std::string path{(dir / "swap.yaml").string()};
  std::ofstream{path} << "name: swap\ndescription: reference, then the minimal image, then the reference\nseed: 3\n"
                         "pack: {file: " << kRepoDir << "/models/params/packs/lfp_16s1p.yaml, initial_soc: 60 %}\n"
                         "steps:\n"
                         "  - rest: 20 s\n"
                         "  - reflash: {firmware: {path: " << MINIMAL_FIRMWARE_SO << "}}\n"
                         "  - rest: 20 s\n"
                         "  - reflash: {firmware: reference}\n"
                         "  - rest: 20 s\n"
                         "expect:\n"
                         "  - name: the reference runs normally before\n"
                         "    after 15 s: firmware_state == normal\n"
                         "  - name: and again after it is flashed back\n"
                         "    at_end: firmware_state == normal\n";
  ScenarioRunner* runner{nullptr};
  const RunResult result{run_file(path, &runner)};
  EXPECT_TRUE(result.passed()) << failures(result);
  // While the minimal image runs, the reference's state is not observable.
  const TraceRecorder& trace{runner->trace()};
  const int state{trace.column(scenario::SignalId::kFirmwareState)};
  ASSERT_GE(state, 0);
  bool hidden_while_swapped{false};
  for (std::size_t row = 0; row < trace.rows(); ++row) {
    const double t_s{sim::to_seconds(trace.time_ns(row))};
    if (t_s > 25.0 && t_s < 39.0) hidden_while_swapped = hidden_while_swapped || std::isnan(trace.value(row, state));
  }
  EXPECT_TRUE(hidden_while_swapped);
}

}  // namespace
}  // namespace packsim::runner

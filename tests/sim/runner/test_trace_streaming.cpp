// Long runs: the trace and the CAN log stream to their files as they grow, memory keeps a
// bounded copy, and the file equals the whole in-memory trace of an
// unbounded run byte for byte. One rig at a time (the firmware's static context).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "sim/runner/scenario_runner.h"
#include "sim/scenario/scenario_loader.h"
#include "tests/sim/scenario/scenario_test_support.h"

namespace packsim::runner {
namespace {

using scenario::testing::read_text;
using scenario::testing::TempDir;

const std::string kNearCutoff{std::string{PACKSIM_TEST_DATA_DIR} + "/runner/near_cutoff.yaml"};

RunOptions every_10_ms() {
  RunOptions options;
  options.trace_period_ns = 10 * sim::kNsPerMs;
  return options;
}

// A column's value changes between two rows kept in memory (e.g. a FET edge).
std::size_t edges_in(const TraceRecorder& trace, scenario::SignalId id) {
  const int column{trace.column(id)};
  std::size_t edges{0};
  for (std::size_t row = 1; row < trace.rows(); ++row) {
    edges += trace.value(row, column) != trace.value(row - 1, column) ? 1 : 0;
  }
  return edges;
}

TEST(TraceStreaming, StreamedFileEqualsTheWholeTraceAndMemoryStaysBounded) {
  ScenarioRunner whole{scenario::validate_scenario(kNearCutoff), every_10_ms()};
  const RunResult whole_result{whole.run()};
  ASSERT_TRUE(whole_result.passed());
  ASSERT_GT(whole.trace().rows(), 5000U) << "the scenario must outgrow the memory limit below";

  const TempDir dir{"packsim_trace_streaming"};
  RunOptions bounded{every_10_ms()};
  bounded.trace_file = (dir.path() / "trace.csv").string();
  bounded.trace_memory_rows = 500;
  bounded.can_log_file = (dir.path() / "can.log").string();
  bounded.can_memory_frames = 64;
  ScenarioRunner streamed{scenario::validate_scenario(kNearCutoff), bounded};
  const RunResult streamed_result{streamed.run()};
  EXPECT_TRUE(streamed_result.passed());
  EXPECT_FALSE(std::filesystem::exists(bounded.trace_file)) << "trace.csv before its run's outputs were committed";
  EXPECT_TRUE(std::filesystem::exists(bounded.trace_file + ".partial"));
  streamed.commit_trace_file();
  EXPECT_FALSE(std::filesystem::exists(bounded.trace_file + ".partial"));
  EXPECT_EQ(read_text(bounded.trace_file), whole.trace().csv());
  EXPECT_TRUE(streamed.commit_can_log_file());
  EXPECT_EQ(read_text(bounded.can_log_file), whole.can_log());
  EXPECT_LE(streamed.can_records().size(), 64U);
  ASSERT_GT(whole.can_records().size(), 64U);

  EXPECT_LE(streamed.trace().rows(), 500U);
  EXPECT_EQ(streamed.trace().rows() + streamed.trace().thinned_rows(), whole.trace().rows());
  // The changes that matter survive the thinning: the DSG FET's edge.
  EXPECT_EQ(edges_in(streamed.trace(), scenario::SignalId::kDsgFet), edges_in(whole.trace(), scenario::SignalId::kDsgFet));
  EXPECT_EQ(streamed.trace().time_ns(streamed.trace().rows() - 1), whole.trace().time_ns(whole.trace().rows() - 1));
}

// An earlier run's trace.csv is gone the moment a new run starts: should
// this one die, nothing at trace.csv passes for its result.
TEST(TraceStreaming, AnEarlierRunsTraceNeverPassesForThisRuns) {
  const TempDir dir{"packsim_trace_streaming_stale"};
  const std::string path{dir.write("trace.csv", "time_s\n0.000\n")};
  RunOptions options;
  options.trace_file = path;
  ScenarioRunner runner{scenario::validate_scenario(kNearCutoff), options};
  (void)runner.run();
  EXPECT_FALSE(std::filesystem::exists(path));
  runner.commit_trace_file();
  EXPECT_EQ(read_text(path).rfind("time_s,", 0), 0U);
}

}  // namespace
}  // namespace packsim::runner

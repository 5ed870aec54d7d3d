// `packsim bench` through the built binary: every headline figure, and the
// lockstep workload passing its own expectations.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/support/packsim_cli.h"

namespace packsim::app {
namespace {

TEST(BenchCli, JsonReportsEveryFigureAndTheLockstepWorkloadPasses) {
  const std::filesystem::path scratch{std::filesystem::temp_directory_path() / "packsim_bench_cli"};
  std::filesystem::create_directories(scratch);
  const testing::CliOutput run{testing::run_packsim({"bench", "--json", "--lockstep-hours", "0.05"}, scratch)};
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  for (const char* key : {"\"plant_ns_per_cell_step\"", "\"192s1p\"", "\"afe_register_read_ns\"", "\"afe_scan_ns\"",
                          "\"lockstep_16s_rt_factor\"", "\"lockstep_16s_simulated_s\": 180.0"}) {
    EXPECT_NE(run.out.find(key), std::string::npos) << key << " missing in\n" << run.out;
  }
  EXPECT_NE(run.out.find("\"lockstep_16s_passed\": true"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\"lockstep_16s_rt_factor_isolated\""), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\"lockstep_16s_isolated_passed\": true"), std::string::npos) << run.out;
}

TEST(BenchCli, LockstepHoursOutsideItsRangeIsBadInput) {
  const std::filesystem::path scratch{std::filesystem::temp_directory_path() / "packsim_bench_cli_bad"};
  std::filesystem::create_directories(scratch);
  EXPECT_EQ(testing::run_packsim({"bench", "--lockstep-hours", "30"}, scratch).exit_code, 2);
}

}  // namespace
}  // namespace packsim::app

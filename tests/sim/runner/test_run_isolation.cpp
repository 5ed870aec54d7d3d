// Rigs side by side in one process: each run loads a private copy of the
// firmware's shared object (RunOptions::load_firmware), so two runs in two
// threads give exactly what each gives alone; the firmware_state signal reads
// whatever firmware exports a "state" observable, and nothing from one that
// does not.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <thread>

#include "sim/runner/scenario_runner.h"
#include "sim/scenario/scenario_loader.h"
#include "tests/sim/scenario/scenario_test_support.h"

namespace packsim::runner {
namespace {

using scenario::testing::kRepoDir;

hal::Firmware private_copy(const scenario::FirmwareImage& image) {
  return hal::load_firmware(image.is_reference() ? std::string{REFERENCE_FIRMWARE_SO} : image.path,
                            {.private_copy = true});
}

struct Outcome {
  bool passed{false};
  std::string trace_csv;
  std::string can_log;
};

Outcome run(const std::string& scenario_file, bool private_copies) {
  RunOptions options;
  if (private_copies) options.load_firmware = private_copy;
  ScenarioRunner runner{scenario::validate_scenario(kRepoDir + "/scenarios/" + scenario_file), options};
  const RunResult result{runner.run()};
  return {result.passed(), runner.trace().csv(), runner.can_log()};
}

TEST(RunIsolation, TwoRunsInTwoThreadsEqualEachRunAlone) {
  const Outcome deep_alone{run("deep_discharge.yaml", true)};
  const Outcome cold_alone{run("cold_charge_lockout.yaml", true)};
  Outcome deep_together;
  Outcome cold_together;
  std::thread other{[&] { cold_together = run("cold_charge_lockout.yaml", true); }};
  deep_together = run("deep_discharge.yaml", true);
  other.join();
  EXPECT_TRUE(deep_alone.passed);
  EXPECT_TRUE(cold_alone.passed);
  EXPECT_EQ(deep_together.trace_csv, deep_alone.trace_csv);
  EXPECT_EQ(deep_together.can_log, deep_alone.can_log);
  EXPECT_EQ(cold_together.trace_csv, cold_alone.trace_csv);
  EXPECT_EQ(cold_together.can_log, cold_alone.can_log);
}

TEST(RunIsolation, APrivateCopyOfTheReferenceFirmwareComputesWhatTheLinkedOneDoes) {
  const Outcome linked{run("deep_discharge.yaml", false)};
  const Outcome copied{run("deep_discharge.yaml", true)};
  EXPECT_TRUE(linked.passed);
  EXPECT_EQ(copied.trace_csv, linked.trace_csv);  // firmware_state included: both export "state"
  EXPECT_EQ(copied.can_log, linked.can_log);
}

TEST(RunIsolation, FirmwareStateIsUnknownForAFirmwareThatExportsNoState) {
  scenario::Scenario s{scenario::validate_scenario(kRepoDir + "/scenarios/deep_discharge.yaml")};
  s.firmware.image.path = MINIMAL_FIRMWARE_SO;
  RunOptions options;
  options.load_firmware = private_copy;
  ScenarioRunner runner{s, options};
  runner.run();
  const TraceRecorder& trace{runner.trace()};
  const int state{trace.column(scenario::SignalId::kFirmwareState)};
  ASSERT_GE(state, 0);
  ASSERT_GT(trace.rows(), 100U);
  for (std::size_t row = 0; row < trace.rows(); ++row) EXPECT_TRUE(std::isnan(trace.value(row, state))) << row;
}

}  // namespace
}  // namespace packsim::runner

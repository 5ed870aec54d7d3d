// A firmware that crashes, aborts, exits, hangs, loops on I2C, floods CAN or
// writes garbage into its link, run isolated in a child process: each ends
// its run at 2 s (when it misbehaves) with a failed verdict naming the cause,
// the trace intact up to that instant and saying why it stops, and the host
// process unharmed for the next run. The CLI turns it into exit code 4, a
// JUnit error and a batch that goes on.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sim/runner/junit_writer.h"
#include "sim/runner/scenario_runner.h"
#include "sim/scenario/scenario_loader.h"
#include "tests/sim/scenario/scenario_test_support.h"
#include "tests/support/packsim_cli.h"

namespace packsim::runner {
namespace {

using scenario::testing::kRepoDir;

constexpr sim::TimeNs kMisbehavesAtNs{2 * sim::kNsPerS};

class FirmwareFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("packsim-firmware-faults-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Ten seconds at rest with the firmware given; the expectation on its
  // observable holds until it misbehaves.
  std::string write_scenario(const std::string& firmware_so, const std::string& name = "faulty") const {
    const std::filesystem::path file{dir_ / (name + ".yaml")};
    std::ofstream{file} << "name: " << name << "\n"
                        << "description: a firmware that misbehaves after 2 s\nseed: 1\n"
                        << "pack: {file: " << kRepoDir << "/models/params/packs/lfp_16s1p.yaml, initial_soc: 60 %, initial_temp: 25 degC}\n"
                        << "firmware: {path: " << firmware_so << "}\n"
                        << "steps:\n  - rest: 10 s\n"
                        << "expect:\n"
                        << "  - {name: the firmware runs, at_end: firmware_state == normal}\n";
    return file.string();
  }

  RunResult run(const std::string& firmware_so, ScenarioRunner** kept = nullptr,
                hal::ProcessOptions::Channel channel = hal::ProcessOptions::Channel::kSharedMemory) {
    RunOptions options;
    options.firmware.isolate = true;
    options.firmware.channel = channel;
    options.firmware.link_options.run_timeout = std::chrono::milliseconds{500};
    runner_ = std::make_unique<ScenarioRunner>(scenario::validate_scenario(write_scenario(firmware_so)), options);
    if (kept != nullptr) *kept = runner_.get();
    return runner_->run();
  }

  // The trace has rows up to the fault and none after, and says why it ends.
  void expect_trace_ends_at_the_fault(const RunResult& result) const {
    const TraceRecorder& trace{runner_->trace()};
    ASSERT_GT(trace.rows(), 2u);
    EXPECT_EQ(trace.time_ns(trace.rows() - 1), result.firmware_fault->at_ns);
    EXPECT_GE(trace.time_ns(trace.rows() - 2), sim::kNsPerS);  // the second before it is all there
    const std::string csv{trace.csv()};
    const std::string last_line{csv.substr(csv.rfind('\n', csv.size() - 2) + 1)};
    EXPECT_EQ(last_line.rfind("# firmware " + result.firmware_fault->kind + " at t=2.00 s", 0), 0u) << last_line;
  }

  std::filesystem::path dir_;
  std::unique_ptr<ScenarioRunner> runner_;
};

TEST_F(FirmwareFaults, ACrashEndsTheRunWithTheSignalAtTheInstantItHappened) {
  const RunResult result{run(CRASH_FIRMWARE_SO)};
  ASSERT_TRUE(result.firmware_fault) << result.error;
  EXPECT_FALSE(result.passed());
  EXPECT_EQ(result.firmware_fault->kind, "crashed");
  EXPECT_EQ(result.firmware_fault->at_ns, kMisbehavesAtNs);
  // SIGSEGV; under AddressSanitizer its report ends the process with SIGABRT.
  EXPECT_TRUE(result.firmware_fault->detail.find("SIGSEGV") != std::string::npos ||
              result.firmware_fault->detail.find("AddressSanitizer") != std::string::npos)
      << result.firmware_fault->detail;
  expect_trace_ends_at_the_fault(result);
}

TEST_F(FirmwareFaults, AnAbortIsACrashBySigabrt) {
  const RunResult result{run(ABORT_FIRMWARE_SO)};
  ASSERT_TRUE(result.firmware_fault) << result.error;
  EXPECT_EQ(result.firmware_fault->kind, "crashed");
  EXPECT_NE(result.firmware_fault->detail.find("SIGABRT"), std::string::npos) << result.firmware_fault->detail;
  EXPECT_EQ(result.firmware_fault->at_ns, kMisbehavesAtNs);
  expect_trace_ends_at_the_fault(result);
}

TEST_F(FirmwareFaults, AnExitInATickIsAnExitNotAPass) {
  const RunResult result{run(EXIT_FIRMWARE_SO)};
  ASSERT_TRUE(result.firmware_fault) << result.error;
  EXPECT_FALSE(result.passed());
  EXPECT_EQ(result.firmware_fault->kind, "exited");
  EXPECT_NE(result.firmware_fault->detail.find("exited with status 0"), std::string::npos)
      << result.firmware_fault->detail;
  // What it wrote to stderr (at boot) comes with the fault, and went nowhere else.
  EXPECT_NE(result.firmware_fault->detail.find("its stderr ended with: misbehaving test firmware: booted"),
            std::string::npos)
      << result.firmware_fault->detail;
  EXPECT_EQ(result.firmware_fault->at_ns, kMisbehavesAtNs);
  expect_trace_ends_at_the_fault(result);
}

TEST_F(FirmwareFaults, ATickThatNeverReturnsHangsPastItsDeadline) {
  const RunResult result{run(HANG_FIRMWARE_SO)};
  ASSERT_TRUE(result.firmware_fault) << result.error;
  EXPECT_EQ(result.firmware_fault->kind, "hung");
  EXPECT_NE(result.firmware_fault->detail.find("no RUN_DONE within 500 ms"), std::string::npos)
      << result.firmware_fault->detail;
  EXPECT_EQ(result.firmware_fault->at_ns, kMisbehavesAtNs);
  expect_trace_ends_at_the_fault(result);
}

TEST_F(FirmwareFaults, AnEndlessLoopOfI2cReadsFloodsTheBusWithinOneTick) {
  const RunResult result{run(I2C_LOOP_FIRMWARE_SO)};
  ASSERT_TRUE(result.firmware_fault) << result.error;
  EXPECT_EQ(result.firmware_fault->kind, "flooded a bus");
  // 25 a ms for 10 ms plus a burst of 100: the 351st transaction is refused.
  EXPECT_NE(result.firmware_fault->detail.find("flooded the I2C bus: 351 transactions in one 10 ms tick"),
            std::string::npos)
      << result.firmware_fault->detail;
  EXPECT_EQ(result.firmware_fault->at_ns, kMisbehavesAtNs);
  expect_trace_ends_at_the_fault(result);
}

TEST_F(FirmwareFaults, AnEndlessLoopOfCanFramesFloodsTheBus) {
  const RunResult result{run(CAN_FLOOD_FIRMWARE_SO)};
  ASSERT_TRUE(result.firmware_fault) << result.error;
  EXPECT_EQ(result.firmware_fault->kind, "flooded a bus");
  EXPECT_NE(result.firmware_fault->detail.find("flooded the CAN bus: 145 frames in one 10 ms tick"), std::string::npos)
      << result.firmware_fault->detail;
  // Up to the budget the frames went on the bus: 1 from the normal second, 144 of the flood.
  std::size_t frames{0};
  for (const hil::CanRecord& record : runner_->can_records()) frames += record.frame.id == 0x7A0 ? 1 : 0;
  EXPECT_EQ(frames, 1u + 144u);
  expect_trace_ends_at_the_fault(result);
}

TEST_F(FirmwareFaults, AnEndlessLoopOfUartWritesFloodsTheUart) {
  const RunResult result{run(UART_FLOOD_FIRMWARE_SO)};
  ASSERT_TRUE(result.firmware_fault) << result.error;
  EXPECT_EQ(result.firmware_fault->kind, "flooded a bus");
  // 100 bytes a ms for 10 ms plus the 4096-byte queue: the 170th 30-byte line passes 5096 bytes.
  EXPECT_NE(result.firmware_fault->detail.find("flooded the UART: 5100 bytes in one 10 ms tick (at most 5096"),
            std::string::npos)
      << result.firmware_fault->detail;
  EXPECT_EQ(result.firmware_fault->at_ns, kMisbehavesAtNs);
  expect_trace_ends_at_the_fault(result);
}

TEST_F(FirmwareFaults, GarbageInTheLinkIsALinkErrorNamingWhatWasWrong) {
  // The firmware writes into its socketpair end (with shared memory it has no stream to spoil).
  const RunResult result{run(GARBAGE_FIRMWARE_SO, nullptr, hal::ProcessOptions::Channel::kSocketPair)};
  ASSERT_TRUE(result.firmware_fault) << result.error;
  EXPECT_EQ(result.firmware_fault->kind, "broke the link");
  EXPECT_NE(result.firmware_fault->detail.find("awaiting RUN_DONE"), std::string::npos) << result.firmware_fault->detail;
  EXPECT_EQ(result.firmware_fault->at_ns, kMisbehavesAtNs);
  expect_trace_ends_at_the_fault(result);
}

TEST_F(FirmwareFaults, AFloodGivesTheSameVerdictInThisProcessAsIsolated) {
  // 200 frames in one tick that then returns: in this process the frames
  // beyond the budget fail and the run ends after the tick; over the link the
  // host refuses the 145th at once. Same verdict, same instant, same bus.
  RunOptions in_process;
  in_process.firmware.isolate = false;
  ScenarioRunner here{scenario::validate_scenario(write_scenario(CAN_BURST_FIRMWARE_SO, "here")), in_process};
  const RunResult local{here.run()};
  const RunResult isolated{run(CAN_BURST_FIRMWARE_SO)};
  ASSERT_TRUE(local.firmware_fault) << local.error;
  ASSERT_TRUE(isolated.firmware_fault) << isolated.error;
  EXPECT_EQ(local.firmware_fault->kind, "flooded a bus");
  EXPECT_EQ(local.firmware_fault->text(), isolated.firmware_fault->text());
  EXPECT_EQ(here.can_log(), runner_->can_log());
  // Every row but the fault's own: there the firmware in this process shows
  // the state it was in when it flooded, the isolated one (whose tick never
  // finished) the state of its last completed tick.
  const auto without_last_row = [](const std::string& csv) {
    const std::size_t note{csv.rfind("\n# ")};
    return csv.substr(0, csv.rfind('\n', note - 1));
  };
  EXPECT_EQ(without_last_row(here.trace().csv()), without_last_row(runner_->trace().csv()));
}

TEST_F(FirmwareFaults, TheNextRunInTheSameProcessIsUnharmed) {
  const RunResult crashed{run(CRASH_FIRMWARE_SO)};
  ASSERT_TRUE(crashed.firmware_fault);
  const RunResult healthy{run(WELL_BEHAVED_FIRMWARE_SO)};
  EXPECT_FALSE(healthy.firmware_fault);
  EXPECT_TRUE(healthy.passed()) << (healthy.expectations.empty() ? "" : healthy.expectations[0].detail);
  EXPECT_EQ(runner_->trace().time_ns(runner_->trace().rows() - 1), 10 * sim::kNsPerS);
}

TEST_F(FirmwareFaults, JunitReportsTheFaultAsAnErrorNotAFailure) {
  const RunResult result{run(CRASH_FIRMWARE_SO)};
  const std::string xml{junit_xml({result})};
  EXPECT_NE(xml.find("errors=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<error type=\"firmware crashed\""), std::string::npos) << xml;
}

TEST_F(FirmwareFaults, TheCliExitsWithTheFirmwareFaultCodeAndRunsTheNextScenario) {
  const std::string crashing{write_scenario(CRASH_FIRMWARE_SO, "crashing")};
  const std::string healthy{write_scenario(WELL_BEHAVED_FIRMWARE_SO, "healthy")};
  const std::filesystem::path out{dir_ / "out"};
  const testing::CliOutput cli{
      testing::run_packsim({"run", crashing, healthy, "--out", out.string(), "--no-report"}, dir_)};
  EXPECT_EQ(cli.exit_code, 4) << cli.out << cli.err;
  EXPECT_NE(cli.out.find("crashing: FAILED"), std::string::npos) << cli.out;
  EXPECT_NE(cli.out.find("healthy: passed"), std::string::npos) << cli.out;
  EXPECT_NE(cli.out.find("FAULT    firmware crashed at t=2.00 s"), std::string::npos) << cli.out;
  const std::string junit{testing::read_whole_file(out / "junit.xml")};
  EXPECT_NE(junit.find("<error type=\"firmware crashed\""), std::string::npos);
  const std::string trace{testing::read_whole_file(out / "crashing" / "trace.csv")};
  EXPECT_NE(trace.find("\n# firmware crashed at t=2.00 s"), std::string::npos);
}

TEST_F(FirmwareFaults, TheCliRefusesLinksItCannotUseBeforeRunning) {
  const std::string scenario{kRepoDir + "/scenarios/short_circuit.yaml"};
  const testing::CliOutput bogus{testing::run_packsim({"run", scenario, "--firmware-link", "usb:board"}, dir_)};
  EXPECT_EQ(bogus.exit_code, 2);
  EXPECT_NE(bogus.err.find("expected serial:DEVICE[@BAUD] or tcp:HOST:PORT"), std::string::npos) << bogus.err;
  const testing::CliOutput no_port{testing::run_packsim({"run", scenario, "--firmware-link", "tcp:127.0.0.1"}, dir_)};
  EXPECT_EQ(no_port.exit_code, 2);
  EXPECT_NE(no_port.err.find("needs a host and a port"), std::string::npos) << no_port.err;
  // Port 1 on loopback: nothing listens there, the connection is refused.
  const testing::CliOutput refused{testing::run_packsim({"run", scenario, "--firmware-link", "tcp:127.0.0.1:1"}, dir_)};
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("--firmware-link: tcp:127.0.0.1:1"), std::string::npos) << refused.err;
  const testing::CliOutput no_device{
      testing::run_packsim({"run", scenario, "--firmware-link", "serial:" + (dir_ / "ttyNONE").string()}, dir_)};
  EXPECT_EQ(no_device.exit_code, 2);
  const testing::CliOutput both{testing::run_packsim({"run", scenario, "--isolate", "--no-isolate"}, dir_)};
  EXPECT_EQ(both.exit_code, 2);
}

TEST_F(FirmwareFaults, AScenarioNamingAFileThatIsNotAFirmwareIsBadInputBeforeAnyRun) {
  const std::filesystem::path not_a_firmware{dir_ / "notes.so"};
  std::ofstream{not_a_firmware} << "not an ELF file\n";
  const std::string healthy{write_scenario(WELL_BEHAVED_FIRMWARE_SO, "healthy")};
  const std::string broken{write_scenario(not_a_firmware.string(), "broken")};
  const std::filesystem::path out{dir_ / "out"};
  const testing::CliOutput cli{testing::run_packsim({"run", healthy, broken, "--out", out.string()}, dir_)};
  EXPECT_EQ(cli.exit_code, 2) << cli.out << cli.err;
  EXPECT_NE(cli.err.find(broken + ": firmware: "), std::string::npos) << cli.err;
  EXPECT_FALSE(std::filesystem::exists(out / "healthy" / "trace.csv"));  // nothing ran
}

TEST_F(FirmwareFaults, TheCliRunsTheReferenceFirmwareIsolatedWithTheSameVerdicts) {
  const std::string scenario{kRepoDir + "/scenarios/short_circuit.yaml"};
  const testing::CliOutput here{
      testing::run_packsim({"run", scenario, "--out", (dir_ / "here").string(), "--no-report"}, dir_)};
  const testing::CliOutput isolated{testing::run_packsim(
      {"run", scenario, "--out", (dir_ / "isolated").string(), "--no-report", "--isolate"}, dir_)};
  EXPECT_EQ(here.exit_code, 0) << here.out;
  EXPECT_EQ(isolated.exit_code, 0) << isolated.out;
  EXPECT_NE(isolated.out.find("firmware link (shared memory with packsim-reference-firmware-link"), std::string::npos)
      << isolated.out;
  EXPECT_EQ(testing::read_whole_file(dir_ / "here" / "short_circuit" / "trace.csv"),
            testing::read_whole_file(dir_ / "isolated" / "short_circuit" / "trace.csv"));
}

}  // namespace
}  // namespace packsim::runner

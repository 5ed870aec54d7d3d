// The same firmware gives the same run wherever its code executes: linked
// into packsim, in a child process over shared memory or a socketpair, or on
// a "board" at the far end of a TCP connection or a serial port (the
// reference firmware built as its own program with the link client, as an
// MCU image would be). For every library scenario: the same verdicts with the
// same details, trace.csv and can.log byte for byte.
#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sim/runner/scenario_runner.h"
#include "sim/scenario/scenario_loader.h"
#include "tests/sim/scenario/scenario_test_support.h"

extern char** environ;

namespace packsim::runner {
namespace {

using scenario::testing::kRepoDir;

struct Outcome {
  std::vector<std::string> verdicts;  // name: PASS/FAIL detail
  std::string trace_csv;
  std::string can_log;
  std::string fault;
};

Outcome run(const std::string& file, const FirmwareExecution& execution) {
  RunOptions options;
  options.firmware = execution;
  ScenarioRunner runner{scenario::validate_scenario(kRepoDir + "/scenarios/" + file), options};
  const RunResult result{runner.run()};
  Outcome outcome;
  for (const ExpectationResult& e : result.expectations) {
    outcome.verdicts.push_back(e.name + ": " + (e.passed ? "PASS " : "FAIL ") + e.detail);
  }
  outcome.trace_csv = runner.trace().csv();
  outcome.can_log = runner.can_log();
  outcome.fault = result.firmware_fault ? result.firmware_fault->text() : result.error;
  return outcome;
}

// The in-process run of each scenario, computed once.
const Outcome& in_process(const std::string& file) {
  static std::map<std::string, Outcome> outcomes;
  auto it{outcomes.find(file)};
  if (it == outcomes.end()) {
    FirmwareExecution here;
    here.isolate = false;
    it = outcomes.emplace(file, run(file, here)).first;
  }
  return it->second;
}

void expect_same_run(const Outcome& got, const Outcome& expected) {
  EXPECT_EQ(got.fault, "");
  EXPECT_EQ(got.verdicts, expected.verdicts);
  EXPECT_TRUE(got.trace_csv == expected.trace_csv) << "trace.csv differs";
  EXPECT_TRUE(got.can_log == expected.can_log) << "can.log differs";
}

// The slower links under the sanitizers (several times slower again) leave the
// long scenarios to shared memory; the Release build runs them all.
#ifdef PACKSIM_SANITIZED_BUILD
constexpr double kSlowLinkScenarioLimitS{1200.0};
#else
constexpr double kSlowLinkScenarioLimitS{1e12};
#endif

std::vector<std::string> library(double at_most_simulated_s = 1e12) {
  // The simulated length of the longer ones, so that slow links can leave them out.
  static const std::map<std::string, double> kLongScenarios{
      {"balancing_recovery.yaml", 21660.0}, {"deep_discharge.yaml", 4009.0},
      {"lab_supply_recovery.yaml", 2691.0}, {"cold_charge_lockout.yaml", 1397.0}};
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator{kRepoDir + "/scenarios"}) {
    if (entry.path().extension() != ".yaml") continue;
    const std::string name{entry.path().filename().string()};
    const auto long_one{kLongScenarios.find(name)};
    if (long_one != kLongScenarios.end() && long_one->second > at_most_simulated_s) continue;
    files.push_back(name);
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The reference firmware as a board: its own program, serving the link on a
// TCP port or a pty, killed at the end of the test.
class Board {
 public:
  explicit Board(const std::string& link_spec) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error{"pipe"};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::vector<std::string> args{PACKSIM_REFERENCE_FIRMWARE_LINK, "--link", link_spec};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (::posix_spawn(&pid_, PACKSIM_REFERENCE_FIRMWARE_LINK, &actions, nullptr, argv.data(), environ) != 0) {
      throw std::runtime_error{"cannot start the board program"};
    }
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    out_ = ::fdopen(out[0], "r");
  }
  ~Board() {
    ::kill(pid_, SIGTERM);
    int status{0};
    ::waitpid(pid_, &status, 0);
    if (out_ != nullptr) std::fclose(out_);
  }
  Board(const Board&) = delete;
  Board& operator=(const Board&) = delete;

  // "listening on 127.0.0.1:PORT" -> "tcp:127.0.0.1:PORT"
  std::string tcp_address() {
    char line[200]{};
    if (std::fgets(line, sizeof line, out_) == nullptr) return "";
    const std::string text{line};
    const std::string prefix{"listening on "};
    if (text.rfind(prefix, 0) != 0) return "";
    return "tcp:" + text.substr(prefix.size(), text.find_last_not_of("\r\n") + 1 - prefix.size());
  }

 private:
  pid_t pid_{-1};
  FILE* out_{nullptr};
};

TEST(FirmwareExecutionEquality, EveryLibraryScenarioIsolatedOverSharedMemoryEqualsInProcess) {
  for (const std::string& file : library()) {
    SCOPED_TRACE(file);
    FirmwareExecution isolated;
    isolated.isolate = true;
    expect_same_run(run(file, isolated), in_process(file));
  }
}

TEST(FirmwareExecutionEquality, EveryLibraryScenarioIsolatedOverASocketpairEqualsInProcess) {
  for (const std::string& file : library(kSlowLinkScenarioLimitS)) {
    SCOPED_TRACE(file);
    FirmwareExecution isolated;
    isolated.isolate = true;
    isolated.channel = hal::ProcessOptions::Channel::kSocketPair;
    expect_same_run(run(file, isolated), in_process(file));
  }
}

TEST(FirmwareExecutionEquality, EveryLibraryScenarioOnABoardOverTcpEqualsInProcess) {
  Board board{"tcp-listen:127.0.0.1:0"};
  const std::string address{board.tcp_address()};
  ASSERT_FALSE(address.empty());
  for (const std::string& file : library(kSlowLinkScenarioLimitS)) {
    SCOPED_TRACE(file);
    FirmwareExecution linked;
    linked.link = address;
    expect_same_run(run(file, linked), in_process(file));
  }
}

TEST(FirmwareExecutionEquality, LibraryScenariosOnABoardOverASerialPortEqualInProcess) {
  // A pty stands for the board's USB-serial port. Its kernel path costs about
  // 100 us a tick, so the scenarios of more than 20 simulated minutes are
  // left to the faster links above.
  const std::filesystem::path dir{std::filesystem::temp_directory_path() /
                                  ("packsim-board-" + std::to_string(::getpid()))};
  std::filesystem::create_directories(dir);
  const std::string port{(dir / "ttyACM0").string()};
  {
    Board board{"pty:" + port};
    for (int waited_ms = 0; !std::filesystem::exists(port) && waited_ms < 5000; waited_ms += 10) {
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    ASSERT_TRUE(std::filesystem::exists(port));
    for (const std::string& file : library(1200.0)) {
      SCOPED_TRACE(file);
      FirmwareExecution linked;
      linked.link = "serial:" + port;
      expect_same_run(run(file, linked), in_process(file));
    }
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace packsim::runner

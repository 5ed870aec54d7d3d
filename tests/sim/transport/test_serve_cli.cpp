// `packsim serve` from the shell: a run for a set duration exits 0 and takes
// its links away; a link it cannot make or an option it cannot use is bad
// input (exit 2, a message naming it) and leaves nothing behind; every stop
// signal removes the links; what is neither input nor firmware exits 3.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/sim/transport/pty_peer.h"
#include "tests/support/packsim_cli.h"

namespace packsim {
namespace {

namespace fs = std::filesystem;
using testing::CliOutput;
using testing::run_packsim;
using transport::testing::TempDir;

TEST(ServeCli, RunsForTheDurationThenExitsZeroAndRemovesItsLinks) {
  const TempDir dir;
  const CliOutput result{run_packsim(
      {"serve", "--uart", dir / "uart", "--can", "slcan:" + (dir / "can"), "--duration", "200 ms", "--no-inverter"},
      dir / "")};
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("stopped by the duration after 0.200 s"), std::string::npos) << result.out;
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir / "uart")));
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir / "can")));
}

TEST(ServeCli, RefusesALinkInAMissingDirectoryWithExitTwo) {
  const TempDir dir;
  const CliOutput result{run_packsim({"serve", "--uart", dir / "missing/uart", "--duration", "1 s"}, dir / "")};
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("does not exist"), std::string::npos) << result.err;
}

TEST(ServeCli, RefusesAnExistingFileAtTheCanLinkAndRemovesTheUartLinkItMade) {
  const TempDir dir;
  std::ofstream{dir / "can"} << "a file";
  const CliOutput result{
      run_packsim({"serve", "--uart", dir / "uart", "--can", "slcan:" + (dir / "can"), "--duration", "1 s"}, dir / "")};
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("not a symlink"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir / "uart")));
  EXPECT_TRUE(fs::is_regular_file(dir / "can"));
}

TEST(ServeCli, RefusesACanSpecOtherThanSlcanWithExitTwo) {
  const TempDir dir;
  const CliOutput result{run_packsim({"serve", "--can", "socketcan:can0"}, dir / "")};
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("slcan:PATH"), std::string::npos) << result.err;
}

TEST(ServeCli, RefusesToRunWithNothingToServe) {
  const TempDir dir;
  const CliOutput result{run_packsim({"serve", "--duration", "1 s"}, dir / "")};
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--uart"), std::string::npos) << result.err;
}

TEST(ServeCli, RefusesADurationWithAnUnknownUnit) {
  const TempDir dir;
  const CliOutput result{run_packsim({"serve", "--uart", dir / "uart", "--duration", "5 fortnights"}, dir / "")};
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("unknown unit"), std::string::npos) << result.err;
}

// ---- Numeric options: refused as bad input, naming the option, the value and the range ----

struct RefusedValue {
  std::string option;
  std::string value;
  std::string range;  // in the message
};

TEST(ServeCli, RefusesEveryNumericOptionOutsideItsRangeAsBadInputNamingOptionValueAndRange) {
  const TempDir dir;
  const std::vector<RefusedValue> refused{
      {"--ambient", "nan", "-40..85"},         {"--ambient", "inf", "-40..85"},
      {"--ambient", "-inf", "-40..85"},        {"--ambient", "200", "-40..85"},
      {"--ambient", "-41", "-40..85"},         {"--realtime-speed", "nan", "0.001..1000"},
      {"--realtime-speed", "inf", "0.001..1000"}, {"--realtime-speed", "0", "0.001..1000"},
      {"--realtime-speed", "-1", "0.001..1000"},  {"--realtime-speed", "1e9", "0.001..1000"},
      {"--initial-soc", "nan", "0..1 or 0..100 %"}, {"--initial-soc", "150%", "0..1 or 0..100 %"},
      {"--initial-soc", "-0.1", "0..1 or 0..100 %"}, {"--duration", "nan", "87600 h"},
      {"--duration", "inf", "87600 h"},        {"--duration", "1e300", "87600 h"},
      {"--duration", "0", "87600 h"},          {"--duration", "-5 s", "87600 h"},
  };
  for (const RefusedValue& value : refused) {
    const CliOutput result{run_packsim({"serve", "--uart", dir / "uart", value.option, value.value}, dir / "")};
    EXPECT_EQ(result.exit_code, 2) << value.option << " " << value.value << ": " << result.err;
    EXPECT_EQ(result.err.rfind(value.option + ": ", 0), 0U) << result.err;
    EXPECT_NE(result.err.find(value.value), std::string::npos) << result.err;
    EXPECT_NE(result.err.find(value.range), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("internal error"), std::string::npos) << result.err;
    EXPECT_FALSE(fs::exists(fs::symlink_status(dir / "uart"))) << value.option << " " << value.value;
  }
}

TEST(ServeCli, AcceptsEveryNumericOptionWithinItsRange) {
  const TempDir dir;
  const CliOutput result{run_packsim({"serve", "--uart", dir / "uart", "--ambient", "-40", "--realtime-speed", "2",
                                      "--initial-soc", "0.5", "--duration", "100 ms"},
                                     dir / "")};
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("-40 degC ambient"), std::string::npos) << result.out;
}

// ---- A pack the bq76952 (or the reference firmware on it) cannot take ----

std::string pack_file(const TempDir& dir, int series) {
  const std::string path{dir / ("pack_" + std::to_string(series) + "s.yaml")};
  std::ofstream{path} << "name: " << series << "S test pack\ncell: " << PACKSIM_PARAMS_DIR
                      << "/lfp_a123_26650.yaml\ntopology: {series: " << series
                      << ", parallel: 1}\ninterconnect: {cell_ohm: 0.0002, series_ohm: 0.0003}\n"
                         "thermal: {neighbour_conductance_w_per_k: 0.3}\nseed: 1\ninitial: {soc: 0.5, temp_c: 25}\n";
  return path;
}

TEST(ServeCli, RefusesAPackTheBq76952CannotWireAsBadInputLikeRun) {
  const TempDir dir;
  const std::string pack{pack_file(dir, 17)};
  const CliOutput result{run_packsim({"serve", "--uart", dir / "uart", "--pack", pack, "--duration", "1 s"}, dir / "")};
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_EQ(result.err, "--pack " + pack + ": the bq76952 measures at most 16 series cells; this pack has 17\n");
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir / "uart")));
}

TEST(ServeCli, RefusesAPackTheReferenceFirmwareIsNotConfiguredForAsBadInputLikeRun) {
  const TempDir dir;
  const std::string pack{pack_file(dir, 2)};
  const CliOutput result{run_packsim({"serve", "--uart", dir / "uart", "--pack", pack, "--duration", "1 s"}, dir / "")};
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_EQ(result.err.rfind("--pack " + pack +
                                 ": the reference firmware is configured for 16 cells but the pack has 2 in series",
                             0),
            0U)
      << result.err;
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir / "uart")));
}

// ---- One path for both links ----

TEST(ServeCli, RefusesOnePathForBothLinksHoweverSpelledBeforeCreatingAnything) {
  const TempDir dir;
  fs::create_directory(dir / "sub");
  fs::create_directory_symlink(dir / "sub", dir / "alias");
  fs::create_symlink(dir / "sub/link", dir / "sub/other");  // a symlink at one path naming the other
  const std::vector<std::pair<std::string, std::string>> spellings{
      {dir / "sub/link", dir / "sub/link"},
      {dir / "sub/link", dir / "sub/./link"},
      {dir / "sub/link", dir / "sub/../sub/link"},
      {dir / "sub/link", dir / "alias/link"},
      {dir / "sub/link", dir / "sub/other"},
  };
  for (const auto& [uart, can] : spellings) {
    const CliOutput result{run_packsim({"serve", "--uart", uart, "--can", "slcan:" + can, "--duration", "1 s"}, dir / "")};
    EXPECT_EQ(result.exit_code, 2) << uart << " and " << can << ": " << result.err;
    EXPECT_NE(result.err.find("the same path as --uart"), std::string::npos) << result.err;
    EXPECT_TRUE(result.out.empty()) << result.out;
    EXPECT_FALSE(fs::exists(fs::symlink_status(dir / "sub/link"))) << uart << " and " << can;
  }
}

// ---- Stop signals ----

// packsim serve in a child process whose stop signals have their default
// dispositions (a shell may have ignored SIGINT/SIGQUIT for background jobs),
// with no descriptors but 0..2 and, when given, at most fd_limit of them.
pid_t spawn_serve(const std::vector<std::string>& args, const std::string& output, int fd_limit = 0) {
  const pid_t pid{::fork()};
  if (pid != 0) return pid;
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (const int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) ::signal(s, SIG_DFL);
  const int fd{::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644)};
  ::dup2(fd, STDOUT_FILENO);
  ::dup2(fd, STDERR_FILENO);
  for (int other = 3; other < 4096; ++other) ::close(other);
  if (fd_limit > 0) {
    const rlimit limit{static_cast<rlim_t>(fd_limit), static_cast<rlim_t>(fd_limit)};
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
  std::vector<char*> argv{const_cast<char*>(PACKSIM_BINARY)};
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  ::execv(PACKSIM_BINARY, argv.data());
  ::_exit(127);
}

TEST(ServeCli, EveryStopSignalIncludingSigquitStopsCleanlyRemovingTheLinksAndExitsZero) {
  for (const auto& [signal_number, name] : std::vector<std::pair<int, std::string>>{
           {SIGQUIT, "SIGQUIT"}, {SIGINT, "SIGINT"}, {SIGTERM, "SIGTERM"}, {SIGHUP, "SIGHUP"}}) {
    const TempDir dir;
    const pid_t pid{spawn_serve({"serve", "--uart", dir / "uart", "--can", "slcan:" + (dir / "can")}, dir / "out.txt")};
    ASSERT_GT(pid, 0);
    const auto deadline{std::chrono::steady_clock::now() + std::chrono::seconds{30}};
    while (!(fs::is_symlink(fs::symlink_status(dir / "uart")) && fs::is_symlink(fs::symlink_status(dir / "can"))) &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    ASSERT_TRUE(fs::is_symlink(fs::symlink_status(dir / "can"))) << name;
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
    ::kill(pid, signal_number);
    int status{0};
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    const std::string output{testing::read_whole_file(dir / "out.txt")};
    ASSERT_TRUE(WIFEXITED(status)) << name << " ended it on a signal: " << output;
    EXPECT_EQ(WEXITSTATUS(status), 0) << name << ": " << output;
    EXPECT_NE(output.find("stopped by " + name), std::string::npos) << output;
    EXPECT_FALSE(fs::exists(fs::symlink_status(dir / "uart"))) << name;
    EXPECT_FALSE(fs::exists(fs::symlink_status(dir / "can"))) << name;
  }
}

// ---- Neither the input nor the firmware: exit 3 ----

TEST(ServeCli, APtyTheMachineCannotGiveExitsThreeNeverOneAndLeavesNoLinkBehind) {
#ifdef PACKSIM_SANITIZED_BUILD
  // The sanitizers' runtime opens files of its own for its checks (e.g.
  // /proc/self/maps): held to a handful of descriptors, it reports errors
  // that are not there. The Release build runs this test.
  GTEST_SKIP() << "a sanitized process needs descriptors of its own";
#endif
  // Descriptors run out at some link (which one depends on what else the process holds).
  bool refused{false};
  for (int fd_limit = 4; fd_limit <= 12; ++fd_limit) {
    const TempDir dir;
    const pid_t pid{spawn_serve({"serve", "--uart", dir / "uart", "--can", "slcan:" + (dir / "can"), "--duration",
                                 "50 ms"},
                                dir / "out.txt", fd_limit)};
    ASSERT_GT(pid, 0);
    int status{0};
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    const std::string output{testing::read_whole_file(dir / "out.txt")};
    ASSERT_TRUE(WIFEXITED(status)) << fd_limit << ": " << output;
    const int code{WEXITSTATUS(status)};
    EXPECT_TRUE(code == 0 || code == 3) << "with " << fd_limit << " descriptors, exit " << code << ": " << output;
    if (code == 3) {
      refused = true;
      EXPECT_NE(output.find("packsim serve: could not run: the "), std::string::npos) << output;
      EXPECT_NE(output.find("Too many open files"), std::string::npos) << output;
    }
    EXPECT_FALSE(fs::exists(fs::symlink_status(dir / "uart"))) << fd_limit;
    EXPECT_FALSE(fs::exists(fs::symlink_status(dir / "can"))) << fd_limit;
  }
  EXPECT_TRUE(refused) << "no descriptor limit made a pty fail";
}

TEST(ServeCli, HelpListsTheExitCodes) {
  const TempDir dir;
  const CliOutput result{run_packsim({"serve", "--help"}, dir / "")};
  EXPECT_EQ(result.exit_code, 0);
  for (const std::string code : {"Exit codes: 0 stopped", "2 bad input", "3 could not run", "4 the\nfirmware"}) {
    EXPECT_NE(result.out.find(code), std::string::npos) << code << " in " << result.out;
  }
}

}  // namespace
}  // namespace packsim

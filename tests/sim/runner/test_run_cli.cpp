// `packsim run` through the built binary: exit codes, outputs, JUnit.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <cstdlib>
#include <limits>
#include <fstream>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/runner/run_session.h"
#include "tests/sim/scenario/scenario_test_support.h"
#include "tests/support/packsim_cli.h"

extern char** environ;

namespace packsim::runner {
namespace {

using scenario::testing::read_text;
using scenario::testing::TempDir;
using Output = packsim::testing::CliOutput;

const std::string kRunnerData{std::string{PACKSIM_TEST_DATA_DIR} + "/runner"};

// Tags nest and close in order, attribute values are quoted, and no bare '<'
// or '&' appears in text: enough to catch what a writer gets wrong.
std::string xml_problem(const std::string& xml) {
  std::vector<std::string> open;
  std::size_t i{0};
  if (xml.rfind("<?xml", 0) == 0) i = xml.find("?>") + 2;
  while (i < xml.size()) {
    if (xml[i] == '&') {
      const std::size_t semi{xml.find(';', i)};
      const std::string entity{xml.substr(i, semi == std::string::npos ? 8 : semi - i + 1)};
      if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;" && entity != "&apos;") {
        return "bad entity " + entity;
      }
      i = semi + 1;
      continue;
    }
    if (xml[i] != '<') {
      ++i;
      continue;
    }
    bool in_quote{false};
    std::size_t end{i + 1};
    for (; end < xml.size(); ++end) {
      if (xml[end] == '"') in_quote = !in_quote;
      if (xml[end] == '<' && in_quote) return "'<' inside an attribute";
      if (xml[end] == '>' && !in_quote) break;
    }
    if (end >= xml.size()) return "unterminated tag";
    const std::string tag{xml.substr(i + 1, end - i - 1)};
    const std::string name{tag.substr(tag[0] == '/' ? 1 : 0, tag.find_first_of(" />", 1) - (tag[0] == '/' ? 1 : 0))};
    if (tag[0] == '/') {
      if (open.empty() || open.back() != name) return "</" + name + "> closes nothing open";
      open.pop_back();
    } else if (tag.back() != '/') {
      open.push_back(name);
    }
    i = end + 1;
  }
  return open.empty() ? "" : "<" + open.back() + "> never closed";
}

class RunCli : public ::testing::Test {
 protected:
  Output packsim(const std::vector<std::string>& args) const { return packsim::testing::run_packsim(args, dir_.path()); }
  std::string out_dir() const { return (dir_.path() / "out").string(); }
  TempDir dir_{"packsim_run_cli"};
};

TEST_F(RunCli, PassingScenarioExitsZeroAndWritesTraceCanLogAndJunit) {
  const Output o{packsim({"run", kRunnerData + "/near_cutoff.yaml", "--out", out_dir()})};
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("PASS"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("FAIL"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find('\r'), std::string::npos) << "a progress line although stdout is no terminal";
  EXPECT_EQ(read_text(out_dir() + "/near_cutoff/trace.csv").rfind("time_s,", 0), 0U);
  EXPECT_FALSE(read_text(out_dir() + "/near_cutoff/can.log").empty());
  EXPECT_TRUE(std::filesystem::exists(out_dir() + "/junit.xml"));
}

// On a terminal (a pty from util-linux's script) the run shows its progress.
TEST_F(RunCli, OnATerminalAProgressLineShowsSimulatedTimeAndSpeedUp) {
  if (std::system("command -v script > /dev/null 2>&1") != 0) GTEST_SKIP() << "script(1) not installed";
  const std::string run{packsim::testing::shell_quote(PACKSIM_BINARY) + " run " +
                        packsim::testing::shell_quote(kRunnerData + "/near_cutoff.yaml") + " --out " +
                        packsim::testing::shell_quote(out_dir())};
  const std::string log{(dir_.path() / "tty.txt").string()};
  const std::string command{"script -qec " + packsim::testing::shell_quote(run) + " /dev/null > " +
                            packsim::testing::shell_quote(log) + " 2>&1"};
  ASSERT_EQ(std::system(command.c_str()), 0);
  const std::string tty{read_text(log)};
  const std::size_t line{tty.find("\r  running near cutoff: ")};
  ASSERT_NE(line, std::string::npos) << tty;
  const std::string progress{tty.substr(line, tty.find('\r', line + 1) - line)};
  EXPECT_NE(progress.find(" s simulated, x"), std::string::npos) << progress;
  EXPECT_NE(progress.find(" real time"), std::string::npos) << progress;
}

TEST_F(RunCli, FailingExpectationExitsOneAndNamesIt) {
  const Output o{packsim({"run", kRunnerData + "/wrong_expectation.yaml", "--out", out_dir()})};
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_NE(o.out.find("dsg opens within 100 ms & <instantly>  FAIL"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("t="), std::string::npos) << o.out;
}

TEST_F(RunCli, BadScenarioExitsTwoWithFileLineColumnAndRunsNothing) {
  const Output o{packsim({"run", kRunnerData + "/near_cutoff.yaml", kRunnerData + "/bad_unit.yaml", "--out", out_dir()})};
  EXPECT_EQ(o.exit_code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find("bad_unit.yaml:14:"), std::string::npos) << o.err;
  EXPECT_FALSE(std::filesystem::exists(out_dir())) << "a scenario ran although another was invalid";
}

// A regular file where the output directory should go: refused before running
// (the parent "directory" is a file even for root).
TEST_F(RunCli, UnwritableOutputIsBadInputBeforeAnyRun) {
  const std::string blocker{(dir_.path() / "a_file").string()};
  std::ofstream{blocker} << "not a directory";
  const Output o{packsim({"run", kRunnerData + "/near_cutoff.yaml", "--out", blocker + "/out"})};
  EXPECT_EQ(o.exit_code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find("--out " + blocker + "/out: cannot create the directory"), std::string::npos) << o.err;
  EXPECT_EQ(o.out.find("PASS"), std::string::npos) << "ran although the output could not be written";
  const Output junit{packsim({"run", kRunnerData + "/near_cutoff.yaml", "--out", out_dir(), "--junit",
                              blocker + "/junit.xml"})};
  EXPECT_EQ(junit.exit_code, 2) << junit.out << junit.err;
  EXPECT_NE(junit.err.find("--junit "), std::string::npos) << junit.err;
}

TEST_F(RunCli, RealtimeRunReportsItsPacing) {
  const Output o{packsim({"run", kRunnerData + "/near_cutoff.yaml", "--out", out_dir(), "--realtime",
                          "--realtime-speed", "1000"})};
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("  paced: "), std::string::npos) << o.out;
  EXPECT_NE(o.out.find(" overruns, late by "), std::string::npos) << o.out;
  const Output bad{packsim({"run", kRunnerData + "/near_cutoff.yaml", "--out", out_dir(), "--realtime",
                            "--realtime-speed", "0"})};
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
}

TEST_F(RunCli, MissingScenarioFileExitsTwo) {
  const Output o{packsim({"run", kRunnerData + "/no_such_file.yaml", "--out", out_dir()})};
  EXPECT_EQ(o.exit_code, 2) << o.out << o.err;
}

TEST_F(RunCli, JunitIsWellFormedAndListsEachExpectation) {
  const std::string junit{(dir_.path() / "report.xml").string()};
  const Output o{packsim({"run", kRunnerData + "/near_cutoff.yaml", kRunnerData + "/wrong_expectation.yaml", "--out",
                          out_dir(), "--junit", junit})};
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  const std::string xml{read_text(junit)};
  EXPECT_EQ(xml_problem(xml), "") << xml;
  for (const char* name : {"discharge FET opens at the undervoltage threshold", "no cell below its 2.0 V limit",
                           "the BMS inhibits discharge", "the service tool is told why",
                           "the discharge FET is still open after the rest",
                           "dsg opens within 100 ms &amp; &lt;instantly&gt;"}) {
    EXPECT_NE(xml.find("name=\"" + std::string{name} + "\""), std::string::npos) << name << "\n" << xml;
  }
  EXPECT_NE(xml.find("<testsuite name=\"near cutoff\""), std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"wrong expectation\""), std::string::npos);
  EXPECT_NE(xml.find("tests=\"7\" failures=\"1\""), std::string::npos) << xml;
}

TEST_F(RunCli, SameSeedTwiceGivesByteIdenticalTrace) {
  const std::string a{(dir_.path() / "a").string()};
  const std::string b{(dir_.path() / "b").string()};
  EXPECT_EQ(packsim({"run", kRunnerData + "/near_cutoff.yaml", "--out", a, "--seed", "7"}).exit_code, 0);
  EXPECT_EQ(packsim({"run", kRunnerData + "/near_cutoff.yaml", "--out", b, "--seed", "7"}).exit_code, 0);
  const std::string trace{read_text(a + "/near_cutoff/trace.csv")};
  EXPECT_FALSE(trace.empty());
  EXPECT_EQ(trace, read_text(b + "/near_cutoff/trace.csv"));
}

// The SCD opens DSG 61 us after the short; the runner checks at each deadline,
// so a 10 us bound fails and a 100 us bound passes although checks run every 10 ms.
TEST_F(RunCli, WithinDeadlinesShorterThanTheCheckPeriodAreExact) {
  const Output o{packsim({"run", kRunnerData + "/short_deadlines.yaml", "--out", out_dir()})};
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  const auto verdict_of = [&o](const std::string& expectation) {
    const std::size_t at{o.out.find("  " + expectation + " ")};
    const std::size_t line_end{o.out.find('\n', at)};
    return at == std::string::npos ? std::string{} : o.out.substr(at, line_end - at);
  };
  EXPECT_NE(verdict_of("too soon").find(" FAIL "), std::string::npos) << o.out;
  EXPECT_NE(verdict_of("too soon").find("deadline 1.000010 s"), std::string::npos) << o.out;
  EXPECT_NE(verdict_of("in time").find(" PASS "), std::string::npos) << o.out;
}

// The minimal example firmware only reads cells: it never enables the FETs, so
// the near-cutoff scenario's lockout expectation cannot hold with it.
TEST_F(RunCli, PluggedInFirmwareRunsInsteadOfTheReference) {
  const Output o{packsim({"run", kRunnerData + "/near_cutoff.yaml", "--out", out_dir(), "--firmware", MINIMAL_FIRMWARE_SO})};
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_NE(o.out.find("FAIL"), std::string::npos) << o.out;
}

TEST_F(RunCli, FirmwareBuiltAgainstAnotherHalVersionIsBadInput) {
  const Output o{packsim({"run", kRunnerData + "/near_cutoff.yaml", "--out", out_dir(), "--firmware", WRONG_HAL_FIRMWARE_SO})};
  EXPECT_EQ(o.exit_code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find("--firmware: "), std::string::npos) << o.err;
  EXPECT_EQ(o.out.find("PASS"), std::string::npos) << "ran although the firmware was refused";
}

// A scenario of one long rest, for runs that are stopped from outside.
std::string write_long_rest(const TempDir& dir, const std::string& file_name, const std::string& step) {
  return dir.write(file_name, "name: " + file_name + "\ndescription: a long rest\nseed: 1\npack:\n  file: " +
                                  std::string{PACKSIM_PARAMS_DIR} +
                                  "/packs/lfp_16s1p.yaml\n  initial_soc: 50 %\nsteps:\n  - " + step +
                                  "\nexpect:\n  - {name: cells stay above 2.5 V, never: min_cell_v < 2.5 V}\n");
}

// `packsim run` in the background, its output in files; stopped by a signal.
class BackgroundRun {
 public:
  BackgroundRun(const std::vector<std::string>& args, const std::filesystem::path& dir) {
    std::vector<std::string> argv_text{PACKSIM_BINARY};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, 1, (dir / "stdout.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&files, 2, (dir / "stderr.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (posix_spawn(&pid_, PACKSIM_BINARY, &files, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&files);
  }
  BackgroundRun(const BackgroundRun&) = delete;
  BackgroundRun& operator=(const BackgroundRun&) = delete;
  ~BackgroundRun() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  bool started() const { return pid_ > 0; }
  // Signals it and waits; its exit code, or -1 when a signal killed it.
  int stop_with(int signal_number) {
    ::kill(pid_, signal_number);
    int status{0};
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_{-1};
};

std::string last_line_of(const std::string& text) {
  const std::size_t end{text.find_last_not_of('\n')};
  if (end == std::string::npos) return "";
  const std::size_t start{text.rfind('\n', end)};
  return text.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

// Ctrl-C during a run: it ends at the next instant with 130 (128 + SIGINT),
// never 0 or 1; the trace, the report and JUnit are written whole and say
// it was interrupted; the next scenario of the batch does not run.
TEST_F(RunCli, SigintEndsTheRunWithEverythingRecordedMarkedInterrupted) {
  const std::string first{write_long_rest(dir_, "long_rest.yaml", "rest: 30 d")};
  const std::string second{write_long_rest(dir_, "second.yaml", "rest: 10 s")};
  BackgroundRun run{{"run", first, second, "--out", out_dir()}, dir_.path()};
  ASSERT_TRUE(run.started());
  // Long enough for the run to be under way (it is stopped whenever it is).
  std::this_thread::sleep_for(std::chrono::milliseconds{1500});
  EXPECT_EQ(run.stop_with(SIGINT), 130) << read_text((dir_.path() / "stderr.txt").string());
  const std::string err{read_text((dir_.path() / "stderr.txt").string())};
  EXPECT_NE(err.find("interrupted by SIGINT; 1 scenario not run"), std::string::npos) << err;
  const std::string trace{read_text(out_dir() + "/long_rest/trace.csv")};
  EXPECT_EQ(last_line_of(trace).rfind("# interrupted by SIGINT at t=", 0), 0U) << last_line_of(trace);
  const std::string junit{read_text(out_dir() + "/junit.xml")};
  EXPECT_NE(junit.find("<error type=\"interrupted\" message=\"interrupted by SIGINT at t="), std::string::npos) << junit;
  EXPECT_EQ(xml_problem(junit), "");
  EXPECT_NE(read_text(out_dir() + "/long_rest/report.html").find("interrupted by SIGINT"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(out_dir() + "/second/trace.csv")) << "the batch went on after the interruption";
}

// A job killed outright (SIGKILL: nothing can be written) leaves no file
// that passes for its result: an earlier run's JUnit, trace and report are
// gone from the start, the trace so far is only a .partial.
TEST_F(RunCli, AKilledRunLeavesNothingThatLooksComplete) {
  const std::string scenario{write_long_rest(dir_, "long_rest.yaml", "rest: 30 d")};
  const std::filesystem::path run_dir{std::filesystem::path{out_dir()} / "long_rest"};
  std::filesystem::create_directories(run_dir);
  for (const char* earlier : {"trace.csv", "can.log", "report.html"}) std::ofstream{run_dir / earlier} << "earlier\n";
  std::ofstream{out_dir() + "/junit.xml"} << "<testsuites tests=\"1\" failures=\"0\" errors=\"0\"/>\n";
  BackgroundRun run{{"run", scenario, "--out", out_dir()}, dir_.path()};
  ASSERT_TRUE(run.started());
  std::this_thread::sleep_for(std::chrono::milliseconds{1500});
  EXPECT_EQ(run.stop_with(SIGKILL), -1);
  for (const char* earlier : {"trace.csv", "can.log", "report.html"}) {
    EXPECT_FALSE(std::filesystem::exists(run_dir / earlier)) << earlier;
  }
  EXPECT_FALSE(std::filesystem::exists(out_dir() + "/junit.xml"));
  EXPECT_TRUE(std::filesystem::exists(run_dir / "trace.csv.partial"));
}

TEST_F(RunCli, SigtermExitsWith143AndTheTraceSaysSo) {
  const std::string scenario{write_long_rest(dir_, "long_rest.yaml", "rest: 30 d")};
  BackgroundRun run{{"run", scenario, "--out", out_dir(), "--no-report"}, dir_.path()};
  ASSERT_TRUE(run.started());
  std::this_thread::sleep_for(std::chrono::milliseconds{1500});
  EXPECT_EQ(run.stop_with(SIGTERM), 143);
  const std::string trace{read_text(out_dir() + "/long_rest/trace.csv")};
  EXPECT_EQ(last_line_of(trace).rfind("# interrupted by SIGTERM at t=", 0), 0U) << last_line_of(trace);
}

// A step runs as long as its `for` says, however long; only an `until`
// without a `for` has a limit, and reaching it is a failed step that names
// it, never a silent pass.
TEST_F(RunCli, UntilThatNeverHoldsFailsItsStepAtTheLimitNamingIt) {
  const std::string scenario{write_long_rest(dir_, "never.yaml", "rest: {until: pack_v > 100 V}")};
  const Output o{packsim({"run", scenario, "--out", out_dir(), "--until-limit", "90s", "--no-report"})};
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_NE(o.out.find("its 'until' did not hold within 90 s, the limit for a step without 'for'"), std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("90.0 s simulated"), std::string::npos) << o.out;
}

TEST_F(RunCli, ForRunsAsLongAsItSaysWhateverTheUntilLimit) {
  const std::string scenario{write_long_rest(dir_, "rest.yaml", "rest: 2 min")};
  const Output o{packsim({"run", scenario, "--out", out_dir(), "--until-limit", "1s", "--no-report"})};
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("120.0 s simulated"), std::string::npos) << o.out;
  EXPECT_EQ(packsim({"run", scenario, "--until-limit", "0 s"}).exit_code, 2);
  EXPECT_EQ(packsim({"run", scenario, "--until-limit", "forever"}).exit_code, 2);
}

// Self-discharge no BMS can stop (the leakiest cell a file may describe,
// made ten times worse by a weak_cell fault) drains cell 3 past empty: the
// run stops with 3 (not 1: it says nothing about the firmware), naming the
// cell, the state and the simulated time, with the trace up to there.
TEST_F(RunCli, PhysicsThatLeavesRealityExitsThreeNamingCellStateAndTime) {
  std::string cell{read_text(std::string{PACKSIM_PARAMS_DIR} + "/lfp_a123_26650.yaml")};
  const std::string rate{"fraction_per_day: 0.00066"};
  ASSERT_NE(cell.find(rate), std::string::npos);
  cell.replace(cell.find(rate), rate.size(), "fraction_per_day: 0.05");
  const std::string cell_file{dir_.write("leaky_cell.yaml", cell)};
  const std::string pack{dir_.write("leaky_pack.yaml", "name: leaky\ncell: " + cell_file +
                                                           "\ntopology: {series: 16, parallel: 1}\ninterconnect: {cell_ohm: 0.0002, series_ohm: 0.0003}\n"
                                                           "thermal: {neighbour_conductance_w_per_k: 0.3}\nseed: 1\n"
                                                           "initial: {soc: 0.05, temp_c: 25}\n")};
  const std::string scenario{dir_.write(
      "leak.yaml", "name: leak\ndescription: a leaking cell\nseed: 1\npack: {file: " + pack +
                       "}\nsteps:\n  - inject: {weak_cell: {cell: 3, capacity: 100 %, self_discharge: 1000 %}}\n  - rest: 30 d\n"
                       "expect:\n  - {name: something, never: pack_v > 100 V}\n")};
  const Output o{packsim({"run", scenario, "--out", out_dir(), "--no-report"})};
  EXPECT_EQ(o.exit_code, 3) << o.out << o.err;
  EXPECT_NE(o.out.find("STOPPED  plant: impossible state at t = "), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("cell 3 "), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("SOC = -0.1"), std::string::npos) << o.out;
  const std::string trace{read_text(out_dir() + "/leak/trace.csv")};
  EXPECT_EQ(last_line_of(trace).rfind("# the run stopped: plant: impossible state at t = ", 0), 0U) << last_line_of(trace);
  EXPECT_NE(read_text(out_dir() + "/junit.xml").find("<error type=\"run stopped\""), std::string::npos);
}

TEST(RunOptionsDefaults, NothingCutsARunShortUnlessAsked) {
  const RunOptions options;
  EXPECT_EQ(options.max_time_ns, std::numeric_limits<sim::TimeNs>::max());
  EXPECT_EQ(options.until_limit_ns, 48 * 3600 * sim::kNsPerS);
}

// --junit naming a directory (found only after the run before) is bad input
// before anything runs; nothing is created or replaced.
TEST_F(RunCli, JunitNamingADirectoryIsBadInputBeforeAnyRun) {
  const std::filesystem::path junit_dir{dir_.path() / "reports"};
  std::filesystem::create_directories(junit_dir);
  const Output o{packsim({"run", kRunnerData + "/near_cutoff.yaml", "--out", out_dir(), "--junit", junit_dir.string()})};
  EXPECT_EQ(o.exit_code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find("--junit " + junit_dir.string() + ": is a directory"), std::string::npos) << o.err;
  EXPECT_EQ(o.out.find("PASS"), std::string::npos) << "ran although the JUnit path was a directory";
  EXPECT_TRUE(std::filesystem::is_directory(junit_dir));
}

// A fifo (or a device, or a link) where an output file goes is never
// replaced: bad input before any run, and it is still there afterwards.
TEST_F(RunCli, OutputsNeverReplaceAnythingButARegularFile) {
  const std::filesystem::path scenario_out{std::filesystem::path{out_dir()} / "near_cutoff"};
  std::filesystem::create_directories(scenario_out);
  const std::filesystem::path fifo{scenario_out / "trace.csv"};
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  const Output o{packsim({"run", kRunnerData + "/near_cutoff.yaml", "--out", out_dir()})};
  EXPECT_EQ(o.exit_code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find(fifo.string() + ": is a fifo"), std::string::npos) << o.err;
  EXPECT_TRUE(std::filesystem::is_fifo(fifo));

  const std::filesystem::path link{dir_.path() / "junit_link.xml"};
  std::filesystem::create_symlink("/dev/null", link);
  const Output linked{packsim({"run", kRunnerData + "/near_cutoff.yaml", "--out", (dir_.path() / "out2").string(),
                               "--junit", link.string()})};
  EXPECT_EQ(linked.exit_code, 2) << linked.out << linked.err;
  EXPECT_TRUE(std::filesystem::is_symlink(link));
}

// Two scenario files with the same name would write over each other's outputs.
TEST_F(RunCli, TwoScenariosWithTheSameFileNameAreBadInput) {
  std::filesystem::create_directories(dir_.path() / "a");
  std::filesystem::create_directories(dir_.path() / "b");
  const std::string a{write_long_rest(dir_, "a/rest.yaml", "rest: 1 s")};
  const std::string b{write_long_rest(dir_, "b/rest.yaml", "rest: 2 s")};
  const Output o{packsim({"run", a, b, "--out", out_dir()})};
  EXPECT_EQ(o.exit_code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find("two scenarios would write"), std::string::npos) << o.err;
}

}  // namespace
}  // namespace packsim::runner

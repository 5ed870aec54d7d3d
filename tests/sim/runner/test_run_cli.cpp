// `packsim run` through the built binary: exit codes, outputs, JUnit.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/sim/scenario/scenario_test_support.h"
#include "tests/support/packsim_cli.h"

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

}  // namespace
}  // namespace packsim::runner

// Runs the built `packsim` binary as a user would and checks exit codes,
// messages and the files it leaves behind.
#include <gtest/gtest.h>

#include "tests/support/packsim_cli.h"
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/experiment/experiment_runner.h"

namespace {

namespace fs = std::filesystem;
using Output = packsim::testing::CliOutput;
using packsim::testing::read_whole_file;

const std::string kPack{std::string{PACKSIM_PARAMS_DIR} + "/packs/lfp_16s1p.yaml"};
const std::string kBadPack{std::string{PACKSIM_TEST_DATA_DIR} + "/experiment/pack_bad_series.yaml"};

class PlantCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info{::testing::UnitTest::GetInstance()->current_test_info()};
    dir_ = fs::temp_directory_path() /
           ("packsim_plant_cli_" + std::string{info->name()} + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Output packsim(const std::vector<std::string>& args) const { return packsim::testing::run_packsim(args, dir_); }

  std::string csv_path() const { return (dir_ / "run.csv").string(); }

  fs::path dir_;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream{text};
  std::string line;
  while (std::getline(stream, line)) lines.push_back(line);
  return lines;
}

TEST_F(PlantCli, CompletedRunExitsZeroAndWritesTheCsv) {
  const Output r{packsim({"plant", kPack, "--step", "Rest for 10 s", "--step", "Discharge at 1C for 5 s", "--out",
                          csv_path()})};
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("capacity delivered"), std::string::npos) << r.out;
  const std::vector<std::string> lines{lines_of(read_whole_file(csv_path()))};
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], packsim::sim::experiment_csv_header(16, 16));
  // Header, then one row a second from 0 to 15 s (the boundary at 10 s is a sample instant).
  ASSERT_EQ(lines.size(), 1u + 16u);
  EXPECT_EQ(lines[1].substr(0, 4), "0,1,");
  EXPECT_EQ(lines[11].substr(0, 5), "10,1,");
  EXPECT_EQ(lines[12].substr(0, 9), "11,2,2.3,");
  EXPECT_EQ(lines[16].substr(0, 5), "15,2,");
  EXPECT_FALSE(fs::exists(csv_path() + ".partial"));
}

TEST_F(PlantCli, QuietPrintsNothingOnSuccess) {
  const Output r{packsim({"plant", kPack, "--step", "Rest for 2 s", "--quiet"})};
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
}

TEST_F(PlantCli, BadStepExitsTwoPointingAtTheStep) {
  const Output r{
      packsim({"plant", kPack, "--step", "Rest for 1 s", "--step", "Dischrge at 1C", "--out", csv_path()})};
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("--step 2:1:", 0), 0u) << r.err;
  EXPECT_FALSE(fs::exists(csv_path()));
  EXPECT_FALSE(fs::exists(csv_path() + ".partial"));
}

TEST_F(PlantCli, BadPackFileExitsTwoWithItsLineAndColumn) {
  const Output r{packsim({"plant", kBadPack, "--step", "Rest for 1 s", "--out", csv_path()})};
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind(kBadPack + ":4:20: 'series'", 0), 0u) << r.err;
  EXPECT_FALSE(fs::exists(csv_path()));
  EXPECT_FALSE(fs::exists(csv_path() + ".partial"));
}

TEST_F(PlantCli, MissingPackFileExitsTwo) {
  const Output r{packsim({"plant", (dir_ / "no_such_pack.yaml").string(), "--step", "Rest for 1 s"})};
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no_such_pack.yaml"), std::string::npos) << r.err;
}

TEST_F(PlantCli, InvalidNumbersExitTwoNamingTheOption) {
  const Output not_a_number{packsim({"plant", kPack, "--step", "Rest for 1 s", "--dt", "abc"})};
  EXPECT_EQ(not_a_number.exit_code, 2);
  EXPECT_EQ(not_a_number.err.rfind("--dt:1:1: expected a number", 0), 0u) << not_a_number.err;
  const Output negative{packsim({"plant", kPack, "--step", "Rest for 1 s", "--sample", "-1"})};
  EXPECT_EQ(negative.exit_code, 2);
  EXPECT_EQ(negative.err.rfind("--sample:1:1:", 0), 0u) << negative.err;
  const Output percent{packsim({"plant", kPack, "--step", "Rest for 1 s", "--initial-soc", "50"})};
  EXPECT_EQ(percent.exit_code, 2);
  EXPECT_EQ(percent.err.rfind("--initial-soc:1:1:", 0), 0u) << percent.err;
  const Output ambient{packsim({"plant", kPack, "--step", "Rest for 1 s", "--ambient", "inf"})};
  EXPECT_EQ(ambient.exit_code, 2);
  EXPECT_EQ(ambient.err.rfind("--ambient:1:1:", 0), 0u) << ambient.err;
}

TEST_F(PlantCli, DurationBeyondTheClockExitsTwo) {
  const Output r{packsim({"plant", kPack, "--step", "Rest for 1 s", "--step", "Rest for 1e12 hours"})};
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("--step 2:1:10: duration", 0), 0u) << r.err;
}

TEST_F(PlantCli, ImpossiblePhysicsExitsThreeNamingCellStateAndTimeAndLeavesNoCsv) {
  // A CSV from an earlier run must not pass for this run's result.
  std::ofstream{csv_path()} << "stale\n";
  // 10 kA (the drive limit) through a 2.3 Ah cell's ~20 mOhm: the voltage turns
  // over in the first millisecond, long before the charge runs out.
  const Output r{packsim({"plant", kPack, "--dt", "0.001", "--step", "Rest for 1 s", "--step",
                          "Discharge at 10000 A for 10 s", "--out", csv_path()})};
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("packsim plant: simulation stopped in step 2 (Discharge at 10000 A for 10 s): plant: "
                       "impossible state at t = 1.001 s: cell "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(" voltage = -"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("wrong sign"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no CSV written (removed " + csv_path() + " from an earlier run)"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(csv_path()));
  EXPECT_FALSE(fs::exists(csv_path() + ".partial"));
}

// "Discharge at 1000C" ran to SOC -9,890 %, a cell at -23.7 V and 836 degC and
// exited 0. `packsim run` refuses a C-rate above 100C; so does plant, at the number.
TEST_F(PlantCli, PlantCommandRefusesCRateAboveTheScenarioCap) {
  const Output r{packsim({"plant", kPack, "--step", "Discharge at 1000C until 2.5 V", "--out", csv_path()})};
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "--step 1:1:14: C-rate 1000C is beyond the limit of 100C (the limit packsim run's scenarios have "
                   "too)\n");
  EXPECT_FALSE(fs::exists(csv_path()));
  const Output current{packsim({"plant", kPack, "--step", "Rest for 1 s", "--step", "Charge at 20000 A for 1 s"})};
  EXPECT_EQ(current.exit_code, 2);
  EXPECT_EQ(current.err.rfind("--step 2:1:11:", 0), 0u) << current.err;
  const Output hold{packsim({"plant", kPack, "--step", "Hold at 36 V until C/20"})};
  EXPECT_EQ(hold.exit_code, 2);
  EXPECT_EQ(hold.err.rfind("--step 1:1:9: hold voltage 36 V is beyond the limit of 5 V", 0), 0u) << hold.err;
}

TEST_F(PlantCli, PlantCommandRefusesClockAndStartingConditionsBeyondTheirLimits) {
  const auto run = [this](std::vector<std::string> extra) {
    std::vector<std::string> args{"plant", kPack, "--step", "Rest for 1 s"};
    args.insert(args.end(), extra.begin(), extra.end());
    return packsim(args);
  };
  struct Case {
    std::vector<std::string> args;
    std::string prefix;
  };
  const std::vector<Case> cases{
      {{"--dt", "1e9"}, "--dt:1:1: period must be between 1e-06 s and 1e+08 s"},
      {{"--dt", "1e-9"}, "--dt:1:1: period must be between"},
      {{"--sample", "nan"}, "--sample:1:1: period must be between"},
      {{"--ambient", "150"}, "--ambient:1:1: temperature must be between -60 and 120 degC, got 150"},
      {{"--initial-temp", "-100"}, "--initial-temp:1:1: temperature must be between -60 and 120 degC"},
      {{"--initial-soc", "-0.01"}, "--initial-soc:1:1: SOC is a fraction from 0 to 1"},
      {{"--initial-soc", "1.01"}, "--initial-soc:1:1: SOC is a fraction from 0 to 1"},
  };
  for (const Case& c : cases) {
    const Output r{run(c.args)};
    EXPECT_EQ(r.exit_code, 2) << c.args[0] << " " << c.args[1];
    EXPECT_EQ(r.err.rfind(c.prefix, 0), 0u) << r.err;
  }
  // Eleven steps of 1e8 s are beyond the clock's 1e9 s: the eleventh is named.
  std::vector<std::string> args{"plant", kPack};
  for (int i = 0; i < 11; ++i) {
    args.push_back("--step");
    args.push_back("Rest for 100000000 s");
  }
  const Output total{packsim(args)};
  EXPECT_EQ(total.exit_code, 2);
  EXPECT_EQ(total.err.rfind("--step 11:1:1: the steps up to this one add up to 1.1e+09 s", 0), 0u) << total.err;
}

// From --initial-soc 0 an hour at 1C went on to SOC -100 % with every cell below
// 0 V, and exited 0.
TEST_F(PlantCli, DischargeBelowEmptyStopsWithThePhysicsExitCodeNamingCellStateAndTime) {
  const Output r{packsim({"plant", kPack, "--initial-soc", "0", "--step", "Discharge at 1C for 1 hour", "--out",
                          csv_path()})};
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("simulation stopped in step 1 (Discharge at 1C for 1 h): plant: impossible state at t = "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("cell "), std::string::npos) << r.err;
  EXPECT_TRUE(r.err.find(" SOC = -") != std::string::npos || r.err.find(" voltage = -") != std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(csv_path()));
  EXPECT_FALSE(fs::exists(csv_path() + ".partial"));
}

// A 1 mOhm load drove the cells to SOC -12 % in five seconds, then current ran
// backwards through it (a resistor delivering energy) for the rest of the hour.
TEST_F(PlantCli, DeadShortThroughAPassiveLoadStopsInsteadOfRunningCurrentBackwards) {
  const Output r{packsim({"plant", kPack, "--step", "Discharge through 1 mOhm for 1 hour", "--out", csv_path()})};
  EXPECT_EQ(r.exit_code, 3) << r.err;
  const std::size_t at{r.err.find("impossible state at t = ")};
  ASSERT_NE(at, std::string::npos) << r.err;
  EXPECT_LT(std::strtod(r.err.c_str() + at + 24, nullptr), 10.0) << r.err;
  EXPECT_NE(r.err.find("cell "), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(csv_path()));
}

// A copy of the shipped LFP cell with `from` replaced by `to`, and a pack of
// `series` of them; returns the pack's path.
std::string pack_with_cell_change(const fs::path& dir, const std::string& from, const std::string& to, int series) {
  std::string cell{read_whole_file(std::string{PACKSIM_PARAMS_DIR} + "/lfp_a123_26650.yaml")};
  const std::size_t at{cell.find(from)};
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) cell.replace(at, from.size(), to);
  std::ofstream{dir / "cell.yaml"} << cell;
  std::ofstream{dir / "pack.yaml"} << "name: test pack\ncell: cell.yaml\ntopology: {series: " << series
                                   << ", parallel: 1}\ninterconnect: {cell_ohm: 0.0002, series_ohm: 0.0003}\n"
                                      "thermal: {neighbour_conductance_w_per_k: 0.3}\nseed: 42\n"
                                      "initial: {soc: 1.0, temp_c: 25}\n";
  return (dir / "pack.yaml").string();
}

TEST_F(PlantCli, AgingParametersBeyondPhysicalLimitsAreBadInputAtTheirLine) {
  const std::string pack{pack_with_cell_change(dir_, "loss_per_sqrt_day: 0.00157", "loss_per_sqrt_day: 1e308", 2)};
  const Output r{packsim({"plant", pack, "--step", "Discharge at 1C for 2 hours", "--out", csv_path()})};
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, (dir_ / "cell.yaml").string() +
                       ":123:24: 'loss_per_sqrt_day': 1e+308 is out of range; must be <= 0.1\n");
  EXPECT_FALSE(fs::exists(csv_path()));
}

// Four rests of 21,900 h at --dt 3600 self-discharged the cells to SOC -123 %
// and a cell to -1.5e-321 V, then stalled at 100 % CPU near t = 2e8 s. With
// the leakiest cell a file may describe (5 %/day) the guard ends it at SOC
// -10 % within a month of simulated time, in well under the test's 2 s.
TEST_F(PlantCli, LongSelfDischargeRestsEndPromptly) {
  const std::string pack{pack_with_cell_change(dir_, "fraction_per_day: 0.00066", "fraction_per_day: 0.05", 2)};
  const auto started{std::chrono::steady_clock::now()};
  const Output r{packsim({"plant", pack, "--dt", "3600", "--step", "Rest for 21900 hours", "--step",
                          "Rest for 21900 hours", "--step", "Rest for 21900 hours", "--step", "Rest for 21900 hours",
                          "--out", csv_path()})};
  const double elapsed_s{std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()};
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("simulation stopped in step 1 (Rest for 21900 h): plant: impossible state at t = "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("cell "), std::string::npos) << r.err;
  const std::size_t at{r.err.find("t = ")};
  ASSERT_NE(at, std::string::npos);
  EXPECT_LT(std::strtod(r.err.c_str() + at + 4, nullptr), 40.0 * 86400.0) << r.err;
  EXPECT_FALSE(fs::exists(csv_path()));
  EXPECT_LT(elapsed_s, 2.0);
}

TEST_F(PlantCli, HelpExitsZeroWithAnExample) {
  const Output plant{packsim({"plant", "--help"})};
  EXPECT_EQ(plant.exit_code, 0);
  EXPECT_NE(plant.out.find("--step"), std::string::npos);
  EXPECT_NE(plant.out.find("Example:"), std::string::npos);
  const Output top{packsim({"--help"})};
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("plant"), std::string::npos);
  EXPECT_NE(top.out.find("bench"), std::string::npos);
}

TEST_F(PlantCli, NoSubcommandExitsTwo) {
  const Output r{packsim({})};
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace

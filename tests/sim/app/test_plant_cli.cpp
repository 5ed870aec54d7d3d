// Runs the built `packsim` binary as a user would and checks exit codes,
// messages and the files it leaves behind.
#include <gtest/gtest.h>

#include "tests/support/packsim_cli.h"
#include <sys/wait.h>
#include <unistd.h>

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
  EXPECT_EQ(r.err.rfind("--step 2:1:1: duration", 0), 0u) << r.err;
}

TEST_F(PlantCli, NonFinitePhysicsExitsThreeAndLeavesNoCsv) {
  // A CSV from an earlier run must not pass for this run's result.
  std::ofstream{csv_path()} << "stale\n";
  const Output r{packsim({"plant", kPack, "--step", "Rest for 2 s", "--step", "Discharge at 1e200 A for 10 s", "--out",
                          csv_path()})};
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("step 2 (Discharge at 1e+200 A for 10 s)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cell 1"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(csv_path()));
  EXPECT_FALSE(fs::exists(csv_path() + ".partial"));
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

// `packsim validate` through the built binary: output and exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "tests/sim/scenario/scenario_test_support.h"

namespace packsim::scenario::testing {
namespace {

struct Output {
  int exit_code{-1};
  std::string out;
  std::string err;
};

std::string quote(const std::string& arg) {
  std::string quoted{"'"};
  for (const char c : arg) quoted += c == '\'' ? std::string{"'\\''"} : std::string{c};
  return quoted + "'";
}

class ValidateCli : public ::testing::Test {
 protected:
  Output packsim(const std::vector<std::string>& args) const {
    std::string command{quote(PACKSIM_BINARY)};
    for (const std::string& arg : args) command += " " + quote(arg);
    const std::string out{(dir_.path() / "stdout.txt").string()};
    const std::string err{(dir_.path() / "stderr.txt").string()};
    command += " >" + quote(out) + " 2>" + quote(err);
    const int status{std::system(command.c_str())};
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_text(out), read_text(err)};
  }
  TempDir dir_{"packsim_validate_cli"};
};

const std::string kDeepDischarge{kRepoDir + "/scenarios/deep_discharge.yaml"};
const std::string kEveryStep{kDataDir + "/good/every_step.yaml"};
const std::string kBad{kDataDir + "/bad/unknown_signal.yaml"};

TEST_F(ValidateCli, ValidFilesPrintOkWithTheirNamesAndExitZero) {
  const Output result{packsim({"validate", kDeepDischarge, kEveryStep})};
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "ok deep discharge\nok every step\n");
  EXPECT_EQ(result.err, "");
}

TEST_F(ValidateCli, ABadFileAmongGoodOnesExitsTwoAndTheOthersAreStillChecked) {
  const Output result{packsim({"validate", kDeepDischarge, kBad, kEveryStep})};
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "ok deep discharge\nok every step\n");
  EXPECT_EQ(result.err, kBad + ":7:36: unknown signal 'min_cell_volt'; did you mean 'min_cell_v'?\n");
}

TEST_F(ValidateCli, EveryExampleScenarioValidates) {
  std::vector<std::string> args{"validate"};
  for (const auto& entry : std::filesystem::directory_iterator{kRepoDir + "/scenarios"}) {
    if (entry.path().extension() == ".yaml") args.push_back(entry.path().string());
  }
  const Output result{packsim(args)};
  EXPECT_EQ(result.exit_code, 0) << result.err;
}

TEST_F(ValidateCli, NoFileIsBadUsage) {
  const Output result{packsim({"validate"})};
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("scenarios is required"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace packsim::scenario::testing

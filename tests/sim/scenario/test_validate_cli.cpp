// `packsim validate` through the built binary: output and exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "tests/sim/scenario/scenario_test_support.h"
#include "tests/support/packsim_cli.h"

namespace packsim::scenario::testing {
namespace {

using Output = packsim::testing::CliOutput;

class ValidateCli : public ::testing::Test {
 protected:
  Output packsim(const std::vector<std::string>& args) const { return packsim::testing::run_packsim(args, dir_.path()); }
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

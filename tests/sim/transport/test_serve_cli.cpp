// `packsim serve` from the shell: a run for a set duration exits 0 and takes
// its links away; a link it cannot make or an option it cannot use is bad
// input (exit 2, a message naming it) and leaves nothing behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

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

}  // namespace
}  // namespace packsim

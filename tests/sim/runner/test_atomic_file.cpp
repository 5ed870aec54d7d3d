// Output files are replaced whole or not at all, and only regular files are
// ever replaced: a device, fifo, directory or link at the path stays.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sim/runner/atomic_file.h"
#include "tests/sim/scenario/scenario_test_support.h"

namespace packsim::runner {
namespace {

namespace fs = std::filesystem;
using scenario::testing::read_text;
using scenario::testing::TempDir;

std::size_t entries_in(const fs::path& dir) {
  std::size_t count{0};
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator{dir}) ++count;
  return count;
}

TEST(AtomicFile, WritesAndReplacesARegularFile) {
  const TempDir dir{"packsim_atomic_file"};
  const std::string path{(dir.path() / "sub" / "trace.csv").string()};
  write_file_atomically(path, "first");
  write_file_atomically(path, "second");
  EXPECT_EQ(read_text(path), "second");
  EXPECT_EQ(entries_in(dir.path() / "sub"), 1U) << "a temporary file was left behind";
}

TEST(AtomicFile, NeverReplacesAFifoADirectoryOrALink) {
  const TempDir dir{"packsim_atomic_file_kinds"};
  const fs::path fifo{dir.path() / "fifo"};
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  const fs::path directory{dir.path() / "directory"};
  fs::create_directories(directory);
  const fs::path link{dir.path() / "link"};
  fs::create_symlink("/dev/null", link);
  for (const fs::path& path : {fifo, directory, link}) {
    try {
      write_file_atomically(path.string(), "content");
      ADD_FAILURE() << path << " was replaced";
    } catch (const OutputError& error) {
      EXPECT_TRUE(error.bad_path()) << error.what();
      EXPECT_NE(std::string{error.what()}.find("refusing to replace it"), std::string::npos) << error.what();
    }
  }
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_TRUE(fs::is_directory(directory));
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(output_path_problem(fifo.string()), "is a fifo");
  EXPECT_EQ(output_path_problem("/dev/null"), "is a device");
  EXPECT_EQ(output_path_problem((dir.path() / "nothing_yet").string()), "");
  EXPECT_EQ(entries_in(dir.path()), 3U) << "a temporary file was left behind";
}

// A full disk (here: the file-size limit, which fails writes the same way)
// is an I/O error, not a bad path; the earlier file stays whole and no
// temporary is left.
TEST(AtomicFile, AFailedWriteKeepsTheOldFileAndLeavesNoTemporary) {
  const TempDir dir{"packsim_atomic_file_full"};
  const std::string path{(dir.path() / "trace.csv").string()};
  write_file_atomically(path, "the earlier run's complete trace");
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  const sighandler_t saved_handler{::signal(SIGXFSZ, SIG_IGN)};  // EFBIG instead of a signal
  rlimit small{saved};
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  bool bad_path{true};
  std::string message;
  try {
    write_file_atomically(path, std::string(100'000, 'x'));
  } catch (const OutputError& error) {
    bad_path = error.bad_path();
    message = error.what();
  }
  ::setrlimit(RLIMIT_FSIZE, &saved);
  ::signal(SIGXFSZ, saved_handler);
  EXPECT_FALSE(bad_path);
  EXPECT_NE(message.find("cannot write " + path + ": "), std::string::npos) << message;
  EXPECT_EQ(read_text(path), "the earlier run's complete trace");
  EXPECT_EQ(entries_in(dir.path()), 1U) << "a temporary file was left behind";
}

}  // namespace
}  // namespace packsim::runner

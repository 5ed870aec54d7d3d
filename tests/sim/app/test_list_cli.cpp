// `packsim list` through the built binary: the source tree's scenario library.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace packsim::app {
namespace {

TEST(ListCli, ListsTheLibraryScenarioWithItsDescription) {
  const std::string command{"'" + std::string{PACKSIM_BINARY} + "' list 2>&1"};
  FILE* pipe{popen(command.c_str(), "r")};
  ASSERT_NE(pipe, nullptr);
  std::string out;
  std::array<char, 4096> buffer{};
  for (std::size_t n{0}; (n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) {
    out.append(buffer.data(), n);
  }
  const int status{pclose(pipe)};
  ASSERT_TRUE(WIFEXITED(status)) << out;
  EXPECT_EQ(WEXITSTATUS(status), 0) << out;
  const std::size_t line{out.find("deep_discharge ")};
  ASSERT_NE(line, std::string::npos) << out;
  const std::string rest{out.substr(line, out.find('\n', line) - line)};
  EXPECT_NE(rest.find("1C discharge of a full 16S LFP pack"), std::string::npos) << rest;
  EXPECT_EQ(out.find("error:"), std::string::npos) << "every library scenario loads:\n" << out;
}

}  // namespace
}  // namespace packsim::app

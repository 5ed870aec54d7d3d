#pragma once

// Runs the built `packsim` binary (PACKSIM_BINARY) the way a user's shell
// would, for tests of exit codes and output.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace packsim::testing {

struct CliOutput {
  int exit_code{-1};
  std::string out;
  std::string err;
};

inline std::string read_whole_file(const std::filesystem::path& path) {
  std::ifstream file{path, std::ios::binary};
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// Single-quoted for /bin/sh, so paths and step strings pass through unchanged.
inline std::string shell_quote(const std::string& arg) {
  std::string quoted{"'"};
  for (const char c : arg) quoted += c == '\'' ? std::string{"'\\''"} : std::string{c};
  return quoted + "'";
}

// stdout and stderr go to files in scratch_dir and are read back.
inline CliOutput run_packsim(const std::vector<std::string>& args, const std::filesystem::path& scratch_dir) {
  std::string command{shell_quote(PACKSIM_BINARY)};
  for (const std::string& arg : args) command += " " + shell_quote(arg);
  const std::filesystem::path out{scratch_dir / "stdout.txt"};
  const std::filesystem::path err{scratch_dir / "stderr.txt"};
  command += " >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string());
  const int status{std::system(command.c_str())};
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_whole_file(out), read_whole_file(err)};
}

}  // namespace packsim::testing

#pragma once

// Helpers shared by the scenario tests.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "common/input_error.h"
#include "common/yaml_reader.h"

namespace packsim::scenario::testing {

// what() of the InputError the action throws, or "(no error)".
inline std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const InputError& error) {
    return error.what();
  }
  return "(no error)";
}

// A scalar written at line 3, column 10 of t.yaml: an error at byte k of it is at column 10 + k.
inline YamlScalar scalar(const std::string& text) { return YamlScalar{text, SourceLocation{"t.yaml", 3, 10}}; }

inline const std::string kDataDir{std::string{PACKSIM_TEST_DATA_DIR} + "/scenarios"};
inline const std::string kRepoDir{std::filesystem::path{PACKSIM_TEST_DATA_DIR}.parent_path().parent_path().string()};
inline const std::string kPackFile{kRepoDir + "/models/params/packs/lfp_16s1p.yaml"};

inline std::string read_text(const std::string& path) {
  std::ifstream file{path, std::ios::binary};
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// A directory of its own under the system's temporary directory, removed at the end.
class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_{std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()))} {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() { std::filesystem::remove_all(path_); }

  // Writes text to a file in the directory and returns its path.
  std::string write(const std::string& file_name, const std::string& text) const {
    const std::filesystem::path file{path_ / file_name};
    std::ofstream out{file, std::ios::binary};
    out << text;
    return file.string();
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace packsim::scenario::testing

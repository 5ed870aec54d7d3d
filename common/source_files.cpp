#include "common/source_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "common/input_error.h"

namespace packsim {

bool SourceFiles::is_regular_file(const std::string& path) const {
  if (texts_.count(path) != 0) return true;
  if (!from_disk_) return false;
  std::error_code error;
  return std::filesystem::is_regular_file(path, error);
}

const std::string& SourceFiles::read(const std::string& path) {
  if (const auto known = texts_.find(path); known != texts_.end()) return known->second;
  std::error_code error;
  // Only regular files: a device or a fifo would be read without end.
  if (!from_disk_ || !std::filesystem::is_regular_file(path, error)) {
    throw InputError({path, 0, 0}, "cannot open file");
  }
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    throw InputError({path, 0, 0}, "cannot open file");
  }
  std::ostringstream contents;
  contents << stream.rdbuf();
  return texts_.emplace(path, contents.str()).first->second;
}

}  // namespace packsim

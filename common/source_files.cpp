#include "common/source_files.h"

#include <filesystem>
#include <fstream>
#include <string>
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
  // Read at most one byte past the limit: the size on disk may change
  // between a stat and the read, the bytes read may not.
  std::string contents(kMaxSourceFileBytes + 1, '\0');
  stream.read(contents.data(), static_cast<std::streamsize>(contents.size()));
  if (stream.bad()) {
    throw InputError({path, 0, 0}, "cannot read file");
  }
  contents.resize(static_cast<std::size_t>(stream.gcount()));
  if (contents.size() > kMaxSourceFileBytes) {
    throw InputError({path, 0, 0}, "file is larger than " + std::to_string(kMaxSourceFileBytes / (1024 * 1024)) +
                                       " MiB, the limit for an input file (scenarios, packs and cell parameters "
                                       "are a few KiB)");
  }
  contents.shrink_to_fit();
  return texts_.emplace(path, std::move(contents)).first->second;
}

}  // namespace packsim

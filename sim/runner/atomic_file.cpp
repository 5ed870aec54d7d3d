#include "sim/runner/atomic_file.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace packsim::runner {

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::filesystem::path target{path};
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path());
  // The pid keeps two processes writing the same file from sharing a temp file.
  const std::filesystem::path temp{target.string() + ".tmp" + std::to_string(::getpid())};
  {
    std::ofstream out{temp, std::ios::binary | std::ios::trunc};
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temp, ignored);
      throw std::runtime_error{"cannot write " + temp.string()};
    }
  }
  std::error_code error;
  std::filesystem::rename(temp, target, error);
  if (error) {
    std::filesystem::remove(temp, error);
    throw std::runtime_error{"cannot rename onto " + path};
  }
}

}  // namespace packsim::runner

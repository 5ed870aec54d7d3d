#include "sim/runner/growing_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "sim/runner/atomic_file.h"

namespace packsim::runner {

namespace {

void refuse_non_regular(const std::string& path) {
  if (const std::string problem{output_path_problem(path)}; !problem.empty()) {
    throw OutputError{path + " " + problem + ": refusing to replace it with an output file", true};
  }
}

}  // namespace

GrowingFile::GrowingFile(std::string path) : path_{std::move(path)} {
  refuse_non_regular(path_);
  refuse_non_regular(partial_path());
  const std::filesystem::path target{path_};
  std::error_code error;
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), error);
  // An earlier run's complete trace would pass for this run's if this one died.
  std::filesystem::remove(target, error);
  file_ = std::fopen(partial_path().c_str(), "wbe");
  if (file_ == nullptr) {
    throw OutputError{"cannot write " + partial_path() + ": " + std::strerror(errno), false};
  }
}

GrowingFile::~GrowingFile() {
  if (file_ != nullptr) std::fclose(file_);
}

void GrowingFile::append(const std::string& text) {
  if (file_ == nullptr || write_error_ != 0) return;
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) write_error_ = errno != 0 ? errno : EIO;
}

void GrowingFile::commit() {
  if (file_ == nullptr) return;
  if (write_error_ == 0 && std::fflush(file_) != 0) write_error_ = errno;
  if (write_error_ == 0 && ::fsync(::fileno(file_)) != 0 && errno != EINVAL) write_error_ = errno;
  if (std::fclose(file_) != 0 && write_error_ == 0) write_error_ = errno;
  file_ = nullptr;
  if (write_error_ != 0) {
    // e.g. ENOSPC: the partial file shows how far it got, never as trace.csv.
    throw OutputError{"cannot write " + partial_path() + ": " + std::strerror(write_error_), false};
  }
  refuse_non_regular(path_);
  if (::rename(partial_path().c_str(), path_.c_str()) != 0) {
    throw OutputError{"cannot rename " + partial_path() + " onto " + path_ + ": " + std::strerror(errno), false};
  }
  committed_ = true;
}

}  // namespace packsim::runner

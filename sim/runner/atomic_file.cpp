#include "sim/runner/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace packsim::runner {

namespace {

// The temporary file beside the target; removed unless it was renamed.
class TemporaryFile {
 public:
  explicit TemporaryFile(std::string path) : path_{std::move(path)} {
    // O_EXCL: never write through whatever someone put at the temporary name.
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    created_ = fd_ >= 0;
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  ~TemporaryFile() {
    if (fd_ >= 0) ::close(fd_);
    if (created_ && !renamed_) ::unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }
  int fd() const { return fd_; }
  // Closes the descriptor; false (errno set) when the last writes failed.
  bool close() {
    const int result{::close(fd_)};
    fd_ = -1;
    return result == 0;
  }
  void renamed() { renamed_ = true; }

 private:
  std::string path_;
  int fd_{-1};
  bool created_{false};
  bool renamed_{false};
};

[[noreturn]] void fail_writing(const std::string& path, int error_number) {
  throw OutputError{"cannot write " + path + ": " + std::strerror(error_number), false};
}

}  // namespace

std::string output_path_problem(const std::string& path) {
  std::error_code error;
  const std::filesystem::file_status status{std::filesystem::symlink_status(path, error)};
  if (error || !std::filesystem::exists(status) || std::filesystem::is_regular_file(status)) return "";
  switch (status.type()) {
    case std::filesystem::file_type::directory: return "is a directory";
    case std::filesystem::file_type::symlink: return "is a symbolic link (it would be replaced, not followed)";
    case std::filesystem::file_type::character:
    case std::filesystem::file_type::block: return "is a device";
    case std::filesystem::file_type::fifo: return "is a fifo";
    case std::filesystem::file_type::socket: return "is a socket";
    default: return "is not a regular file";
  }
}

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::filesystem::path target{path};
  if (const std::string problem{output_path_problem(path)}; !problem.empty()) {
    throw OutputError{path + " " + problem + ": refusing to replace it with an output file", true};
  }
  if (target.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(target.parent_path(), error);
    if (error) throw OutputError{"cannot create the directory of " + path + ": " + error.message(), true};
  }
  // The pid keeps two processes writing the same file from sharing a temp file.
  TemporaryFile temp{target.string() + ".tmp" + std::to_string(::getpid())};
  if (temp.fd() < 0) fail_writing(temp.path(), errno);
  const char* data{content.data()};
  std::size_t left{content.size()};
  while (left > 0) {
    const ssize_t written{::write(temp.fd(), data, left)};
    if (written < 0) {
      if (errno == EINTR) continue;
      fail_writing(path, errno);  // e.g. ENOSPC: the disk is full
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  // On disk before it gets the real name: after a power cut the name holds
  // the old file or the whole new one. Some file systems report a full disk
  // only here or at close.
  if (::fsync(temp.fd()) != 0 && errno != EINVAL) fail_writing(path, errno);
  if (!temp.close()) fail_writing(path, errno);
  // Looked at again just before the rename: what stands there now is what it replaces.
  if (const std::string problem{output_path_problem(path)}; !problem.empty()) {
    throw OutputError{path + " " + problem + ": refusing to replace it with an output file", true};
  }
  if (::rename(temp.path().c_str(), path.c_str()) != 0) {
    throw OutputError{"cannot rename " + temp.path() + " onto " + path + ": " + std::strerror(errno), false};
  }
  temp.renamed();
}

}  // namespace packsim::runner

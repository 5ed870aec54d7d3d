#include "sim/transport/pty_port.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

namespace packsim::transport {

namespace {

namespace fs = std::filesystem;

constexpr const char* kPtyDirectory{"/dev/pts/"};

std::string errno_text() { return std::strerror(errno); }

void set_flag(int fd, int get, int set, int flag) {
  const int flags{::fcntl(fd, get)};
  if (flags < 0 || ::fcntl(fd, set, flags | flag) < 0) {
    throw PtyError{"pty: fcntl: " + errno_text()};
  }
}

// Whether an existing link may be replaced: it is a symlink that dangles or
// points at a pty (an earlier run's). Throws when something else is there.
void check_link_replaceable(const std::string& link_path) {
  std::error_code error;
  const fs::file_status status{fs::symlink_status(link_path, error)};
  if (!fs::exists(status)) return;
  if (!fs::is_symlink(status)) {
    throw PtyLinkError{link_path + ": exists and is not a symlink; refusing to replace it"};
  }
  const std::string target{fs::read_symlink(link_path, error).string()};
  const bool dangling{!fs::exists(fs::status(link_path, error))};
  if (!dangling && target.rfind(kPtyDirectory, 0) != 0) {
    throw PtyLinkError{link_path + ": is a symlink to " + target + ", not to a pty; refusing to replace it"};
  }
}

// Points link_path at target atomically: a temporary symlink renamed over it.
void make_link(const std::string& link_path, const std::string& target) {
  const fs::path link{link_path};
  const fs::path directory{link.has_parent_path() ? link.parent_path() : fs::path{"."}};
  std::error_code error;
  if (!fs::is_directory(directory, error)) {
    throw PtyLinkError{link_path + ": the directory " + directory.string() + " does not exist"};
  }
  check_link_replaceable(link_path);
  const std::string temporary{link_path + ".packsim-" + std::to_string(::getpid())};
  (void)::unlink(temporary.c_str());
  if (::symlink(target.c_str(), temporary.c_str()) != 0) {
    throw PtyLinkError{link_path + ": cannot create the link: " + errno_text()};
  }
  if (::rename(temporary.c_str(), link_path.c_str()) != 0) {
    const std::string reason{errno_text()};
    (void)::unlink(temporary.c_str());
    throw PtyLinkError{link_path + ": cannot create the link: " + reason};
  }
}

// The link's directory resolved (., .., symlinks; the part that exists) and its own name.
fs::path link_location(const fs::path& link) {
  std::error_code error;
  const fs::path directory{link.has_parent_path() ? link.parent_path() : fs::path{"."}};
  fs::path resolved{fs::weakly_canonical(fs::absolute(directory, error), error)};
  if (error) resolved = fs::absolute(directory, error).lexically_normal();
  return resolved / link.filename();
}

// Where a symlink at `link` points, as a location; empty when it is not one.
fs::path symlink_target_location(const fs::path& link) {
  std::error_code error;
  if (!fs::is_symlink(fs::symlink_status(link, error))) return {};
  fs::path target{fs::read_symlink(link, error)};
  if (error) return {};
  if (target.is_relative()) target = link.parent_path() / target;
  return link_location(target);
}

}  // namespace

bool same_link_path(const std::string& a, const std::string& b) {
  const fs::path first{link_location(a)};
  const fs::path second{link_location(b)};
  return first == second || symlink_target_location(a) == second || symlink_target_location(b) == first;
}

PtyPort::PtyPort(std::string link_path) : link_path_{std::move(link_path)} {
  if (link_path_.empty()) throw PtyLinkError{"pty: the link path is empty"};
  try {
    master_fd_ = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (master_fd_ < 0) throw PtyError{"pty: posix_openpt: " + errno_text()};
    set_flag(master_fd_, F_GETFD, F_SETFD, FD_CLOEXEC);
    set_flag(master_fd_, F_GETFL, F_SETFL, O_NONBLOCK);
    if (::grantpt(master_fd_) != 0 || ::unlockpt(master_fd_) != 0) {
      throw PtyError{"pty: grantpt/unlockpt: " + errno_text()};
    }
    char name[128]{};
    if (::ptsname_r(master_fd_, name, sizeof name) != 0) throw PtyError{"pty: ptsname: " + errno_text()};
    device_path_ = name;

    follower_fd_ = ::open(device_path_.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (follower_fd_ < 0) throw PtyError{"pty: open " + device_path_ + ": " + errno_text()};
    termios raw{};
    if (::tcgetattr(follower_fd_, &raw) != 0) throw PtyError{"pty: tcgetattr: " + errno_text()};
    ::cfmakeraw(&raw);
    raw.c_cflag |= CLOCAL | CREAD;
    if (::tcsetattr(follower_fd_, TCSANOW, &raw) != 0) throw PtyError{"pty: tcsetattr: " + errno_text()};

    make_link(link_path_, device_path_);
  } catch (...) {
    if (follower_fd_ >= 0) ::close(follower_fd_);
    if (master_fd_ >= 0) ::close(master_fd_);
    throw;
  }
}

PtyPort::~PtyPort() {
  remove_link_if_ours();
  ::close(follower_fd_);
  ::close(master_fd_);
}

void PtyPort::remove_link_if_ours() const {
  // Another run may have taken the path over since: leave its link alone.
  std::error_code error;
  if (fs::read_symlink(link_path_, error) == fs::path{device_path_} && !error) {
    (void)::unlink(link_path_.c_str());
  }
}

std::size_t PtyPort::read_some(std::span<std::uint8_t> buffer) {
  if (buffer.empty()) return 0;
  for (;;) {
    const ssize_t n{::read(master_fd_, buffer.data(), buffer.size())};
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    // EAGAIN: nothing now. EIO: no follower open (cannot happen while we hold
    // one, but a hang-up must never be fatal): nothing either.
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EIO) return 0;
    throw PtyError{"pty " + device_path_ + ": read: " + errno_text()};
  }
}

std::size_t PtyPort::write_some(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return 0;
  for (;;) {
    const ssize_t n{::write(master_fd_, bytes.data(), bytes.size())};
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EIO) return 0;
    throw PtyError{"pty " + device_path_ + ": write: " + errno_text()};
  }
}

}  // namespace packsim::transport

#pragma once

// The external tool's end of a PtyPort in tests: opens the link as pyserial
// would, writes bytes, reads what is there without blocking.

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace packsim::transport::testing {

class PtyPeer {
 public:
  explicit PtyPeer(const std::string& link_path)
      : fd_{::open(link_path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)} {
    if (fd_ < 0) throw std::runtime_error{"PtyPeer: cannot open " + link_path};
  }
  PtyPeer(const PtyPeer&) = delete;
  PtyPeer& operator=(const PtyPeer&) = delete;
  ~PtyPeer() { ::close(fd_); }

  void write(const std::string& text) { write(std::vector<std::uint8_t>(text.begin(), text.end())); }
  void write(const std::vector<std::uint8_t>& bytes) {
    if (::write(fd_, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) {
      throw std::runtime_error{"PtyPeer: short write"};
    }
  }

  // What has arrived, waiting at most wait_ms for the first byte.
  std::vector<std::uint8_t> read_available(int wait_ms = 0) {
    pollfd ready{fd_, POLLIN, 0};
    std::vector<std::uint8_t> bytes;
    if (::poll(&ready, 1, wait_ms) <= 0) return bytes;
    std::uint8_t buffer[4096];
    for (;;) {
      const ssize_t n{::read(fd_, buffer, sizeof buffer)};
      if (n <= 0) return bytes;
      bytes.insert(bytes.end(), buffer, buffer + n);
    }
  }
  std::string read_text(int wait_ms = 0) {
    const std::vector<std::uint8_t> bytes{read_available(wait_ms)};
    return {bytes.begin(), bytes.end()};
  }

 private:
  int fd_;
};

// A fresh directory for links, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern{(std::filesystem::temp_directory_path() / "packsim-transport-XXXXXX").string()};
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error{"TempDir: mkdtemp failed"};
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace packsim::transport::testing

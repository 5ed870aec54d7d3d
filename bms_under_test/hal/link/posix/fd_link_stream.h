// A LinkStream over one file descriptor: a socketpair to a child process, a
// serial device, a TCP connection.
#pragma once

#include <span>
#include <string>

#include "bms_under_test/hal/link/link_stream.h"

namespace packsim::hal {

// Owns the fd (closed by the destructor) and puts it in non-blocking mode:
// every wait is a poll() bounded by the caller's deadline, EINTR is retried.
// The end of the stream (EOF, ECONNRESET, EIO, EPIPE) and any other failure
// throw LinkClosed naming describe(). Sockets are written with MSG_NOSIGNAL,
// so a peer that died never raises SIGPIPE.
class FdLinkStream final : public LinkStream {
 public:
  // Throws std::invalid_argument for a negative fd (and closes nothing).
  FdLinkStream(int fd, std::string description);
  ~FdLinkStream() override;

  void write_all(std::span<const std::uint8_t> bytes, Deadline deadline) override;
  std::size_t read_some(std::span<std::uint8_t> buffer, Deadline deadline) override;
  std::string describe() const override { return description_; }

  // For ioctls on a device (the serial stream); the stream still owns it.
  int fd() const { return fd_; }

 private:
  // Waits until `events` or the deadline: false at the deadline.
  bool wait_for(short events, Deadline deadline) const;
  [[noreturn]] void throw_closed(const std::string& what) const;

  int fd_;
  bool is_socket_;
  std::string description_;
};

}  // namespace packsim::hal

// The host's end of the byte stream a remote-HAL link runs over: a
// socketpair or shared-memory ring to a child process, a serial device (an
// MCU's USB-serial port), a TCP connection. The link session
// (link_session.h) frames and checks everything; a stream only moves bytes
// and says when it cannot.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

namespace packsim::hal {

// The stream ended (the peer closed it or went away) or failed; what() says
// which and names the stream.
class LinkClosed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class LinkStream {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  virtual ~LinkStream() = default;
  LinkStream(const LinkStream&) = delete;
  LinkStream& operator=(const LinkStream&) = delete;

  // Writes every byte, blocking while the stream is full but never past
  // `deadline`. Throws LinkClosed when the stream is gone, and at the
  // deadline (a peer that stopped reading).
  virtual void write_all(std::span<const std::uint8_t> bytes, Deadline deadline) = 0;
  // Waits until at least one byte is there or `deadline` passes: the count
  // read (at most buffer.size()), or 0 at the deadline. Throws LinkClosed at
  // the end of the stream or on an error.
  virtual std::size_t read_some(std::span<std::uint8_t> buffer, Deadline deadline) = 0;
  // For messages: "shared memory with child 1234", "serial /dev/ttyACM0 at 115200 baud".
  virtual std::string describe() const = 0;

 protected:
  LinkStream() = default;
};

}  // namespace packsim::hal

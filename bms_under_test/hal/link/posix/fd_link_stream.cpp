#include "bms_under_test/hal/link/posix/fd_link_stream.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <algorithm>
#include <utility>

namespace packsim::hal {

namespace {

bool is_end_of_stream(int error) { return error == ECONNRESET || error == EIO || error == EPIPE || error == ENOTCONN; }

// How long a read polls before it sleeps in ppoll(). A lockstep peer answers
// within microseconds; waking from a sleep costs tens of them on a VM, so a
// read that keeps asking (a system call each, ~0.5 us) sees the answer sooner.
// Past the first few microseconds each try also yields the CPU: with more
// runnable processes than CPUs the peer may be waiting for this one's.
constexpr std::chrono::microseconds kReadSpin{50};
constexpr std::chrono::microseconds kReadSpinWithoutYield{5};

}  // namespace

FdLinkStream::FdLinkStream(int fd, std::string description) : fd_{fd}, description_{std::move(description)} {
  if (fd_ < 0) throw std::invalid_argument{"FdLinkStream " + description_ + ": no file descriptor"};
  struct stat status {};
  is_socket_ = ::fstat(fd_, &status) == 0 && S_ISSOCK(status.st_mode);
  // Non-blocking: a write that poll() found room for must not then block past
  // the deadline on a partial buffer.
  const int flags{::fcntl(fd_, F_GETFL)};
  if (flags >= 0) (void)::fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
}

FdLinkStream::~FdLinkStream() { ::close(fd_); }

void FdLinkStream::throw_closed(const std::string& what) const { throw LinkClosed{description_ + ": " + what}; }

bool FdLinkStream::wait_for(short events, Deadline deadline) const {
  for (;;) {
    const auto remaining{deadline - std::chrono::steady_clock::now()};
    if (remaining <= Deadline::duration::zero()) return false;
    const auto nanoseconds{std::chrono::duration_cast<std::chrono::nanoseconds>(remaining).count()};
    const timespec timeout{static_cast<time_t>(nanoseconds / 1'000'000'000),
                           static_cast<long>(nanoseconds % 1'000'000'000)};
    pollfd descriptor{fd_, events, 0};
    const int ready{::ppoll(&descriptor, 1, &timeout, nullptr)};
    if (ready > 0) {
      if ((descriptor.revents & POLLNVAL) != 0) throw_closed("the file descriptor is not open");
      // POLLHUP / POLLERR: the read or write that follows reports what happened.
      return true;
    }
    if (ready < 0 && errno != EINTR) throw_closed(std::string{"poll: "} + std::strerror(errno));
  }
}

std::size_t FdLinkStream::read_some(std::span<std::uint8_t> buffer, Deadline deadline) {
  if (buffer.empty()) return 0;
  Deadline spin_until{};
  for (;;) {
    const ssize_t count{::read(fd_, buffer.data(), buffer.size())};
    if (count > 0) return static_cast<std::size_t>(count);
    if (count == 0) throw_closed("the peer closed the stream");
    const int error{errno};
    if (error == EINTR) continue;
    if (error == EAGAIN || error == EWOULDBLOCK) {
      const Deadline now{std::chrono::steady_clock::now()};
      if (spin_until == Deadline{}) spin_until = std::min(deadline, now + kReadSpin);
      if (now < spin_until) {
        if (spin_until - now < kReadSpin - kReadSpinWithoutYield) ::sched_yield();
        continue;
      }
      if (!wait_for(POLLIN, deadline)) return 0;
      continue;
    }
    if (is_end_of_stream(error)) throw_closed(std::string{"the peer went away ("} + std::strerror(error) + ")");
    throw_closed(std::string{"read: "} + std::strerror(error));
  }
}

void FdLinkStream::write_all(std::span<const std::uint8_t> bytes, Deadline deadline) {
  std::size_t written{0};
  while (written < bytes.size()) {
    const std::uint8_t* data{bytes.data() + written};
    const std::size_t length{bytes.size() - written};
    const ssize_t count{is_socket_ ? ::send(fd_, data, length, MSG_NOSIGNAL) : ::write(fd_, data, length)};
    if (count >= 0) {
      written += static_cast<std::size_t>(count);
      continue;
    }
    const int error{errno};
    if (error == EINTR) continue;
    if (error == EAGAIN || error == EWOULDBLOCK) {
      if (!wait_for(POLLOUT, deadline)) {
        throw_closed("write timed out with " + std::to_string(length) + " bytes unsent: the peer stopped reading");
      }
      continue;
    }
    if (is_end_of_stream(error)) throw_closed(std::string{"the peer went away ("} + std::strerror(error) + ")");
    throw_closed(std::string{"write: "} + std::strerror(error));
  }
}

}  // namespace packsim::hal

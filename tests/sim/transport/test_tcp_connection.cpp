// The TCP link to a firmware listening on loopback: bytes both ways with
// TCP_NODELAY, and errors that name host:port (refused, timed out, bad port).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "bms_under_test/hal/link/posix/fd_link_stream.h"
#include "sim/transport/tcp_connection.h"

namespace packsim::transport {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// A socket bound to 127.0.0.1 on a free port; listening when asked.
class LoopbackSocket {
 public:
  explicit LoopbackSocket(int backlog) : fd_{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)} {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length{sizeof address};
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        (backlog >= 0 && ::listen(fd_, backlog) != 0) ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error{"loopback socket"};
    }
    port_ = ntohs(address.sin_port);
  }
  LoopbackSocket(const LoopbackSocket&) = delete;
  LoopbackSocket& operator=(const LoopbackSocket&) = delete;
  ~LoopbackSocket() { ::close(fd_); }

  int port() const { return port_; }
  int accept() const { return ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC); }

 private:
  int fd_;
  int port_{0};
};

std::string what_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::exception& error) {
    return error.what();
  }
  return "(nothing thrown)";
}

TEST(TcpConnection, CarriesBytesBothWaysWithNagleOff) {
  const LoopbackSocket listener{4};
  const auto stream{connect_tcp_link("127.0.0.1", listener.port(), 1s)};
  const int firmware{listener.accept()};
  ASSERT_GE(firmware, 0);
  EXPECT_EQ(stream->describe(), "TCP 127.0.0.1:" + std::to_string(listener.port()));

  const std::vector<std::uint8_t> hello{0xA5, 0x5A, 0x01, 0x00, 0x08, 0x00};
  stream->write_all(hello, Clock::now() + 1s);
  std::uint8_t received[16];
  ASSERT_EQ(::recv(firmware, received, hello.size(), MSG_WAITALL), 6);
  ASSERT_EQ(::send(firmware, "pong", 4, 0), 4);
  std::uint8_t buffer[16];
  EXPECT_EQ(stream->read_some(buffer, Clock::now() + 1s), 4u);

  const auto* fd_stream{dynamic_cast<const hal::FdLinkStream*>(stream.get())};
  ASSERT_NE(fd_stream, nullptr);
  int nodelay{0};
  socklen_t length{sizeof nodelay};
  ASSERT_EQ(::getsockopt(fd_stream->fd(), IPPROTO_TCP, TCP_NODELAY, &nodelay, &length), 0);
  EXPECT_NE(nodelay, 0);

  ::close(firmware);
  EXPECT_THROW((void)stream->read_some(buffer, Clock::now() + 1s), hal::LinkClosed);
}

TEST(TcpConnection, NamesHostAndPortWhenTheConnectionIsRefused) {
  const LoopbackSocket not_listening{-1};  // holds the port so that nobody listens on it
  const std::string port{std::to_string(not_listening.port())};
  const std::string message{what_of([&] { (void)connect_tcp_link("127.0.0.1", not_listening.port(), 1s); })};
  EXPECT_NE(message.find("127.0.0.1:" + port), std::string::npos) << message;
  EXPECT_NE(message.find("refused"), std::string::npos) << message;
}

TEST(TcpConnection, GivesUpAtTheTimeoutWhenTheListenerDoesNotAnswer) {
  // A listener that never accepts: once its queue is full, the kernel drops
  // further SYNs and the connect hangs.
  const LoopbackSocket listener{0};
  std::vector<std::unique_ptr<hal::LinkStream>> queued;
  std::string message;
  Clock::duration took{};
  for (int attempt{0}; attempt < 8 && message.empty(); ++attempt) {
    const auto start{Clock::now()};
    try {
      queued.push_back(connect_tcp_link("127.0.0.1", listener.port(), 150ms));
    } catch (const std::runtime_error& error) {
      message = error.what();
      took = Clock::now() - start;
    }
  }
  ASSERT_FALSE(message.empty()) << "every connect succeeded";
  EXPECT_NE(message.find("127.0.0.1:" + std::to_string(listener.port())), std::string::npos) << message;
  EXPECT_NE(message.find("timed out"), std::string::npos) << message;
  EXPECT_GE(took, 150ms);
  EXPECT_LT(took, 1s);
}

TEST(TcpConnection, RefusesAPortOutsideTheValidRange) {
  EXPECT_THROW((void)connect_tcp_link("127.0.0.1", 0, 100ms), std::invalid_argument);
  EXPECT_THROW((void)connect_tcp_link("127.0.0.1", 65536, 100ms), std::invalid_argument);
}

}  // namespace
}  // namespace packsim::transport

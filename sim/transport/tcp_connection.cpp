#include "sim/transport/tcp_connection.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "bms_under_test/hal/link/posix/fd_link_stream.h"

namespace packsim::transport {

namespace {

using Clock = std::chrono::steady_clock;

// "127.0.0.1:5000", "[::1]:5000".
std::string endpoint_name(const std::string& host, int port) {
  const bool ipv6{host.find(':') != std::string::npos};
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// A connected socket, or -1 with *error set.
int connect_one(const addrinfo& address, Clock::time_point deadline, std::string* error) {
  const int fd{::socket(address.ai_family, address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, address.ai_protocol)};
  if (fd < 0) {
    *error = std::strerror(errno);
    return -1;
  }
  int result{::connect(fd, address.ai_addr, address.ai_addrlen)};
  if (result != 0 && errno == EINPROGRESS) {
    for (;;) {
      const auto remaining{std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now())};
      if (remaining.count() <= 0) {
        *error = "timed out";
        ::close(fd);
        return -1;
      }
      pollfd descriptor{fd, POLLOUT, 0};
      const int ready{::poll(&descriptor, 1, static_cast<int>(remaining.count()) + 1)};
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) {
        *error = std::string{"poll: "} + std::strerror(errno);
        ::close(fd);
        return -1;
      }
      if (ready == 0) continue;  // the loop's clock check ends it
      int socket_error{0};
      socklen_t length{sizeof socket_error};
      if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &socket_error, &length) != 0) socket_error = errno;
      result = socket_error == 0 ? 0 : -1;
      errno = socket_error;
      break;
    }
  }
  if (result != 0) {
    *error = std::strerror(errno);
    ::close(fd);
    return -1;
  }
  const int on{1};
  if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) != 0) {
    *error = std::string{"TCP_NODELAY: "} + std::strerror(errno);
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

std::unique_ptr<hal::LinkStream> connect_tcp_link(const std::string& host, int port,
                                                  std::chrono::milliseconds timeout) {
  const std::string name{endpoint_name(host, port)};
  if (port < 1 || port > 65535) throw std::invalid_argument{"TCP " + name + ": the port is not 1..65535"};
  const Clock::time_point deadline{Clock::now() + timeout};

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* addresses{nullptr};
  const int lookup{::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &addresses)};
  if (lookup != 0) throw std::runtime_error{"TCP " + name + ": " + ::gai_strerror(lookup)};

  std::string error{"no address"};
  int fd{-1};
  for (const addrinfo* address{addresses}; address != nullptr && fd < 0; address = address->ai_next) {
    fd = connect_one(*address, deadline, &error);
  }
  ::freeaddrinfo(addresses);
  if (fd < 0) throw std::runtime_error{"TCP " + name + ": cannot connect: " + error};
  return std::make_unique<hal::FdLinkStream>(fd, "TCP " + name);
}

}  // namespace packsim::transport

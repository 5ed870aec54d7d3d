// The fd stream over a socketpair: deadlines are kept on both sides, the end
// of the stream and a dead peer are LinkClosed naming the stream, and a write
// to a dead peer never raises SIGPIPE.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "bms_under_test/hal/link/posix/fd_link_stream.h"

namespace packsim::hal {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct SocketPair {
  SocketPair() {
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) throw std::runtime_error{"socketpair"};
  }
  int fds[2]{-1, -1};
};

std::vector<std::uint8_t> bytes_of(const std::string& text) { return {text.begin(), text.end()}; }

TEST(FdLinkStream, ReadsWhatThePeerWroteAndWritesWhatThePeerReads) {
  const SocketPair pair;
  FdLinkStream stream{pair.fds[0], "socketpair to child 1"};
  ASSERT_EQ(::write(pair.fds[1], "\xA5\x5Ahello", 7), 7);
  std::uint8_t buffer[64];
  ASSERT_EQ(stream.read_some(buffer, Clock::now() + 1s), 7u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buffer), 7), "\xA5\x5Ahello");

  stream.write_all(bytes_of("reply"), Clock::now() + 1s);
  char received[16]{};
  ASSERT_EQ(::read(pair.fds[1], received, sizeof received), 5);
  EXPECT_EQ(std::string(received, 5), "reply");
  ::close(pair.fds[1]);
}

TEST(FdLinkStream, ReadReturnsZeroAtTheDeadlineWhenNothingArrives) {
  const SocketPair pair;
  FdLinkStream stream{pair.fds[0], "socketpair"};
  std::uint8_t buffer[16];
  EXPECT_EQ(stream.read_some(buffer, Clock::now() - 1ms), 0u);  // a past deadline only looks
  const auto start{Clock::now()};
  EXPECT_EQ(stream.read_some(buffer, start + 30ms), 0u);
  EXPECT_GE(Clock::now() - start, 30ms);
  EXPECT_LT(Clock::now() - start, 500ms);
  ::close(pair.fds[1]);
}

TEST(FdLinkStream, WriteAllDeliversABufferLargerThanTheSocketBuffer) {
  const SocketPair pair;
  FdLinkStream stream{pair.fds[0], "socketpair"};
  std::vector<std::uint8_t> sent(4u << 20);
  for (std::size_t index{0}; index < sent.size(); ++index) sent[index] = static_cast<std::uint8_t>(index * 131 >> 3);
  std::vector<std::uint8_t> received;
  std::thread reader{[&] {
    std::uint8_t buffer[65536];
    while (received.size() < sent.size()) {
      const ssize_t count{::read(pair.fds[1], buffer, sizeof buffer)};
      if (count <= 0) break;
      received.insert(received.end(), buffer, buffer + count);
    }
  }};
  stream.write_all(sent, Clock::now() + 10s);
  reader.join();
  EXPECT_TRUE(received == sent);
  ::close(pair.fds[1]);
}

TEST(FdLinkStream, WriteThrowsLinkClosedAtTheDeadlineWhenThePeerStopsReading) {
  const SocketPair pair;
  FdLinkStream stream{pair.fds[0], "socketpair to a stuck child"};
  const std::vector<std::uint8_t> flood(8u << 20, 0x55);
  const auto start{Clock::now()};
  try {
    stream.write_all(flood, start + 50ms);
    FAIL() << "the write should have timed out";
  } catch (const LinkClosed& closed) {
    EXPECT_NE(std::string{closed.what()}.find("socketpair to a stuck child"), std::string::npos) << closed.what();
    EXPECT_NE(std::string{closed.what()}.find("timed out"), std::string::npos) << closed.what();
  }
  EXPECT_GE(Clock::now() - start, 50ms);
  EXPECT_LT(Clock::now() - start, 1s);
  ::close(pair.fds[1]);
}

TEST(FdLinkStream, ReadThrowsLinkClosedNamingTheStreamAtTheEndOfTheStream) {
  const SocketPair pair;
  FdLinkStream stream{pair.fds[0], "socketpair to child 77"};
  ::close(pair.fds[1]);
  std::uint8_t buffer[16];
  try {
    (void)stream.read_some(buffer, Clock::now() + 1s);
    FAIL() << "expected LinkClosed";
  } catch (const LinkClosed& closed) {
    EXPECT_NE(std::string{closed.what()}.find("socketpair to child 77"), std::string::npos) << closed.what();
  }
}

TEST(FdLinkStream, ReadDeliversWhatADeadPeerWroteThenThrowsLinkClosed) {
  const SocketPair pair;
  const pid_t child{::fork()};
  if (child == 0) {
    (void)!::write(pair.fds[1], "bye", 3);
    ::_exit(0);
  }
  ::close(pair.fds[1]);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);
  FdLinkStream stream{pair.fds[0], "socketpair"};
  std::uint8_t buffer[16];
  EXPECT_EQ(stream.read_some(buffer, Clock::now() + 1s), 3u);
  EXPECT_THROW((void)stream.read_some(buffer, Clock::now() + 1s), LinkClosed);
}

TEST(FdLinkStream, WriteToADeadPeerThrowsLinkClosedInsteadOfRaisingSigpipe) {
  // The default action of SIGPIPE ends the process: this test would die.
  struct sigaction previous {};
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  ASSERT_EQ(::sigaction(SIGPIPE, &default_action, &previous), 0);

  const SocketPair pair;
  const pid_t child{::fork()};
  if (child == 0) ::_exit(0);  // the peer ends without a word
  ::close(pair.fds[1]);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);
  FdLinkStream stream{pair.fds[0], "socketpair to a dead child"};
  const std::vector<std::uint8_t> frame(24, 0xA5);
  EXPECT_THROW(
      {
        stream.write_all(frame, Clock::now() + 1s);
        stream.write_all(frame, Clock::now() + 1s);
      },
      LinkClosed);
  ::sigaction(SIGPIPE, &previous, nullptr);
}

TEST(FdLinkStream, ClosesItsFileDescriptorWhenDestroyed) {
  const SocketPair pair;
  { const FdLinkStream stream{pair.fds[0], "socketpair"}; }
  EXPECT_EQ(::fcntl(pair.fds[0], F_GETFD), -1);
  EXPECT_EQ(errno, EBADF);
  ::close(pair.fds[1]);
}

}  // namespace
}  // namespace packsim::hal

// The host's shared-memory stream: bytes reach a runner that maps child_fd(),
// deadlines are kept, and the end of the peer (closed, or its process gone)
// is LinkClosed within a wait slice.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bms_under_test/hal/link/posix/shm_link_stream.h"
#include "bms_under_test/hal/link/posix/shm_ring.h"

namespace packsim::hal {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// What a runner does with `--link shm:N`: map the memfd and attach as the firmware.
class FirmwareSide {
 public:
  explicit FirmwareSide(int memfd) {
    mapping_ = ::mmap(nullptr, hal_link_shm_mapping_size(), PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
    if (mapping_ == MAP_FAILED) throw std::runtime_error{"mmap"};
    if (hal_link_shm_attach(&channel, mapping_, HAL_LINK_SHM_FIRMWARE) != 0) throw std::runtime_error{"attach"};
  }
  FirmwareSide(const FirmwareSide&) = delete;
  FirmwareSide& operator=(const FirmwareSide&) = delete;
  ~FirmwareSide() { ::munmap(mapping_, hal_link_shm_mapping_size()); }

  hal_link_shm_channel channel{};

 private:
  void* mapping_;
};

TEST(ShmLinkStream, CarriesBytesBothWaysToAChildProcessThatMapsTheChildFd) {
  auto stream{std::make_unique<ShmLinkStream>(ShmLinkStream::create())};  // survives a move
  stream->set_description("shared memory with child");
  const pid_t child{::fork()};
  if (child == 0) {
    FirmwareSide firmware{stream->child_fd()};
    std::uint8_t buffer[64];
    // Echo until the host closes.
    for (;;) {
      const long count{hal_link_shm_read(&firmware.channel, buffer, sizeof buffer, 5'000'000'000)};
      if (count < 0) ::_exit(0);
      if (count == 0 || hal_link_shm_write(&firmware.channel, buffer, static_cast<std::size_t>(count), 0) != count) {
        ::_exit(1);
      }
    }
  }
  ASSERT_GT(child, 0);
  const std::vector<std::uint8_t> frame{0xA5, 0x5A, 0x01, 0x00, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 0xBE, 0xEF};
  for (int round{0}; round < 100; ++round) {
    stream->write_all(frame, Clock::now() + 1s);
    std::vector<std::uint8_t> echoed;
    std::uint8_t buffer[64];
    while (echoed.size() < frame.size()) {
      const std::size_t count{stream->read_some(buffer, Clock::now() + 1s)};
      ASSERT_GT(count, 0u);
      echoed.insert(echoed.end(), buffer, buffer + count);
    }
    ASSERT_EQ(echoed, frame);
  }
  stream.reset();  // the child reads the end of the stream and exits 0
  int status{0};
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(ShmLinkStream, ReadReturnsZeroAtTheDeadline) {
  ShmLinkStream stream{ShmLinkStream::create()};
  std::uint8_t buffer[8];
  const auto start{Clock::now()};
  EXPECT_EQ(stream.read_some(buffer, start + 35ms), 0u);
  EXPECT_GE(Clock::now() - start, 35ms);
  EXPECT_LT(Clock::now() - start, 500ms);
}

TEST(ShmLinkStream, WriteThrowsLinkClosedAtTheDeadlineWhenTheRingStaysFull) {
  ShmLinkStream stream{ShmLinkStream::create()};
  stream.set_description("shared memory with a stuck child");
  const std::vector<std::uint8_t> flood(2 * HAL_LINK_SHM_RING_CAPACITY, 0x33);
  const auto start{Clock::now()};
  try {
    stream.write_all(flood, start + 40ms);
    FAIL() << "the write should have timed out";
  } catch (const LinkClosed& closed) {
    EXPECT_NE(std::string{closed.what()}.find("shared memory with a stuck child"), std::string::npos);
    EXPECT_NE(std::string{closed.what()}.find("timed out"), std::string::npos) << closed.what();
  }
  EXPECT_GE(Clock::now() - start, 40ms);
  EXPECT_LT(Clock::now() - start, 500ms);
}

TEST(ShmLinkStream, ReadAndWriteThrowLinkClosedWithinTwentyMillisecondsOfThePeersDeath) {
  ShmLinkStream stream{ShmLinkStream::create()};
  stream.set_description("shared memory with child 4242");
  std::atomic<Clock::time_point> death{Clock::time_point::max()};
  stream.set_peer_alive([&] { return Clock::now() < death.load(); });
  death = Clock::now() + 30ms;
  std::uint8_t buffer[8];
  try {
    (void)stream.read_some(buffer, Clock::now() + 10s);
    ADD_FAILURE() << "expected LinkClosed";
  } catch (const LinkClosed& closed) {
    EXPECT_EQ(std::string{closed.what()}, "shared memory with child 4242: peer process ended");
  }
  EXPECT_LT(Clock::now() - death.load(), 20ms);

  const std::vector<std::uint8_t> flood(2 * HAL_LINK_SHM_RING_CAPACITY, 0x44);
  death = Clock::now() + 30ms;
  EXPECT_THROW(stream.write_all(flood, Clock::now() + 10s), LinkClosed);
  EXPECT_LT(Clock::now() - death.load(), 20ms);
}

TEST(ShmLinkStream, ReadThrowsLinkClosedAfterTheFirmwareClosesItsSide) {
  ShmLinkStream stream{ShmLinkStream::create()};
  FirmwareSide firmware{stream.child_fd()};
  const std::uint8_t last[]{7, 8, 9};
  ASSERT_EQ(hal_link_shm_write(&firmware.channel, last, sizeof last, 0), 3);
  hal_link_shm_close(&firmware.channel);
  std::uint8_t buffer[8];
  EXPECT_EQ(stream.read_some(buffer, Clock::now() + 1s), 3u);
  EXPECT_THROW((void)stream.read_some(buffer, Clock::now() + 1s), LinkClosed);
  EXPECT_THROW(stream.write_all(last, Clock::now() + 1s), LinkClosed);
}

TEST(ShmLinkStream, TheFirmwareReadsTheEndOfTheStreamWhenTheHostStreamIsDestroyed) {
  auto stream{std::make_unique<ShmLinkStream>(ShmLinkStream::create())};
  FirmwareSide firmware{stream->child_fd()};
  stream.reset();
  std::uint8_t buffer[8];
  EXPECT_EQ(hal_link_shm_read(&firmware.channel, buffer, sizeof buffer, 1'000'000'000), -1);
}

}  // namespace
}  // namespace packsim::hal

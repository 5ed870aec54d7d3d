// The shared-memory ring: every byte arrives unchanged and in order between
// threads and between processes, the ring wraps and blocks when full, waits
// end at their timeout, a close is the peer's end of stream, and a sleeping
// side wakes as soon as the other acts.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

#include "bms_under_test/hal/link/posix/shm_ring.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::int64_t kForever{-1};
constexpr std::size_t kCapacity{HAL_LINK_SHM_RING_CAPACITY};

// A formatted mapping shared with fork()ed children, and a channel per side.
class SharedRing {
 public:
  SharedRing() {
    mapping_ = ::mmap(nullptr, hal_link_shm_mapping_size(), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mapping_ == MAP_FAILED) throw std::runtime_error{"mmap"};
    hal_link_shm_format(mapping_);
    if (hal_link_shm_attach(&host, mapping_, HAL_LINK_SHM_HOST) != 0 ||
        hal_link_shm_attach(&firmware, mapping_, HAL_LINK_SHM_FIRMWARE) != 0) {
      throw std::runtime_error{"attach"};
    }
  }
  SharedRing(const SharedRing&) = delete;
  SharedRing& operator=(const SharedRing&) = delete;
  ~SharedRing() { ::munmap(mapping_, hal_link_shm_mapping_size()); }

  hal_link_shm_channel host{};
  hal_link_shm_channel firmware{};

 private:
  void* mapping_;
};

// The same pseudo-random bytes and chunk sizes on the writing and the
// checking side, from one seed.
class Pattern {
 public:
  explicit Pattern(std::uint32_t seed) : bytes_{seed}, sizes_{seed * 7919u + 1u} {}
  std::uint8_t next_byte() { return static_cast<std::uint8_t>(bytes_() >> 24); }
  // Mostly small (frames), sometimes beyond the ring's capacity.
  std::size_t next_chunk() {
    const auto roll{sizes_() % 100u};
    if (roll < 70) return 1 + sizes_() % 64;
    if (roll < 95) return 1 + sizes_() % 4096;
    return 1 + sizes_() % (2 * kCapacity);
  }

 private:
  std::minstd_rand bytes_;
  std::minstd_rand sizes_;
};

// Writes `total` pattern bytes in random chunks; false if the ring refused.
bool write_pattern(hal_link_shm_channel* channel, std::uint32_t seed, std::size_t total) {
  Pattern pattern{seed};
  std::vector<std::uint8_t> chunk;
  for (std::size_t sent{0}; sent < total;) {
    chunk.resize(std::min(pattern.next_chunk(), total - sent));
    for (auto& byte : chunk) byte = pattern.next_byte();
    if (hal_link_shm_write(channel, chunk.data(), chunk.size(), kForever) != static_cast<long>(chunk.size())) {
      return false;
    }
    sent += chunk.size();
  }
  return true;
}

// Reads `total` bytes with random buffer sizes; how many matched the pattern
// in order before the first difference (total when all did).
std::size_t read_and_check_pattern(hal_link_shm_channel* channel, std::uint32_t seed, std::size_t total) {
  Pattern expected{seed};
  Pattern sizes{seed ^ 0xA5A5u};
  std::vector<std::uint8_t> buffer(2 * kCapacity);
  std::size_t matched{0};
  while (matched < total) {
    const std::size_t capacity{std::min(sizes.next_chunk(), total - matched)};
    const long count{hal_link_shm_read(channel, buffer.data(), capacity, kForever)};
    if (count <= 0) return matched;
    for (long index{0}; index < count; ++index, ++matched) {
      if (buffer[static_cast<std::size_t>(index)] != expected.next_byte()) return matched;
    }
  }
  return matched;
}

// Runs `child` in a fork()ed process; its return value is the exit status.
template <typename Body>
pid_t fork_child(Body child) {
  const pid_t pid{::fork()};
  if (pid == 0) ::_exit(child());
  return pid;
}

int wait_for_exit(pid_t pid) {
  int status{0};
  if (::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::chrono::microseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
}

TEST(ShmRing, CarriesMegabytesByteExactBothWaysAtOnceBetweenThreads) {
  SharedRing ring;
  constexpr std::size_t kTotal{4u << 20};
  std::size_t host_received{0};
  std::size_t firmware_received{0};
  bool host_sent{false};
  bool firmware_sent{false};
  std::thread host_writer{[&] { host_sent = write_pattern(&ring.host, 11, kTotal); }};
  std::thread firmware_writer{[&] { firmware_sent = write_pattern(&ring.firmware, 22, kTotal); }};
  std::thread host_reader{[&] { host_received = read_and_check_pattern(&ring.host, 22, kTotal); }};
  firmware_received = read_and_check_pattern(&ring.firmware, 11, kTotal);
  host_writer.join();
  firmware_writer.join();
  host_reader.join();
  EXPECT_TRUE(host_sent);
  EXPECT_TRUE(firmware_sent);
  EXPECT_EQ(firmware_received, kTotal);
  EXPECT_EQ(host_received, kTotal);
}

TEST(ShmRing, CarriesMegabytesByteExactBetweenForkedProcesses) {
  SharedRing ring;
  constexpr std::size_t kTotal{3u << 20};
  const pid_t child{fork_child([&] {
    // The firmware side: check what the host sends, then send its own.
    if (read_and_check_pattern(&ring.firmware, 33, kTotal) != kTotal) return 1;
    return write_pattern(&ring.firmware, 44, kTotal) ? 0 : 2;
  })};
  ASSERT_GT(child, 0);
  EXPECT_TRUE(write_pattern(&ring.host, 33, kTotal));
  EXPECT_EQ(read_and_check_pattern(&ring.host, 44, kTotal), kTotal);
  EXPECT_EQ(wait_for_exit(child), 0);
}

TEST(ShmRing, KeepsBytesInOrderAcrossTheEndOfTheRing) {
  SharedRing ring;
  std::vector<std::uint8_t> filler(kCapacity - 10, 0xEE);
  ASSERT_EQ(hal_link_shm_write(&ring.host, filler.data(), filler.size(), 0), static_cast<long>(filler.size()));
  std::vector<std::uint8_t> sink(kCapacity);
  ASSERT_EQ(hal_link_shm_read(&ring.firmware, sink.data(), sink.size(), 0), static_cast<long>(filler.size()));

  // 10 bytes fit before the end of the data area, the other 90 wrap to its start.
  std::vector<std::uint8_t> sent(100);
  for (std::size_t index{0}; index < sent.size(); ++index) sent[index] = static_cast<std::uint8_t>(index * 3 + 1);
  ASSERT_EQ(hal_link_shm_write(&ring.host, sent.data(), sent.size(), 0), 100);
  std::vector<std::uint8_t> received(100);
  ASSERT_EQ(hal_link_shm_read(&ring.firmware, received.data(), received.size(), 0), 100);
  EXPECT_EQ(received, sent);
}

TEST(ShmRing, AcceptsOnlyCapacityBytesAndReturnsZeroAtTheWriteTimeoutWhenFull) {
  SharedRing ring;
  std::vector<std::uint8_t> bytes(kCapacity + 100, 0x5A);
  EXPECT_EQ(hal_link_shm_write(&ring.host, bytes.data(), bytes.size(), 0), static_cast<long>(kCapacity));
  const auto start{Clock::now()};
  EXPECT_EQ(hal_link_shm_write(&ring.host, bytes.data(), 1, 30'000'000), 0);
  EXPECT_GE(since(start), 30ms);
  EXPECT_LT(since(start), 500ms);
}

TEST(ShmRing, BlocksAWriterWhileFullAndWakesItWhenTheReaderDrains) {
  SharedRing ring;
  std::vector<std::uint8_t> bytes(kCapacity, 0x11);
  ASSERT_EQ(hal_link_shm_write(&ring.host, bytes.data(), bytes.size(), 0), static_cast<long>(kCapacity));
  std::atomic<bool> finished{false};
  long written{0};
  std::thread writer{[&] {
    written = hal_link_shm_write(&ring.host, bytes.data(), 1000, kForever);
    finished = true;
  }};
  std::this_thread::sleep_for(50ms);  // long past the spin: the writer sleeps on the futex
  EXPECT_FALSE(finished);
  std::vector<std::uint8_t> sink(4096);
  ASSERT_EQ(hal_link_shm_read(&ring.firmware, sink.data(), sink.size(), 0), 4096);
  const auto drained{Clock::now()};
  writer.join();
  EXPECT_LT(since(drained), 20ms);
  EXPECT_EQ(written, 1000);
}

TEST(ShmRing, ReadReturnsZeroAtTheTimeoutWhenNothingArrives) {
  SharedRing ring;
  std::uint8_t byte{0};
  EXPECT_EQ(hal_link_shm_read(&ring.firmware, &byte, 1, 0), 0);
  const auto start{Clock::now()};
  EXPECT_EQ(hal_link_shm_read(&ring.firmware, &byte, 1, 25'000'000), 0);
  EXPECT_GE(since(start), 25ms);
  EXPECT_LT(since(start), 500ms);
}

TEST(ShmRing, PeerSeesTheEndOfTheStreamAfterDrainingWhatWasWrittenBeforeTheClose) {
  SharedRing ring;
  const std::uint8_t last_words[]{1, 2, 3, 4, 5};
  ASSERT_EQ(hal_link_shm_write(&ring.host, last_words, sizeof last_words, 0), 5);
  EXPECT_FALSE(hal_link_shm_peer_closed(&ring.firmware));
  hal_link_shm_close(&ring.host);
  EXPECT_TRUE(hal_link_shm_peer_closed(&ring.firmware));

  std::uint8_t buffer[16]{};
  EXPECT_EQ(hal_link_shm_read(&ring.firmware, buffer, sizeof buffer, kForever), 5);
  EXPECT_EQ(buffer[4], 5);
  EXPECT_EQ(hal_link_shm_read(&ring.firmware, buffer, sizeof buffer, kForever), -1);
  EXPECT_EQ(hal_link_shm_write(&ring.firmware, buffer, 1, kForever), -1);  // nobody will read it
}

TEST(ShmRing, CloseWakesAPeerSleepingInReadAndInWrite) {
  SharedRing ring;
  std::vector<std::uint8_t> bytes(kCapacity, 0x22);
  ASSERT_EQ(hal_link_shm_write(&ring.firmware, bytes.data(), bytes.size(), 0), static_cast<long>(kCapacity));
  long read_result{0};
  long write_result{0};
  std::thread reader{[&] { read_result = hal_link_shm_read(&ring.firmware, bytes.data(), 1, kForever); }};
  std::thread writer{[&] { write_result = hal_link_shm_write(&ring.firmware, bytes.data(), 1, kForever); }};
  std::this_thread::sleep_for(50ms);
  const auto closed{Clock::now()};
  hal_link_shm_close(&ring.host);
  reader.join();
  writer.join();
  EXPECT_LT(since(closed), 20ms);
  EXPECT_EQ(read_result, -1);
  EXPECT_EQ(write_result, -1);
}

TEST(ShmRing, WakesASleepingReaderWithinMillisecondsOfAWrite) {
  SharedRing ring;
  hal_link_shm_set_spin(&ring.firmware, 0);  // straight to the futex
  Clock::time_point woke;
  long count{0};
  std::uint8_t byte{0};
  std::thread reader{[&] {
    count = hal_link_shm_read(&ring.firmware, &byte, 1, kForever);
    woke = Clock::now();
  }};
  std::this_thread::sleep_for(50ms);
  const std::uint8_t sent{0x42};
  const auto written{Clock::now()};
  ASSERT_EQ(hal_link_shm_write(&ring.host, &sent, 1, 0), 1);
  reader.join();
  EXPECT_EQ(count, 1);
  EXPECT_EQ(byte, 0x42);
  EXPECT_LT(woke - written, 5ms);
}

TEST(ShmRing, WakesAReaderSleepingInAnotherProcess) {
  SharedRing ring;
  const pid_t child{fork_child([&] {
    hal_link_shm_set_spin(&ring.firmware, 0);
    std::uint8_t byte{0};
    // Echo one byte: the parent times the round trip.
    if (hal_link_shm_read(&ring.firmware, &byte, 1, 5'000'000'000) != 1) return 1;
    return hal_link_shm_write(&ring.firmware, &byte, 1, 0) == 1 ? 0 : 2;
  })};
  ASSERT_GT(child, 0);
  std::this_thread::sleep_for(50ms);  // the child is asleep on the futex by now
  const std::uint8_t sent{0x99};
  std::uint8_t echoed{0};
  const auto start{Clock::now()};
  ASSERT_EQ(hal_link_shm_write(&ring.host, &sent, 1, 0), 1);
  EXPECT_EQ(hal_link_shm_read(&ring.host, &echoed, 1, 5'000'000'000), 1);
  EXPECT_LT(since(start), 5ms);
  EXPECT_EQ(echoed, 0x99);
  EXPECT_EQ(wait_for_exit(child), 0);
}

TEST(ShmRing, RefusesToAttachToAnUnformattedMappingOrAnUnknownSide) {
  std::vector<std::uint8_t> zeros(hal_link_shm_mapping_size() + 64, 0);
  void* aligned{zeros.data() + (64 - reinterpret_cast<std::uintptr_t>(zeros.data()) % 64) % 64};
  hal_link_shm_channel channel{};
  EXPECT_EQ(hal_link_shm_attach(&channel, aligned, HAL_LINK_SHM_HOST), -1);
  SharedRing ring;
  EXPECT_EQ(hal_link_shm_attach(&channel, ring.host.header, 2), -1);
}

}  // namespace

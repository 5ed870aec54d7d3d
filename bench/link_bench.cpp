// Remote-HAL link round trip: a 24-byte frame to a fork()ed child and the
// same 24 bytes back, over the shared-memory ring (spinning first, the
// default; or sleeping on the futex at once) and over a socketpair. The
// counters median_ns and p99_ns are of single round trips, timed one by one.
#include <benchmark/benchmark.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <vector>

#include "bms_under_test/hal/link/posix/shm_ring.h"

namespace packsim::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kFrameSize{24};
using Frame = std::array<std::uint8_t, kFrameSize>;

void report_round_trips(benchmark::State& state, std::vector<std::int64_t>& nanoseconds) {
  if (nanoseconds.empty()) return;
  std::sort(nanoseconds.begin(), nanoseconds.end());
  state.counters["median_ns"] = static_cast<double>(nanoseconds[nanoseconds.size() / 2]);
  state.counters["p99_ns"] = static_cast<double>(nanoseconds[nanoseconds.size() * 99 / 100]);
}

// Reads exactly one frame; false at the end of the stream.
bool shm_read_frame(hal_link_shm_channel* channel, Frame& frame) {
  for (std::size_t filled{0}; filled < frame.size();) {
    const long count{hal_link_shm_read(channel, frame.data() + filled, frame.size() - filled, -1)};
    if (count <= 0) return false;
    filled += static_cast<std::size_t>(count);
  }
  return true;
}

bool fd_read_frame(int fd, Frame& frame) {
  for (std::size_t filled{0}; filled < frame.size();) {
    const ssize_t count{::read(fd, frame.data() + filled, frame.size() - filled)};
    if (count <= 0) return false;
    filled += static_cast<std::size_t>(count);
  }
  return true;
}

// range(0): the spin budget in ns of both sides.
// Times each ping-pong of `round_trip` (a frame out, its echo back) and reports them.
template <typename RoundTrip>
void time_round_trips(benchmark::State& state, const char* closed_message, RoundTrip&& round_trip) {
  Frame ping{};
  Frame pong{};
  std::vector<std::int64_t> samples;
  samples.reserve(1u << 20);
  for (auto _ : state) {
    const auto start{Clock::now()};
    ++ping[0];
    if (!round_trip(ping, pong)) {
      state.SkipWithError(closed_message);
      break;
    }
    samples.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count());
    benchmark::DoNotOptimize(pong);
  }
  report_round_trips(state, samples);
}

void shm_round_trip(benchmark::State& state) {
  const std::size_t size{hal_link_shm_mapping_size()};
  void* mapping{::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0)};
  if (mapping == MAP_FAILED) {
    state.SkipWithError("mmap failed");
    return;
  }
  hal_link_shm_format(mapping);
  hal_link_shm_channel host{};
  hal_link_shm_channel firmware{};
  (void)hal_link_shm_attach(&host, mapping, HAL_LINK_SHM_HOST);
  (void)hal_link_shm_attach(&firmware, mapping, HAL_LINK_SHM_FIRMWARE);
  hal_link_shm_set_spin(&host, state.range(0));
  hal_link_shm_set_spin(&firmware, state.range(0));

  const pid_t child{::fork()};
  if (child == 0) {  // the echoing firmware
    Frame frame{};
    while (shm_read_frame(&firmware, frame)) {
      if (hal_link_shm_write(&firmware, frame.data(), frame.size(), -1) < 0) break;
    }
    ::_exit(0);
  }
  time_round_trips(state, "the ring closed", [&](const Frame& ping, Frame& pong) {
    return hal_link_shm_write(&host, ping.data(), ping.size(), -1) == static_cast<long>(ping.size()) &&
           shm_read_frame(&host, pong);
  });
  hal_link_shm_close(&host);
  ::waitpid(child, nullptr, 0);
  ::munmap(mapping, size);
}

void socketpair_round_trip(benchmark::State& state) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    state.SkipWithError("socketpair failed");
    return;
  }
  const pid_t child{::fork()};
  if (child == 0) {
    ::close(fds[0]);
    Frame frame{};
    while (fd_read_frame(fds[1], frame)) {
      if (::write(fds[1], frame.data(), frame.size()) != static_cast<ssize_t>(frame.size())) break;
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  time_round_trips(state, "the socket closed", [&](const Frame& ping, Frame& pong) {
    return ::write(fds[0], ping.data(), ping.size()) == static_cast<ssize_t>(ping.size()) &&
           fd_read_frame(fds[0], pong);
  });
  ::close(fds[0]);
  ::waitpid(child, nullptr, 0);
}

// The other process does the work: wall-clock time, not this process's CPU time.
BENCHMARK(shm_round_trip)->ArgName("spin_ns")->Arg(HAL_LINK_SHM_DEFAULT_SPIN_NS)->Arg(0)->UseRealTime();
BENCHMARK(socketpair_round_trip)->UseRealTime();

}  // namespace
}  // namespace packsim::bench

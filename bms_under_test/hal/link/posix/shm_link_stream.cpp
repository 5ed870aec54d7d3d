#include "bms_under_test/hal/link/posix/shm_link_stream.h"

#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <system_error>
#include <utility>

namespace packsim::hal {

namespace {

// The longest a blocked call goes without asking whether the peer lives.
constexpr std::chrono::nanoseconds kWaitSlice{std::chrono::milliseconds{10}};

// The next slice's timeout: at most kWaitSlice, 0 once the deadline passed.
// Read off the coarse clock (the same timeline as steady_clock, a few ms
// resolution, a fraction of the cost): it runs once per frame both ways.
std::int64_t slice_until(LinkStream::Deadline deadline) {
  timespec coarse{};
  ::clock_gettime(CLOCK_MONOTONIC_COARSE, &coarse);
  const LinkStream::Deadline now{std::chrono::seconds{coarse.tv_sec} + std::chrono::nanoseconds{coarse.tv_nsec}};
  const auto remaining{std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - now)};
  return std::clamp(remaining, std::chrono::nanoseconds::zero(), kWaitSlice).count();
}

}  // namespace

ShmLinkStream ShmLinkStream::create() {
  const int memfd{::memfd_create("packsim-hal-link", MFD_CLOEXEC)};
  if (memfd < 0) throw std::system_error{errno, std::generic_category(), "shared memory link: memfd_create"};
  const std::size_t size{hal_link_shm_mapping_size()};
  if (::ftruncate(memfd, static_cast<off_t>(size)) != 0) {
    const int error{errno};
    ::close(memfd);
    throw std::system_error{error, std::generic_category(), "shared memory link: ftruncate"};
  }
  void* mapping{::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0)};
  if (mapping == MAP_FAILED) {
    const int error{errno};
    ::close(memfd);
    throw std::system_error{error, std::generic_category(), "shared memory link: mmap"};
  }
  hal_link_shm_format(mapping);
  return ShmLinkStream{memfd, mapping};
}

ShmLinkStream::ShmLinkStream(int memfd, void* mapping) : memfd_{memfd}, mapping_{mapping} {
  // Cannot fail: the mapping was formatted just now by this version.
  (void)hal_link_shm_attach(&channel_, mapping_, HAL_LINK_SHM_HOST);
}

ShmLinkStream::ShmLinkStream(ShmLinkStream&& other) noexcept
    : LinkStream{},
      memfd_{std::exchange(other.memfd_, -1)},
      mapping_{std::exchange(other.mapping_, nullptr)},
      channel_{other.channel_},
      peer_alive_{std::move(other.peer_alive_)},
      description_{std::move(other.description_)} {}

ShmLinkStream::~ShmLinkStream() {
  if (mapping_ != nullptr) {
    hal_link_shm_close(&channel_);
    ::munmap(mapping_, hal_link_shm_mapping_size());
  }
  if (memfd_ >= 0) ::close(memfd_);
}

void ShmLinkStream::check_peer_alive() const {
  if (peer_alive_ && !peer_alive_()) throw LinkClosed{description_ + ": peer process ended"};
}

std::size_t ShmLinkStream::read_some(std::span<std::uint8_t> buffer, Deadline deadline) {
  if (buffer.empty()) return 0;
  for (;;) {
    const std::int64_t slice{slice_until(deadline)};
    const long count{hal_link_shm_read(&channel_, buffer.data(), buffer.size(), slice)};
    if (count > 0) return static_cast<std::size_t>(count);
    if (count < 0) throw LinkClosed{description_ + ": the peer closed the link"};
    check_peer_alive();
    if (slice == 0 || std::chrono::steady_clock::now() >= deadline) return 0;
  }
}

void ShmLinkStream::write_all(std::span<const std::uint8_t> bytes, Deadline deadline) {
  std::size_t written{0};
  while (written < bytes.size()) {
    const std::int64_t slice{slice_until(deadline)};
    const long count{hal_link_shm_write(&channel_, bytes.data() + written, bytes.size() - written, slice)};
    if (count < 0) throw LinkClosed{description_ + ": the peer closed the link"};
    written += static_cast<std::size_t>(count);
    if (written == bytes.size()) return;
    check_peer_alive();
    if (slice == 0 || std::chrono::steady_clock::now() >= deadline) {
      throw LinkClosed{description_ + ": write timed out with " + std::to_string(bytes.size() - written) +
                       " bytes unsent: the peer stopped reading"};
    }
  }
}

}  // namespace packsim::hal

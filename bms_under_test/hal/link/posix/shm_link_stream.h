// The host's end of the shared-memory ring (shm_ring.h) to a firmware runner
// in a child process: the fast path, with no system call per frame while both
// sides are busy.
#pragma once

#include <chrono>
#include <functional>
#include <span>
#include <string>

#include "bms_under_test/hal/link/link_stream.h"
#include "bms_under_test/hal/link/posix/shm_ring.h"

namespace packsim::hal {

class ShmLinkStream final : public LinkStream {
 public:
  // A fresh mapping in a memfd (MFD_CLOEXEC), formatted and attached as the
  // host. Throws std::system_error when the memfd cannot be made or mapped.
  static ShmLinkStream create();

  ShmLinkStream(ShmLinkStream&& other) noexcept;
  ShmLinkStream& operator=(ShmLinkStream&&) = delete;
  // Closes the host's side (the runner reads the end of the stream), unmaps
  // and closes the memfd.
  ~ShmLinkStream() override;

  // The memfd to hand the runner (`--link shm:N` after dup'ing it to N
  // without FD_CLOEXEC). Stays owned by the stream.
  int child_fd() const { return memfd_; }

  // A child that dies cannot close its side, so blocked reads and writes wait
  // in slices of at most 10 ms and ask this between them; false throws
  // LinkClosed "peer process ended".
  void set_peer_alive(std::function<bool()> peer_alive) { peer_alive_ = std::move(peer_alive); }
  // For describe(), e.g. "shared memory with child 1234".
  void set_description(std::string description) { description_ = std::move(description); }
  // The spin budget before a blocked side sleeps (shm_ring.h).
  void set_spin(std::chrono::nanoseconds spin) { hal_link_shm_set_spin(&channel_, spin.count()); }

  void write_all(std::span<const std::uint8_t> bytes, Deadline deadline) override;
  std::size_t read_some(std::span<std::uint8_t> buffer, Deadline deadline) override;
  std::string describe() const override { return description_; }

 private:
  ShmLinkStream(int memfd, void* mapping);
  void check_peer_alive() const;

  int memfd_;
  void* mapping_;
  hal_link_shm_channel channel_{};
  std::function<bool()> peer_alive_;
  std::string description_{"shared memory ring"};
};

}  // namespace packsim::hal

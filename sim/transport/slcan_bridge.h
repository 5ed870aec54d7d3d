#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bms_under_test/bus/slcan.h"
#include "sim/hil/can_bus.h"
#include "sim/transport/pty_port.h"

namespace packsim::transport {

// A Lawicel SLCAN adapter on a pty, attached to the rig's CAN bus as a node:
// python-can (interface="slcan"), slcand + can-utils or any SLCAN tool sees a
// USB-CAN adapter wired to the simulated bus.
//
// Host lines go through the C codec (bms_under_test/bus/slcan.h) and are
// answered as adapters do: CR when done, BEL when refused, z/Z CR after a
// transmit, Vhhss/Nxxxx/Fxx for the queries. Frames the host transmits go on
// the bus at the present virtual time; every frame another node sends goes to
// the host as a t/T/r/R line while the channel is open (O or L), none while
// closed. The bus does not echo a node's own frames, nor does a real adapter.
//
// Lines for the host wait here until the pty takes them, up to
// kMaxPendingToHost bytes; frames beyond that are dropped and counted (no one
// reads). Replies are never dropped.
class SlcanBridge final : public hil::CanNode {
 public:
  static constexpr std::size_t kMaxPendingToHost{4096};

  struct Stats {
    std::uint64_t frames_to_bus{0};
    std::uint64_t frames_to_host{0};
    std::uint64_t frames_dropped_to_host{0};
    std::uint64_t lines_refused{0};  // answered with BEL
  };

  // Attaches itself to the bus; neither is owned. The bus keeps a pointer to
  // the bridge: nothing may send on it after the bridge is gone.
  SlcanBridge(PtyPort& port, hil::CanBus& bus);
  SlcanBridge(const SlcanBridge&) = delete;
  SlcanBridge& operator=(const SlcanBridge&) = delete;
  ~SlcanBridge() override = default;

  // CanNode
  std::string_view can_name() const override { return "slcan"; }
  void on_can_frame(const hil::CanRecord& record) override;

  // Handles every complete line the host sent, then writes what is pending
  // to it; never blocks. Call between rig runs.
  void poll();

  const slcan_channel& channel() const { return channel_; }
  const Stats& stats() const { return stats_; }

 private:
  void read_host_lines();
  void handle_line(const char* line, std::size_t length);
  void write_pending();

  PtyPort& port_;
  hil::CanBus& bus_;
  slcan_channel channel_{};
  slcan_line_assembler assembler_{};
  std::string pending_to_host_;
  Stats stats_;
};

}  // namespace packsim::transport

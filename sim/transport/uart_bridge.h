#pragma once

#include <cstdint>
#include <vector>

#include "sim/hil/firmware_host.h"
#include "sim/transport/pty_port.h"

namespace packsim::transport {

// The BMS's service UART on a pty: bytes a tool writes to the device go to
// the firmware's receive queue, bytes the firmware writes go to the tool. A
// JBD app (pyserial, a vendor tool under Wine) talks to the simulated BMS as
// to a USB-serial adapter wired to its service port.
//
// Nothing is lost towards the firmware: what its queue does not take waits
// here, and the pty is not read until it has. Towards the tool, what the pty
// does not take (no one has read for a few KiB) is dropped and counted, as a
// UART without flow control would lose it.
class UartBridge {
 public:
  struct Stats {
    std::uint64_t bytes_to_firmware{0};
    std::uint64_t bytes_to_tool{0};
    std::uint64_t bytes_dropped_to_tool{0};
  };

  // Neither is owned; both must outlive the bridge.
  UartBridge(PtyPort& port, hil::FirmwareHost& host) : port_{port}, host_{host} {}

  // Moves what each side has now; never blocks. Call between rig runs.
  void poll();

  const Stats& stats() const { return stats_; }

 private:
  void move_tool_to_firmware();
  void move_firmware_to_tool();

  PtyPort& port_;
  hil::FirmwareHost& host_;
  std::vector<std::uint8_t> waiting_for_firmware_;
  Stats stats_;
};

}  // namespace packsim::transport

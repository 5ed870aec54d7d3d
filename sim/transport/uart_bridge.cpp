#include "sim/transport/uart_bridge.h"

#include <array>

namespace packsim::transport {

void UartBridge::poll() {
  move_tool_to_firmware();
  move_firmware_to_tool();
}

void UartBridge::move_tool_to_firmware() {
  std::array<std::uint8_t, 512> buffer{};
  for (;;) {
    if (waiting_for_firmware_.empty()) {
      const std::size_t n{port_.read_some(buffer)};
      if (n == 0) return;
      waiting_for_firmware_.assign(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
    }
    const std::size_t taken{host_.uart_send_to_firmware(waiting_for_firmware_)};
    stats_.bytes_to_firmware += taken;
    waiting_for_firmware_.erase(waiting_for_firmware_.begin(),
                                waiting_for_firmware_.begin() + static_cast<std::ptrdiff_t>(taken));
    if (!waiting_for_firmware_.empty()) return;  // the firmware's queue is full: the rest waits
  }
}

void UartBridge::move_firmware_to_tool() {
  const std::vector<std::uint8_t> bytes{host_.uart_take_from_firmware()};
  if (bytes.empty()) return;
  const std::size_t written{port_.write_some(bytes)};
  stats_.bytes_to_tool += written;
  stats_.bytes_dropped_to_tool += bytes.size() - written;
}

}  // namespace packsim::transport

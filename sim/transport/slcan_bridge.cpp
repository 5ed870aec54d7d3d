#include "sim/transport/slcan_bridge.h"

#include <array>
#include <span>

namespace packsim::transport {

SlcanBridge::SlcanBridge(PtyPort& port, hil::CanBus& bus) : port_{port}, bus_{bus} {
  slcan_channel_init(&channel_);
  slcan_line_init(&assembler_);
  bus_.attach(*this);
}

void SlcanBridge::on_can_frame(const hil::CanRecord& record) {
  if (!channel_.open) return;
  char line[SLCAN_ENCODED_FRAME_SIZE];
  const std::size_t length{slcan_encode_frame(&record.frame, line, sizeof line)};
  if (length == 0) return;  // the bus only carries valid frames
  if (pending_to_host_.size() + length > kMaxPendingToHost) {
    ++stats_.frames_dropped_to_host;
    return;
  }
  pending_to_host_.append(line, length);
  ++stats_.frames_to_host;
}

void SlcanBridge::poll() {
  read_host_lines();
  write_pending();
}

void SlcanBridge::read_host_lines() {
  std::array<std::uint8_t, 512> buffer{};
  for (;;) {
    const std::size_t n{port_.read_some(buffer)};
    if (n == 0) return;
    std::size_t offset{0};
    std::size_t consumed{0};
    while (slcan_line_feed(&assembler_, buffer.data() + offset, n - offset, &consumed)) {
      offset += consumed;
      handle_line(assembler_.line, assembler_.length);
    }
  }
}

void SlcanBridge::handle_line(const char* line, std::size_t length) {
  slcan_reply reply{};
  bms_can_frame frame{};
  if (slcan_channel_handle_line(&channel_, line, length, &reply, &frame)) {
    if (bus_.send(*this, frame)) ++stats_.frames_to_bus;
  }
  if (reply.length > 0 && reply.text[reply.length - 1] == SLCAN_REPLY_ERROR) ++stats_.lines_refused;
  pending_to_host_.append(reply.text, reply.length);
}

void SlcanBridge::write_pending() {
  if (pending_to_host_.empty()) return;
  const auto* bytes{reinterpret_cast<const std::uint8_t*>(pending_to_host_.data())};
  const std::size_t written{port_.write_some(std::span{bytes, pending_to_host_.size()})};
  pending_to_host_.erase(0, written);
}

}  // namespace packsim::transport

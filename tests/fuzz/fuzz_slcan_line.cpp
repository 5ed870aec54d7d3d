// libFuzzer target: the SLCAN line assembler (bms_under_test/bus/slcan.h) as
// the rig's SLCAN adapter (sim/transport/slcan_bridge.cpp) runs it on what a
// host writes to its pty, and every line through the command parser, the
// frame decoder and the adapter's channel. The first byte says how the input
// is cut into reads. A line never exceeds SLCAN_MAX_LINE_LEN, replies fit
// their buffer, a frame for the bus is valid and survives encode/decode.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "bms_under_test/bus/slcan.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

void check_round_trip(const bms_can_frame& frame) {
  PACKSIM_FUZZ_CHECK(bms_can_frame_is_valid(&frame));
  char text[SLCAN_ENCODED_FRAME_SIZE];
  const std::size_t length{slcan_encode_frame(&frame, text, sizeof text)};
  PACKSIM_FUZZ_CHECK(length > 0 && length < sizeof text && text[length] == '\0');
  bms_can_frame back{};
  PACKSIM_FUZZ_CHECK(slcan_decode_frame(text, length, &back) == SLCAN_OK);
  PACKSIM_FUZZ_CHECK(back.id == frame.id && back.dlc == frame.dlc && back.extended == frame.extended &&
                     back.rtr == frame.rtr);
  if (!frame.rtr) PACKSIM_FUZZ_CHECK(std::memcmp(back.data, frame.data, frame.dlc) == 0);
}

void handle_line(const slcan_line_assembler& assembler, slcan_channel& channel) {
  PACKSIM_FUZZ_CHECK(assembler.length <= SLCAN_MAX_LINE_LEN);
  PACKSIM_FUZZ_CHECK(assembler.line[assembler.length] == '\0');
  PACKSIM_FUZZ_CHECK(assembler.terminator == '\r' || assembler.terminator == '\a');
  slcan_command command{};
  if (slcan_parse_command(assembler.line, assembler.length, &command) == SLCAN_OK &&
      command.kind == SLCAN_COMMAND_TRANSMIT) {
    check_round_trip(command.frame);
  }
  bms_can_frame frame{};
  if (slcan_decode_frame(assembler.line, assembler.length, &frame) == SLCAN_OK) {
    check_round_trip(frame);
  }
  slcan_reply reply{};
  bms_can_frame to_send{};
  const std::uint32_t handled_before{channel.commands_accepted + channel.commands_rejected};
  if (slcan_channel_handle_line(&channel, assembler.line, assembler.length, &reply, &to_send)) {
    PACKSIM_FUZZ_CHECK(channel.open && !channel.listen_only);
    check_round_trip(to_send);
  }
  PACKSIM_FUZZ_CHECK(reply.length <= SLCAN_MAX_REPLY_LEN);
  PACKSIM_FUZZ_CHECK(channel.commands_accepted + channel.commands_rejected <= handled_before + 1);
  PACKSIM_FUZZ_CHECK(channel.bitrate_code <= 8);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  packsim::fuzz::FuzzInput input{data, size};
  const std::size_t piece_size{1u + input.u8() % 64u};
  slcan_line_assembler assembler{};
  slcan_line_init(&assembler);
  slcan_channel channel{};
  slcan_channel_init(&channel);
  std::uint32_t lines{0};
  while (!input.empty()) {
    std::size_t got{0};
    const std::uint8_t* piece{input.bytes(piece_size, got)};
    std::size_t offset{0};
    std::size_t used{0};
    while (slcan_line_feed(&assembler, piece + offset, got - offset, &used)) {
      PACKSIM_FUZZ_CHECK(used >= 1 && used <= got - offset);
      offset += used;
      handle_line(assembler, channel);
      ++lines;
    }
    PACKSIM_FUZZ_CHECK(offset + used == got);
  }
  PACKSIM_FUZZ_CHECK(assembler.lines == lines);
  // The whole input as one line, straight to the parsers.
  slcan_command command{};
  bms_can_frame frame{};
  const char* text{reinterpret_cast<const char*>(data)};
  if (slcan_parse_command(text, size, &command) == SLCAN_OK && command.kind == SLCAN_COMMAND_TRANSMIT) {
    check_round_trip(command.frame);
  }
  if (slcan_decode_frame(text, size, &frame) == SLCAN_OK) check_round_trip(frame);
  return 0;
}

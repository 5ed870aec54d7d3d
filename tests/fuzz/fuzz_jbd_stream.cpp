// libFuzzer target: the JBD service protocol's stream parser
// (bms_under_test/bus/jbd_protocol.h), as the BMS's service port (requests)
// and the service tool (responses) run it. The first byte picks the direction
// and how the input is cut into reads; the rest is the line. Every frame the
// parser delivers must decode as a frame of that direction and re-encode to
// the same bytes, and then goes through every payload decoder; the parser
// must consume all input and keep its buffers within bounds.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "bms_under_test/bus/jbd_protocol.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

void check_frame(const jbd_parser& parser) {
  PACKSIM_FUZZ_CHECK(parser.frame_len >= JBD_FRAME_OVERHEAD && parser.frame_len <= JBD_MAX_FRAME_LEN);
  std::uint8_t again[JBD_MAX_FRAME_LEN];
  if (parser.direction == JBD_PARSE_REQUESTS) {
    jbd_request request{};
    PACKSIM_FUZZ_CHECK(jbd_decode_request_frame(parser.frame, parser.frame_len, &request) == JBD_OK);
    const std::size_t size{jbd_encode_request_frame(&request, again, sizeof again)};
    PACKSIM_FUZZ_CHECK(size == parser.frame_len && std::memcmp(again, parser.frame, size) == 0);
    jbd_mos_control control{};
    if (jbd_decode_mos_control(&request, &control) == JBD_OK) {
      jbd_request encoded{};
      jbd_encode_mos_control(&control, &encoded);
      jbd_mos_control back{};
      PACKSIM_FUZZ_CHECK(jbd_decode_mos_control(&encoded, &back) == JBD_OK);
      PACKSIM_FUZZ_CHECK(back.charge_fet_off == control.charge_fet_off &&
                         back.discharge_fet_off == control.discharge_fet_off);
    }
  } else {
    jbd_response response{};
    PACKSIM_FUZZ_CHECK(jbd_decode_response_frame(parser.frame, parser.frame_len, &response) == JBD_OK);
    const std::size_t size{jbd_encode_response_frame(&response, again, sizeof again)};
    PACKSIM_FUZZ_CHECK(size == parser.frame_len && std::memcmp(again, parser.frame, size) == 0);
    jbd_basic_info info{};
    if (jbd_decode_basic_info(&response, &info) == JBD_OK) {
      PACKSIM_FUZZ_CHECK(info.ntc_count <= JBD_MAX_NTC);
      jbd_response encoded{};
      PACKSIM_FUZZ_CHECK(jbd_encode_basic_info(&info, &encoded) == JBD_OK);
    }
    jbd_cell_voltages cells{};
    if (jbd_decode_cell_voltages(&response, &cells) == JBD_OK) {
      PACKSIM_FUZZ_CHECK(cells.cell_count <= JBD_MAX_CELLS);
      jbd_response encoded{};
      PACKSIM_FUZZ_CHECK(jbd_encode_cell_voltages(&cells, &encoded) == JBD_OK);
    }
    jbd_hardware_version version{};
    if (jbd_decode_hardware_version(&response, &version) == JBD_OK) {
      PACKSIM_FUZZ_CHECK(std::memchr(version.text, '\0', sizeof version.text) != nullptr);
      jbd_response encoded{};
      PACKSIM_FUZZ_CHECK(jbd_encode_hardware_version(&version, &encoded) == JBD_OK);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  packsim::fuzz::FuzzInput input{data, size};
  const std::uint8_t mode{input.u8()};
  jbd_parser parser{};
  jbd_parser_init(&parser, (mode & 1u) != 0 ? JBD_PARSE_RESPONSES : JBD_PARSE_REQUESTS);
  const std::size_t piece_size{1u + (mode >> 2)};  // 1..64 bytes a read
  const bool idle_between_reads{(mode & 2u) != 0};
  std::uint32_t frames{0};
  while (!input.empty()) {
    std::size_t got{0};
    const std::uint8_t* piece{input.bytes(piece_size, got)};
    std::size_t offset{0};
    std::size_t used{0};
    while (jbd_parser_feed(&parser, piece + offset, got - offset, &used)) {
      PACKSIM_FUZZ_CHECK(used <= got - offset);
      offset += used;
      check_frame(parser);
      ++frames;
    }
    PACKSIM_FUZZ_CHECK(offset + used == got);  // false means every byte was taken
    PACKSIM_FUZZ_CHECK(parser.pending_len <= JBD_MAX_FRAME_LEN && parser.checked_len <= parser.pending_len);
    if (idle_between_reads) {
      while (jbd_parser_line_idle(&parser)) {
        check_frame(parser);
        ++frames;
      }
      PACKSIM_FUZZ_CHECK(parser.pending_len == 0);
    }
  }
  while (jbd_parser_line_idle(&parser)) {
    check_frame(parser);
    ++frames;
  }
  PACKSIM_FUZZ_CHECK(parser.pending_len == 0);
  PACKSIM_FUZZ_CHECK(parser.stats.frames == frames);
  // The input after the mode byte as one frame, straight to the frame decoders.
  jbd_request request{};
  jbd_response response{};
  static_cast<void>(jbd_decode_request_frame(data + (size > 0), size - (size > 0), &request));
  static_cast<void>(jbd_decode_response_frame(data + (size > 0), size - (size > 0), &response));
  return 0;
}

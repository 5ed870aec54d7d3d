// libFuzzer target: the Pylontech inverter CAN decoder
// (bms_under_test/bus/pylontech_can.h) as the rig's inverter node and the
// firmware's heartbeat watch run it. The input is a sequence of CAN frames
// as a bus could carry them or a broken node could send them (13 bytes each:
// ID, flags, any DLC byte, 8 data bytes); each goes to the receiver and to
// every decoder. Decoded messages re-encode to what decodes the same.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "bms_under_test/bus/pylontech_can.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

bms_can_frame next_frame(packsim::fuzz::FuzzInput& input) {
  bms_can_frame frame{};
  const std::uint32_t id{input.u32()};
  const std::uint8_t flags{input.u8()};
  frame.extended = (flags & 1u) != 0;
  frame.rtr = (flags & 2u) != 0;
  // Mostly the IDs this codec knows (0x300..0x3FF), sometimes anything.
  frame.id = (flags & 4u) != 0 ? id : 0x300u | (id & 0xFFu);
  frame.dlc = input.u8();
  if ((flags & 8u) == 0) frame.dlc = static_cast<std::uint8_t>(frame.dlc % 9u);
  for (std::uint8_t& byte : frame.data) byte = input.u8();
  return frame;
}

void decode_every_way(const bms_can_frame& frame) {
  pylon_limits limits{};
  static_cast<void>(pylon_decode_limits(&frame, &limits));
  pylon_soc_soh soc_soh{};
  static_cast<void>(pylon_decode_soc_soh(&frame, &soc_soh));
  pylon_measurements measurements{};
  static_cast<void>(pylon_decode_measurements(&frame, &measurements));
  pylon_alarms alarms{};
  if (pylon_decode_alarms(&frame, &alarms) == PYLON_OK) {
    bms_can_frame encoded{};
    pylon_encode_alarms(&alarms, &encoded);
    pylon_alarms back{};
    PACKSIM_FUZZ_CHECK(pylon_decode_alarms(&encoded, &back) == PYLON_OK);
    PACKSIM_FUZZ_CHECK(std::memcmp(&back, &alarms, sizeof back) == 0);
  }
  std::uint8_t flags{0};
  if (pylon_decode_request_flags(&frame, &flags) == PYLON_OK) {
    bms_can_frame encoded{};
    pylon_encode_request_flags(flags, &encoded);
    std::uint8_t back{0};
    PACKSIM_FUZZ_CHECK(pylon_decode_request_flags(&encoded, &back) == PYLON_OK && back == flags);
  }
  char name[PYLON_MANUFACTURER_LEN + 1u]{};
  if (pylon_decode_manufacturer(&frame, name) == PYLON_OK) {
    PACKSIM_FUZZ_CHECK(std::memchr(name, '\0', sizeof name) != nullptr);
    bms_can_frame encoded{};
    PACKSIM_FUZZ_CHECK(pylon_encode_manufacturer(name, &encoded) == 0);
    char back[PYLON_MANUFACTURER_LEN + 1u]{};
    PACKSIM_FUZZ_CHECK(pylon_decode_manufacturer(&encoded, back) == PYLON_OK && std::strcmp(back, name) == 0);
  }
  static_cast<void>(pylon_is_inverter_heartbeat(&frame));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  packsim::fuzz::FuzzInput input{data, size};
  pylon_receiver receiver{};
  pylon_receiver_init(&receiver);
  std::uint32_t fed{0};
  while (!input.empty()) {
    const bms_can_frame frame{next_frame(input)};
    decode_every_way(frame);
    const pylon_result result{pylon_receiver_feed(&receiver, &frame)};
    PACKSIM_FUZZ_CHECK(result >= PYLON_OK && result <= PYLON_ERR_BAD_TEXT);
    PACKSIM_FUZZ_CHECK(pylon_result_name(result) != nullptr);
    ++fed;
  }
  PACKSIM_FUZZ_CHECK((receiver.seen & ~static_cast<std::uint32_t>(PYLON_SEEN_FULL_SET)) == 0);
  PACKSIM_FUZZ_CHECK(std::memchr(receiver.status.manufacturer, '\0', sizeof receiver.status.manufacturer) != nullptr);
  PACKSIM_FUZZ_CHECK(receiver.frames_decoded + receiver.rejected + receiver.ignored + receiver.heartbeats == fed);
  return 0;
}

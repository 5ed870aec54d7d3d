// The service UART on a pty: a JBD tool's 0x03 request reaches the reference
// firmware and its answer comes back to the tool, on virtual time alone.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "bms_under_test/bus/jbd_protocol.h"
#include "sim/hil/hil_rig.h"
#include "sim/hil/reference_firmware.h"
#include "sim/transport/pty_port.h"
#include "sim/transport/uart_bridge.h"
#include "tests/sim/transport/pty_peer.h"

namespace packsim::transport {
namespace {

using sim::kNsPerMs;
using sim::kNsPerS;
using testing::PtyPeer;
using testing::TempDir;

std::vector<std::uint8_t> basic_info_request() {
  jbd_request request{};
  jbd_encode_read_request(JBD_CMD_BASIC_INFO, &request);
  std::vector<std::uint8_t> frame(JBD_MAX_FRAME_LEN);
  frame.resize(jbd_encode_request_frame(&request, frame.data(), frame.size()));
  return frame;
}

TEST(UartBridge, CarriesABasicInfoRequestToTheFirmwareAndItsAnswerBack) {
  const TempDir dir;
  hil::RigOptions options;
  options.initial_soc = 0.6;
  hil::HilRig rig{options, hil::reference_firmware()};
  PtyPort port{dir / "uart"};
  UartBridge bridge{port, rig.host()};
  PtyPeer tool{port.link_path()};
  rig.run_for(kNsPerS);  // booted, measuring

  const std::vector<std::uint8_t> request{basic_info_request()};
  ASSERT_EQ(request, (std::vector<std::uint8_t>{0xDD, 0xA5, 0x03, 0x00, 0xFF, 0xFD, 0x77}));
  tool.write(request);

  jbd_parser parser{};
  jbd_parser_init(&parser, JBD_PARSE_RESPONSES);
  bool answered{false};
  for (int period = 0; period < 2000 && !answered; ++period) {  // at most 2 s of virtual time
    bridge.poll();
    rig.run_for(kNsPerMs);
    bridge.poll();
    const std::vector<std::uint8_t> bytes{tool.read_available(period % 100 == 99 ? 10 : 0)};
    std::size_t offset{0};
    std::size_t used{0};
    while (jbd_parser_feed(&parser, bytes.data() + offset, bytes.size() - offset, &used)) {
      offset += used;
      answered = true;
    }
  }
  ASSERT_TRUE(answered) << rig.report();

  jbd_response response{};
  ASSERT_EQ(jbd_decode_response_frame(parser.frame, parser.frame_len, &response), JBD_OK);
  jbd_basic_info info{};
  ASSERT_EQ(jbd_decode_basic_info(&response, &info), JBD_OK);
  EXPECT_EQ(info.cell_count, rig.pack().series());
  EXPECT_NEAR(info.pack_voltage_v, rig.pack_state().terminal_voltage_v, 0.5);
  EXPECT_EQ(bridge.stats().bytes_to_firmware, request.size());
  EXPECT_EQ(bridge.stats().bytes_to_tool, parser.frame_len);
  EXPECT_EQ(bridge.stats().bytes_dropped_to_tool, 0u);
}

}  // namespace
}  // namespace packsim::transport

// The SLCAN adapter on a pty, on the rig's bus: commands answered as adapters
// do (CR, BEL), the host's frames on the bus, the BMS's frames as t lines
// while the channel is open and none while it is closed.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "bms_under_test/bus/pylontech_can.h"
#include "sim/hil/hil_rig.h"
#include "sim/hil/reference_firmware.h"
#include "sim/transport/pty_port.h"
#include "sim/transport/slcan_bridge.h"
#include "tests/sim/transport/pty_peer.h"

namespace packsim::transport {
namespace {

using sim::kNsPerMs;
using sim::kNsPerS;
using testing::PtyPeer;
using testing::TempDir;

// A rig without its own inverter: the host on the SLCAN side plays it.
class SlcanBridgeTest : public ::testing::Test {
 protected:
  static hil::RigOptions without_inverter_heartbeat() {
    hil::RigOptions options;
    options.initial_soc = 0.6;
    options.inverter_heartbeat = false;
    return options;
  }

  // Sends a line (CR appended) and returns the adapter's answer: what it
  // wrote in the next 10 ms, without the bus frames that came meanwhile.
  std::string exchange(const std::string& line) {
    host_.write(line + "\r");
    return without_frame_lines(run_and_read(10 * kNsPerMs));
  }

  static std::string without_frame_lines(const std::string& text) {
    std::string kept;
    std::size_t start{0};
    while (start < text.size()) {
      const std::size_t end{std::min(text.find_first_of("\r\a", start), text.size() - 1)};
      const std::string line{text.substr(start, end - start + 1)};
      if (line.find_first_of("tTrR") != 0) kept += line;
      start = end + 1;
    }
    return kept;
  }

  // Runs the rig in 1 ms periods, polling the bridge, and returns what the host read.
  std::string run_and_read(sim::TimeNs duration) {
    std::string text;
    for (sim::TimeNs t = 0; t < duration; t += kNsPerMs) {
      bridge_.poll();
      rig_.run_for(kNsPerMs);
      bridge_.poll();
      text += host_.read_text();
    }
    return text + host_.read_text(50);
  }

  TempDir dir_;
  hil::HilRig rig_{without_inverter_heartbeat(), hil::reference_firmware()};
  PtyPort port_{dir_ / "can"};
  SlcanBridge bridge_{port_, rig_.can_bus()};
  PtyPeer host_{port_.link_path()};
};

TEST_F(SlcanBridgeTest, AnswersPythonCansOpeningSequenceWithCarriageReturns) {
  // python-can's slcan with bitrate=500000: close, bitrate, open, and open again.
  EXPECT_EQ(exchange("C"), "\r");
  EXPECT_EQ(exchange("S6"), "\r");
  EXPECT_EQ(exchange("O"), "\r");
  EXPECT_EQ(exchange("O"), "\r");
  EXPECT_TRUE(bridge_.channel().open);
  EXPECT_EQ(exchange("V"), "V0100\r");
}

TEST_F(SlcanBridgeTest, AnswersMalformedLinesWithBel) {
  EXPECT_EQ(exchange("O"), "\r");
  EXPECT_EQ(exchange("t35"), "\a");         // too short for a frame
  EXPECT_EQ(exchange("t3052GG00"), "\a");   // not hex
  EXPECT_EQ(exchange("X"), "\a");           // no such command
  EXPECT_EQ(exchange("S6"), "\a");          // bitrate only while closed
  EXPECT_EQ(bridge_.stats().lines_refused, 4u);
  EXPECT_EQ(bridge_.stats().frames_to_bus, 0u);
}

TEST_F(SlcanBridgeTest, PutsTheHostsHeartbeatOnTheBus) {
  EXPECT_EQ(exchange("O"), "\r");
  const std::size_t before{rig_.can_bus().records().size()};
  const std::string answer{exchange("t3058" "0000000000000000")};
  EXPECT_EQ(answer.substr(0, 2), "z\r");
  const std::vector<hil::CanRecord> heartbeats{rig_.can_bus().records_with_id(PYLON_ID_INVERTER_HEARTBEAT, before)};
  ASSERT_EQ(heartbeats.size(), 1u);
  EXPECT_EQ(rig_.can_bus().node_name(heartbeats[0].sender), "slcan");
  EXPECT_EQ(heartbeats[0].frame.dlc, 8u);
  EXPECT_EQ(bridge_.stats().frames_to_bus, 1u);
}

TEST_F(SlcanBridgeTest, SendsTheBmsLimitsFramesAsT351LinesWhileOpen) {
  EXPECT_EQ(exchange("O"), "\r");
  const std::string lines{run_and_read(3 * kNsPerS)};  // the BMS sends its set about once a second
  EXPECT_NE(lines.find("t3518"), std::string::npos) << lines;  // no hex digit is a t: a line start
  EXPECT_GT(bridge_.stats().frames_to_host, 0u);
  EXPECT_EQ(bridge_.stats().frames_dropped_to_host, 0u);
}

TEST_F(SlcanBridgeTest, SendsNoFramesWhileTheChannelIsClosed) {
  EXPECT_EQ(run_and_read(3 * kNsPerS), "");
  ASSERT_FALSE(rig_.can_bus().records_with_id(PYLON_ID_LIMITS).empty());  // the BMS did send
  EXPECT_EQ(exchange("O"), "\r");
  EXPECT_EQ(exchange("C"), "\r");
  EXPECT_EQ(run_and_read(3 * kNsPerS), "");
}

}  // namespace
}  // namespace packsim::transport

// Seeded randomized robustness of every parser and decoder: random and mutated
// byte strings never crash, never read out of bounds (the sanitizer build
// checks), always make progress, and whatever is accepted is well-formed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "bms_under_test/bus/jbd_protocol.h"
#include "bms_under_test/bus/pylontech_can.h"
#include "bms_under_test/bus/slcan.h"

namespace {

using Bytes = std::vector<uint8_t>;

constexpr int kIterations = 120000;

uint8_t random_byte(std::mt19937& rng) { return static_cast<uint8_t>(std::uniform_int_distribution<int>(0, 255)(rng)); }

size_t random_size(std::mt19937& rng, size_t low, size_t high) {
  return std::uniform_int_distribution<size_t>(low, high)(rng);
}

Bytes random_bytes(std::mt19937& rng, size_t max_length) {
  Bytes bytes(random_size(rng, 0, max_length));
  for (uint8_t& byte : bytes) {
    byte = random_byte(rng);
  }
  return bytes;
}

// Flips, overwrites, inserts, deletes and truncates, a few times over.
Bytes mutate(Bytes bytes, std::mt19937& rng) {
  const int mutations = std::uniform_int_distribution<int>(1, 4)(rng);
  for (int m = 0; m < mutations; ++m) {
    switch (std::uniform_int_distribution<int>(0, 4)(rng)) {
      case 0:
        if (!bytes.empty()) {
          bytes[random_size(rng, 0, bytes.size() - 1)] ^= static_cast<uint8_t>(1u << random_size(rng, 0, 7));
        }
        break;
      case 1:
        if (!bytes.empty()) {
          bytes[random_size(rng, 0, bytes.size() - 1)] = random_byte(rng);
        }
        break;
      case 2:
        bytes.insert(bytes.begin() + static_cast<long>(random_size(rng, 0, bytes.size())), random_byte(rng));
        break;
      case 3:
        if (!bytes.empty()) {
          bytes.erase(bytes.begin() + static_cast<long>(random_size(rng, 0, bytes.size() - 1)));
        }
        break;
      case 4: bytes.resize(random_size(rng, 0, bytes.size())); break;
    }
  }
  return bytes;
}

// ---- JBD ----------------------------------------------------------------------------

Bytes random_valid_jbd_frame(std::mt19937& rng, bool request) {
  Bytes frame(JBD_MAX_FRAME_LEN);
  const Bytes data = random_bytes(rng, JBD_MAX_DATA_LEN);
  if (request) {
    jbd_request r{};
    r.mode = std::uniform_int_distribution<int>(0, 1)(rng) ? JBD_MODE_READ : JBD_MODE_WRITE;
    r.command = random_byte(rng);
    r.data_len = static_cast<uint8_t>(data.size());
    std::copy(data.begin(), data.end(), r.data);
    frame.resize(jbd_encode_request_frame(&r, frame.data(), frame.size()));
  } else {
    jbd_response r{};
    do {
      r.command = random_byte(rng);
    } while (r.command == JBD_MODE_READ || r.command == JBD_MODE_WRITE);
    r.status = std::uniform_int_distribution<int>(0, 1)(rng) ? JBD_STATUS_OK : JBD_STATUS_ERROR;
    r.data_len = static_cast<uint8_t>(data.size());
    std::copy(data.begin(), data.end(), r.data);
    frame.resize(jbd_encode_response_frame(&r, frame.data(), frame.size()));
  }
  return frame;
}

// A stream of valid frames, mutated frames and random bytes.
Bytes random_jbd_stream(std::mt19937& rng, bool request) {
  Bytes stream;
  const int pieces = std::uniform_int_distribution<int>(1, 5)(rng);
  for (int p = 0; p < pieces; ++p) {
    Bytes piece;
    switch (std::uniform_int_distribution<int>(0, 2)(rng)) {
      case 0: piece = random_valid_jbd_frame(rng, request); break;
      case 1: piece = mutate(random_valid_jbd_frame(rng, request), rng); break;
      case 2: piece = random_bytes(rng, 40); break;
    }
    stream.insert(stream.end(), piece.begin(), piece.end());
  }
  return stream;
}

void expect_well_formed_jbd_frame(const jbd_parser& parser, bool request) {
  ASSERT_GE(parser.frame_len, JBD_FRAME_OVERHEAD);
  ASSERT_LE(parser.frame_len, JBD_MAX_FRAME_LEN);
  const uint8_t* f = parser.frame;
  ASSERT_EQ(f[0], JBD_START_BYTE);
  ASSERT_EQ(f[3] + JBD_FRAME_OVERHEAD, parser.frame_len);
  ASSERT_EQ(f[parser.frame_len - 1], JBD_END_BYTE);
  const uint16_t checksum = static_cast<uint16_t>((f[parser.frame_len - 3] << 8) | f[parser.frame_len - 2]);
  ASSERT_EQ(jbd_checksum(f + 2, f[3] + 2u), checksum);
  if (request) {
    jbd_request decoded{};
    ASSERT_EQ(jbd_decode_request_frame(f, parser.frame_len, &decoded), JBD_OK);
  } else {
    jbd_response decoded{};
    ASSERT_EQ(jbd_decode_response_frame(f, parser.frame_len, &decoded), JBD_OK);
  }
}

void run_jbd_parser_robustness(bool request, uint32_t seed) {
  std::mt19937 rng(seed);
  jbd_parser parser;
  jbd_parser_init(&parser, request ? JBD_PARSE_REQUESTS : JBD_PARSE_RESPONSES);
  uint64_t total_bytes = 0;
  uint64_t total_frames = 0;
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    const bool fresh_parser = std::uniform_int_distribution<int>(0, 9)(rng) == 0;
    if (fresh_parser) {
      jbd_parser_init(&parser, request ? JBD_PARSE_REQUESTS : JBD_PARSE_RESPONSES);
    }
    const Bytes stream = random_jbd_stream(rng, request);
    total_bytes += stream.size();
    size_t offset = 0;
    while (offset < stream.size()) {
      const size_t chunk = random_size(rng, 1, 16);
      const size_t end = std::min(stream.size(), offset + chunk);
      int frames_this_call = 0;
      size_t used = 0;
      while (jbd_parser_feed(&parser, stream.data() + offset, end - offset, &used)) {
        ASSERT_LE(used, end - offset);
        offset += used;
        ++total_frames;
        // No byte can yield more than one frame's worth of rescanned frames.
        ASSERT_LE(++frames_this_call, static_cast<int>(chunk + JBD_MAX_FRAME_LEN / JBD_FRAME_OVERHEAD + 1));
        expect_well_formed_jbd_frame(parser, request);
        if (::testing::Test::HasFatalFailure()) {
          return;
        }
      }
      ASSERT_EQ(used, end - offset) << "feed returned false before consuming its input";
      offset = end;
      ASSERT_LE(parser.pending_len, JBD_MAX_FRAME_LEN);
      ASSERT_EQ(parser.checked_len, parser.pending_len);
    }
    if (std::uniform_int_distribution<int>(0, 3)(rng) == 0) {
      int frames_at_idle = 0;
      while (jbd_parser_line_idle(&parser)) {
        ++total_frames;
        ASSERT_LE(++frames_at_idle, static_cast<int>(JBD_MAX_FRAME_LEN / JBD_FRAME_OVERHEAD + 1));
        expect_well_formed_jbd_frame(parser, request);
        if (::testing::Test::HasFatalFailure()) {
          return;
        }
      }
      ASSERT_EQ(parser.pending_len, 0u);
    }
  }
  EXPECT_LE(total_frames, total_bytes / JBD_FRAME_OVERHEAD);
  EXPECT_GT(total_frames, static_cast<uint64_t>(kIterations / 2));  // the valid frames get through
}

TEST(BusRobustness, JbdRequestParserSurvivesRandomAndMutatedStreams) { run_jbd_parser_robustness(true, 0xB5u); }

TEST(BusRobustness, JbdResponseParserSurvivesRandomAndMutatedStreams) { run_jbd_parser_robustness(false, 0x5Bu); }

TEST(BusRobustness, JbdParserFindsEveryCleanFrameInARandomCleanStream) {
  std::mt19937 rng(42u);
  jbd_parser parser;
  jbd_parser_init(&parser, JBD_PARSE_RESPONSES);
  for (int iteration = 0; iteration < 20000; ++iteration) {
    std::vector<Bytes> sent;
    Bytes stream;
    for (int i = 0; i < 4; ++i) {
      sent.push_back(random_valid_jbd_frame(rng, false));
      stream.insert(stream.end(), sent.back().begin(), sent.back().end());
    }
    std::vector<Bytes> received;
    size_t offset = 0;
    while (offset < stream.size()) {
      const size_t end = std::min(stream.size(), offset + random_size(rng, 1, 80));
      size_t used = 0;
      while (jbd_parser_feed(&parser, stream.data() + offset, end - offset, &used)) {
        offset += used;
        received.emplace_back(parser.frame, parser.frame + parser.frame_len);
      }
      offset = end;
    }
    ASSERT_EQ(received, sent) << "iteration " << iteration;
  }
  EXPECT_EQ(parser.stats.garbage_bytes + parser.stats.bad_checksum + parser.stats.bad_end_byte +
                parser.stats.bad_header + parser.stats.oversize_length,
            0u);
}

TEST(BusRobustness, JbdDecodersAcceptOnlyWhatTheyReencodeExactly) {
  std::mt19937 rng(0x1BDu);
  int accepted = 0;
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    const bool request = iteration % 2 == 0;
    Bytes input;
    switch (std::uniform_int_distribution<int>(0, 2)(rng)) {
      case 0: input = random_valid_jbd_frame(rng, request); break;
      case 1: input = mutate(random_valid_jbd_frame(rng, request), rng); break;
      case 2: input = random_bytes(rng, 80); break;
    }
    Bytes reencoded(JBD_MAX_FRAME_LEN);
    if (request) {
      jbd_request decoded{};
      if (jbd_decode_request_frame(input.data(), input.size(), &decoded) != JBD_OK) {
        continue;
      }
      reencoded.resize(jbd_encode_request_frame(&decoded, reencoded.data(), reencoded.size()));
      jbd_mos_control control{};
      if (jbd_decode_mos_control(&decoded, &control) == JBD_OK) {
        jbd_request again{};
        jbd_encode_mos_control(&control, &again);
        ASSERT_EQ(std::memcmp(&again, &decoded, sizeof again), 0);
      }
    } else {
      jbd_response decoded{};
      if (jbd_decode_response_frame(input.data(), input.size(), &decoded) != JBD_OK) {
        continue;
      }
      reencoded.resize(jbd_encode_response_frame(&decoded, reencoded.data(), reencoded.size()));
    }
    ++accepted;
    ASSERT_EQ(reencoded, input);
  }
  EXPECT_GT(accepted, kIterations / 4);  // the untouched third, at least
}

TEST(BusRobustness, JbdPayloadDecodersSurviveRandomPayloadsAndAreStable) {
  std::mt19937 rng(0xDA7Au);
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    jbd_response response{};
    const uint8_t commands[] = {JBD_CMD_BASIC_INFO, JBD_CMD_CELL_VOLTAGES, JBD_CMD_HARDWARE_VERSION, 0x42};
    response.command = commands[random_size(rng, 0, 3)];
    response.status = random_size(rng, 0, 15) == 0 ? JBD_STATUS_ERROR : JBD_STATUS_OK;
    response.data_len = static_cast<uint8_t>(random_size(rng, 0, JBD_MAX_DATA_LEN));
    for (uint8_t& byte : response.data) {
      byte = random_byte(rng);
    }
    if (response.command == JBD_CMD_HARDWARE_VERSION && random_size(rng, 0, 1) == 0) {
      for (uint8_t& byte : response.data) {
        byte = static_cast<uint8_t>(random_size(rng, 0x20, 0x7E));
      }
    }
    if (response.command == JBD_CMD_BASIC_INFO && response.data_len > 22) {
      response.data[22] = static_cast<uint8_t>(random_size(rng, 0, 10));
    }
    // Decode -> encode -> decode must give the same physical values (bit-exact
    // for the fields that have no rounding, within quantisation for the rest).
    jbd_basic_info info{};
    if (jbd_decode_basic_info(&response, &info) == JBD_OK) {
      jbd_response again{};
      ASSERT_EQ(jbd_encode_basic_info(&info, &again), JBD_OK);
      jbd_basic_info info_again{};
      ASSERT_EQ(jbd_decode_basic_info(&again, &info_again), JBD_OK);
      ASSERT_EQ(std::memcmp(again.data, response.data, again.data_len), 0);
      ASSERT_EQ(info_again.ntc_count, info.ntc_count);
    }
    jbd_cell_voltages cells{};
    if (jbd_decode_cell_voltages(&response, &cells) == JBD_OK) {
      jbd_response again{};
      ASSERT_EQ(jbd_encode_cell_voltages(&cells, &again), JBD_OK);
      ASSERT_EQ(again.data_len, response.data_len);
      ASSERT_EQ(std::memcmp(again.data, response.data, again.data_len), 0);
    }
    jbd_hardware_version version{};
    if (jbd_decode_hardware_version(&response, &version) == JBD_OK) {
      ASSERT_LE(std::strlen(version.text), JBD_MAX_DATA_LEN);
      jbd_response again{};
      ASSERT_EQ(jbd_encode_hardware_version(&version, &again), JBD_OK);
    }
  }
}

// ---- SLCAN --------------------------------------------------------------------------

std::string random_slcan_text(std::mt19937& rng) {
  static const char alphabet[] = "tTrRSOCLVvNFZ0123456789abcdefABCDEFxyz\r\r\r\n\a ";
  std::string text(random_size(rng, 0, 60), ' ');
  for (char& c : text) {
    c = random_size(rng, 0, 9) == 0 ? static_cast<char>(random_byte(rng))
                                    : alphabet[random_size(rng, 0, sizeof alphabet - 2)];
  }
  return text;
}

std::string random_valid_slcan_line(std::mt19937& rng) {
  bms_can_frame frame{};
  frame.extended = random_size(rng, 0, 1) == 1;
  frame.rtr = random_size(rng, 0, 4) == 0;
  frame.id =
      static_cast<uint32_t>(random_size(rng, 0, frame.extended ? BMS_CAN_EXTENDED_ID_MAX : BMS_CAN_STANDARD_ID_MAX));
  frame.dlc = static_cast<uint8_t>(random_size(rng, 0, 8));
  for (uint8_t& byte : frame.data) {
    byte = random_byte(rng);
  }
  char out[SLCAN_ENCODED_FRAME_SIZE];
  return std::string(out, slcan_encode_frame(&frame, out, sizeof out));
}

TEST(BusRobustness, SlcanLineAssemblerAndChannelSurviveRandomAndMutatedStreams) {
  std::mt19937 rng(0x51CAu);
  slcan_line_assembler assembler;
  slcan_line_init(&assembler);
  slcan_channel channel;
  slcan_channel_init(&channel);
  uint64_t lines = 0;
  uint64_t frames_sent = 0;
  uint64_t non_blank_lines = 0;
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    std::string stream;
    switch (random_size(rng, 0, 2)) {
      case 0: stream = random_slcan_text(rng); break;
      case 1: {
        const std::string line = random_valid_slcan_line(rng);
        const Bytes mutated = mutate(Bytes(line.begin(), line.end()), rng);
        stream.assign(mutated.begin(), mutated.end());
        break;
      }
      case 2: stream = std::string(random_size(rng, 0, 80), 'A') + "\r"; break;
    }
    if (random_size(rng, 0, 20) == 0) {
      stream = "O\r" + stream;  // let some frames through
    }
    const auto* bytes = reinterpret_cast<const uint8_t*>(stream.data());
    size_t offset = 0;
    while (offset < stream.size()) {
      const size_t end = std::min(stream.size(), offset + random_size(rng, 1, 12));
      size_t used = 0;
      while (slcan_line_feed(&assembler, bytes + offset, end - offset, &used)) {
        ASSERT_GE(used, 1u);  // a line needs at least its terminator
        offset += used;
        ++lines;
        non_blank_lines += assembler.length > 0 ? 1u : 0u;
        ASSERT_LE(assembler.length, SLCAN_MAX_LINE_LEN);
        slcan_reply reply{};
        bms_can_frame frame{};
        const bool transmit = slcan_channel_handle_line(&channel, assembler.line, assembler.length, &reply, &frame);
        ASSERT_LE(reply.length, SLCAN_MAX_REPLY_LEN);
        if (transmit) {
          ++frames_sent;
          ASSERT_TRUE(bms_can_frame_is_valid(&frame));
          // Whatever the channel accepted re-encodes to the same line (up to hex case).
          char out[SLCAN_ENCODED_FRAME_SIZE];
          const size_t length = slcan_encode_frame(&frame, out, sizeof out);
          ASSERT_EQ(length, assembler.length + 1u);
          for (size_t i = 0; i < assembler.length; ++i) {
            ASSERT_EQ(std::toupper(static_cast<unsigned char>(out[i])),
                      std::toupper(static_cast<unsigned char>(assembler.line[i])));
          }
        }
      }
      ASSERT_EQ(used, end - offset);
      offset = end;
    }
  }
  EXPECT_GT(lines, 10000u);
  EXPECT_GT(frames_sent, 100u);
  EXPECT_GT(assembler.overlong_lines, 100u);
  EXPECT_EQ(channel.commands_accepted + channel.commands_rejected, non_blank_lines);  // every command answered once
}

TEST(BusRobustness, SlcanDecoderAcceptsOnlyLinesThatRoundTrip) {
  std::mt19937 rng(0xDECu);
  int accepted = 0;
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    std::string line = random_valid_slcan_line(rng);
    if (random_size(rng, 0, 3) != 0) {
      const Bytes mutated = mutate(Bytes(line.begin(), line.end()), rng);
      line.assign(mutated.begin(), mutated.end());
    }
    bms_can_frame frame{};
    if (slcan_decode_frame(line.data(), line.size(), &frame) != SLCAN_OK) {
      continue;
    }
    ++accepted;
    ASSERT_TRUE(bms_can_frame_is_valid(&frame));
    char out[SLCAN_ENCODED_FRAME_SIZE];
    const size_t length = slcan_encode_frame(&frame, out, sizeof out);
    std::string expected = line;
    if (expected.empty() || expected.back() != '\r') {
      expected += '\r';
    }
    std::transform(expected.begin(), expected.end(), expected.begin(),
                   [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); });
    std::string got(out, length);
    std::transform(got.begin(), got.end(), got.begin(),
                   [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); });
    ASSERT_EQ(got, expected);
  }
  EXPECT_GT(accepted, 20000);
}

// ---- Pylontech ---------------------------------------------------------------------

TEST(BusRobustness, PylontechReceiverSurvivesRandomFramesAndCountsEachOnce) {
  std::mt19937 rng(0x351u);
  pylon_receiver receiver;
  pylon_receiver_init(&receiver);
  const uint32_t ids[] = {PYLON_ID_INVERTER_HEARTBEAT, PYLON_ID_LIMITS, PYLON_ID_SOC_SOH,
                          PYLON_ID_MEASUREMENTS,       PYLON_ID_ALARMS, PYLON_ID_REQUEST_FLAGS,
                          PYLON_ID_MANUFACTURER,       0x35A,           0x7FF};
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    bms_can_frame frame{};
    frame.id = ids[random_size(rng, 0, sizeof ids / sizeof ids[0] - 1)];
    frame.dlc = static_cast<uint8_t>(random_size(rng, 0, 15));  // DLC codes 9..15 exist on the wire too
    frame.extended = random_size(rng, 0, 9) == 0;
    frame.rtr = random_size(rng, 0, 9) == 0;
    for (uint8_t& byte : frame.data) {
      byte = random_byte(rng);
    }
    const pylon_status before = receiver.status;
    const pylon_result result = pylon_receiver_feed(&receiver, &frame);
    if (result != PYLON_OK) {
      ASSERT_EQ(std::memcmp(&before, &receiver.status, sizeof before), 0) << "a rejected frame changed the values";
    }
    ASSERT_LE(std::strlen(receiver.status.manufacturer), PYLON_MANUFACTURER_LEN);
  }
  EXPECT_EQ(receiver.frames_decoded + receiver.heartbeats + receiver.rejected + receiver.ignored,
            static_cast<uint32_t>(kIterations));
  EXPECT_EQ(receiver.seen, PYLON_SEEN_FULL_SET);
  EXPECT_GT(receiver.rejected, 1000u);
}

TEST(BusRobustness, PylontechEncodersNeverWrapWhateverTheFloat) {
  std::mt19937 rng(0xF10Au);
  std::uniform_real_distribution<float> wild(-1e6f, 1e6f);
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    pylon_status status{};
    status.limits = {wild(rng), wild(rng), wild(rng), wild(rng)};
    status.soc_soh = {wild(rng), wild(rng)};
    status.measurements = {wild(rng), wild(rng), wild(rng)};
    bms_can_frame frames[PYLON_FRAME_SET_SIZE];
    pylon_encode_frame_set(&status, frames);
    pylon_receiver receiver;
    pylon_receiver_init(&receiver);
    for (const bms_can_frame& frame : frames) {
      ASSERT_EQ(pylon_receiver_feed(&receiver, &frame), PYLON_OK);
    }
    // Clamping keeps the sign: a huge positive value never comes back negative.
    const auto same_side = [](float sent, float got) {
      return (sent >= 0.0f && got >= 0.0f) || (sent <= 0.0f && got <= 0.0f);
    };
    ASSERT_TRUE(same_side(status.limits.charge_current_limit_a, receiver.status.limits.charge_current_limit_a));
    ASSERT_TRUE(same_side(status.measurements.pack_voltage_v, receiver.status.measurements.pack_voltage_v));
    ASSERT_TRUE(same_side(status.measurements.current_a, receiver.status.measurements.current_a));
    ASSERT_TRUE(same_side(status.measurements.temperature_c, receiver.status.measurements.temperature_c));
    ASSERT_GE(receiver.status.soc_soh.soc_percent, 0.0f);
    ASSERT_LE(receiver.status.soc_soh.soc_percent, 100.0f);
  }
}

}  // namespace

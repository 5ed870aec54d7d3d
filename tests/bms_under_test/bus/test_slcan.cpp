// SLCAN: frame lines, host commands, the adapter's replies and line assembly.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "bms_under_test/bus/slcan.h"

namespace {

bms_can_frame make_frame(uint32_t id, bool extended, bool rtr, std::vector<uint8_t> data, uint8_t dlc = 0xFF) {
  bms_can_frame frame{};
  frame.id = id;
  frame.extended = extended;
  frame.rtr = rtr;
  frame.dlc = dlc == 0xFF ? static_cast<uint8_t>(data.size()) : dlc;
  if (!data.empty()) {  // memcpy from an empty vector's null data() is undefined
    std::memcpy(frame.data, data.data(), data.size());
  }
  return frame;
}

std::string encode(const bms_can_frame& frame) {
  char out[SLCAN_ENCODED_FRAME_SIZE];
  const size_t length = slcan_encode_frame(&frame, out, sizeof out);
  EXPECT_EQ(length, std::strlen(out));
  return std::string(out, length);
}

slcan_result decode(const std::string& line, bms_can_frame* out) {
  return slcan_decode_frame(line.data(), line.size(), out);
}

void expect_same_frame(const bms_can_frame& a, const bms_can_frame& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.dlc, b.dlc);
  EXPECT_EQ(a.extended, b.extended);
  EXPECT_EQ(a.rtr, b.rtr);
  if (!a.rtr) {
    EXPECT_EQ(std::memcmp(a.data, b.data, a.dlc), 0);
  }
}

TEST(Slcan, StandardDataFrameEncodesAsLowerTWithThreeIdDigitsAndUpperHex) {
  EXPECT_EQ(encode(make_frame(0x123, false, false, {0x11, 0x22, 0x33})), "t1233112233\r");
  EXPECT_EQ(encode(make_frame(0x351, false, false, {0x14, 0x02, 0x74, 0x0E, 0x74, 0x0E, 0xCC, 0x01})),
            "t35181402740E740ECC01\r");
}

TEST(Slcan, ExtendedDataFrameEncodesAsUpperTWithEightIdDigits) {
  EXPECT_EQ(encode(make_frame(0x12ABCDEF, true, false, {0xAA, 0x55})), "T12ABCDEF2AA55\r");
}

TEST(Slcan, RemoteFramesCarryADlcButNoData) {
  EXPECT_EQ(encode(make_frame(0x123, false, true, {}, 0)), "r1230\r");
  EXPECT_EQ(encode(make_frame(0x305, false, true, {0xAA}, 4)), "r3054\r");  // data bytes ignored
  EXPECT_EQ(encode(make_frame(0x1ABCDEF0, true, true, {}, 8)), "R1ABCDEF08\r");
}

TEST(Slcan, FramesRoundTripForBothIdSizesRemoteAndDlcZeroToEight) {
  const uint32_t standard_ids[] = {0x000, 0x001, 0x305, 0x35E, 0x7FF};
  const uint32_t extended_ids[] = {0x00000000, 0x00000305, 0x12345678, 0x1FFFFFFF};
  for (uint8_t dlc = 0; dlc <= 8; ++dlc) {
    std::vector<uint8_t> data;
    for (uint8_t i = 0; i < dlc; ++i) {
      data.push_back(static_cast<uint8_t>(0xF1 - 0x1D * i));
    }
    for (bool rtr : {false, true}) {
      for (uint32_t id : standard_ids) {
        const bms_can_frame frame = make_frame(id, false, rtr, rtr ? std::vector<uint8_t>{} : data, dlc);
        const std::string line = encode(frame);
        bms_can_frame decoded{};
        ASSERT_EQ(decode(line, &decoded), SLCAN_OK) << line;
        expect_same_frame(decoded, frame);
      }
      for (uint32_t id : extended_ids) {
        const bms_can_frame frame = make_frame(id, true, rtr, rtr ? std::vector<uint8_t>{} : data, dlc);
        const std::string line = encode(frame);
        bms_can_frame decoded{};
        ASSERT_EQ(decode(line, &decoded), SLCAN_OK) << line;
        expect_same_frame(decoded, frame);
      }
    }
  }
}

TEST(Slcan, DecoderAcceptsLowerCaseHexAndAnOptionalCarriageReturn) {
  bms_can_frame frame{};
  ASSERT_EQ(decode("t7ff2abcd", &frame), SLCAN_OK);
  EXPECT_EQ(frame.id, 0x7FFu);
  EXPECT_EQ(frame.data[0], 0xAB);
  EXPECT_EQ(frame.data[1], 0xCD);
  ASSERT_EQ(decode("T1fffffff0\r", &frame), SLCAN_OK);
  EXPECT_EQ(frame.id, 0x1FFFFFFFu);
  EXPECT_EQ(frame.dlc, 0);
}

TEST(Slcan, MalformedFrameLinesAreRejectedWithTheirReason) {
  bms_can_frame frame{};
  EXPECT_EQ(decode("", &frame), SLCAN_ERR_EMPTY);
  EXPECT_EQ(decode("\r", &frame), SLCAN_ERR_EMPTY);
  EXPECT_EQ(decode("x1230", &frame), SLCAN_ERR_UNKNOWN_COMMAND);
  EXPECT_EQ(decode("t12", &frame), SLCAN_ERR_BAD_LENGTH);
  EXPECT_EQ(decode("t123", &frame), SLCAN_ERR_BAD_LENGTH);
  EXPECT_EQ(decode("t1G30", &frame), SLCAN_ERR_BAD_HEX);
  EXPECT_EQ(decode("t12 0", &frame), SLCAN_ERR_BAD_HEX);
  EXPECT_EQ(decode("t1239", &frame), SLCAN_ERR_BAD_DLC);
  EXPECT_EQ(decode("t123A", &frame), SLCAN_ERR_BAD_DLC);
  EXPECT_EQ(decode("t8000", &frame), SLCAN_ERR_BAD_ID);
  EXPECT_EQ(decode("T200000000", &frame), SLCAN_ERR_BAD_ID);
  EXPECT_EQ(decode("t12321122", &frame), SLCAN_OK);
  EXPECT_EQ(decode("t1232112", &frame), SLCAN_ERR_BAD_LENGTH);       // one digit short
  EXPECT_EQ(decode("t123211223", &frame), SLCAN_ERR_BAD_LENGTH);     // one digit long
  EXPECT_EQ(decode("t12321122EA5F", &frame), SLCAN_ERR_BAD_LENGTH);  // a time stamp is not accepted
  EXPECT_EQ(decode("t1232112G", &frame), SLCAN_ERR_BAD_HEX);
  EXPECT_EQ(decode("r1231AA", &frame), SLCAN_ERR_BAD_LENGTH);  // remote frames have no data
  EXPECT_EQ(decode("T1234567", &frame), SLCAN_ERR_BAD_LENGTH);
  EXPECT_EQ(decode(std::string("t12\0"
                               "0",
                               5),
                   &frame),
            SLCAN_ERR_BAD_HEX);
  EXPECT_EQ(decode("t1230\r\r", &frame), SLCAN_ERR_BAD_LENGTH);
}

TEST(Slcan, EncoderRefusesInvalidFramesAndSmallBuffers) {
  char out[SLCAN_ENCODED_FRAME_SIZE];
  bms_can_frame too_big_id = make_frame(0x800, false, false, {});
  EXPECT_EQ(slcan_encode_frame(&too_big_id, out, sizeof out), 0u);
  bms_can_frame too_big_extended = make_frame(0x20000000, true, false, {});
  EXPECT_EQ(slcan_encode_frame(&too_big_extended, out, sizeof out), 0u);
  bms_can_frame bad_dlc = make_frame(0x100, false, false, {}, 9);
  EXPECT_EQ(slcan_encode_frame(&bad_dlc, out, sizeof out), 0u);
  const bms_can_frame longest = make_frame(0x1FFFFFFF, true, false, {1, 2, 3, 4, 5, 6, 7, 8});
  EXPECT_EQ(slcan_encode_frame(&longest, out, SLCAN_ENCODED_FRAME_SIZE), SLCAN_ENCODED_FRAME_SIZE - 1u);
  EXPECT_EQ(slcan_encode_frame(&longest, out, SLCAN_ENCODED_FRAME_SIZE - 1u), 0u);
}

TEST(Slcan, HostCommandsParse) {
  slcan_command command{};
  const auto parse = [&](const std::string& line) { return slcan_parse_command(line.data(), line.size(), &command); };
  ASSERT_EQ(parse("O"), SLCAN_OK);
  EXPECT_EQ(command.kind, SLCAN_COMMAND_OPEN);
  ASSERT_EQ(parse("L\r"), SLCAN_OK);
  EXPECT_EQ(command.kind, SLCAN_COMMAND_OPEN_LISTEN_ONLY);
  ASSERT_EQ(parse("C"), SLCAN_OK);
  EXPECT_EQ(command.kind, SLCAN_COMMAND_CLOSE);
  for (char code = '0'; code <= '8'; ++code) {
    ASSERT_EQ(parse(std::string("S") + code), SLCAN_OK);
    EXPECT_EQ(command.kind, SLCAN_COMMAND_SET_BITRATE);
    EXPECT_EQ(command.bitrate_code, code - '0');
  }
  ASSERT_EQ(parse("V"), SLCAN_OK);
  EXPECT_EQ(command.kind, SLCAN_COMMAND_VERSION);
  ASSERT_EQ(parse("v"), SLCAN_OK);
  EXPECT_EQ(command.kind, SLCAN_COMMAND_VERSION);
  EXPECT_EQ(command.letter, 'v');
  ASSERT_EQ(parse("N"), SLCAN_OK);
  EXPECT_EQ(command.kind, SLCAN_COMMAND_SERIAL_NUMBER);
  ASSERT_EQ(parse("F"), SLCAN_OK);
  EXPECT_EQ(command.kind, SLCAN_COMMAND_STATUS_FLAGS);
  ASSERT_EQ(parse("Z1"), SLCAN_OK);
  EXPECT_EQ(command.kind, SLCAN_COMMAND_TIMESTAMPS);
  EXPECT_TRUE(command.timestamps_on);
  ASSERT_EQ(parse("Z0"), SLCAN_OK);
  EXPECT_FALSE(command.timestamps_on);
  ASSERT_EQ(parse("t3050"), SLCAN_OK);
  EXPECT_EQ(command.kind, SLCAN_COMMAND_TRANSMIT);
  EXPECT_EQ(command.frame.id, 0x305u);
}

TEST(Slcan, MalformedHostCommandsAreRejected) {
  slcan_command command{};
  const auto parse = [&](const std::string& line) { return slcan_parse_command(line.data(), line.size(), &command); };
  EXPECT_EQ(parse(""), SLCAN_ERR_EMPTY);
  EXPECT_EQ(parse("S9"), SLCAN_ERR_BAD_ARGUMENT);  // 83.3k in python-can, not Lawicel
  EXPECT_EQ(parse("S"), SLCAN_ERR_BAD_LENGTH);
  EXPECT_EQ(parse("S66"), SLCAN_ERR_BAD_LENGTH);
  EXPECT_EQ(parse("Z2"), SLCAN_ERR_BAD_ARGUMENT);
  EXPECT_EQ(parse("Z"), SLCAN_ERR_BAD_LENGTH);
  EXPECT_EQ(parse("OO"), SLCAN_ERR_BAD_LENGTH);
  EXPECT_EQ(parse("o"), SLCAN_ERR_UNKNOWN_COMMAND);
  EXPECT_EQ(parse("Q"), SLCAN_ERR_UNKNOWN_COMMAND);
  EXPECT_EQ(parse("t1239"), SLCAN_ERR_BAD_DLC);
}

TEST(Slcan, BitrateCodesFollowLawicelWithS6AtFiveHundredKilobits) {
  EXPECT_EQ(slcan_bitrate_bps(0), 10000u);
  EXPECT_EQ(slcan_bitrate_bps(4), 125000u);
  EXPECT_EQ(slcan_bitrate_bps(6), 500000u);
  EXPECT_EQ(slcan_bitrate_bps(7), 800000u);
  EXPECT_EQ(slcan_bitrate_bps(8), 1000000u);
  EXPECT_EQ(slcan_bitrate_bps(9), 0u);
}

struct Exchange {
  std::string reply;
  bool transmit;
  bms_can_frame frame;
};

Exchange send(slcan_channel& channel, const std::string& line) {
  slcan_reply reply{};
  Exchange exchange{};
  exchange.transmit = slcan_channel_handle_line(&channel, line.data(), line.size(), &reply, &exchange.frame);
  exchange.reply.assign(reply.text, reply.length);
  return exchange;
}

TEST(Slcan, ChannelAnswersPythonCanStartupSequence) {
  // python-can with bitrate=500000: C, S6, an empty FD-bitrate line, O, and O again.
  slcan_channel channel;
  slcan_channel_init(&channel);
  EXPECT_EQ(send(channel, "C").reply, "\r");
  EXPECT_EQ(send(channel, "S6").reply, "\r");
  EXPECT_EQ(channel.bitrate_code, 6);
  EXPECT_EQ(send(channel, "").reply, "");
  EXPECT_EQ(send(channel, "O").reply, "\r");
  EXPECT_EQ(send(channel, "O").reply, "\r");
  EXPECT_TRUE(channel.open);
  const Exchange sent = send(channel, "t30520102");
  EXPECT_TRUE(sent.transmit);
  EXPECT_EQ(sent.reply, "z\r");
  EXPECT_EQ(sent.frame.id, 0x305u);
  EXPECT_EQ(sent.frame.dlc, 2);
  EXPECT_EQ(send(channel, "T000003050").reply, "Z\r");
  EXPECT_EQ(channel.commands_rejected, 0u);
}

TEST(Slcan, ChannelAnswersSlcandStartupStreamThroughTheLineAssembler) {
  // can-utils slcand -s6 -f -o writes this; its -b BTR form is not supported.
  const std::string stream = "C\rS6\rF\rO\rs031C\r";
  slcan_line_assembler assembler;
  slcan_line_init(&assembler);
  slcan_channel channel;
  slcan_channel_init(&channel);
  std::string replies;
  const auto* bytes = reinterpret_cast<const uint8_t*>(stream.data());
  size_t offset = 0;
  size_t used = 0;
  while (slcan_line_feed(&assembler, bytes + offset, stream.size() - offset, &used)) {
    offset += used;
    slcan_reply reply{};
    EXPECT_FALSE(slcan_channel_handle_line(&channel, assembler.line, assembler.length, &reply, nullptr));
    replies.append(reply.text, reply.length);
  }
  EXPECT_EQ(replies, "\r\rF00\r\r\a");
  EXPECT_TRUE(channel.open);
  EXPECT_EQ(slcan_bitrate_bps(channel.bitrate_code), 500000u);
}

TEST(Slcan, ChannelRefusesTransmitWhileClosedOrListeningAndBitrateWhileOpen) {
  slcan_channel channel;
  slcan_channel_init(&channel);
  Exchange exchange = send(channel, "t1230");
  EXPECT_FALSE(exchange.transmit);
  EXPECT_EQ(exchange.reply, "\a");
  ASSERT_EQ(send(channel, "L").reply, "\r");
  exchange = send(channel, "t1230");
  EXPECT_FALSE(exchange.transmit);
  EXPECT_EQ(exchange.reply, "\a");
  ASSERT_EQ(send(channel, "O").reply, "\r");
  EXPECT_EQ(send(channel, "S4").reply, "\a");
  EXPECT_EQ(channel.bitrate_code, 6);
  EXPECT_EQ(send(channel, "t12").reply, "\a");
  EXPECT_EQ(send(channel, "?").reply, "\a");
  EXPECT_EQ(channel.commands_rejected, 5u);
}

TEST(Slcan, ChannelAnswersVersionSerialStatusAndTimestampQueries) {
  slcan_channel channel;
  slcan_channel_init(&channel);
  channel.hardware_version = 10;
  channel.software_version = 13;
  channel.status_flags = 0xA5;
  EXPECT_EQ(send(channel, "V").reply, "V1013\r");  // python-can reads int(reply[1:3]), int(reply[3:5])
  EXPECT_EQ(send(channel, "v").reply, "v1013\r");
  EXPECT_EQ(send(channel, "N").reply, "NPSIM\r");
  EXPECT_EQ(send(channel, "F").reply, "FA5\r");
  EXPECT_EQ(send(channel, "Z1").reply, "\r");
  EXPECT_EQ(send(channel, "Z0").reply, "\r");
}

struct Line {
  std::string text;
  char terminator;
};

std::vector<Line> assemble(slcan_line_assembler& assembler, const std::string& stream, size_t chunk = 0) {
  std::vector<Line> lines;
  size_t offset = 0;
  while (offset < stream.size()) {
    const size_t end = chunk == 0 ? stream.size() : std::min(stream.size(), offset + chunk);
    const auto* bytes = reinterpret_cast<const uint8_t*>(stream.data());
    size_t used = 0;
    while (slcan_line_feed(&assembler, bytes + offset, end - offset, &used)) {
      offset += used;
      lines.push_back({std::string(assembler.line, assembler.length), assembler.terminator});
      EXPECT_LE(assembler.length, SLCAN_MAX_LINE_LEN);
      EXPECT_EQ(assembler.line[assembler.length], '\0');
    }
    EXPECT_EQ(offset + used, end);
    offset = end;
  }
  return lines;
}

std::vector<std::string> texts(const std::vector<Line>& lines) {
  std::vector<std::string> out;
  for (const Line& line : lines) {
    out.push_back(line.text);
  }
  return out;
}

TEST(Slcan, LineAssemblerSplitsAtCarriageReturnsWhateverTheChunking) {
  const std::string stream = "C\rS6\r\rO\rt1233112233\rT12ABCDEF2AA55\r";
  const std::vector<std::string> expected = {"C", "S6", "", "O", "t1233112233", "T12ABCDEF2AA55"};
  for (size_t chunk = 0; chunk <= stream.size(); ++chunk) {
    slcan_line_assembler assembler;
    slcan_line_init(&assembler);
    EXPECT_EQ(texts(assemble(assembler, stream, chunk)), expected) << "chunk " << chunk;
    EXPECT_EQ(assembler.lines, expected.size());
  }
}

TEST(Slcan, LineAssemblerSkipsTheLineFeedOfCrLfAndEndsLinesAtBel) {
  slcan_line_assembler assembler;
  slcan_line_init(&assembler);
  const auto lines = assemble(assembler, "\nO\r\nV1013\r\a");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].text, "O");
  EXPECT_EQ(lines[1].text, "V1013");
  EXPECT_EQ(lines[2].text, "");
  EXPECT_EQ(lines[2].terminator, '\a');
}

TEST(Slcan, OverlongLinesAreDroppedCountedAndTheNextLineSurvives) {
  slcan_line_assembler assembler;
  slcan_line_init(&assembler);
  const std::string longest_kept(SLCAN_MAX_LINE_LEN, 'x');
  const std::string too_long(SLCAN_MAX_LINE_LEN + 1, 'y');
  const std::string stream = too_long + "\r" + longest_kept + "\r" + std::string(500, 'z') + "\rO\r";
  for (size_t chunk : {size_t{0}, size_t{1}, size_t{7}}) {
    slcan_line_init(&assembler);
    EXPECT_EQ(texts(assemble(assembler, stream, chunk)), (std::vector<std::string>{longest_kept, "O"}));
    EXPECT_EQ(assembler.overlong_lines, 2u);
    EXPECT_EQ(assembler.lines, 2u);
  }
}

}  // namespace

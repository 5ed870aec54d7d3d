// The remote-HAL link's codec: CRC, frame writer, stream decoder, and every
// payload's encode/decode pair, including the refusals.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bms_under_test/hal/link/hal_link_protocol.h"
#include "tests/bms_under_test/hal/link/hal_link_test_support.h"

namespace packsim::hal::link_test {
namespace {

// Decodes `bytes` with a fresh decoder, expecting exactly one whole frame.
struct OneFrame {
  std::unique_ptr<hal_link_decoder> decoder{std::make_unique<hal_link_decoder>()};
  hal_link_frame frame{};
};

std::unique_ptr<OneFrame> decode_one(const Bytes& bytes) {
  auto result{std::make_unique<OneFrame>()};
  hal_link_decoder_reset(result->decoder.get());
  std::size_t consumed{0};
  hal_link_error error{};
  const hal_link_decode_result r{
      hal_link_decoder_feed(result->decoder.get(), bytes.data(), bytes.size(), &consumed, &result->frame, &error)};
  EXPECT_EQ(r, HAL_LINK_DECODE_FRAME) << error_text(error);
  EXPECT_EQ(consumed, bytes.size());
  return result;
}

// Encode -> frame -> decoder -> the frame's payload, checking type and sequence survive.
template <typename Encode>
std::unique_ptr<OneFrame> through_the_wire(std::uint8_t type, Encode encode_function) {
  const Bytes payload{encode(encode_function)};
  EXPECT_FALSE(payload.empty());
  auto decoded{decode_one(frame_bytes(type, 0x5C, payload))};
  EXPECT_EQ(decoded->frame.type, type);
  EXPECT_EQ(decoded->frame.sequence, 0x5C);
  EXPECT_EQ(decoded->frame.payload_length, payload.size());
  return decoded;
}

Bytes text_bytes(const std::string& text) { return Bytes(text.begin(), text.end()); }

// ---- CRC and frames ----

TEST(HalLinkCrc, MatchesTheCcittFalseCheckValue) {
  const Bytes check{text_bytes("123456789")};
  EXPECT_EQ(hal_link_crc16(0xFFFF, check.data(), check.size()), 0x29B1);
  // Continuing from a partial CRC gives the same result as one pass.
  const std::uint16_t first_part{hal_link_crc16(0xFFFF, check.data(), 4)};
  EXPECT_EQ(hal_link_crc16(first_part, check.data() + 4, 5), 0x29B1);
  EXPECT_EQ(hal_link_crc16(0xFFFF, nullptr, 0), 0xFFFF);
}

TEST(HalLinkFrame, WriterLaysOutSyncHeaderPayloadAndLittleEndianCrc) {
  const Bytes payload{0x01, 0x02, 0x03};
  const Bytes frame{frame_bytes(HAL_LINK_RUN, 7, payload)};
  ASSERT_EQ(frame.size(), 6u + 3u + 2u);
  EXPECT_EQ(frame[0], 0xA5);
  EXPECT_EQ(frame[1], 0x5A);
  EXPECT_EQ(frame[2], HAL_LINK_RUN);
  EXPECT_EQ(frame[3], 7);
  EXPECT_EQ(frame[4], 3);
  EXPECT_EQ(frame[5], 0);
  EXPECT_EQ(Bytes(frame.begin() + 6, frame.begin() + 9), payload);
  const std::uint16_t crc{hal_link_crc16(0xFFFF, frame.data() + 2, 4 + 3)};
  EXPECT_EQ(frame[9], crc & 0xFF);
  EXPECT_EQ(frame[10], crc >> 8);
}

TEST(HalLinkFrame, WriterRefusesAnOversizedPayloadOrASmallBuffer) {
  Bytes payload(HAL_LINK_MAX_PAYLOAD + 1, 0);
  Bytes out(HAL_LINK_MAX_FRAME + 16);
  EXPECT_EQ(hal_link_frame_write(HAL_LINK_LOG, 0, payload.data(), static_cast<std::uint16_t>(payload.size()),
                                 out.data(), out.size()),
            0u);
  EXPECT_EQ(hal_link_frame_write(HAL_LINK_LOG, 0, payload.data(), 10, out.data(), 6 + 10 + 1), 0u);
  EXPECT_EQ(hal_link_frame_write(HAL_LINK_LOG, 0, payload.data(), 10, out.data(), 6 + 10 + 2), 18u);
  EXPECT_EQ(hal_link_frame_write(HAL_LINK_LOG, 0, payload.data(), HAL_LINK_MAX_PAYLOAD, out.data(), out.size()),
            HAL_LINK_MAX_FRAME);
}

TEST(HalLinkFrame, WriterUsesAPayloadAlreadyInPlace) {
  Bytes out(64, 0);
  const Bytes payload{9, 8, 7, 6};
  std::memcpy(out.data() + HAL_LINK_HEADER_SIZE, payload.data(), payload.size());
  const std::size_t size{hal_link_frame_write(HAL_LINK_LOG, 3, out.data() + HAL_LINK_HEADER_SIZE, 4, out.data(),
                                              out.size())};
  out.resize(size);
  EXPECT_EQ(out, frame_bytes(HAL_LINK_LOG, 3, payload));
}

TEST(HalLinkFrame, TypeNamesAndKnownTypes) {
  EXPECT_STREQ(hal_link_type_name(HAL_LINK_I2C_WRITE_READ), "I2C_WRITE_READ");
  EXPECT_STREQ(hal_link_type_name(HAL_LINK_ERROR), "ERROR");
  EXPECT_STREQ(hal_link_type_name(0x42), "unknown");
  int known{0};
  for (int type = 0; type < 256; ++type) {
    known += hal_link_type_is_known(static_cast<std::uint8_t>(type));
  }
  EXPECT_EQ(known, 19);
}

// ---- Decoder ----

// A decoder and what its last feed gave.
struct Feeder {
  std::unique_ptr<hal_link_decoder> decoder{std::make_unique<hal_link_decoder>()};
  hal_link_frame out{};
  hal_link_error error{};
  std::size_t consumed{0};

  Feeder() { hal_link_decoder_reset(decoder.get()); }
  hal_link_decode_result feed(const std::uint8_t* data, std::size_t length) {
    consumed = 0;
    return hal_link_decoder_feed(decoder.get(), data, length, &consumed, &out, &error);
  }
  // The rest of `stream` from `offset`.
  hal_link_decode_result feed(const Bytes& stream, std::size_t offset = 0) {
    return feed(stream.data() + offset, stream.size() - offset);
  }
};

TEST(HalLinkDecoder, AFrameSplitAtEveryByteBoundaryDecodes) {
  const Bytes frame{frame_bytes(HAL_LINK_REPLY, 42, Bytes{1, 2, 3, 4, 5, 6, 7})};
  for (std::size_t split = 0; split <= frame.size(); ++split) {
    Feeder feeder;
    EXPECT_EQ(feeder.feed(frame.data(), split),
              split == frame.size() ? HAL_LINK_DECODE_FRAME : HAL_LINK_DECODE_NEED_MORE);
    EXPECT_EQ(feeder.consumed, split);
    if (split < frame.size()) {
      ASSERT_EQ(feeder.feed(frame, split), HAL_LINK_DECODE_FRAME) << "split at " << split;
      EXPECT_EQ(feeder.consumed, frame.size() - split);
    }
    EXPECT_EQ(feeder.out.sequence, 42);
    EXPECT_EQ(Bytes(feeder.out.payload, feeder.out.payload + feeder.out.payload_length), (Bytes{1, 2, 3, 4, 5, 6, 7}));
  }
  // One byte at a time.
  Feeder feeder;
  int frames{0};
  for (std::uint8_t byte : frame) {
    frames += feeder.feed(&byte, 1) == HAL_LINK_DECODE_FRAME;
    EXPECT_EQ(feeder.consumed, 1u);
  }
  EXPECT_EQ(frames, 1);
}

TEST(HalLinkDecoder, SeveralFramesInOneBufferComeOutOneAtATime) {
  Bytes stream;
  for (std::uint8_t sequence = 0; sequence < 5; ++sequence) {
    const Bytes frame{frame_bytes(HAL_LINK_LOG, sequence, Bytes(sequence, static_cast<std::uint8_t>('a' + sequence)))};
    stream.insert(stream.end(), frame.begin(), frame.end());
  }
  Feeder feeder;
  std::size_t offset{0};
  std::uint8_t expected_sequence{0};
  while (offset < stream.size()) {
    ASSERT_EQ(feeder.feed(stream, offset), HAL_LINK_DECODE_FRAME);
    EXPECT_EQ(feeder.out.sequence, expected_sequence);
    EXPECT_EQ(feeder.out.payload_length, expected_sequence);
    ++expected_sequence;
    offset += feeder.consumed;
  }
  EXPECT_EQ(expected_sequence, 5);
  EXPECT_EQ(feeder.decoder->bytes_skipped, 0u);
}

TEST(HalLinkDecoder, GarbageBeforeTheFirstFrameIsSkippedAndCounted) {
  // A boot banner, a lone 0xA5, a sync pair with an unknown type and one with
  // an impossible length: none of it can be a frame.
  Bytes garbage{text_bytes("BOOT v1.2\r\n")};
  garbage.push_back(0xA5);
  garbage.push_back(0x00);
  for (std::uint8_t byte : Bytes{0xA5, 0x5A, 0x42, 0x00, 0x01, 0x00}) {
    garbage.push_back(byte);
  }
  for (std::uint8_t byte : Bytes{0xA5, 0x5A, HAL_LINK_HELLO, 0x00, 0xFF, 0xFF}) {
    garbage.push_back(byte);
  }
  garbage.push_back(0xA5);  // right before the real sync
  Bytes stream{garbage};
  const Bytes frame{frame_bytes(HAL_LINK_HELLO, 0, Bytes(8, 0))};
  stream.insert(stream.end(), frame.begin(), frame.end());

  Feeder feeder;
  ASSERT_EQ(feeder.feed(stream), HAL_LINK_DECODE_FRAME) << error_text(feeder.error);
  EXPECT_EQ(feeder.consumed, stream.size());
  EXPECT_EQ(feeder.out.type, HAL_LINK_HELLO);
  EXPECT_EQ(feeder.decoder->bytes_skipped, garbage.size());
  EXPECT_TRUE(feeder.decoder->synchronised);
}

TEST(HalLinkDecoder, GarbageAfterTheFirstFrameIsAnError) {
  const Bytes frame{frame_bytes(HAL_LINK_RUN_DONE, 1, Bytes(16, 0))};
  Bytes stream{frame};
  for (std::uint8_t byte : text_bytes("oops")) {
    stream.push_back(byte);
  }
  const Bytes second{frame_bytes(HAL_LINK_RUN_DONE, 2, Bytes(16, 0))};
  stream.insert(stream.end(), second.begin(), second.end());

  Feeder feeder;
  ASSERT_EQ(feeder.feed(stream), HAL_LINK_DECODE_FRAME);
  std::size_t offset{feeder.consumed};
  ASSERT_EQ(feeder.feed(stream, offset), HAL_LINK_DECODE_ERROR);
  EXPECT_STREQ(feeder.error.field, "sync");
  EXPECT_EQ(error_text(feeder.error), "sync: got 0x6F, expected 0xA5");
  EXPECT_EQ(feeder.consumed, 4u);  // the whole stray run, as one error
  offset += feeder.consumed;
  // The decoder dropped the bad bytes: the next frame still decodes.
  ASSERT_EQ(feeder.feed(stream, offset), HAL_LINK_DECODE_FRAME);
  EXPECT_EQ(feeder.out.sequence, 2);
  EXPECT_EQ(feeder.decoder->bytes_skipped, 0u);
}

TEST(HalLinkDecoder, ABadCrcIsAnErrorNamingTheCrcWithGotAndExpected) {
  Bytes frame{frame_bytes(HAL_LINK_REPLY, 0, Bytes{0, 0, 0, 0, 0, 0, 0})};
  const std::uint16_t good{static_cast<std::uint16_t>(frame[frame.size() - 2] | (frame[frame.size() - 1] << 8))};
  frame[8] ^= 0x10;  // a payload bit flips in transit
  const std::uint16_t expected{hal_link_crc16(0xFFFF, frame.data() + 2, frame.size() - 4)};
  ASSERT_NE(good, expected);
  Feeder feeder;
  ASSERT_EQ(feeder.feed(frame), HAL_LINK_DECODE_ERROR);
  EXPECT_EQ(feeder.error.code, HAL_LINK_ERROR_CRC);
  EXPECT_STREQ(feeder.error.field, "crc");
  char hex[64];
  std::snprintf(hex, sizeof hex, "got 0x%04X, expected 0x%04X", good, expected);
  EXPECT_EQ(std::string{feeder.error.detail}, hex);
  EXPECT_EQ(feeder.consumed, frame.size());
}

// A good frame (the decoder is then synchronised), then `after`: the error
// the decoder reports for what follows.
hal_link_error error_after_a_good_frame(const Bytes& after) {
  Bytes stream{frame_bytes(HAL_LINK_RUN_DONE, 1, Bytes(16, 0))};
  stream.insert(stream.end(), after.begin(), after.end());
  Feeder feeder;
  EXPECT_EQ(feeder.feed(stream), HAL_LINK_DECODE_FRAME);
  EXPECT_EQ(feeder.feed(stream, feeder.consumed), HAL_LINK_DECODE_ERROR);
  return feeder.error;
}

TEST(HalLinkDecoder, ALengthBeyondTheMaximumIsAnErrorOnceSynchronised) {
  const hal_link_error error{error_after_a_good_frame(Bytes{0xA5, 0x5A, HAL_LINK_RUN_DONE, 2, 0x01, 0x04})};  // 1025
  EXPECT_EQ(error.code, HAL_LINK_ERROR_LENGTH);
  EXPECT_EQ(error_text(error), "length: got 1025, at most 1024");
}

TEST(HalLinkDecoder, AnUnknownTypeIsAnErrorOnceSynchronised) {
  const hal_link_error error{error_after_a_good_frame(frame_bytes(0x42, 2, Bytes{1}))};
  EXPECT_EQ(error.code, HAL_LINK_ERROR_UNKNOWN_TYPE);
  EXPECT_STREQ(error.field, "type");
}

// ---- Round trips: encode -> frame -> decode ----

TEST(HalLinkRoundTrip, Hello) {
  const hal_link_hello in{1, 3, BMS_HAL_VERSION};
  auto wire{through_the_wire(HAL_LINK_HELLO,
                             [&](std::uint8_t* out, std::size_t cap) { return hal_link_encode_hello(&in, out, cap); })};
  hal_link_hello out{};
  hal_link_error error{};
  ASSERT_EQ(hal_link_decode_hello(&wire->frame, &out, &error), 0) << error_text(error);
  EXPECT_EQ(out.protocol_major, 1);
  EXPECT_EQ(out.protocol_minor, 3);
  EXPECT_EQ(out.host_hal_version, BMS_HAL_VERSION);
  EXPECT_EQ(wire->frame.payload_length, 8u);
}

TEST(HalLinkRoundTrip, HelloReply) {
  hal_link_hello_reply in{};
  in.protocol_major = 1;
  in.protocol_minor = 0;
  in.hal_version = 0x00010002;
  in.tick_period_ms = 10;
  in.observable_count = 12;
  in.can_rx_capacity = 64;
  in.uart_rx_capacity = 512;
  in.max_payload = 1024;
  in.name = link_string("packsim reference BMS");
  in.version = link_string(std::string(255, 'v'));
  auto wire{through_the_wire(HAL_LINK_HELLO_REPLY, [&](std::uint8_t* out, std::size_t cap) {
    return hal_link_encode_hello_reply(&in, out, cap);
  })};
  auto out{std::make_unique<hal_link_hello_reply>()};
  hal_link_error error{};
  ASSERT_EQ(hal_link_decode_hello_reply(&wire->frame, out.get(), &error), 0) << error_text(error);
  EXPECT_EQ(out->hal_version, 0x00010002u);
  EXPECT_EQ(out->tick_period_ms, 10u);
  EXPECT_EQ(out->observable_count, 12);
  EXPECT_EQ(out->can_rx_capacity, 64);
  EXPECT_EQ(out->uart_rx_capacity, 512);
  EXPECT_EQ(out->max_payload, 1024);
  EXPECT_STREQ(out->name.text, "packsim reference BMS");
  EXPECT_EQ(out->version.length, 255);
  EXPECT_EQ(std::string{out->version.text}, std::string(255, 'v'));
}

TEST(HalLinkRoundTrip, DescribeAndReadObservables) {
  const hal_link_describe describe{3, HAL_LINK_DESCRIBE_OBSERVABLE};
  auto wire{through_the_wire(HAL_LINK_DESCRIBE, [&](std::uint8_t* out, std::size_t cap) {
    return hal_link_encode_describe(&describe, out, cap);
  })};
  hal_link_describe describe_out{};
  hal_link_error error{};
  ASSERT_EQ(hal_link_decode_describe(&wire->frame, &describe_out, &error), 0);
  EXPECT_EQ(describe_out.observable_index, 3);
  EXPECT_EQ(describe_out.item, HAL_LINK_DESCRIBE_OBSERVABLE);

  const hal_link_read_observables read{5, 200};
  wire = through_the_wire(HAL_LINK_READ_OBSERVABLES, [&](std::uint8_t* out, std::size_t cap) {
    return hal_link_encode_read_observables(&read, out, cap);
  });
  hal_link_read_observables read_out{};
  ASSERT_EQ(hal_link_decode_read_observables(&wire->frame, &read_out, &error), 0);
  EXPECT_EQ(read_out.first, 5);
  EXPECT_EQ(read_out.count, 200);
}

TEST(HalLinkRoundTrip, DescriptionOfAnObservableAndOfAValueName) {
  auto in{std::make_unique<hal_link_description>()};
  in->observable_index = 7;
  in->item = HAL_LINK_DESCRIBE_OBSERVABLE;
  in->type = BMS_OBSERVABLE_ENUM;
  in->value_name_count = 9;
  in->name = link_string("state");
  in->unit = link_string("");
  in->description = link_string("the state machine's state");
  auto wire{through_the_wire(HAL_LINK_DESCRIPTION, [&](std::uint8_t* out, std::size_t cap) {
    return hal_link_encode_description(in.get(), out, cap);
  })};
  auto out{std::make_unique<hal_link_description>()};
  hal_link_error error{};
  ASSERT_EQ(hal_link_decode_description(&wire->frame, out.get(), &error), 0) << error_text(error);
  EXPECT_EQ(out->observable_index, 7);
  EXPECT_EQ(out->type, BMS_OBSERVABLE_ENUM);
  EXPECT_EQ(out->value_name_count, 9);
  EXPECT_STREQ(out->name.text, "state");
  EXPECT_STREQ(out->unit.text, "");
  EXPECT_STREQ(out->description.text, "the state machine's state");

  in->item = 2;
  in->name = link_string("normal");
  wire = through_the_wire(HAL_LINK_DESCRIPTION, [&](std::uint8_t* o, std::size_t cap) {
    return hal_link_encode_description(in.get(), o, cap);
  });
  EXPECT_EQ(wire->frame.payload_length, 4u + 1u + 6u);  // only the value name follows the item
  ASSERT_EQ(hal_link_decode_description(&wire->frame, out.get(), &error), 0) << error_text(error);
  EXPECT_EQ(out->item, 2);
  EXPECT_STREQ(out->name.text, "normal");
}

TEST(HalLinkRoundTrip, ObservableValuesUpToAFullFrame) {
  auto in{std::make_unique<hal_link_observable_values>()};
  in->first = 1;
  in->count = HAL_LINK_MAX_VALUES_PER_FRAME;
  for (std::uint32_t i = 0; i < in->count; ++i) {
    in->values[i] = 0xDEAD0000u + i;
  }
  auto wire{through_the_wire(HAL_LINK_OBSERVABLE_VALUES, [&](std::uint8_t* out, std::size_t cap) {
    return hal_link_encode_observable_values(in.get(), out, cap);
  })};
  EXPECT_EQ(wire->frame.payload_length, HAL_LINK_MAX_PAYLOAD);
  auto out{std::make_unique<hal_link_observable_values>()};
  hal_link_error error{};
  ASSERT_EQ(hal_link_decode_observable_values(&wire->frame, out.get(), &error), 0) << error_text(error);
  EXPECT_EQ(out->first, 1);
  ASSERT_EQ(out->count, HAL_LINK_MAX_VALUES_PER_FRAME);
  for (std::uint32_t i = 0; i < out->count; ++i) {
    EXPECT_EQ(out->values[i], 0xDEAD0000u + i);
  }
}

TEST(HalLinkRoundTrip, InitAndRunWithCanFramesAndUartBytes) {
  Bytes frames;
  bms_can_frame can{};
  can.id = 0x351;
  can.dlc = 3;
  can.data[0] = 1;
  can.data[1] = 2;
  can.data[2] = 3;
  Bytes wire_frame(HAL_LINK_CAN_FRAME_SIZE);
  ASSERT_EQ(hal_link_encode_can_frame(&can, wire_frame.data(), wire_frame.size()), HAL_LINK_CAN_FRAME_SIZE);
  frames.insert(frames.end(), wire_frame.begin(), wire_frame.end());
  can.id = 0x1FFFFFFF;
  can.extended = true;
  can.rtr = true;
  can.dlc = 8;
  ASSERT_EQ(hal_link_encode_can_frame(&can, wire_frame.data(), wire_frame.size()), HAL_LINK_CAN_FRAME_SIZE);
  frames.insert(frames.end(), wire_frame.begin(), wire_frame.end());
  const Bytes uart{text_bytes("hello")};
  for (std::uint8_t type : {std::uint8_t{HAL_LINK_INIT}, std::uint8_t{HAL_LINK_RUN}}) {
    const hal_link_run in{0xFFFFFFF0u, 0x09, HAL_LINK_RUN_SEND_OBSERVABLES, 2, 5, frames.data(), uart.data()};
    auto wire{through_the_wire(type, [&](std::uint8_t* out, std::size_t cap) { return hal_link_encode_run(&in, out, cap); })};
    hal_link_run out{};
    hal_link_error error{};
    ASSERT_EQ(hal_link_decode_run(&wire->frame, &out, &error), 0) << error_text(error);
    EXPECT_EQ(out.millis, 0xFFFFFFF0u);
    EXPECT_EQ(out.gpio_inputs, 0x09);
    ASSERT_EQ(out.can_frame_count, 2);
    ASSERT_EQ(out.uart_byte_count, 5);
    EXPECT_EQ(Bytes(out.can_frames, out.can_frames + 28), frames);
    EXPECT_EQ(Bytes(out.uart_bytes, out.uart_bytes + 5), uart);
    bms_can_frame decoded{};
    ASSERT_EQ(hal_link_decode_can_frame(out.can_frames + HAL_LINK_CAN_FRAME_SIZE, &decoded, &error), 0);
    EXPECT_EQ(decoded.id, 0x1FFFFFFFu);
    EXPECT_TRUE(decoded.extended);
    EXPECT_TRUE(decoded.rtr);
    EXPECT_EQ(decoded.dlc, 8);
  }
}

TEST(HalLinkRoundTrip, InitDoneAndRunDone) {
  const hal_link_done in{-7, 60, 500, 123456, HAL_LINK_NO_WAKE_HINT};
  for (std::uint8_t type : {std::uint8_t{HAL_LINK_INIT_DONE}, std::uint8_t{HAL_LINK_RUN_DONE}}) {
    auto wire{through_the_wire(type, [&](std::uint8_t* out, std::size_t cap) { return hal_link_encode_done(&in, out, cap); })};
    EXPECT_EQ(wire->frame.payload_length, 16u);
    hal_link_done out{};
    hal_link_error error{};
    ASSERT_EQ(hal_link_decode_done(&wire->frame, &out, &error), 0) << error_text(error);
    EXPECT_EQ(out.result, -7);
    EXPECT_EQ(out.can_rx_room, 60);
    EXPECT_EQ(out.uart_rx_room, 500);
    EXPECT_EQ(out.can_rx_overruns, 123456u);
    EXPECT_EQ(out.next_wake_ms, HAL_LINK_NO_WAKE_HINT);
  }
}

TEST(HalLinkRoundTrip, TheThreeI2cCallsCarryOnlyTheirFields) {
  const Bytes data(HAL_LINK_MAX_TRANSFER, 0x3C);
  struct Case {
    std::uint8_t type;
    hal_link_i2c in;
    std::size_t payload_length;
  };
  const Case cases[]{
      {HAL_LINK_I2C_WRITE, {0x08, 512, 0, data.data()}, 1 + 2 + 512},
      {HAL_LINK_I2C_READ, {0x7F, 0, 512, nullptr}, 1 + 2},
      {HAL_LINK_I2C_WRITE_READ, {0x50, 2, 32, data.data()}, 1 + 2 + 2 + 2},
  };
  for (const Case& c : cases) {
    auto wire{through_the_wire(c.type, [&](std::uint8_t* out, std::size_t cap) { return hal_link_encode_i2c(c.type, &c.in, out, cap); })};
    EXPECT_EQ(wire->frame.payload_length, c.payload_length);
    hal_link_i2c out{};
    hal_link_error error{};
    ASSERT_EQ(hal_link_decode_i2c(&wire->frame, &out, &error), 0) << error_text(error);
    EXPECT_EQ(out.address7, c.in.address7);
    EXPECT_EQ(out.write_length, c.in.write_length);
    EXPECT_EQ(out.read_length, c.in.read_length);
    if (c.in.write_length > 0) {
      EXPECT_EQ(Bytes(out.write_data, out.write_data + out.write_length), Bytes(c.in.write_length, 0x3C));
    }
  }
}

TEST(HalLinkRoundTrip, CanSendOfStandardExtendedAndRemoteFrames) {
  bms_can_frame frames[3]{};
  frames[0].id = 0x7FF;
  frames[0].dlc = 8;
  for (std::uint8_t i = 0; i < 8; ++i) {
    frames[0].data[i] = static_cast<std::uint8_t>(0xA0 + i);
  }
  frames[1].id = 0x18FF50E5;
  frames[1].extended = true;
  frames[1].dlc = 2;
  frames[1].data[0] = 0x11;
  frames[1].data[1] = 0x22;
  frames[1].data[5] = 0x99;  // past dlc: not carried
  frames[2].id = 0x100;
  frames[2].rtr = true;
  frames[2].dlc = 4;
  for (const bms_can_frame& in : frames) {
    auto wire{through_the_wire(HAL_LINK_CAN_SEND, [&](std::uint8_t* out, std::size_t cap) {
      return hal_link_encode_can_frame(&in, out, cap);
    })};
    bms_can_frame out{};
    hal_link_error error{};
    ASSERT_EQ(hal_link_decode_can_send(&wire->frame, &out, &error), 0) << error_text(error);
    EXPECT_EQ(out.id, in.id);
    EXPECT_EQ(out.dlc, in.dlc);
    EXPECT_EQ(out.extended, in.extended);
    EXPECT_EQ(out.rtr, in.rtr);
    for (std::uint8_t i = 0; i < 8; ++i) {
      EXPECT_EQ(out.data[i], i < in.dlc ? in.data[i] : 0) << "byte " << int{i};
    }
  }
}

TEST(HalLinkRoundTrip, UartWriteGpioWriteReplyErrorAndLog) {
  hal_link_error error{};
  const Bytes uart{text_bytes("status\r\n")};
  const hal_link_bytes uart_in{static_cast<std::uint16_t>(uart.size()), uart.data()};
  auto wire{through_the_wire(HAL_LINK_UART_WRITE, [&](std::uint8_t* out, std::size_t cap) {
    return hal_link_encode_uart_write(&uart_in, out, cap);
  })};
  hal_link_bytes uart_out{};
  ASSERT_EQ(hal_link_decode_uart_write(&wire->frame, &uart_out, &error), 0);
  EXPECT_EQ(Bytes(uart_out.data, uart_out.data + uart_out.length), uart);

  const hal_link_gpio_write gpio_in{BMS_GPIO_STATUS_LED, 1};
  wire = through_the_wire(HAL_LINK_GPIO_WRITE, [&](std::uint8_t* out, std::size_t cap) {
    return hal_link_encode_gpio_write(&gpio_in, out, cap);
  });
  hal_link_gpio_write gpio_out{};
  ASSERT_EQ(hal_link_decode_gpio_write(&wire->frame, &gpio_out, &error), 0);
  EXPECT_EQ(gpio_out.pin, static_cast<std::uint32_t>(BMS_GPIO_STATUS_LED));
  EXPECT_EQ(gpio_out.level, 1);

  const Bytes read_data{0xDE, 0xAD};
  const hal_link_reply reply_in{BMS_HAL_NACK, 0x81, 2, read_data.data()};
  wire = through_the_wire(HAL_LINK_REPLY, [&](std::uint8_t* out, std::size_t cap) { return hal_link_encode_reply(&reply_in, out, cap); });
  hal_link_reply reply_out{};
  ASSERT_EQ(hal_link_decode_reply(&wire->frame, &reply_out, &error), 0);
  EXPECT_EQ(reply_out.result, BMS_HAL_NACK);
  EXPECT_EQ(reply_out.gpio_inputs, 0x81);
  EXPECT_EQ(Bytes(reply_out.data, reply_out.data + reply_out.data_length), read_data);

  hal_link_error_frame error_in{};
  error_in.code = HAL_LINK_ERROR_SEQUENCE;
  error_in.text = link_string("sequence: got 14, expected 12");
  wire = through_the_wire(HAL_LINK_ERROR, [&](std::uint8_t* out, std::size_t cap) {
    return hal_link_encode_error_frame(&error_in, out, cap);
  });
  hal_link_error_frame error_out{};
  ASSERT_EQ(hal_link_decode_error_frame(&wire->frame, &error_out, &error), 0);
  EXPECT_EQ(error_out.code, HAL_LINK_ERROR_SEQUENCE);
  EXPECT_STREQ(error_out.text.text, "sequence: got 14, expected 12");

  const Bytes line{text_bytes("soc 51.2 %\tok")};
  auto log{decode_one(frame_bytes(HAL_LINK_LOG, 9, line))};
  hal_link_string log_out{};
  ASSERT_EQ(hal_link_decode_log(&log->frame, &log_out, &error), 0);
  EXPECT_STREQ(log_out.text, "soc 51.2 %\tok");
}

TEST(HalLinkRoundTrip, ALogLongerThanAStringIsCut) {
  const Bytes line(400, 'x');
  const hal_link_frame frame{frame_view(HAL_LINK_LOG, line)};
  hal_link_string out{};
  hal_link_error error{};
  ASSERT_EQ(hal_link_decode_log(&frame, &out, &error), 0);
  EXPECT_EQ(out.length, HAL_LINK_MAX_STRING);
  EXPECT_EQ(std::string{out.text}, std::string(HAL_LINK_MAX_STRING, 'x'));
}

// ---- Refusals ----

TEST(HalLinkDecode, EveryMessageRefusesEveryShortPayloadNamingItsMissingField) {
  for (const Sample& sample : valid_samples()) {
    ASSERT_FALSE(sample.payload.empty()) << sample.prefix;
    const DecoderEntry* decoder{decoder_for(sample.type)};
    ASSERT_NE(decoder, nullptr);
    hal_link_error error{};
    const hal_link_frame whole{frame_view(sample.type, sample.payload)};
    ASSERT_EQ(decoder->decode(&whole, &error), 0) << sample.prefix << " " << error_text(error);
    for (std::size_t length = 0; length < sample.payload.size(); ++length) {
      const Bytes cut(sample.payload.begin(), sample.payload.begin() + static_cast<std::ptrdiff_t>(length));
      const hal_link_frame frame{frame_view(sample.type, cut)};
      error = hal_link_error{};
      EXPECT_EQ(decoder->decode(&frame, &error), -1) << sample.prefix << " cut to " << length;
      EXPECT_EQ(error.code, HAL_LINK_ERROR_FIELD);
      EXPECT_EQ(std::string{error.field}.rfind(sample.prefix, 0), 0u)
          << sample.prefix << " cut to " << length << ": " << error_text(error);
    }
  }
}

TEST(HalLinkDecode, EveryMessageRefusesBytesPastItsEnd) {
  for (Sample sample : valid_samples()) {
    sample.payload.push_back(0);
    const hal_link_frame frame{frame_view(sample.type, sample.payload)};
    hal_link_error error{};
    EXPECT_EQ(decoder_for(sample.type)->decode(&frame, &error), -1) << sample.prefix;
    EXPECT_EQ(error.code, HAL_LINK_ERROR_FIELD);
    EXPECT_EQ(std::string{error.field}, sample.prefix + "payload_length") << error_text(error);
  }
}

TEST(HalLinkDecode, TheNamedShortFieldIsTheFirstOneMissing) {
  const Bytes hello{1, 0, 0, 0, 0, 0};  // major, minor, then half of host_hal_version
  const hal_link_frame frame{frame_view(HAL_LINK_HELLO, hello)};
  hal_link_hello out{};
  hal_link_error error{};
  ASSERT_EQ(hal_link_decode_hello(&frame, &out, &error), -1);
  EXPECT_EQ(error_text(error), "hello.host_hal_version: missing: the payload ends at byte 6");
}

// Decodes one payload with the decoder for `type`; returns the error's field ("" when it decoded).
std::string refusal(std::uint8_t type, const Bytes& payload) {
  const hal_link_frame frame{frame_view(type, payload)};
  hal_link_error error{};
  if (decoder_for(type)->decode(&frame, &error) == 0) {
    return "";
  }
  EXPECT_EQ(error.code, HAL_LINK_ERROR_FIELD) << error_text(error);
  return error.field;
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) {
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

Bytes u16(std::uint16_t value) { return Bytes{static_cast<std::uint8_t>(value), static_cast<std::uint8_t>(value >> 8)}; }

TEST(HalLinkDecode, AnI2cAddressAboveSevenBitsIsRefused) {
  EXPECT_EQ(refusal(HAL_LINK_I2C_WRITE, concat({{0x80}, u16(1), {0}})), "i2c_write.address7");
  EXPECT_EQ(refusal(HAL_LINK_I2C_READ, concat({{0xFF}, u16(1)})), "i2c_read.address7");
  EXPECT_EQ(refusal(HAL_LINK_I2C_WRITE_READ, concat({{0x80}, u16(0), u16(1)})), "i2c_write_read.address7");
  EXPECT_EQ(refusal(HAL_LINK_I2C_READ, concat({{0x7F}, u16(1)})), "");
}

TEST(HalLinkDecode, TransfersLongerThan512BytesAreRefused) {
  const Bytes data(513, 0);
  EXPECT_EQ(refusal(HAL_LINK_I2C_WRITE, concat({{0x08}, u16(513), data})), "i2c_write.length");
  EXPECT_EQ(refusal(HAL_LINK_I2C_READ, concat({{0x08}, u16(513)})), "i2c_read.read_length");
  EXPECT_EQ(refusal(HAL_LINK_I2C_WRITE_READ, concat({{0x08}, u16(513), u16(1), data})), "i2c_write_read.write_length");
  EXPECT_EQ(refusal(HAL_LINK_I2C_WRITE_READ, concat({{0x08}, u16(1), u16(513), {0}})), "i2c_write_read.read_length");
  EXPECT_EQ(refusal(HAL_LINK_UART_WRITE, concat({u16(513), data})), "uart_write.length");
  EXPECT_EQ(refusal(HAL_LINK_UART_WRITE, concat({u16(0)})), "uart_write.length");
  EXPECT_EQ(refusal(HAL_LINK_REPLY, concat({{0, 0, 0, 0, 0}, u16(513), data})), "reply.data_length");
  EXPECT_EQ(refusal(HAL_LINK_I2C_READ, concat({{0x08}, u16(512)})), "");
}

TEST(HalLinkDecode, LengthsLongerThanThePayloadAreRefused) {
  EXPECT_EQ(refusal(HAL_LINK_I2C_WRITE, concat({{0x08}, u16(4), {1, 2, 3}})), "i2c_write.data");
  EXPECT_EQ(refusal(HAL_LINK_I2C_WRITE_READ, concat({{0x08}, u16(4), u16(1), {1}})), "i2c_write_read.write_data");
  EXPECT_EQ(refusal(HAL_LINK_UART_WRITE, concat({u16(10), {1, 2}})), "uart_write.data");
  EXPECT_EQ(refusal(HAL_LINK_REPLY, concat({{0, 0, 0, 0, 0}, u16(3), {1}})), "reply.data");
  EXPECT_EQ(refusal(HAL_LINK_RUN, concat({{0, 0, 0, 0, 0, 0, 2}, u16(0), can_wire(1, 0, 0)})), "run.can_frames");
  EXPECT_EQ(refusal(HAL_LINK_RUN, concat({{0, 0, 0, 0, 0, 0, 0}, u16(9), {1, 2}})), "run.uart_bytes");
  EXPECT_EQ(refusal(HAL_LINK_OBSERVABLE_VALUES, concat({u16(0), u16(2), {1, 0, 0, 0}})), "observable_values.values");
  EXPECT_EQ(refusal(HAL_LINK_OBSERVABLE_VALUES, concat({u16(0), u16(256), Bytes(1020, 0)})), "observable_values.count");
}

TEST(HalLinkDecode, CanFramesWithADlcAbove8AnIdBeyondItsFormatOrUnknownFlagsAreRefused) {
  EXPECT_EQ(refusal(HAL_LINK_CAN_SEND, can_wire(0x100, 9, 0)), "can_send.dlc");
  EXPECT_EQ(refusal(HAL_LINK_CAN_SEND, can_wire(0x800, 8, 0)), "can_send.id");
  EXPECT_EQ(refusal(HAL_LINK_CAN_SEND, can_wire(0x800, 8, HAL_LINK_CAN_FLAG_EXTENDED)), "");
  EXPECT_EQ(refusal(HAL_LINK_CAN_SEND, can_wire(0x1FFFFFFF, 8, HAL_LINK_CAN_FLAG_EXTENDED)), "");
  EXPECT_EQ(refusal(HAL_LINK_CAN_SEND, can_wire(0x20000000, 8, HAL_LINK_CAN_FLAG_EXTENDED)), "can_send.id");
  EXPECT_EQ(refusal(HAL_LINK_CAN_SEND, can_wire(0x100, 8, 0x04)), "can_send.flags");
  EXPECT_EQ(refusal(HAL_LINK_RUN, concat({{0, 0, 0, 0, 0, 0, 1}, u16(0), can_wire(0x100, 9, 0)})), "run.can_frame.dlc");
  EXPECT_EQ(refusal(HAL_LINK_INIT, concat({{0, 0, 0, 0, 0, 0, 1}, u16(0), can_wire(0x800, 0, 0)})), "init.can_frame.id");
  // A flag this version does not know.
  EXPECT_EQ(refusal(HAL_LINK_RUN, concat({{0, 0, 0, 0, 0, 0x02, 0}, u16(0)})), "run.flags");
  hal_link_error error{};
  const Bytes wire{can_wire(0x800, 1, 0)};
  EXPECT_EQ(hal_link_decode_can_frame(wire.data(), nullptr, &error), -1);
  EXPECT_EQ(error_text(error), "can_frame.id: got 0x800, at most 0x7FF");
}

TEST(HalLinkDecode, AGpioLevelOtherThan0Or1IsRefused) {
  EXPECT_EQ(refusal(HAL_LINK_GPIO_WRITE, Bytes{2, 0, 0, 0, 2}), "gpio_write.level");
  EXPECT_EQ(refusal(HAL_LINK_GPIO_WRITE, Bytes{2, 0, 0, 0, 1}), "");
}

TEST(HalLinkDecode, AStringLongerThanThePayloadIsRefused) {
  const Bytes hello_reply_head(20, 0);
  EXPECT_EQ(refusal(HAL_LINK_HELLO_REPLY, concat({hello_reply_head, {5, 'a', 'b'}})), "hello_reply.name");
  EXPECT_EQ(refusal(HAL_LINK_HELLO_REPLY, concat({hello_reply_head, {1, 'a', 200}})), "hello_reply.version");
  const Bytes observable_head{0, 0, 0xFF, 0xFF, BMS_OBSERVABLE_U8, 0, 0};
  EXPECT_EQ(refusal(HAL_LINK_DESCRIPTION, concat({observable_head, {9}})), "description.name");
  EXPECT_EQ(refusal(HAL_LINK_DESCRIPTION, concat({observable_head, {0, 3, 'm'}})), "description.unit");
  EXPECT_EQ(refusal(HAL_LINK_DESCRIPTION, concat({observable_head, {0, 0, 255}})), "description.description");
  EXPECT_EQ(refusal(HAL_LINK_DESCRIPTION, Bytes{0, 0, 1, 0, 4, 'n', 'o'}), "description.value_name");
  EXPECT_EQ(refusal(HAL_LINK_ERROR, Bytes{HAL_LINK_ERROR_CRC, 10, 'c'}), "error.text");
}

TEST(HalLinkDecode, OtherOutOfRangeFieldsAreRefused) {
  const Bytes observable_head{0, 0, 0xFF, 0xFF, 8, 0, 0};
  EXPECT_EQ(refusal(HAL_LINK_DESCRIPTION, concat({observable_head, {0, 0, 0}})), "description.type");
  EXPECT_EQ(refusal(HAL_LINK_ERROR, Bytes{0, 0}), "error.code");
  EXPECT_EQ(refusal(HAL_LINK_ERROR, Bytes{10, 0}), "error.code");
  const hal_link_frame frame{frame_view(HAL_LINK_RUN, Bytes{0x08, 0, 0})};
  hal_link_i2c out{};
  hal_link_error error{};
  EXPECT_EQ(hal_link_decode_i2c(&frame, &out, &error), -1);
  EXPECT_EQ(error.code, HAL_LINK_ERROR_UNEXPECTED);
  EXPECT_STREQ(error.field, "type");
}

TEST(HalLinkEncode, EncodersRefuseOutOfRangeFieldsAndSmallBuffers) {
  Bytes out(HAL_LINK_MAX_PAYLOAD);
  const Bytes data(600, 0);
  const hal_link_i2c bad_address{0x80, 1, 0, data.data()};
  EXPECT_EQ(hal_link_encode_i2c(HAL_LINK_I2C_WRITE, &bad_address, out.data(), out.size()), 0u);
  const hal_link_i2c too_long{0x08, 513, 0, data.data()};
  EXPECT_EQ(hal_link_encode_i2c(HAL_LINK_I2C_WRITE, &too_long, out.data(), out.size()), 0u);
  const hal_link_i2c fine{0x08, 1, 0, data.data()};
  EXPECT_EQ(hal_link_encode_i2c(HAL_LINK_REPLY, &fine, out.data(), out.size()), 0u);
  EXPECT_EQ(hal_link_encode_i2c(HAL_LINK_I2C_WRITE, &fine, out.data(), 3), 0u);
  EXPECT_EQ(hal_link_encode_i2c(HAL_LINK_I2C_WRITE, &fine, out.data(), 4), 4u);
  const hal_link_bytes uart_empty{0, data.data()};
  EXPECT_EQ(hal_link_encode_uart_write(&uart_empty, out.data(), out.size()), 0u);
  const hal_link_bytes uart_long{513, data.data()};
  EXPECT_EQ(hal_link_encode_uart_write(&uart_long, out.data(), out.size()), 0u);
  const hal_link_gpio_write level_two{1, 2};
  EXPECT_EQ(hal_link_encode_gpio_write(&level_two, out.data(), out.size()), 0u);
  const hal_link_reply reply_long{0, 0, 513, data.data()};
  EXPECT_EQ(hal_link_encode_reply(&reply_long, out.data(), out.size()), 0u);
  bms_can_frame can{};
  can.id = 0x800;
  EXPECT_EQ(hal_link_encode_can_frame(&can, out.data(), out.size()), 0u);
  can.id = 0x100;
  can.dlc = 9;
  EXPECT_EQ(hal_link_encode_can_frame(&can, out.data(), out.size()), 0u);
  can.dlc = 8;
  EXPECT_EQ(hal_link_encode_can_frame(&can, out.data(), HAL_LINK_CAN_FRAME_SIZE - 1), 0u);
  const Bytes bad_can{can_wire(0x100, 9, 0)};
  const hal_link_run run_bad{0, 0, 0, 1, 0, bad_can.data(), nullptr};
  EXPECT_EQ(hal_link_encode_run(&run_bad, out.data(), out.size()), 0u);
  const Bytes many_frames(80 * HAL_LINK_CAN_FRAME_SIZE, 0);
  const hal_link_run run_too_big{0, 0, 0, 80, 0, many_frames.data(), nullptr};  // 1128 bytes: over the maximum payload
  EXPECT_EQ(hal_link_encode_run(&run_too_big, out.data(), out.size()), 0u);
  auto values{std::make_unique<hal_link_observable_values>()};
  values->count = HAL_LINK_MAX_VALUES_PER_FRAME + 1;
  EXPECT_EQ(hal_link_encode_observable_values(values.get(), out.data(), out.size()), 0u);
  auto description{std::make_unique<hal_link_description>()};
  description->item = HAL_LINK_DESCRIBE_OBSERVABLE;
  description->type = 8;
  EXPECT_EQ(hal_link_encode_description(description.get(), out.data(), out.size()), 0u);
  hal_link_error_frame error_none{};
  EXPECT_EQ(hal_link_encode_error_frame(&error_none, out.data(), out.size()), 0u);
}

// ---- Error helpers ----

TEST(HalLinkErrors, TextsAreFieldColonDetailWithoutStdio) {
  hal_link_error error{};
  hal_link_error_set_values(&error, HAL_LINK_ERROR_FIELD, "i2c_write.length", 600, "at most", 512);
  EXPECT_EQ(error_text(error), "i2c_write.length: got 600, at most 512");
  hal_link_error_set_values(&error, HAL_LINK_ERROR_SEQUENCE, "sequence", 4294967295u, "expected", 0);
  EXPECT_EQ(error_text(error), "sequence: got 4294967295, expected 0");
  hal_link_error_set(&error, HAL_LINK_ERROR_CLOSED, "", "end of stream");
  EXPECT_EQ(error_text(error), "end of stream");
  hal_link_error_set(&error, HAL_LINK_ERROR_CRC, "", "");
  EXPECT_EQ(error_text(error), "CRC");
  hal_link_error_set(&error, HAL_LINK_ERROR_FIELD, "x", std::string(300, 'd').c_str());
  EXPECT_EQ(std::string{error.detail}.size(), sizeof error.detail - 1);  // cut, still terminated
  char small[8];
  EXPECT_STREQ(hal_link_error_text(&error, small, sizeof small), "x: dddd");
  EXPECT_STREQ(hal_link_error_code_name(HAL_LINK_ERROR_UNEXPECTED), "unexpected");
  EXPECT_STREQ(hal_link_error_code_name(HAL_LINK_ERROR_PEER), "peer");
}

}  // namespace
}  // namespace packsim::hal::link_test

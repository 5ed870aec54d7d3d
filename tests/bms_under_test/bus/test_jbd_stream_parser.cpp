// The JBD stream parser: finding frames in a UART byte stream, rejecting and
// counting what is not a frame, resynchronising, and chunk independence.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "bms_under_test/bus/jbd_protocol.h"

namespace {

using Bytes = std::vector<uint8_t>;

const Bytes kReadBasicInfo = {0xDD, 0xA5, 0x03, 0x00, 0xFF, 0xFD, 0x77};
const Bytes kReadCells = {0xDD, 0xA5, 0x04, 0x00, 0xFF, 0xFC, 0x77};
const Bytes kMosBothOff = {0xDD, 0x5A, 0xE1, 0x02, 0x00, 0x03, 0xFF, 0x1A, 0x77};
const Bytes kBasicInfoResponse = {0xDD, 0x03, 0x00, 0x1B, 0x17, 0x00, 0x00, 0x00, 0x02, 0xD0, 0x03, 0xE8,
                                  0x00, 0x00, 0x20, 0x78, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x48,
                                  0x03, 0x0F, 0x02, 0x0B, 0x76, 0x0B, 0x82, 0xFB, 0xFF, 0x77};

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) {
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

// Feeds `stream` in chunks of `chunk` bytes (0: all at once) and collects the frames.
std::vector<Bytes> feed(jbd_parser& parser, const Bytes& stream, size_t chunk = 0) {
  std::vector<Bytes> frames;
  size_t offset = 0;
  while (offset < stream.size()) {
    const size_t end = chunk == 0 ? stream.size() : std::min(stream.size(), offset + chunk);
    size_t position = offset;
    size_t used = 0;
    while (jbd_parser_feed(&parser, stream.data() + position, end - position, &used)) {
      position += used;
      frames.emplace_back(parser.frame, parser.frame + parser.frame_len);
    }
    EXPECT_EQ(position + used, end) << "a false return must mean every byte was consumed";
    offset = end;
  }
  return frames;
}

std::vector<Bytes> idle(jbd_parser& parser) {
  std::vector<Bytes> frames;
  while (jbd_parser_line_idle(&parser)) {
    frames.emplace_back(parser.frame, parser.frame + parser.frame_len);
  }
  return frames;
}

jbd_parser request_parser() {
  jbd_parser parser;
  jbd_parser_init(&parser, JBD_PARSE_REQUESTS);
  return parser;
}

TEST(JbdStreamParser, FindsBackToBackFrames) {
  jbd_parser parser = request_parser();
  const auto frames = feed(parser, concat({kReadBasicInfo, kReadCells, kMosBothOff}));
  EXPECT_EQ(frames, (std::vector<Bytes>{kReadBasicInfo, kReadCells, kMosBothOff}));
  EXPECT_EQ(parser.stats.frames, 3u);
  EXPECT_EQ(parser.stats.garbage_bytes, 0u);
}

TEST(JbdStreamParser, SkipsAndCountsGarbageBeforeBetweenAndAfterFrames) {
  jbd_parser parser = request_parser();
  const auto frames = feed(parser, concat({{0x00, 0x77, 0xFF}, kReadBasicInfo, {0x12, 0x34}, kReadCells, {0x55}}));
  EXPECT_EQ(frames, (std::vector<Bytes>{kReadBasicInfo, kReadCells}));
  EXPECT_EQ(parser.stats.garbage_bytes, 6u);
  EXPECT_EQ(parser.stats.bad_header + parser.stats.bad_checksum + parser.stats.bad_end_byte, 0u);
}

TEST(JbdStreamParser, StartByteInsideGarbageCostsOneBadHeaderThenResynchronises) {
  jbd_parser parser = request_parser();
  const auto frames = feed(parser, concat({{0xDD, 0x00, 0x11}, kReadBasicInfo}));
  EXPECT_EQ(frames, std::vector<Bytes>{kReadBasicInfo});
  EXPECT_EQ(parser.stats.bad_header, 1u);
  EXPECT_EQ(parser.stats.garbage_bytes, 1u);  // 0x11; 0x00 belonged to the rejected candidate
}

TEST(JbdStreamParser, RecoversFramesSwallowedByATruncatedFrame) {
  // The truncated frame announces 5 data bytes, so it swallows the next frame
  // and the start of the one after; its end byte is then wrong.
  jbd_parser parser = request_parser();
  const Bytes truncated = {0xDD, 0xA5, 0x03, 0x05};
  const auto frames = feed(parser, concat({truncated, kReadBasicInfo, kReadCells}));
  EXPECT_EQ(frames, (std::vector<Bytes>{kReadBasicInfo, kReadCells}));
  EXPECT_EQ(parser.stats.bad_end_byte, 1u);
  EXPECT_EQ(parser.stats.frames, 2u);
}

TEST(JbdStreamParser, RecoversSeveralFramesSwallowedByALongTruncatedFrame) {
  jbd_parser parser = request_parser();
  const Bytes truncated = {0xDD, 0xA5, 0x04, 0x40};  // announces 64 data bytes
  Bytes stream = truncated;
  std::vector<Bytes> expected;
  for (int i = 0; i < 12; ++i) {
    const Bytes& frame = (i % 2 == 0) ? kReadBasicInfo : kMosBothOff;
    stream.insert(stream.end(), frame.begin(), frame.end());
    expected.push_back(frame);
  }
  EXPECT_EQ(feed(parser, stream), expected);
  EXPECT_EQ(parser.stats.frames, 12u);
  EXPECT_EQ(parser.stats.bad_end_byte + parser.stats.bad_checksum, 1u);
}

TEST(JbdStreamParser, TruncatedFrameAtTheEndIsCountedWhenTheLineGoesIdle) {
  jbd_parser parser = request_parser();
  EXPECT_TRUE(feed(parser, {0xDD, 0xA5, 0x03}).empty());
  EXPECT_TRUE(idle(parser).empty());
  EXPECT_EQ(parser.stats.truncated, 1u);
  EXPECT_EQ(parser.pending_len, 0u);
  // The parser is clean afterwards.
  EXPECT_EQ(feed(parser, kReadCells), std::vector<Bytes>{kReadCells});
}

TEST(JbdStreamParser, IdleAfterGarbageOrARejectedRemainderCountsOnlyWhatWasTruncated) {
  jbd_parser parser = request_parser();
  feed(parser, {0x01, 0x02});
  EXPECT_TRUE(idle(parser).empty());
  EXPECT_EQ(parser.stats.truncated, 0u);
  EXPECT_EQ(parser.stats.garbage_bytes, 2u);
  // A truncated candidate whose remainder starts another candidate that is then rejected.
  feed(parser, {0xDD, 0xA5, 0x03, 0x05, 0xDD, 0x00});
  EXPECT_TRUE(idle(parser).empty());
  EXPECT_EQ(parser.stats.truncated, 1u);
  EXPECT_EQ(parser.stats.bad_header, 1u);
  EXPECT_EQ(parser.pending_len, 0u);
  EXPECT_TRUE(idle(parser).empty());  // idle on an empty parser is a no-op
  EXPECT_EQ(parser.stats.truncated, 1u);
}

TEST(JbdStreamParser, IdleRescanFindsACompleteFrameInsideAnIncompleteOne) {
  jbd_parser parser = request_parser();
  // Announces 8 data bytes, then the line stops after a whole frame.
  const Bytes stream = concat({{0xDD, 0xA5, 0x03, 0x08}, kReadCells});
  EXPECT_TRUE(feed(parser, stream).empty());
  EXPECT_EQ(idle(parser), std::vector<Bytes>{kReadCells});
  EXPECT_EQ(parser.stats.truncated, 1u);
}

TEST(JbdStreamParser, WrongChecksumIsRejectedAndTheNextFrameIsFound) {
  jbd_parser parser = request_parser();
  Bytes corrupted = kReadBasicInfo;
  corrupted[5] ^= 0x01;
  const auto frames = feed(parser, concat({corrupted, kReadCells}));
  EXPECT_EQ(frames, std::vector<Bytes>{kReadCells});
  EXPECT_EQ(parser.stats.bad_checksum, 1u);
  EXPECT_EQ(parser.stats.garbage_bytes, 0u);
}

TEST(JbdStreamParser, CorruptedDataByteIsCaughtByTheChecksum) {
  jbd_parser parser = request_parser();
  Bytes corrupted = kMosBothOff;
  corrupted[5] = 0x02;
  EXPECT_TRUE(feed(parser, corrupted).empty());
  EXPECT_EQ(parser.stats.bad_checksum, 1u);
}

TEST(JbdStreamParser, BadEndByteIsRejectedAndTheNextFrameIsFound) {
  jbd_parser parser = request_parser();
  Bytes bad_end = kReadBasicInfo;
  bad_end.back() = 0x78;
  const auto frames = feed(parser, concat({bad_end, kReadCells}));
  EXPECT_EQ(frames, std::vector<Bytes>{kReadCells});
  EXPECT_EQ(parser.stats.bad_end_byte, 1u);
}

TEST(JbdStreamParser, OversizeLengthIsRejectedAtOnce) {
  jbd_parser parser = request_parser();
  // LEN 0xFF would otherwise hold the parser for 262 bytes; the next frame follows directly.
  const auto frames = feed(parser, concat({{0xDD, 0xA5, 0x03, 0xFF}, kReadBasicInfo}));
  EXPECT_EQ(frames, std::vector<Bytes>{kReadBasicInfo});
  EXPECT_EQ(parser.stats.oversize_length, 1u);
  jbd_parser boundary = request_parser();
  feed(boundary, {0xDD, 0xA5, 0x03, JBD_MAX_DATA_LEN + 1});
  EXPECT_EQ(boundary.stats.oversize_length, 1u);
}

TEST(JbdStreamParser, RejectedEndByteThatIsAStartByteBeginsTheNextFrame) {
  jbd_parser parser = request_parser();
  Bytes missing_end = kReadBasicInfo;
  missing_end.pop_back();  // the next frame's 0xDD lands where 0x77 belongs
  const auto frames = feed(parser, concat({missing_end, kReadCells}));
  EXPECT_EQ(frames, std::vector<Bytes>{kReadCells});
  EXPECT_EQ(parser.stats.bad_end_byte, 1u);
}

TEST(JbdStreamParser, EveryChunkingOfAMessyStreamGivesTheSameFramesAndCounters) {
  Bytes corrupted = kReadCells;
  corrupted[4] = 0x00;
  const Bytes stream = concat({{0x01, 0xDD},
                               kReadBasicInfo,
                               {0xDD, 0xA5, 0x03, 0x05},
                               kMosBothOff,
                               corrupted,
                               {0xDD, 0xA5, 0x03, 0x70},
                               kReadCells,
                               {0x77, 0x77}});
  jbd_parser reference = request_parser();
  const auto expected = feed(reference, stream);
  ASSERT_EQ(expected.size(), 3u);

  const auto check = [&](const jbd_parser& parser, const std::vector<Bytes>& frames, const std::string& how) {
    EXPECT_EQ(frames, expected) << how;
    EXPECT_EQ(parser.stats.frames, reference.stats.frames) << how;
    EXPECT_EQ(parser.stats.garbage_bytes, reference.stats.garbage_bytes) << how;
    EXPECT_EQ(parser.stats.bad_header, reference.stats.bad_header) << how;
    EXPECT_EQ(parser.stats.oversize_length, reference.stats.oversize_length) << how;
    EXPECT_EQ(parser.stats.bad_end_byte, reference.stats.bad_end_byte) << how;
    EXPECT_EQ(parser.stats.bad_checksum, reference.stats.bad_checksum) << how;
  };
  for (size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    jbd_parser parser = request_parser();
    const auto frames = feed(parser, stream, chunk);
    check(parser, frames, "chunk " + std::to_string(chunk));
  }
  std::mt19937 rng(7u);
  for (int trial = 0; trial < 500; ++trial) {
    jbd_parser parser = request_parser();
    std::vector<Bytes> frames;
    size_t offset = 0;
    while (offset < stream.size()) {
      const size_t chunk = std::uniform_int_distribution<size_t>(0, 9)(rng);
      const Bytes piece(stream.begin() + static_cast<long>(offset),
                        stream.begin() + static_cast<long>(std::min(stream.size(), offset + chunk)));
      for (Bytes& frame : feed(parser, piece)) {
        frames.push_back(std::move(frame));
      }
      offset += piece.size();
    }
    check(parser, frames, "random trial " + std::to_string(trial));
  }
}

TEST(JbdStreamParser, ResponseParserFindsTheReferenceResponseAndRefusesRequests) {
  jbd_parser parser;
  jbd_parser_init(&parser, JBD_PARSE_RESPONSES);
  const auto frames = feed(parser, concat({kReadBasicInfo, kBasicInfoResponse}));
  ASSERT_EQ(frames, std::vector<Bytes>{kBasicInfoResponse});
  EXPECT_EQ(parser.stats.bad_header, 1u);  // the echoed request on a shared RS485 line
  jbd_response response{};
  EXPECT_EQ(jbd_decode_response_frame(frames[0].data(), frames[0].size(), &response), JBD_OK);
}

TEST(JbdStreamParser, ResponseParserRejectsUnknownStatusBytes) {
  jbd_parser parser;
  jbd_parser_init(&parser, JBD_PARSE_RESPONSES);
  Bytes odd_status = {0xDD, 0xE1, 0x01, 0x00, 0xFF, 0xFF, 0x77};
  const Bytes ack = {0xDD, 0xE1, 0x00, 0x00, 0x00, 0x00, 0x77};
  EXPECT_EQ(feed(parser, concat({odd_status, ack})), std::vector<Bytes>{ack});
  EXPECT_EQ(parser.stats.bad_header, 1u);
}

TEST(JbdStreamParser, DeliveredFramesDecodeWithTheSingleFrameDecoder) {
  jbd_parser parser = request_parser();
  for (const Bytes& frame : feed(parser, concat({kReadBasicInfo, {0x00}, kMosBothOff}))) {
    jbd_request request{};
    EXPECT_EQ(jbd_decode_request_frame(frame.data(), frame.size(), &request), JBD_OK);
  }
}

}  // namespace

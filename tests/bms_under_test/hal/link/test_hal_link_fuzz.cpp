// A bounded, seeded fuzz of the remote-HAL link (runs in ctest, a few
// seconds even under ASan): random and mutated bytes through the stream
// decoder and every payload decoder, and a host that sends random and
// mutated frames to a running client. Nothing may crash, read out of bounds,
// hang, or produce an error without a field; the client may only ever answer
// with well-formed frames.
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/seeded_rng.h"
#include "tests/bms_under_test/hal/link/hal_link_test_support.h"

namespace packsim::hal::link_test {
namespace {

std::uint32_t pick(SeededRng& rng, std::uint32_t n) { return n == 0 ? 0 : rng.below(n); }
std::uint8_t random_byte(SeededRng& rng) { return static_cast<std::uint8_t>(rng.next_u64()); }
bool chance(SeededRng& rng, double p) { return rng.uniform01() < p; }

Bytes random_bytes(SeededRng& rng, std::size_t length) {
  Bytes out(length);
  for (std::uint8_t& byte : out) {
    byte = random_byte(rng);
  }
  return out;
}

// Runs every payload decoder on `frame`. The payload is copied into a buffer
// of exactly its size first, so that ASan catches any read past its end.
void decode_with_everything(const hal_link_frame& frame, int& refusals) {
  const std::unique_ptr<std::uint8_t[]> exact{new std::uint8_t[std::max<std::size_t>(frame.payload_length, 1)]};
  if (frame.payload_length > 0) {
    std::memcpy(exact.get(), frame.payload, frame.payload_length);
  }
  hal_link_frame copy{frame};
  copy.payload = exact.get();
  for (const DecoderEntry& entry : all_payload_decoders()) {
    hal_link_error error{};
    error.field = nullptr;
    if (entry.decode(&copy, &error) != 0) {
      ++refusals;
      ASSERT_NE(error.field, nullptr) << entry.name;
      ASSERT_NE(error.field[0], '\0') << entry.name << ": " << error.detail;
      ASSERT_NE(error.code, HAL_LINK_ERROR_NONE) << entry.name;
    }
  }
  // The I2C decoder reads a different layout per type: try all three.
  for (std::uint8_t type : {std::uint8_t{HAL_LINK_I2C_WRITE}, std::uint8_t{HAL_LINK_I2C_READ},
                            std::uint8_t{HAL_LINK_I2C_WRITE_READ}, std::uint8_t{HAL_LINK_INIT},
                            std::uint8_t{HAL_LINK_INIT_DONE}}) {
    copy.type = type;
    hal_link_error error{};
    for (const DecoderEntry& entry : all_payload_decoders()) {
      if (entry.decode(&copy, &error) != 0) {
        ASSERT_NE(error.field, nullptr) << entry.name;
        ASSERT_NE(error.field[0], '\0') << entry.name;
      }
    }
  }
}

struct DecoderRun {
  int frames{0};
  int errors{0};
  int refusals{0};
};

// Feeds `stream` to a decoder in random pieces, checking every result.
void feed_in_pieces(SeededRng& rng, hal_link_decoder& decoder, const Bytes& stream, DecoderRun& run) {
  std::size_t offset{0};
  int stalls{0};
  while (offset < stream.size()) {
    const std::size_t piece{std::min<std::size_t>(stream.size() - offset, 1 + pick(rng, 300))};
    // An exact-size copy: the decoder must not look past what it is given.
    const std::unique_ptr<std::uint8_t[]> exact{new std::uint8_t[piece]};
    std::memcpy(exact.get(), stream.data() + offset, piece);
    std::size_t consumed{0};
    hal_link_frame frame{};
    hal_link_error error{};
    const hal_link_decode_result result{hal_link_decoder_feed(&decoder, exact.get(), piece, &consumed, &frame, &error)};
    ASSERT_LE(consumed, piece);
    ASSERT_LE(decoder.fill, sizeof decoder.buffer);
    if (result == HAL_LINK_DECODE_NEED_MORE) {
      ASSERT_EQ(consumed, piece);
    } else if (result == HAL_LINK_DECODE_ERROR) {
      ++run.errors;
      ASSERT_NE(error.field, nullptr);
      ASSERT_NE(error.field[0], '\0') << error.detail;
    } else {
      ASSERT_EQ(result, HAL_LINK_DECODE_FRAME);
      ++run.frames;
      ASSERT_TRUE(hal_link_type_is_known(frame.type));
      ASSERT_LE(frame.payload_length, HAL_LINK_MAX_PAYLOAD);
      decode_with_everything(frame, run.refusals);
    }
    // Zero progress is allowed once (an error that keeps a 0xA5 for the next frame), never twice.
    stalls = consumed == 0 ? stalls + 1 : 0;
    ASSERT_LT(stalls, 2);
    offset += consumed;
  }
}

// ---- Mutations of valid frames ----

void put_crc(Bytes& frame) {
  if (frame.size() < HAL_LINK_HEADER_SIZE + HAL_LINK_CRC_SIZE) {
    return;
  }
  const std::uint16_t crc{hal_link_crc16(0xFFFF, frame.data() + 2, frame.size() - 4)};
  frame[frame.size() - 2] = static_cast<std::uint8_t>(crc);
  frame[frame.size() - 1] = static_cast<std::uint8_t>(crc >> 8);
}

// Mutates a payload (bit flips, byte overwrites, cuts, growth, edits of the
// length bytes that lead most payloads).
Bytes mutate_payload(SeededRng& rng, Bytes payload) {
  const std::uint32_t mutations{1 + pick(rng, 3)};
  for (std::uint32_t m = 0; m < mutations; ++m) {
    switch (pick(rng, 6)) {
      case 0:  // a bit flip
        if (!payload.empty()) {
          payload[pick(rng, static_cast<std::uint32_t>(payload.size()))] ^= static_cast<std::uint8_t>(1u << pick(rng, 8));
        }
        break;
      case 1:  // a byte overwritten, often with an edge value
        if (!payload.empty()) {
          static constexpr std::uint8_t edges[]{0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF, 0x08, 0x09};
          payload[pick(rng, static_cast<std::uint32_t>(payload.size()))] =
              chance(rng, 0.5) ? edges[pick(rng, 8)] : random_byte(rng);
        }
        break;
      case 2:  // cut
        payload.resize(pick(rng, static_cast<std::uint32_t>(payload.size() + 1)));
        break;
      case 3: {  // grown
        const Bytes more{random_bytes(rng, pick(rng, 40))};
        payload.insert(payload.end(), more.begin(), more.end());
        break;
      }
      case 4:  // a 16-bit field somewhere set to an edge length
        if (payload.size() >= 2) {
          static constexpr std::uint16_t lengths[]{0, 1, 255, 256, 511, 512, 513, 1024, 1025, 0xFFFF};
          const std::uint16_t value{lengths[pick(rng, 10)]};
          const std::size_t at{pick(rng, static_cast<std::uint32_t>(payload.size() - 1))};
          payload[at] = static_cast<std::uint8_t>(value);
          payload[at + 1] = static_cast<std::uint8_t>(value >> 8);
        }
        break;
      default:  // a string length byte or count made larger than what follows
        if (!payload.empty()) {
          payload[pick(rng, static_cast<std::uint32_t>(payload.size()))] = static_cast<std::uint8_t>(200 + pick(rng, 56));
        }
        break;
    }
  }
  if (payload.size() > HAL_LINK_MAX_PAYLOAD) {
    payload.resize(HAL_LINK_MAX_PAYLOAD);
  }
  return payload;
}

// A whole frame, mutated: mostly in the payload with the length and CRC made
// to match (so the mutation reaches the payload decoders), sometimes in the
// header or CRC themselves.
Bytes mutated_frame(SeededRng& rng, const Sample& sample, std::uint8_t sequence) {
  Bytes frame{frame_bytes(sample.type, sequence, mutate_payload(rng, sample.payload))};
  switch (pick(rng, 8)) {
    case 0:  // a length field that disagrees with the payload
      frame[4] = random_byte(rng);
      frame[5] = static_cast<std::uint8_t>(pick(rng, 6));
      if (chance(rng, 0.5)) {
        put_crc(frame);
      }
      break;
    case 1:  // another type (maybe unknown), CRC fixed
      frame[2] = random_byte(rng);
      put_crc(frame);
      break;
    case 2:  // the CRC itself damaged
      frame[frame.size() - 1 - pick(rng, 2)] ^= static_cast<std::uint8_t>(1 + pick(rng, 255));
      break;
    case 3:  // the stream cut inside the frame
      frame.resize(pick(rng, static_cast<std::uint32_t>(frame.size())));
      break;
    default:
      break;
  }
  return frame;
}

TEST(HalLinkFuzz, RandomBytesNeverCrashTheDecoderAndEveryErrorNamesAField) {
  SeededRng rng{0x11A1C0DEull};
  const std::vector<Sample> samples{valid_samples()};
  DecoderRun run;
  for (int iteration = 0; iteration < 4000; ++iteration) {
    auto decoder{std::make_unique<hal_link_decoder>()};
    hal_link_decoder_reset(decoder.get());
    Bytes stream{random_bytes(rng, pick(rng, 3000))};
    if (chance(rng, 0.5)) {  // after a good frame, stray bytes are errors rather than skipped
      const Bytes good{frame_bytes(samples[0].type, 0, samples[0].payload)};
      stream.insert(stream.begin(), good.begin(), good.end());
    }
    // Sync pairs sprinkled in, so that some random bytes are read as headers and payloads.
    const std::uint32_t syncs{pick(rng, 8)};
    for (std::uint32_t s = 0; s < syncs && stream.size() > 8; ++s) {
      const std::size_t at{pick(rng, static_cast<std::uint32_t>(stream.size() - 6))};
      stream[at] = HAL_LINK_SYNC_0;
      stream[at + 1] = HAL_LINK_SYNC_1;
      stream[at + 2] = chance(rng, 0.7) ? samples[pick(rng, static_cast<std::uint32_t>(samples.size()))].type
                                        : random_byte(rng);
      stream[at + 5] = static_cast<std::uint8_t>(pick(rng, 5));
    }
    feed_in_pieces(rng, *decoder, stream, run);
    if (HasFatalFailure()) {
      return;
    }
  }
  RecordProperty("frames", run.frames);
  RecordProperty("errors", run.errors);
  EXPECT_GT(run.errors, 0);
}

TEST(HalLinkFuzz, MutatedValidFramesReachEveryPayloadDecoderSafely) {
  SeededRng rng{0xF00DF00Dull};
  const std::vector<Sample> samples{valid_samples()};
  DecoderRun run;
  for (int iteration = 0; iteration < 2500; ++iteration) {
    auto decoder{std::make_unique<hal_link_decoder>()};
    hal_link_decoder_reset(decoder.get());
    Bytes stream{frame_bytes(HAL_LINK_HELLO, 0, samples[0].payload)};  // synchronises the decoder
    const std::uint32_t frames{1 + pick(rng, 12)};
    for (std::uint32_t f = 0; f < frames; ++f) {
      const Sample& sample{samples[pick(rng, static_cast<std::uint32_t>(samples.size()))]};
      Bytes frame{chance(rng, 0.8) ? mutated_frame(rng, sample, static_cast<std::uint8_t>(f))
                                   : frame_bytes(sample.type, static_cast<std::uint8_t>(f), sample.payload)};
      if (chance(rng, 0.05)) {
        const Bytes noise{random_bytes(rng, 1 + pick(rng, 5))};
        frame.insert(frame.begin(), noise.begin(), noise.end());
      }
      stream.insert(stream.end(), frame.begin(), frame.end());
    }
    feed_in_pieces(rng, *decoder, stream, run);
    if (HasFatalFailure()) {
      return;
    }
    // The payload decoders straight on mutated payloads, beyond what frames allow too.
    for (int direct = 0; direct < 4; ++direct) {
      const Sample& sample{samples[pick(rng, static_cast<std::uint32_t>(samples.size()))]};
      Bytes payload{mutate_payload(rng, sample.payload)};
      if (chance(rng, 0.1)) {
        payload.resize(HAL_LINK_MAX_PAYLOAD + pick(rng, 200));
      }
      decode_with_everything(frame_view(sample.type, payload), run.refusals);
      if (HasFatalFailure()) {
        return;
      }
    }
  }
  RecordProperty("frames", run.frames);
  RecordProperty("refusals", run.refusals);
  EXPECT_GT(run.frames, 2500);
  EXPECT_GT(run.refusals, 0);
}

// ---- The client under a fuzzing host ----

std::atomic<const bms_hal*> fuzz_hal{nullptr};

volatile std::int16_t fuzz_current{-42};
volatile int fuzz_state{1};
const char* const fuzz_state_names[]{"off", "on"};
const bms_observable fuzz_observables[]{
    {"current", "cA", BMS_OBSERVABLE_I16, &fuzz_current, nullptr, 0, nullptr},
    {"state", "", BMS_OBSERVABLE_ENUM, &fuzz_state, fuzz_state_names, 2, "on or off"},
};

const bms_firmware_info* fuzz_info() {
  static const bms_firmware_info info{BMS_HAL_VERSION, "fuzz firmware", "1", 10};
  return &info;
}

// Makes every kind of call, so the host's replies land on all of them.
void fuzz_firmware_body(const bms_hal& hal) {
  std::uint8_t buffer[16];
  const std::uint8_t register_address{0x14};
  (void)hal.i2c_write_read(hal.host, 0x08, &register_address, 1, buffer, 2);
  (void)hal.i2c_read(hal.host, 0x08, buffer, 4);
  bms_can_frame frame{};
  frame.id = 0x351;
  frame.dlc = 2;
  (void)hal.can_send(hal.host, &frame);
  const Bytes text(20, 'u');
  (void)hal.uart_write(hal.host, text.data(), text.size());
  hal.gpio_write(hal.host, 2, hal.gpio_read(hal.host, 0));
  hal.log(hal.host, "fuzz tick");
  while (hal.can_receive(hal.host, &frame) == 1) {
  }
  while (hal.uart_read(hal.host, buffer, sizeof buffer) > 0) {
  }
  (void)hal.millis(hal.host);
}

int fuzz_init(const bms_hal* hal) {
  fuzz_firmware_body(*hal);
  return 0;
}

void fuzz_tick() {
  const bms_hal* hal{fuzz_hal.load()};
  if (hal != nullptr) {
    fuzz_firmware_body(*hal);
  }
}

const bms_observable* fuzz_observables_get(std::size_t* count) {
  *count = 2;
  return fuzz_observables;
}

// A host frame: its type and payload (numbered and framed when sent).
struct HostFrame {
  std::uint8_t type;
  Bytes payload;
};

// An INIT or RUN with a few valid CAN frames and UART bytes.
HostFrame random_run_frame(SeededRng& rng) {
  Bytes frames;
  const std::uint32_t count{pick(rng, 4)};
  for (std::uint32_t i = 0; i < count; ++i) {
    const Bytes wire{can_wire(pick(rng, 0x800), static_cast<std::uint8_t>(pick(rng, 9)), 0)};
    frames.insert(frames.end(), wire.begin(), wire.end());
  }
  const Bytes uart{random_bytes(rng, pick(rng, 30))};
  const hal_link_run run{static_cast<std::uint32_t>(rng.next_u64()), random_byte(rng),
                         static_cast<std::uint8_t>(chance(rng, 0.3) ? HAL_LINK_RUN_SEND_OBSERVABLES : 0u),
                         static_cast<std::uint8_t>(count),
                         static_cast<std::uint16_t>(uart.size()), frames.data(), uart.data()};
  return {chance(rng, 0.2) ? std::uint8_t{HAL_LINK_INIT} : std::uint8_t{HAL_LINK_RUN},
          encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_run(&run, o, c); })};
}

// A valid host frame payload of a random kind, with plausible values.
HostFrame random_host_frame(SeededRng& rng) {
  switch (pick(rng, 8)) {
    case 0: {
      const hal_link_hello hello{HAL_LINK_PROTOCOL_MAJOR, 0, BMS_HAL_VERSION};
      return {HAL_LINK_HELLO, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_hello(&hello, o, c); })};
    }
    case 1: {
      const hal_link_describe describe{static_cast<std::uint16_t>(pick(rng, 3)),
                                       chance(rng, 0.5) ? std::uint16_t{HAL_LINK_DESCRIBE_OBSERVABLE}
                                                        : static_cast<std::uint16_t>(pick(rng, 3))};
      return {HAL_LINK_DESCRIBE, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_describe(&describe, o, c); })};
    }
    case 2: {
      const hal_link_read_observables read{static_cast<std::uint16_t>(pick(rng, 3)), static_cast<std::uint16_t>(pick(rng, 400))};
      return {HAL_LINK_READ_OBSERVABLES,
              encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_read_observables(&read, o, c); })};
    }
    case 3:
    case 4:
      return random_run_frame(rng);
    case 5:
    case 6: {
      static constexpr std::int32_t results[]{BMS_HAL_OK, BMS_HAL_NACK, BMS_HAL_BUS_ERROR, 2, 20, -7, 1000};
      const Bytes data{random_bytes(rng, chance(rng, 0.5) ? 2 : pick(rng, 6))};
      const hal_link_reply reply{results[pick(rng, 7)], random_byte(rng), static_cast<std::uint16_t>(data.size()),
                                 data.data()};
      return {HAL_LINK_REPLY, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_reply(&reply, o, c); })};
    }
    default: {
      hal_link_error_frame error{};
      error.code = static_cast<std::uint8_t>(1 + pick(rng, 9));
      error.text = link_string("host gave up");
      return {HAL_LINK_ERROR, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_error_frame(&error, o, c); })};
    }
  }
}

// The REPLYs fuzz_firmware_body's crossing calls expect, in order, well shaped.
std::vector<HostFrame> replies_for_one_tick(SeededRng& rng) {
  struct Shape {
    std::int32_t result;
    std::uint16_t data_length;
  };
  static constexpr Shape shapes[]{{BMS_HAL_OK, 2}, {BMS_HAL_OK, 4}, {BMS_HAL_OK, 0}, {20, 0}, {BMS_HAL_OK, 0}};
  std::vector<HostFrame> replies;
  for (const Shape& shape : shapes) {
    Shape chosen{shape};
    if (shape.result == BMS_HAL_OK && chance(rng, 0.15)) {  // a bus call that failed (not the UART's count)
      chosen = Shape{chance(rng, 0.5) ? BMS_HAL_NACK : BMS_HAL_BUS_ERROR, 0};
    }
    const Bytes data{random_bytes(rng, chosen.data_length)};
    const hal_link_reply reply{chosen.result, random_byte(rng), chosen.data_length, data.data()};
    replies.push_back(
        {HAL_LINK_REPLY, encode([&](std::uint8_t* o, std::size_t c) { return hal_link_encode_reply(&reply, o, c); })});
  }
  return replies;
}

bool is_client_type(std::uint8_t type) {
  return (type >= HAL_LINK_HELLO_REPLY && type <= HAL_LINK_RUN_DONE) ||
         (type >= HAL_LINK_I2C_WRITE && type <= HAL_LINK_LOG) || type == HAL_LINK_ERROR;
}

TEST(HalLinkFuzz, AClientUnderRandomAndMutatedHostFramesAlwaysAnswersWellFormedFramesAndNeverHangs) {
  SeededRng rng{0xC11E17ull};
  const hal_link_firmware firmware{fuzz_info, fuzz_init, fuzz_tick, fuzz_observables_get};
  int frames_from_client{0};
  int errors_from_client{0};
  for (int iteration = 0; iteration < 1000; ++iteration) {
    SocketPair sockets;
    // Everything the client writes, read as it comes so that it never blocks.
    Bytes from_client;
    std::thread reader{[&] {
      std::uint8_t buffer[4096];
      for (;;) {
        const ssize_t n{::recv(sockets.host_fd, buffer, sizeof buffer, 0)};
        if (n <= 0) {
          return;
        }
        from_client.insert(from_client.end(), buffer, buffer + n);
      }
    }};
    bool returned{false};
    {
      ClientThread client{sockets.client_fd, firmware};
      fuzz_hal.store(hal_link_client_hal(&client.client()));

      Bytes stream;
      std::uint8_t sequence{0};
      if (chance(rng, 0.85)) {
        const HostFrame hello{HAL_LINK_HELLO, encode([](std::uint8_t* o, std::size_t c) {
                                const hal_link_hello h{HAL_LINK_PROTOCOL_MAJOR, 0, BMS_HAL_VERSION};
                                return hal_link_encode_hello(&h, o, c);
                              })};
        stream = frame_bytes(hello.type, 0, hello.payload);
        sequence = 1;
      }
      // Mostly what a host would send (a RUN and the replies its tick's calls
      // need), with random frames, wrong numbers, mutations and noise mixed in.
      const std::uint32_t count{1 + pick(rng, 12)};
      for (std::uint32_t i = 0; i < count; ++i) {
        std::vector<HostFrame> frames;
        const double kind{rng.uniform01()};
        if (kind < 0.03) {
          const Bytes noise{random_bytes(rng, 1 + pick(rng, 40))};
          stream.insert(stream.end(), noise.begin(), noise.end());
          continue;
        }
        if (kind < 0.8) {
          frames.push_back(random_run_frame(rng));
          const std::vector<HostFrame> replies{replies_for_one_tick(rng)};
          frames.insert(frames.end(), replies.begin(), replies.end());
        } else {
          frames.push_back(random_host_frame(rng));
        }
        for (const HostFrame& frame : frames) {
          if (frame.type == HAL_LINK_HELLO) {
            sequence = 0;
          }
          const std::uint8_t numbered{chance(rng, 0.02) ? random_byte(rng) : sequence};
          ++sequence;
          const Bytes piece{chance(rng, 0.04) ? mutated_frame(rng, Sample{frame.type, frame.payload, ""}, numbered)
                                              : frame_bytes(frame.type, numbered, frame.payload)};
          stream.insert(stream.end(), piece.begin(), piece.end());
        }
      }
      // Written in random pieces, then the host hangs up: every serve must return.
      std::size_t offset{0};
      while (offset < stream.size()) {
        const std::size_t piece{std::min<std::size_t>(stream.size() - offset, 1 + pick(rng, 200))};
        int fd{sockets.host_fd};
        if (fd_write_all(&fd, stream.data() + offset, piece) != 0) {
          break;
        }
        offset += piece;
      }
      ::shutdown(sockets.host_fd, SHUT_WR);
      returned = client.join(std::chrono::seconds{10});
      EXPECT_TRUE(returned) << "serve did not return after the host hung up";
    }  // (a client that hung is shut down and joined here)
    fuzz_hal.store(nullptr);
    ::shutdown(sockets.client_fd, SHUT_RDWR);  // the reader sees the end of what the client sent
    reader.join();
    if (!returned) {
      return;
    }

    // Every byte the client sent is part of a well-formed frame of a firmware-side type.
    auto decoder{std::make_unique<hal_link_decoder>()};
    hal_link_decoder_reset(decoder.get());
    std::size_t offset{0};
    while (offset < from_client.size()) {
      std::size_t consumed{0};
      hal_link_frame frame{};
      hal_link_error error{};
      const hal_link_decode_result result{hal_link_decoder_feed(decoder.get(), from_client.data() + offset,
                                                                from_client.size() - offset, &consumed, &frame, &error)};
      ASSERT_NE(result, HAL_LINK_DECODE_ERROR) << "iteration " << iteration << ": " << error_text(error);
      ASSERT_EQ(result, HAL_LINK_DECODE_FRAME) << "iteration " << iteration << ": a partial frame at the end";
      offset += consumed;
      ++frames_from_client;
      ASSERT_TRUE(is_client_type(frame.type)) << hal_link_type_name(frame.type);
      if (frame.type == HAL_LINK_HELLO_REPLY) {
        EXPECT_EQ(frame.sequence, 0);
      }
      errors_from_client += frame.type == HAL_LINK_ERROR;
      const DecoderEntry* entry{decoder_for(frame.type)};
      ASSERT_NE(entry, nullptr);
      hal_link_error payload_error{};
      ASSERT_EQ(entry->decode(&frame, &payload_error), 0)
          << hal_link_type_name(frame.type) << ": " << error_text(payload_error);
    }
    EXPECT_EQ(decoder->bytes_skipped, 0u);
  }
  RecordProperty("frames_from_client", frames_from_client);
  RecordProperty("errors_from_client", errors_from_client);
  EXPECT_GT(frames_from_client, 1000);
  EXPECT_GT(errors_from_client, 0);
}

}  // namespace
}  // namespace packsim::hal::link_test

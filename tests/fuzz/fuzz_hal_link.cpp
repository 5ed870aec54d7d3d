// libFuzzer entry point for the remote-HAL link's codec (built only with
// -DPACKSIM_FUZZ=ON and Clang; README.md beside it): the input is fed to the stream decoder in
// pieces whose sizes come from its first byte, and every frame that comes
// out, as well as the whole input taken as one payload, goes through every
// payload decoder. ASan/UBSan report what the decoders must never do.
//
//   scripts/fuzz.sh --seconds 60     (every target), or by hand:
//   cmake --build build-fuzz --target fuzz_hal_link && build-fuzz/tests/fuzz/fuzz_hal_link -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "bms_under_test/hal/link/hal_link_protocol.h"

namespace {

void check_error(const hal_link_error& error) {
  if (error.field == nullptr || error.field[0] == '\0' || error.code == HAL_LINK_ERROR_NONE) {
    std::abort();  // every refusal must say what it refused
  }
}

void decode_payload_every_way(std::uint8_t type, const std::uint8_t* payload, std::size_t length) {
  hal_link_frame frame{};
  frame.type = type;
  frame.payload = payload;
  frame.payload_length = static_cast<std::uint16_t>(length > 0xFFFF ? 0xFFFF : length);
  hal_link_error error{};
  auto check = [&](int result) {
    if (result != 0) {
      check_error(error);
    }
  };
  hal_link_hello hello{};
  check(hal_link_decode_hello(&frame, &hello, &error));
  auto hello_reply{std::make_unique<hal_link_hello_reply>()};
  check(hal_link_decode_hello_reply(&frame, hello_reply.get(), &error));
  hal_link_describe describe{};
  check(hal_link_decode_describe(&frame, &describe, &error));
  auto description{std::make_unique<hal_link_description>()};
  check(hal_link_decode_description(&frame, description.get(), &error));
  hal_link_read_observables read{};
  check(hal_link_decode_read_observables(&frame, &read, &error));
  auto values{std::make_unique<hal_link_observable_values>()};
  check(hal_link_decode_observable_values(&frame, values.get(), &error));
  hal_link_run run{};
  if (hal_link_decode_run(&frame, &run, &error) == 0) {
    for (std::size_t i = 0; i < run.can_frame_count; ++i) {
      bms_can_frame can{};
      check(hal_link_decode_can_frame(run.can_frames + i * HAL_LINK_CAN_FRAME_SIZE, &can, &error));
    }
  } else {
    check_error(error);
  }
  hal_link_done done{};
  check(hal_link_decode_done(&frame, &done, &error));
  hal_link_i2c i2c{};
  check(hal_link_decode_i2c(&frame, &i2c, &error));
  bms_can_frame can{};
  check(hal_link_decode_can_send(&frame, &can, &error));
  hal_link_bytes bytes{};
  check(hal_link_decode_uart_write(&frame, &bytes, &error));
  hal_link_gpio_write gpio{};
  check(hal_link_decode_gpio_write(&frame, &gpio, &error));
  hal_link_reply reply{};
  check(hal_link_decode_reply(&frame, &reply, &error));
  hal_link_error_frame error_frame{};
  check(hal_link_decode_error_frame(&frame, &error_frame, &error));
  hal_link_string log{};
  check(hal_link_decode_log(&frame, &log, &error));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::size_t piece_size{1u + data[0]};
  auto decoder{std::make_unique<hal_link_decoder>()};
  hal_link_decoder_reset(decoder.get());
  std::size_t offset{1};
  int stalls{0};
  while (offset < size) {
    const std::size_t piece{size - offset < piece_size ? size - offset : piece_size};
    std::size_t consumed{0};
    hal_link_frame frame{};
    hal_link_error error{};
    const hal_link_decode_result result{
        hal_link_decoder_feed(decoder.get(), data + offset, piece, &consumed, &frame, &error)};
    if (consumed > piece) {
      std::abort();
    }
    if (result == HAL_LINK_DECODE_ERROR) {
      check_error(error);
    } else if (result == HAL_LINK_DECODE_FRAME) {
      decode_payload_every_way(frame.type, frame.payload, frame.payload_length);
    }
    stalls = consumed == 0 ? stalls + 1 : 0;
    if (stalls > 1) {
      std::abort();  // the decoder must always make progress
    }
    offset += consumed;
  }
  // The input itself as a payload of each type that has its own layout.
  for (std::uint8_t type : {std::uint8_t{HAL_LINK_RUN}, std::uint8_t{HAL_LINK_I2C_WRITE}, std::uint8_t{HAL_LINK_I2C_READ},
                            std::uint8_t{HAL_LINK_I2C_WRITE_READ}}) {
    decode_payload_every_way(type, data + 1, size - 1);
  }
  return 0;
}

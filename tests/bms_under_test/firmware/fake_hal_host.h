// The host side of bms_hal.h for the firmware's unit tests: virtual
// milliseconds the test advances, UART and CAN queues in both directions,
// GPIO levels, the log lines, the I2C bus with a FakeBq76952 at 0x08 and an
// optional configuration EEPROM (24C32-style, 2-byte addresses) at 0x50.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "bms_under_test/hal/bms_hal.h"
#include "tests/bms_under_test/firmware/fake_bq76952.h"

namespace packsim::firmware_test {

class FakeHalHost {
 public:
  static constexpr std::uint8_t kEepromAddress{0x50};

  struct SentFrame {
    std::uint32_t time_ms{0};
    bms_can_frame frame{};
  };

  explicit FakeHalHost(FakeBq76952& afe);
  FakeHalHost(const FakeHalHost&) = delete;
  FakeHalHost& operator=(const FakeHalHost&) = delete;

  const bms_hal* hal() const { return &hal_; }
  bms_hal& mutable_hal() { return hal_; }

  std::uint32_t now_ms{0};

  // UART: bytes the tool sends to the BMS, bytes the BMS wrote.
  std::deque<std::uint8_t> uart_to_bms;
  std::vector<std::uint8_t> uart_from_bms;
  std::size_t uart_write_limit{1024};  // bytes accepted per uart_write call

  // CAN.
  std::deque<bms_can_frame> can_to_bms;
  std::vector<SentFrame> can_from_bms;
  bool can_queue_full{false};

  std::array<int, BMS_GPIO_COUNT> gpio_levels{};
  std::vector<std::string> log_lines;

  // The configuration EEPROM: absent (NACK) when empty.
  std::vector<std::uint8_t> eeprom;
  std::size_t eeprom_reads{0};

  FakeBq76952& afe() { return afe_; }

 private:
  static int i2c_write(void* host, std::uint8_t address7, const std::uint8_t* data, std::size_t length);
  static int i2c_read(void* host, std::uint8_t address7, std::uint8_t* data, std::size_t length);
  static int i2c_write_read(void* host, std::uint8_t address7, const std::uint8_t* write_data,
                            std::size_t write_length, std::uint8_t* read_data, std::size_t read_length);
  static int can_send(void* host, const bms_can_frame* frame);
  static int can_receive(void* host, bms_can_frame* frame);
  static std::size_t uart_write(void* host, const std::uint8_t* data, std::size_t length);
  static std::size_t uart_read(void* host, std::uint8_t* data, std::size_t capacity);
  static int gpio_read(void* host, std::uint32_t pin);
  static void gpio_write(void* host, std::uint32_t pin, int level);
  static std::uint32_t millis(void* host);
  static void log(void* host, const char* line);

  FakeBq76952& afe_;
  bms_hal hal_{};
};

}  // namespace packsim::firmware_test

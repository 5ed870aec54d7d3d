#include "tests/bms_under_test/firmware/fake_hal_host.h"

namespace packsim::firmware_test {
namespace {

FakeHalHost& self(void* host) { return *static_cast<FakeHalHost*>(host); }

}  // namespace

FakeHalHost::FakeHalHost(FakeBq76952& afe) : afe_{afe} {
  hal_.version = BMS_HAL_VERSION;
  hal_.host = this;
  hal_.i2c_write = &FakeHalHost::i2c_write;
  hal_.i2c_read = &FakeHalHost::i2c_read;
  hal_.i2c_write_read = &FakeHalHost::i2c_write_read;
  hal_.can_send = &FakeHalHost::can_send;
  hal_.can_receive = &FakeHalHost::can_receive;
  hal_.uart_write = &FakeHalHost::uart_write;
  hal_.uart_read = &FakeHalHost::uart_read;
  hal_.gpio_read = &FakeHalHost::gpio_read;
  hal_.gpio_write = &FakeHalHost::gpio_write;
  hal_.millis = &FakeHalHost::millis;
  hal_.log = &FakeHalHost::log;
}

int FakeHalHost::i2c_write(void* host, std::uint8_t address7, const std::uint8_t* data, std::size_t length) {
  FakeHalHost& h = self(host);
  if (address7 == FakeBq76952::kAddress) {
    return h.afe_.write(data, length);
  }
  return BMS_HAL_NACK;  // the firmware never writes the EEPROM
}

int FakeHalHost::i2c_read(void* host, std::uint8_t address7, std::uint8_t* data, std::size_t length) {
  (void)host;
  (void)address7;
  (void)data;
  (void)length;
  return BMS_HAL_NACK;  // every read here goes through write_read
}

int FakeHalHost::i2c_write_read(void* host, std::uint8_t address7, const std::uint8_t* write_data,
                                std::size_t write_length, std::uint8_t* read_data, std::size_t read_length) {
  FakeHalHost& h = self(host);
  if (address7 == FakeBq76952::kAddress) {
    return h.afe_.write_read(write_data, write_length, read_data, read_length);
  }
  if (address7 == kEepromAddress && !h.eeprom.empty() && write_length == 2) {
    ++h.eeprom_reads;
    const std::size_t start = (static_cast<std::size_t>(write_data[0]) << 8U) | write_data[1];
    for (std::size_t i = 0; i < read_length; ++i) {
      read_data[i] = start + i < h.eeprom.size() ? h.eeprom[start + i] : 0xFF;
    }
    return BMS_HAL_OK;
  }
  return BMS_HAL_NACK;
}

int FakeHalHost::can_send(void* host, const bms_can_frame* frame) {
  FakeHalHost& h = self(host);
  if (h.can_queue_full) {
    return BMS_HAL_BUS_ERROR;
  }
  h.can_from_bms.push_back({h.now_ms, *frame});
  return BMS_HAL_OK;
}

int FakeHalHost::can_receive(void* host, bms_can_frame* frame) {
  FakeHalHost& h = self(host);
  if (h.can_to_bms.empty()) {
    return 0;
  }
  *frame = h.can_to_bms.front();
  h.can_to_bms.pop_front();
  return 1;
}

std::size_t FakeHalHost::uart_write(void* host, const std::uint8_t* data, std::size_t length) {
  FakeHalHost& h = self(host);
  const std::size_t accepted = length < h.uart_write_limit ? length : h.uart_write_limit;
  h.uart_from_bms.insert(h.uart_from_bms.end(), data, data + accepted);
  return accepted;
}

std::size_t FakeHalHost::uart_read(void* host, std::uint8_t* data, std::size_t capacity) {
  FakeHalHost& h = self(host);
  std::size_t n = 0;
  while (n < capacity && !h.uart_to_bms.empty()) {
    data[n++] = h.uart_to_bms.front();
    h.uart_to_bms.pop_front();
  }
  return n;
}

int FakeHalHost::gpio_read(void* host, std::uint32_t pin) {
  FakeHalHost& h = self(host);
  return pin < h.gpio_levels.size() ? h.gpio_levels[pin] : -1;
}

void FakeHalHost::gpio_write(void* host, std::uint32_t pin, int level) {
  FakeHalHost& h = self(host);
  if (pin < h.gpio_levels.size()) {
    h.gpio_levels[pin] = level;
  }
}

std::uint32_t FakeHalHost::millis(void* host) { return self(host).now_ms; }

void FakeHalHost::log(void* host, const char* line) { self(host).log_lines.emplace_back(line); }

}  // namespace packsim::firmware_test

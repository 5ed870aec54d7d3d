#include "sim/hil/firmware_host.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace packsim::hil {

FirmwareHost::FirmwareHost(const sim::VirtualClock& clock, CanBus& bus, Options options)
    : clock_{clock}, bus_{bus}, options_{options}, boot_ns_{clock.now()}, budget_{options.limits} {
  hal_.version = BMS_HAL_VERSION;
  hal_.host = this;
  hal_.i2c_write = &FirmwareHost::i2c_write;
  hal_.i2c_read = &FirmwareHost::i2c_read;
  hal_.i2c_write_read = &FirmwareHost::i2c_write_read;
  hal_.can_send = &FirmwareHost::can_send;
  hal_.can_receive = &FirmwareHost::can_receive;
  hal_.uart_write = &FirmwareHost::uart_write;
  hal_.uart_read = &FirmwareHost::uart_read;
  hal_.gpio_read = &FirmwareHost::gpio_read;
  hal_.gpio_write = &FirmwareHost::gpio_write;
  hal_.millis = &FirmwareHost::millis;
  hal_.log = &FirmwareHost::log;
  bus_.attach(*this);
}

void FirmwareHost::power_cycle() {
  boot_ns_ = clock_.now();
  can_receive_.clear();
  uart_to_firmware_.clear();
  uart_from_firmware_.clear();
  for (GpioPin& pin : gpio_) {
    pin.output = 0;
  }
}

// ---- I2C ----

void FirmwareHost::attach_i2c(std::uint8_t address7, I2cTarget& target) {
  if (address7 > 0x7F) {
    throw std::invalid_argument{"FirmwareHost: I2C addresses are 7-bit"};
  }
  if (!i2c_targets_.emplace(address7, &target).second) {
    throw std::logic_error{"FirmwareHost: two I2C targets at address " + std::to_string(address7)};
  }
}

void FirmwareHost::detach_i2c(std::uint8_t address7) { i2c_targets_.erase(address7); }

I2cTarget* FirmwareHost::target_at(std::uint8_t address7) const {
  const auto it{i2c_targets_.find(address7)};
  return it == i2c_targets_.end() ? nullptr : it->second;
}

int FirmwareHost::count(int result) {
  ++i2c_transactions_;
  if (result == BMS_HAL_NACK) {
    ++i2c_nacks_;
  }
  return result;
}

int FirmwareHost::i2c_write(void* host, std::uint8_t address7, const std::uint8_t* data, std::size_t length) {
  FirmwareHost& h{self(host)};
  if (!h.budget_.count_i2c_transaction()) return BMS_HAL_BUS_ERROR;
  I2cTarget* target{h.target_at(address7)};
  return h.count(target == nullptr ? BMS_HAL_NACK : target->write(address7, data, length));
}

int FirmwareHost::i2c_read(void* host, std::uint8_t address7, std::uint8_t* data, std::size_t length) {
  FirmwareHost& h{self(host)};
  if (!h.budget_.count_i2c_transaction()) return BMS_HAL_BUS_ERROR;
  I2cTarget* target{h.target_at(address7)};
  return h.count(target == nullptr ? BMS_HAL_NACK : target->read(address7, data, length));
}

int FirmwareHost::i2c_write_read(void* host, std::uint8_t address7, const std::uint8_t* write_data,
                                 std::size_t write_length, std::uint8_t* read_data, std::size_t read_length) {
  FirmwareHost& h{self(host)};
  if (!h.budget_.count_i2c_transaction()) return BMS_HAL_BUS_ERROR;
  I2cTarget* target{h.target_at(address7)};
  if (target == nullptr) {
    return h.count(BMS_HAL_NACK);
  }
  // The repeated START follows only an acknowledged write.
  const int written{target->write(address7, write_data, write_length)};
  if (written != BMS_HAL_OK) {
    return h.count(written);
  }
  return h.count(target->read(address7, read_data, read_length));
}

// ---- CAN ----

void FirmwareHost::on_can_frame(const CanRecord& record) {
  if (can_receive_.size() >= options_.can_receive_capacity) {
    can_receive_.pop_front();  // the oldest is overwritten, as in a ring buffer
    ++can_receive_overruns_;
  }
  can_receive_.push_back(record.frame);
}

int FirmwareHost::can_send(void* host, const bms_can_frame* frame) {
  FirmwareHost& h{self(host)};
  if (frame == nullptr || !h.budget_.count_can_frame()) {
    return BMS_HAL_BUS_ERROR;
  }
  return h.bus_.send(h, *frame) ? BMS_HAL_OK : BMS_HAL_BUS_ERROR;
}

int FirmwareHost::can_receive(void* host, bms_can_frame* frame) {
  FirmwareHost& h{self(host)};
  if (h.can_receive_.empty() || frame == nullptr) {
    return 0;
  }
  *frame = h.can_receive_.front();
  h.can_receive_.pop_front();
  return 1;
}

// ---- UART ----

std::size_t FirmwareHost::uart_send_to_firmware(std::span<const std::uint8_t> bytes) {
  const std::size_t room{options_.uart_capacity - std::min(options_.uart_capacity, uart_to_firmware_.size())};
  const std::size_t n{std::min(room, bytes.size())};
  uart_to_firmware_.insert(uart_to_firmware_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
  return n;
}

std::vector<std::uint8_t> FirmwareHost::uart_take_from_firmware() {
  std::vector<std::uint8_t> out{uart_from_firmware_.begin(), uart_from_firmware_.end()};
  uart_from_firmware_.clear();
  return out;
}

std::size_t FirmwareHost::uart_write(void* host, const std::uint8_t* data, std::size_t length) {
  FirmwareHost& h{self(host)};
  if (data == nullptr || !h.budget_.count_uart_bytes(length)) {
    return 0;
  }
  const std::size_t room{h.options_.uart_capacity - std::min(h.options_.uart_capacity, h.uart_from_firmware_.size())};
  const std::size_t n{std::min(room, length)};
  h.uart_from_firmware_.insert(h.uart_from_firmware_.end(), data, data + n);
  return n;
}

std::size_t FirmwareHost::uart_read(void* host, std::uint8_t* data, std::size_t capacity) {
  FirmwareHost& h{self(host)};
  if (data == nullptr) {
    return 0;
  }
  const std::size_t n{std::min(capacity, h.uart_to_firmware_.size())};
  std::copy_n(h.uart_to_firmware_.begin(), n, data);
  h.uart_to_firmware_.erase(h.uart_to_firmware_.begin(), h.uart_to_firmware_.begin() + static_cast<std::ptrdiff_t>(n));
  return n;
}

// ---- GPIO ----

void FirmwareHost::set_gpio_source(std::uint32_t pin, std::function<int()> source) {
  gpio_.at(pin).source = std::move(source);
}

void FirmwareHost::force_gpio(std::uint32_t pin, int level) { gpio_.at(pin).forced = level < 0 ? -1 : (level != 0 ? 1 : 0); }

int FirmwareHost::gpio_output(std::uint32_t pin) const { return gpio_.at(pin).output; }

int FirmwareHost::gpio_read(void* host, std::uint32_t pin) {
  FirmwareHost& h{self(host)};
  if (pin >= h.gpio_.size()) {
    return 0;  // a pin this board does not have reads low
  }
  const GpioPin& p{h.gpio_[pin]};
  if (p.forced >= 0) {
    return p.forced;
  }
  if (p.source) {
    return p.source() != 0 ? 1 : 0;
  }
  return p.output;  // an output reads back what was written
}

void FirmwareHost::gpio_write(void* host, std::uint32_t pin, int level) {
  FirmwareHost& h{self(host)};
  if (!h.budget_.count_gpio_write()) return;
  if (pin < h.gpio_.size()) {
    // AFE_RESET is recorded but does not hold the emulated chip in reset.
    h.gpio_[pin].output = level != 0 ? 1 : 0;
  }
}

// ---- Time and log ----

std::uint32_t FirmwareHost::millis() const {
  const sim::TimeNs since_boot_ms{(clock_.now() - boot_ns_) / sim::kNsPerMs};
  // Modular arithmetic: the counter wraps after 2^32 ms, as on the MCU.
  return static_cast<std::uint32_t>(static_cast<std::uint64_t>(options_.millis_offset_ms) +
                                    static_cast<std::uint64_t>(since_boot_ms));
}

std::uint32_t FirmwareHost::millis(void* host) { return self(host).millis(); }

void FirmwareHost::log(void* host, const char* line) {
  FirmwareHost& h{self(host)};
  if (line == nullptr) {
    return;
  }
  // strnlen: a firmware's missing terminator must not make us read on.
  const std::size_t limit{h.options_.log_line_max_bytes};
  const std::size_t length{::strnlen(line, limit + 1)};
  std::string text{line, std::min(length, limit)};
  if (length > limit) {
    text += " [cut]";
    ++h.log_cut_;
  }
  while (!h.log_.empty() &&
         (h.log_.size() >= h.options_.log_capacity || h.log_bytes_ + text.size() > h.options_.log_capacity_bytes)) {
    h.log_bytes_ -= h.log_.front().text.size();
    h.log_.pop_front();
    ++h.log_dropped_;
  }
  h.log_bytes_ += text.size();
  h.log_.push_back(HostLogLine{h.clock_.now(), std::move(text)});
}

std::string FirmwareHost::log_text(std::size_t last_lines) const {
  std::string out;
  const std::size_t first{log_.size() > last_lines ? log_.size() - last_lines : 0};
  if (log_dropped_ > 0 && first == 0) {
    out += "(" + std::to_string(log_dropped_) + " earlier lines dropped: the log keeps a bounded window)\n";
  }
  for (std::size_t i = first; i < log_.size(); ++i) {
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "[%12.6f s] ", sim::to_seconds(log_[i].time_ns));
    out += stamp;
    out += log_[i].text;
    out += '\n';
  }
  return out;
}

}  // namespace packsim::hil

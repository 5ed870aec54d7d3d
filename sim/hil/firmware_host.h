#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bms_under_test/hal/bms_hal.h"
#include "bms_under_test/hal/hal_call_budget.h"
#include "sim/clock/virtual_clock.h"
#include "sim/hil/can_bus.h"
#include "sim/hil/i2c_target.h"

namespace packsim::hil {

// A line the firmware logged, with the virtual time it was logged at.
struct HostLogLine {
  sim::TimeNs time_ns{0};
  std::string text;
};

// The simulator's side of bms_hal.h: every callback a firmware makes lands on
// a simulated device.
// - I2C: routed by 7-bit address to attached targets (the bq76952 at 0x08, the
//   configuration EEPROM at 0x50); nobody at an address: BMS_HAL_NACK.
//   write_read is the write, then (only if it was acknowledged) the read.
// - CAN: a node on a CanBus; sent frames go on the bus at once, frames from
//   other nodes queue for can_receive (oldest dropped beyond the capacity).
// - UART: byte queues both ways; a service tool writes requests into one and
//   reads answers from the other.
// - GPIO: inputs read from a source function (the AFE's ALERT, charger
//   detect) unless forced; outputs are recorded and read back.
// - millis(): virtual milliseconds since the firmware was last booted, plus an
//   optional offset (to run across the uint32 wrap).
// - log(): lines kept with their timestamps, in a bounded window (lines and
//   bytes; a line is cut at log_line_max_bytes): a firmware that logs without
//   end costs memory up to the window, and log_dropped() counts what fell out.
// - Budget: each run (bms_init, bms_tick) may make no more bus traffic than
//   the wire carries in a tick (hal_call_budget.h); beyond it every call fails
//   (BMS_HAL_BUS_ERROR, 0 bytes) and budget_exceeded() says which bus.
// Not copyable or movable: the bms_hal it hands out points at it.
class FirmwareHost final : public CanNode {
 public:
  struct Options {
    std::size_t can_receive_capacity{64};  // a typical controller FIFO plus driver ring
    std::size_t uart_capacity{4096};       // bytes each direction holds
    std::uint32_t millis_offset_ms{0};     // millis() at boot
    std::size_t log_capacity{100'000};     // oldest lines dropped beyond it
    std::size_t log_capacity_bytes{8u << 20};  // ... or beyond this much text
    std::size_t log_line_max_bytes{1024};  // longer lines are cut (and marked so)
    hal::HalCallLimits limits{};
  };

  FirmwareHost(const sim::VirtualClock& clock, CanBus& bus, Options options);
  FirmwareHost(const sim::VirtualClock& clock, CanBus& bus) : FirmwareHost{clock, bus, Options{}} {}
  FirmwareHost(const FirmwareHost&) = delete;
  FirmwareHost& operator=(const FirmwareHost&) = delete;
  ~FirmwareHost() override = default;

  // What the firmware is given at bms_init; valid while the host lives.
  const bms_hal& hal() const { return hal_; }

  // A power cycle of the MCU at the current time: queues and GPIO outputs are
  // lost, millis() starts again from the offset.
  void power_cycle();

  // A run of the firmware (bms_init or bms_tick) starts: its traffic budget
  // for a tick of tick_period_ms begins anew.
  void begin_run(std::uint32_t tick_period_ms) { budget_.begin_run(tick_period_ms); }
  // Which bus the run flooded, once it did.
  const std::optional<std::string>& budget_exceeded() const { return budget_.exceeded(); }

  // ---- I2C ----
  void attach_i2c(std::uint8_t address7, I2cTarget& target);  // not owned
  void detach_i2c(std::uint8_t address7);
  std::uint64_t i2c_transactions() const { return i2c_transactions_; }
  std::uint64_t i2c_nacks() const { return i2c_nacks_; }

  // ---- CAN ----
  std::string_view can_name() const override { return "bms"; }
  void on_can_frame(const CanRecord& record) override;
  std::uint64_t can_receive_overruns() const { return can_receive_overruns_; }
  std::size_t can_receive_pending() const { return can_receive_.size(); }

  // ---- UART (the tool's end) ----
  // Queues bytes for the firmware; returns how many fitted.
  std::size_t uart_send_to_firmware(std::span<const std::uint8_t> bytes);
  // Takes every byte the firmware has written so far.
  std::vector<std::uint8_t> uart_take_from_firmware();
  std::size_t uart_pending_from_firmware() const { return uart_from_firmware_.size(); }

  // ---- GPIO ----
  void set_gpio_source(std::uint32_t pin, std::function<int()> source);
  // Forces an input level (e.g. a settable charger-detect flag); -1 releases it.
  void force_gpio(std::uint32_t pin, int level);
  int gpio_output(std::uint32_t pin) const;  // last level the firmware wrote

  // ---- Time and log ----
  sim::TimeNs now_ns() const { return clock_.now(); }
  std::uint32_t millis() const;
  const std::deque<HostLogLine>& log_lines() const { return log_; }
  // Lines that fell out of the window (the oldest first), and lines cut short.
  std::uint64_t log_dropped() const { return log_dropped_; }
  std::uint64_t log_cut() const { return log_cut_; }
  std::string log_text(std::size_t last_lines = 200) const;

 private:
  struct GpioPin {
    std::function<int()> source;
    int forced{-1};
    int output{0};
  };

  static FirmwareHost& self(void* host) { return *static_cast<FirmwareHost*>(host); }
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

  I2cTarget* target_at(std::uint8_t address7) const;
  int count(int result);

  const sim::VirtualClock& clock_;
  CanBus& bus_;
  Options options_;
  bms_hal hal_{};
  sim::TimeNs boot_ns_{0};

  std::map<std::uint8_t, I2cTarget*> i2c_targets_;  // not owned
  std::uint64_t i2c_transactions_{0};
  std::uint64_t i2c_nacks_{0};

  std::deque<bms_can_frame> can_receive_;
  std::uint64_t can_receive_overruns_{0};

  std::deque<std::uint8_t> uart_to_firmware_;
  std::deque<std::uint8_t> uart_from_firmware_;

  std::array<GpioPin, BMS_GPIO_COUNT> gpio_{};
  hal::HalCallBudget budget_;
  std::deque<HostLogLine> log_;
  std::size_t log_bytes_{0};
  std::uint64_t log_dropped_{0};
  std::uint64_t log_cut_{0};
};

}  // namespace packsim::hil

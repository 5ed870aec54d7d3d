// How much bus traffic one bms_init or bms_tick may make: no more than the
// fastest wire of each kind carries in one tick period, with room for a burst
// the MCU's queues absorb. A firmware beyond it floods the bus (or is stuck in
// a loop of HAL calls): the host ends its run (FirmwareFault kFlooded) with
// the same verdict whether the firmware runs in this process or over a link.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace packsim::hal {

struct HalCallLimits {
  // A 1 MHz Fast-mode Plus I2C bus does about 25 short register transactions a ms.
  std::uint32_t i2c_transactions_per_ms{25};
  std::uint32_t i2c_transactions_burst{100};
  // A 1 Mbit/s classic CAN bus carries about 8 frames a ms; the burst is a
  // full receive/transmit ring.
  std::uint32_t can_frames_per_ms{8};
  std::uint32_t can_frames_burst{64};
  // A 1 Mbaud UART carries 100 bytes a ms; the burst is the host's UART queue.
  std::uint32_t uart_bytes_per_ms{100};
  std::uint32_t uart_bytes_burst{4096};
  // GPIO writes: a pin toggled every 10 us.
  std::uint32_t gpio_writes_per_ms{100};
  std::uint32_t gpio_writes_burst{100};
};

// Counts one run's calls against the limits for a tick period. The first call
// beyond a limit makes exceeded() say which bus and by how much, e.g.
// "flooded the CAN bus: 145 frames in one 10 ms tick (at most 144: a 1 Mbit/s
// bus carries about 80 in 10 ms, plus a 64-frame burst)".
class HalCallBudget {
 public:
  HalCallBudget() = default;
  explicit HalCallBudget(HalCallLimits limits) : limits_{limits} {}

  // A new run (bms_init or bms_tick) of a firmware ticking every tick_period_ms.
  void begin_run(std::uint32_t tick_period_ms);
  // Each returns false once the run is over its budget (the call must not reach the bus).
  bool count_i2c_transaction();
  bool count_can_frame();
  bool count_uart_bytes(std::uint64_t offered);
  bool count_gpio_write();

  const std::optional<std::string>& exceeded() const { return exceeded_; }
  const HalCallLimits& limits() const { return limits_; }

 private:
  bool count(std::uint64_t& used, std::uint64_t amount, std::uint32_t per_ms, std::uint32_t burst, const char* what,
             const char* unit, const char* wire);

  HalCallLimits limits_{};
  std::uint32_t tick_period_ms_{1};
  std::uint64_t i2c_{0};
  std::uint64_t can_{0};
  std::uint64_t uart_{0};
  std::uint64_t gpio_{0};
  std::optional<std::string> exceeded_;
};

}  // namespace packsim::hal

#include "bms_under_test/hal/hal_call_budget.h"

namespace packsim::hal {

void HalCallBudget::begin_run(std::uint32_t tick_period_ms) {
  tick_period_ms_ = tick_period_ms == 0 ? 1 : tick_period_ms;
  i2c_ = can_ = uart_ = gpio_ = 0;
  exceeded_.reset();
}

bool HalCallBudget::count(std::uint64_t& used, std::uint64_t amount, std::uint32_t per_ms, std::uint32_t burst,
                          const char* what, const char* unit, const char* wire) {
  if (exceeded_) return false;
  const std::uint64_t carried{static_cast<std::uint64_t>(per_ms) * tick_period_ms_};
  const std::uint64_t limit{carried + burst};
  used += amount;
  if (used <= limit) return true;
  exceeded_ = "flooded the " + std::string{what} + ": " + std::to_string(used) + " " + unit + " in one " +
              std::to_string(tick_period_ms_) + " ms tick (at most " + std::to_string(limit) + ": " + wire +
              " carries about " + std::to_string(carried) + " in " + std::to_string(tick_period_ms_) +
              " ms, plus a burst of " + std::to_string(burst) + ")";
  return false;
}

bool HalCallBudget::count_i2c_transaction() {
  return count(i2c_, 1, limits_.i2c_transactions_per_ms, limits_.i2c_transactions_burst, "I2C bus", "transactions",
               "a 1 MHz bus");
}

bool HalCallBudget::count_can_frame() {
  return count(can_, 1, limits_.can_frames_per_ms, limits_.can_frames_burst, "CAN bus", "frames",
               "a 1 Mbit/s bus");
}

bool HalCallBudget::count_uart_bytes(std::uint64_t offered) {
  return count(uart_, offered, limits_.uart_bytes_per_ms, limits_.uart_bytes_burst, "UART", "bytes",
               "a 1 Mbaud line");
}

bool HalCallBudget::count_gpio_write() {
  return count(gpio_, 1, limits_.gpio_writes_per_ms, limits_.gpio_writes_burst, "GPIO", "writes",
               "a pin toggled every 10 us");
}

}  // namespace packsim::hal

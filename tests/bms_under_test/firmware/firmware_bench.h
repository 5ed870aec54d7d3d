// The reference firmware (static library) on the fake host and the fake AFE:
// boot it, run virtual time in 10 ms ticks, talk JBD to its UART and watch
// its CAN frames. The firmware's one static context is reset by every
// bms_init, so each test starts from a fresh boot.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "bms_under_test/bus/jbd_protocol.h"
#include "bms_under_test/firmware/bms_context.h"
#include "tests/bms_under_test/firmware/fake_bq76952.h"
#include "tests/bms_under_test/firmware/fake_hal_host.h"

namespace packsim::firmware_test {

class FirmwareBench {
 public:
  static constexpr std::uint32_t kTickMs{10};

  FirmwareBench();  // a healthy pack: 16 cells at 3300 mV, 25 C, no current

  FakeBq76952 afe;
  FakeHalHost host{afe};

  int init();
  void tick();
  void run_ms(std::uint32_t duration_ms);
  // Ticks until condition holds (checked after every tick); false on timeout.
  bool run_until(const std::function<bool()>& condition, std::uint32_t timeout_ms);
  // bms_init, then ticks until NORMAL; false if it never got there.
  bool boot();

  const bms_context& context() const { return *bms_firmware_context(); }
  bms_state state() const { return context().state; }
  std::uint32_t active_flags() const { return bms_context_active_flags(&context()); }
  bool flag(int bit) const { return (active_flags() & (1U << static_cast<unsigned>(bit))) != 0; }

  // Sends a request on the UART and ticks until a response frame comes back.
  std::optional<jbd_response> request(const jbd_request& request, std::uint32_t timeout_ms = 500);
  std::optional<jbd_response> read(std::uint8_t command, std::vector<std::uint8_t> data = {});
  std::optional<jbd_response> mos_control(bool charge_off, bool discharge_off);

  std::vector<FakeHalHost::SentFrame> frames_with_id(std::uint32_t id) const;
  void send_heartbeat();

 private:
  jbd_parser response_parser_{};
  std::size_t uart_consumed_{0};
};

}  // namespace packsim::firmware_test

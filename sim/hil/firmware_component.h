#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "bms_under_test/hal/firmware_loader.h"
#include "sim/clock/virtual_clock.h"
#include "sim/hil/firmware_host.h"
#include "sim/scheduler/component.h"

namespace packsim::hil {

// The firmware on the scheduler: bms_init at its start time (and again at
// restart(): a re-flash or power cycle of the MCU, while the pack and the AFE
// keep their state), then bms_tick every tick_period_ms of virtual time,
// exactly. A firmware whose bms_init fails is not ticked (it would sit in its
// error handler), until the next restart.
class FirmwareComponent final : public sim::Component {
 public:
  FirmwareComponent(const hal::Firmware& firmware, FirmwareHost& host, sim::TimeNs start_ns = 0);

  std::string_view name() const override { return "firmware"; }
  sim::TimeNs next_event_ns() const override;
  void advance_to(sim::TimeNs t) override;

  // Boots the firmware again now (the host's clock): host queues cleared,
  // millis() from its offset, bms_init, first tick one period later. Call it
  // between runs. The firmware referred to may have been replaced (a re-flash).
  void restart();
  // Runs after every tick (and after bms_init), e.g. to let the AFE's FET
  // drivers act on the plant at the instant the firmware commands them.
  void set_after_tick(std::function<void()> hook) { after_tick_ = std::move(hook); }

  const hal::Firmware& firmware() const { return firmware_; }
  sim::TimeNs tick_period_ns() const { return tick_period_ns_; }
  bool booted() const { return booted_; }
  int init_result() const { return init_result_; }
  std::uint64_t ticks() const { return ticks_; }
  std::uint64_t boots() const { return boots_; }

 private:
  void boot(sim::TimeNs t);

  const hal::Firmware& firmware_;
  FirmwareHost& host_;
  sim::TimeNs start_ns_;
  sim::TimeNs tick_period_ns_;
  bool booted_{false};
  int init_result_{0};
  sim::TimeNs next_tick_ns_{sim::kNoEvent};
  std::uint64_t ticks_{0};
  std::uint64_t boots_{0};
  std::function<void()> after_tick_;
};

}  // namespace packsim::hil

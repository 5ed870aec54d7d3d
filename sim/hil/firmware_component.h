#pragma once

#include <cstdint>
#include <functional>
#include <optional>
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
// error handler), until the next restart. A firmware that faults (crashes,
// hangs, floods a bus: hal::FirmwareFault) is stopped at that instant, its
// outputs held as the chip keeps them, and the fault propagates; a restart
// boots it again when its runtime can.
//
// The board's MCU can also be made to fail on purpose (a scenario's
// firmware_fault step), identically wherever the firmware's code runs:
// - hang: the MCU stops (stuck in a loop, interrupts off): no more ticks, its
//   outputs held. The board's watchdog, if it has one, resets it `watchdog`
//   after the last tick it completed; without one it stays frozen.
// - crash: the MCU takes a fault and its handler resets it at once.
// A persistent failure comes back at every boot (a defect in the image: it
// hangs at its first tick, or crashes there), so the board resets over and
// over until a re-flash brings an image without it. A completed tick (or
// bms_init) is the watchdog's kick: HAL 1.0 has no call for it.
class FirmwareComponent final : public sim::Component {
 public:
  enum class Failure { kHang, kCrash };
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

  // The board's MCU watchdog timeout; nullopt: the board has none.
  void set_watchdog(std::optional<sim::TimeNs> timeout_ns) { watchdog_ns_ = timeout_ns; }
  // The MCU fails now (see the class comment).
  void fail(Failure failure, bool persistent);
  // A re-flash: the image no longer carries a persistent failure.
  void clear_failure() { persistent_failure_.reset(); }
  // Called when the watchdog or a crash resets the MCU (after the new boot).
  void set_on_reset(std::function<void(Failure)> hook) { on_reset_ = std::move(hook); }
  // False while the MCU is stuck (a hang until its watchdog bites).
  bool running() const { return !hung_; }
  std::uint64_t resets() const { return resets_; }

  const hal::Firmware& firmware() const { return firmware_; }
  sim::TimeNs tick_period_ns() const { return tick_period_ns_; }
  bool booted() const { return booted_; }
  bool faulted() const { return faulted_; }
  int init_result() const { return init_result_; }
  std::uint64_t ticks() const { return ticks_; }
  std::uint64_t boots() const { return boots_; }

 private:
  void boot(sim::TimeNs t);
  // Runs init or tick within the host's traffic budget; on a fault, stops.
  template <typename Run>
  void guarded_run(Run&& run);
  void stop_after_fault();
  void reset_after(Failure failure);

  const hal::Firmware& firmware_;
  FirmwareHost& host_;
  sim::TimeNs start_ns_;
  sim::TimeNs tick_period_ns_;
  bool booted_{false};
  bool faulted_{false};
  int init_result_{0};
  sim::TimeNs next_tick_ns_{sim::kNoEvent};
  std::uint64_t ticks_{0};
  std::uint64_t boots_{0};
  std::function<void()> after_tick_;
  std::optional<sim::TimeNs> watchdog_ns_;
  bool hung_{false};
  sim::TimeNs last_kick_ns_{0};
  std::optional<Failure> persistent_failure_;
  std::function<void(Failure)> on_reset_;
  std::uint64_t resets_{0};
};

}  // namespace packsim::hil

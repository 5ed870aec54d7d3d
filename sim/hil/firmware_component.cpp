#include "sim/hil/firmware_component.h"

#include <optional>
#include <stdexcept>
#include <string>

#include "bms_under_test/hal/firmware_fault.h"
#include <utility>

namespace packsim::hil {

FirmwareComponent::FirmwareComponent(const hal::Firmware& firmware, FirmwareHost& host, sim::TimeNs start_ns)
    : firmware_{firmware},
      host_{host},
      start_ns_{start_ns},
      tick_period_ns_{static_cast<sim::TimeNs>(firmware.tick_period_ms()) * sim::kNsPerMs} {
  if (tick_period_ns_ <= 0) {
    throw std::invalid_argument{"FirmwareComponent: '" + firmware.origin() + "' has no tick period"};
  }
}

sim::TimeNs FirmwareComponent::next_event_ns() const {
  if (!booted_) return start_ns_;
  if (hung_) return watchdog_ns_ ? last_kick_ns_ + *watchdog_ns_ : sim::kNoEvent;
  return next_tick_ns_;
}

template <typename Run>
void FirmwareComponent::guarded_run(Run&& run) {
  host_.begin_run(firmware_.tick_period_ms());
  try {
    run();
  } catch (const hal::FirmwareFault&) {
    stop_after_fault();
    throw;
  }
  if (const std::optional<std::string>& flood{host_.budget_exceeded()}) {
    // In this process the calls beyond the budget failed; the run ends here,
    // with the verdict a linked firmware gets at the same call.
    stop_after_fault();
    throw hal::FirmwareFault{hal::FirmwareFaultKind::kFlooded,
                             *flood + " (at millis " + std::to_string(host_.millis()) + ")"};
  }
}

void FirmwareComponent::stop_after_fault() {
  faulted_ = true;
  next_tick_ns_ = sim::kNoEvent;
  // What the firmware commanded the chip before it faulted stands: the FETs
  // act on the plant as after any tick.
  if (after_tick_) after_tick_();
}

void FirmwareComponent::boot(sim::TimeNs t) {
  host_.power_cycle();
  ++boots_;
  booted_ = true;
  faulted_ = false;
  hung_ = false;
  next_tick_ns_ = sim::kNoEvent;
  guarded_run([&] { init_result_ = firmware_.init(host_.hal()); });
  last_kick_ns_ = t;
  next_tick_ns_ = init_result_ == 0 ? t + tick_period_ns_ : sim::kNoEvent;
  if (after_tick_) {
    after_tick_();
  }
}

void FirmwareComponent::fail(Failure failure, bool persistent) {
  if (persistent) persistent_failure_ = failure;
  if (!booted_) return;  // it fails at its first tick
  if (failure == Failure::kHang) {
    hung_ = true;  // the last completed tick is the watchdog's last kick
    return;
  }
  reset_after(Failure::kCrash);
}

void FirmwareComponent::reset_after(Failure failure) {
  ++resets_;
  boot(host_.now_ns());
  if (on_reset_) on_reset_(failure);
}

void FirmwareComponent::advance_to(sim::TimeNs t) {
  if (!booted_) {
    if (t >= start_ns_) {
      boot(t);
    }
    return;
  }
  if (hung_) {
    if (watchdog_ns_ && t >= last_kick_ns_ + *watchdog_ns_) reset_after(Failure::kHang);
    return;
  }
  if (t >= next_tick_ns_ && persistent_failure_) {
    // The defect strikes at the first tick of every boot.
    next_tick_ns_ += tick_period_ns_;
    fail(*persistent_failure_, false);
    return;
  }
  if (t >= next_tick_ns_) {
    guarded_run([&] { firmware_.tick(); });
    ++ticks_;
    last_kick_ns_ = t;
    next_tick_ns_ += tick_period_ns_;
    if (after_tick_) {
      after_tick_();
    }
  }
}

void FirmwareComponent::restart() {
  // The host's clock is the scheduler's: the instant `now` has been processed,
  // so the first tick lands one period later, never on a processed instant.
  booted_ = false;
  start_ns_ = host_.now_ns();
  // A re-flash may bring an image with another tick period.
  tick_period_ns_ = static_cast<sim::TimeNs>(firmware_.tick_period_ms()) * sim::kNsPerMs;
  if (tick_period_ns_ <= 0) {
    throw std::invalid_argument{"FirmwareComponent: '" + firmware_.origin() + "' has no tick period"};
  }
  boot(start_ns_);
}

}  // namespace packsim::hil

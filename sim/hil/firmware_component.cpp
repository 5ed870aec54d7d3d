#include "sim/hil/firmware_component.h"

#include <stdexcept>
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

sim::TimeNs FirmwareComponent::next_event_ns() const { return booted_ ? next_tick_ns_ : start_ns_; }

void FirmwareComponent::boot(sim::TimeNs t) {
  host_.power_cycle();
  init_result_ = firmware_.init(host_.hal());
  ++boots_;
  booted_ = true;
  next_tick_ns_ = init_result_ == 0 ? t + tick_period_ns_ : sim::kNoEvent;
  if (after_tick_) {
    after_tick_();
  }
}

void FirmwareComponent::advance_to(sim::TimeNs t) {
  if (!booted_) {
    if (t >= start_ns_) {
      boot(t);
    }
    return;
  }
  if (t >= next_tick_ns_) {
    firmware_.tick();
    ++ticks_;
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

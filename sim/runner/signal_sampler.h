#pragma once

// Reads the scenario signals (signals.h) off a running rig. Numbers in SI as
// the conditions hold them (fractions for %), switches as 0/1, states as
// FirmwareState; NaN when a value is not observable (yet): a CAN frame not
// received, a service reply not polled, a firmware whose state is private
// (firmware_state reads the observable "state" a firmware may export,
// bms_hal.h).

#include <optional>
#include <string>
#include <vector>

#include "bms_under_test/bus/jbd_protocol.h"
#include "sim/hil/hil_rig.h"
#include "sim/scenario/condition.h"

namespace packsim::runner {

class SignalSampler {
 public:
  explicit SignalSampler(hil::HilRig& rig) : rig_{rig} {}

  double value(const scenario::SignalRef& ref) const;
  // The plant as last sampled (what the plant signals read).
  const models::PackState& pack_state() const { return rig_.pack_state(); }
  // An event happens at this check: it was raised since the previous one.
  bool happened(const scenario::SignalRef& event) const;

  void raise(scenario::SignalId event, int index = -1) { pending_events_.push_back({event, index}); }
  void clear_events() { pending_events_.clear(); }
  bool has_events() const { return !pending_events_.empty(); }

  // The last JBD 0x03 answer, which the service.* signals read.
  void set_service_info(const jbd_basic_info& info) { service_info_ = info; }
  double ambient_c() const { return ambient_c_; }
  void set_ambient_c(double ambient_c) { ambient_c_ = ambient_c; }

 private:
  double firmware_state() const;

  hil::HilRig& rig_;
  // The firmware's "state" observable, looked up once per firmware image.
  mutable const bms_observable* state_source_{nullptr};
  mutable const bms_observable* state_observable_{nullptr};
  std::vector<scenario::SignalRef> pending_events_;
  std::optional<jbd_basic_info> service_info_;
  double ambient_c_{25.0};
};

// "cell_v[3]", "min_cell_v", "step_started[2]" (1-based as written).
std::string signal_name(const scenario::SignalRef& ref);
// "2.4998 V", "on", "fault_latched", "n/a".
std::string format_value(const scenario::SignalRef& ref, double value);

}  // namespace packsim::runner

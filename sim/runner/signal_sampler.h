#pragma once

// Reads the scenario signals (signals.h) off a running rig. Numbers in SI as
// the conditions hold them (fractions for %), switches as 0/1, states as
// FirmwareState; NaN when a value is not observable (yet): a CAN frame not
// received, a service reply not polled, a firmware whose state is private.

#include <optional>
#include <string>
#include <vector>

#include "bms_under_test/bus/jbd_protocol.h"
#include "sim/hil/hil_rig.h"
#include "sim/scenario/condition.h"

namespace packsim::runner {

class SignalSampler {
 public:
  // reference_firmware: the firmware state is read from the reference
  // firmware's debug hook (any other firmware keeps it private).
  SignalSampler(hil::HilRig& rig, bool reference_firmware) : rig_{rig}, reference_firmware_{reference_firmware} {}

  double value(const scenario::SignalRef& ref) const;
  // An event happens at this check: it was raised since the previous one.
  bool happened(const scenario::SignalRef& event) const;

  void raise(scenario::SignalId event, int index = -1) { pending_events_.push_back({event, index}); }
  void clear_events() { pending_events_.clear(); }
  bool has_events() const { return !pending_events_.empty(); }

  // The last JBD 0x03 answer, which the service.* signals read.
  void set_service_info(const jbd_basic_info& info) { service_info_ = info; }
  // After a re-flash: only the reference firmware's state is observable.
  void set_reference_firmware(bool reference_firmware) { reference_firmware_ = reference_firmware; }
  double ambient_c() const { return ambient_c_; }
  void set_ambient_c(double ambient_c) { ambient_c_ = ambient_c; }

 private:
  hil::HilRig& rig_;
  bool reference_firmware_;
  std::vector<scenario::SignalRef> pending_events_;
  std::optional<jbd_basic_info> service_info_;
  double ambient_c_{25.0};
};

// "cell_v[3]", "min_cell_v", "step_started[2]" (1-based as written).
std::string signal_name(const scenario::SignalRef& ref);
// "2.4998 V", "on", "fault_latched", "n/a".
std::string format_value(const scenario::SignalRef& ref, double value);

}  // namespace packsim::runner

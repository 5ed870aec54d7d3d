#pragma once

#include <string_view>

#include "sim/clock/virtual_clock.h"

namespace packsim::sim {

// Anything the Scheduler moves through virtual time: the battery plant (continuous),
// the AFE, the firmware tick, transports, the scenario timeline (discrete).
//
// Contract, which the Scheduler relies on and checks where it can:
// - advance_to(t) is called with non-decreasing t, at every instant at which ANY
//   component has an event (and at the end of each run), never beyond this
//   component's own next_event_ns(). So an instant may have nothing for it to do.
// - After advance_to(t) returns, next_event_ns() must be > t (or kNoEvent): an
//   event left at or before an instant already processed is a bug and the
//   Scheduler throws std::logic_error naming the component.
// - Before the first advance_to, next_event_ns() may equal the start time
//   (an event at t = 0 fires at the first instant).
// - Components acting at the same instant run in priority order, so a discrete
//   component sees the continuous plant already integrated up to t.
class Component {
 public:
  virtual ~Component() = default;

  // For error messages and traces; the view stays valid while the Component lives.
  virtual std::string_view name() const = 0;

  // Time of this component's own next discrete event, kNoEvent if none. A continuous
  // model returns kNoEvent, or the latest time it is willing to be integrated to in
  // one go (its maximum step), which makes the Scheduler stop there.
  virtual TimeNs next_event_ns() const = 0;

  // Bring the component to time t: a continuous model integrates from its own time
  // to t; a discrete one performs every own event due at or before t and schedules
  // its next. May call Scheduler::request_stop().
  virtual void advance_to(TimeNs t) = 0;

 protected:
  Component() = default;
  Component(const Component&) = default;
  Component& operator=(const Component&) = default;
};

}  // namespace packsim::sim

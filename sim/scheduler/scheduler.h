#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/clock/virtual_clock.h"
#include "sim/scheduler/component.h"

namespace packsim::sim {

struct RunResult {
  TimeNs reached_ns{0};          // clock time when run_until returned
  bool stop_requested{false};    // a component called request_stop (even if at end)
  std::string stop_reason;       // the first request's reason at that instant
  std::int64_t instants{0};      // event instants processed by this call
};

// Jumps the clock from event instant to event instant (virtual-time mode). At each
// instant t = min(all next_event_ns(), end) every component is advanced to t in
// priority order. Components are not owned: they must outlive the Scheduler.
class Scheduler {
 public:
  explicit Scheduler(VirtualClock& clock) : clock_{clock} {}
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Lower priority runs first at the same instant; equal priorities keep
  // registration order, so a run is deterministic. Register the continuous plant
  // with the lowest priority so it is integrated up to t before anyone samples it.
  // Throws std::logic_error when called during a run or twice for one component.
  void add(Component& component, int priority);

  // Runs up to and including the instant `end` (every component is advanced to
  // it), or until a component calls request_stop(). Calling it again continues
  // from where it stopped; an instant is never processed twice.
  // Throws std::logic_error if end < now() or a component reports an event at or
  // before an instant already processed.
  RunResult run_until(TimeNs end);

  // Ends the current run once the current instant is complete (every component
  // advanced to it). Callable from inside Component::advance_to; outside a run,
  // the next run_until returns at once. The first reason is kept.
  void request_stop(std::string reason);

  TimeNs now() const { return clock_.now(); }

 private:
  struct Entry {
    Component* component;  // not owned
    int priority;
  };

  bool now_processed() const { return last_instant_ns_ == clock_.now(); }

  VirtualClock& clock_;
  std::vector<Entry> entries_;  // sorted by (priority, registration) at add()
  std::optional<TimeNs> last_instant_ns_;
  std::optional<std::string> stop_reason_;
  bool running_{false};
};

}  // namespace packsim::sim

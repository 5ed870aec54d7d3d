#include "sim/scheduler/scheduler.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace packsim::sim {

void Scheduler::add(Component& component, int priority) {
  if (running_) {
    throw std::logic_error{"Scheduler::add: '" + std::string{component.name()} +
                           "' added during a run"};
  }
  const bool already_added{std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) {
    return e.component == &component;
  })};
  if (already_added) {
    throw std::logic_error{"Scheduler::add: '" + std::string{component.name()} +
                           "' added twice"};
  }
  // upper_bound puts a new entry after every equal priority: ties keep registration order.
  const auto at{std::upper_bound(entries_.begin(), entries_.end(), priority,
                                 [](int p, const Entry& e) { return p < e.priority; })};
  entries_.insert(at, Entry{&component, priority});
}

RunResult Scheduler::run_until(TimeNs end) {
  if (running_) {
    throw std::logic_error{"Scheduler::run_until: called from inside a run"};
  }
  if (end < clock_.now()) {
    throw std::logic_error{"Scheduler::run_until: end " + std::to_string(end) +
                           " ns is before now " + std::to_string(clock_.now()) + " ns"};
  }
  running_ = true;
  // Clears running_ on every exit, including a component's exception.
  struct RunningGuard {
    bool& flag;
    ~RunningGuard() { flag = false; }
  } guard{running_};

  RunResult result{};
  while (!stop_reason_ && !(clock_.now() == end && now_processed())) {
    // Earliest legal event time: the current instant only if not yet processed.
    // now() < end here whenever now_processed(), so + 1 cannot overflow.
    const TimeNs floor_ns{now_processed() ? clock_.now() + 1 : clock_.now()};
    TimeNs t{end};
    for (const Entry& e : entries_) {
      const TimeNs next{e.component->next_event_ns()};
      if (next < floor_ns) {
        throw std::logic_error{"Scheduler: component '" + std::string{e.component->name()} +
                               "' reports its next event at " + std::to_string(next) +
                               " ns, not after the instant already processed at " +
                               std::to_string(clock_.now()) + " ns"};
      }
      t = std::min(t, next);
    }
    clock_.advance_to(t);
    for (const Entry& e : entries_) {
      e.component->advance_to(t);
    }
    last_instant_ns_ = t;
    ++result.instants;
  }
  result.reached_ns = clock_.now();
  if (stop_reason_) {
    result.stop_requested = true;
    result.stop_reason = std::move(*stop_reason_);
    stop_reason_.reset();
  }
  return result;
}

void Scheduler::request_stop(std::string reason) {
  if (!stop_reason_) {
    stop_reason_ = std::move(reason);
  }
}

}  // namespace packsim::sim

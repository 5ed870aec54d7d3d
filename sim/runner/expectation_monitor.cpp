#include "sim/runner/expectation_monitor.h"

#include <cstdio>

#include "sim/runner/condition_evaluator.h"

namespace packsim::runner {

using scenario::ExpectationKind;

std::string format_time(sim::TimeNs t) {
  char text[48];
  // Centiseconds read best; instants off the 10 ms grid (a microsecond
  // deadline, an AFE edge) get the digits they need, down to the nanosecond.
  const sim::TimeNs grid{10 * sim::kNsPerMs};
  const int digits{t % grid == 0 ? 2 : (t % sim::kNsPerUs == 0 ? 6 : 9)};
  std::snprintf(text, sizeof text, "t=%.*f s", digits, sim::to_seconds(t));
  return text;
}

namespace {

std::string with_values(const std::string& head, const scenario::Condition& c, const SignalSampler& sampler) {
  const std::string values{describe_values(c, sampler)};
  return values.empty() ? head : head + " (" + values + ")";
}

}  // namespace

bool ExpectationMonitor::check(sim::TimeNs t, const SignalSampler& sampler) {
  if (decided()) return false;
  const scenario::Expectation& e{expectation_};
  const scenario::Condition& c{e.condition};
  switch (e.kind) {
    case ExpectationKind::kNever:
      if ((!e.while_condition || holds(*e.while_condition, sampler)) && holds(c, sampler)) {
        fail(t, with_values(c.text + " held at " + format_time(t), c, sampler));
        return true;
      }
      return false;
    case ExpectationKind::kAlways:
      if ((!e.while_condition || holds(*e.while_condition, sampler)) && !holds(c, sampler)) {
        std::string detail{with_values(c.text + " did not hold at " + format_time(t), c, sampler)};
        if (e.while_condition) detail += " while " + with_values(e.while_condition->text, *e.while_condition, sampler);
        fail(t, std::move(detail));
        return true;
      }
      return false;
    case ExpectationKind::kEventually:
      if (e.time_ns != sim::kNoEvent && t > e.time_ns) {
        fail(t, with_values(c.text + " did not hold within " + format_time(e.time_ns).substr(2) + "; at " + format_time(t),
                         c, sampler));
        return true;
      }
      if (holds(c, sampler)) {
        passed_ = true;
        pass_detail_ = with_values("held at " + format_time(t), c, sampler);
        return true;
      }
      return false;
    case ExpectationKind::kAtEnd: return false;
    case ExpectationKind::kAfter:
      if (t < e.time_ns) return false;
      if (holds(c, sampler)) {
        passed_ = true;
        pass_detail_ = with_values("held at " + format_time(t), c, sampler);
      } else {
        fail(t, with_values(c.text + " did not hold at " + format_time(t), c, sampler));
      }
      return true;
    case ExpectationKind::kWithinOf: {
      bool changed{false};
      const bool triggered{holds(*e.trigger, sampler)};
      if (triggered && !trigger_was_true_) {
        pending_.push_back({t, with_values(e.trigger->text + " at " + format_time(t), *e.trigger, sampler)});
        ++triggers_;
        changed = true;
      }
      trigger_was_true_ = triggered;
      if (pending_.empty()) return changed;
      // The runner checks at every deadline (next_deadline_ns), so the verdict is
      // taken at the deadline itself, not at the next check period.
      const sim::TimeNs deadline{pending_.front().at_ns + e.time_ns};
      const bool held{holds(c, sampler)};
      if (held && t <= deadline) {
        pass_detail_ = "last: " + pending_.back().values + ", " + with_values(c.text + " at " + format_time(t), c, sampler);
        pending_.clear();
        return true;
      }
      if (t >= deadline) {
        fail(t, "trigger " + pending_.front().values + ", " +
             with_values(c.text + (held ? " held only at " : " still not held at ") + format_time(t), c, sampler) +
             " (deadline " + format_time(deadline).substr(2) + ")");
        return true;
      }
      return changed;
    }
  }
  return false;
}

ExpectationResult ExpectationMonitor::finish(sim::TimeNs end_ns, const SignalSampler& sampler) {
  const scenario::Expectation& e{expectation_};
  if (!decided()) {
    switch (e.kind) {
      case ExpectationKind::kNever:
      case ExpectationKind::kAlways: passed_ = true; break;
      case ExpectationKind::kEventually:
        fail(end_ns, with_values(e.condition.text + " never held; the run ended at " + format_time(end_ns), e.condition,
                         sampler));
        break;
      case ExpectationKind::kAtEnd:
        if (holds(e.condition, sampler)) {
          passed_ = true;
          pass_detail_ = with_values("held at " + format_time(end_ns), e.condition, sampler);
        } else {
          fail(end_ns, with_values(e.condition.text + " did not hold at the end, " + format_time(end_ns), e.condition,
                           sampler));
        }
        break;
      case ExpectationKind::kAfter:
        fail(end_ns, "the run ended at " + format_time(end_ns) + ", before " + format_time(e.time_ns).substr(2));
        break;
      case ExpectationKind::kWithinOf:
        if (triggers_ == 0) {
          fail(end_ns, "trigger " + e.trigger->text + " never held; the run ended at " + format_time(end_ns));
        } else if (!pending_.empty()) {
          fail(end_ns, "trigger " + pending_.front().values + ", " +
               with_values(e.condition.text + " not held before the run ended at " + format_time(end_ns),
                           e.condition, sampler));
        } else {
          passed_ = true;
        }
        break;
    }
  }
  ExpectationResult result{e.name, e.text, !failure_.has_value(), failure_ ? *failure_ : pass_detail_,
                           failure_ ? std::optional<std::int64_t>{failed_at_ns_} : std::nullopt};
  return result;
}

}  // namespace packsim::runner

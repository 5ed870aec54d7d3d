#pragma once

// One expectation checked online, at every check instant of the run
// (expectation.h gives the forms and their meaning).

#include <optional>
#include <string>
#include <vector>

#include "sim/clock/virtual_clock.h"
#include "sim/runner/run_result.h"
#include "sim/runner/signal_sampler.h"
#include "sim/scenario/expectation.h"

namespace packsim::runner {

class ExpectationMonitor {
 public:
  explicit ExpectationMonitor(const scenario::Expectation& expectation) : expectation_{expectation} {}

  // At each check, in time order. True when the verdict changed at this check
  // (a failure, a trigger, a pass): worth a trace sample.
  bool check(sim::TimeNs t, const SignalSampler& sampler);
  // After the last check.
  ExpectationResult finish(sim::TimeNs end_ns, const SignalSampler& sampler);

  bool decided() const { return failure_.has_value() || passed_; }
  // The earliest "within T of E" deadline still open (kNoEvent if none): the
  // runner checks at that instant, so T is honoured exactly, not to the check period.
  sim::TimeNs next_deadline_ns() const {
    return decided() || pending_.empty() ? sim::kNoEvent : pending_.front().at_ns + expectation_.time_ns;
  }

 private:
  void fail(sim::TimeNs t, std::string detail) {
    failure_ = std::move(detail);
    failed_at_ns_ = t;
  }

  const scenario::Expectation& expectation_;
  std::optional<std::string> failure_;
  bool passed_{false};
  std::string pass_detail_;
  sim::TimeNs failed_at_ns_{0};
  // kWithinOf: triggers waiting for C, and the trigger's previous level.
  struct Trigger {
    sim::TimeNs at_ns;
    std::string values;
  };
  std::vector<Trigger> pending_;
  bool trigger_was_true_{false};
  int triggers_{0};
};

std::string format_time(sim::TimeNs t);

}  // namespace packsim::runner

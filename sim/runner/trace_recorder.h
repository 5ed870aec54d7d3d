#pragma once

// The run's signals in columns, one row a sample: time plus each signal.

#include <string>
#include <vector>

#include "sim/clock/virtual_clock.h"
#include "sim/runner/signal_sampler.h"

namespace packsim::runner {

class TraceRecorder {
 public:
  explicit TraceRecorder(std::vector<scenario::SignalRef> signals);

  // One row; a second sample at the same instant replaces the first (the
  // later one sees what the instant's actions did).
  void sample(sim::TimeNs t, const SignalSampler& sampler);

  const std::vector<scenario::SignalRef>& signals() const { return signals_; }
  std::size_t rows() const { return time_ns_.size(); }
  sim::TimeNs time_ns(std::size_t row) const { return time_ns_[row]; }
  // Column of a signal, or -1.
  int column(scenario::SignalId id, int index = -1) const;
  double value(std::size_t row, int column) const { return columns_[static_cast<std::size_t>(column)][row]; }

  // "time_s,pack_v,...": numbers in SI (fractions for %), switches 0/1,
  // states by name; an unknown value is empty.
  std::string csv() const;

 private:
  std::vector<scenario::SignalRef> signals_;
  std::vector<sim::TimeNs> time_ns_;
  std::vector<std::vector<double>> columns_;
};

}  // namespace packsim::runner

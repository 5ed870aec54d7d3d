#include "python/src/interruptible.h"

#include <algorithm>

namespace packsim::python {

void Interruption::reset() {
  last_signal_check_ = Clock::now();
  last_clock_read_ = last_signal_check_;
  polls_until_clock_ = clock_stride_;
}

bool Interruption::poll() {
  // Reading the clock at every check would cost more than a quiet check
  // itself: read it every `stride` polls, the stride adapted so that reads
  // come about every half millisecond whatever the run's speed.
  if (--polls_until_clock_ > 0) return false;
  const Clock::time_point now{Clock::now()};
  const auto since_read{now - last_clock_read_};
  if (since_read < kClockPeriod / 2 && clock_stride_ < 4096) clock_stride_ *= 2;
  if (since_read > kClockPeriod * 4 && clock_stride_ > 1) clock_stride_ /= 2;
  polls_until_clock_ = clock_stride_;
  last_clock_read_ = now;
  if (now - last_signal_check_ < kSignalPeriod) return false;
  last_signal_check_ = now;
  pybind11::gil_scoped_acquire gil;
  // Runs Python's handlers (SIGINT raises KeyboardInterrupt); a no-op off the main thread.
  return PyErr_CheckSignals() != 0;
}

void Interruption::stop_with_python_error() { throw runner::RunInterrupted{}; }

}  // namespace packsim::python

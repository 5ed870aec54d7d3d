#pragma once

// Long calls release the GIL, so other Python threads run, and still stop on
// Ctrl-C: RunOptions::interrupted polls Python's signal flag every ~20 ms of
// wall time (the GIL is taken only then), and a Python exception raised by a
// callback (a run_until condition) stops the run the same way. The run stops
// at a check instant, so the rig stays consistent and usable.

#include <pybind11/pybind11.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <utility>

#include "sim/runner/run_session.h"

namespace packsim::python {

class Interruption {
 public:
  // For RunOptions::interrupted. Called without the GIL after every check.
  bool poll();
  // Called with the GIL held, from a callback whose Python exception is set:
  // the run stops at this check and the exception reaches the caller.
  [[noreturn]] void stop_with_python_error();
  // A new call begins (restarts the wall-clock window).
  void reset();

 private:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kSignalPeriod{20};
  static constexpr std::chrono::microseconds kClockPeriod{500};

  Clock::time_point last_signal_check_{Clock::now()};
  Clock::time_point last_clock_read_{Clock::now()};
  std::uint32_t polls_until_clock_{1};
  std::uint32_t clock_stride_{1};  // polls between clock reads, adapted to ~kClockPeriod
};

// Runs work() without the GIL; a stop (Ctrl-C, a callback's exception)
// becomes the pending Python exception, raised here with the GIL held.
template <class Work>
auto call_without_gil(Interruption& interruption, Work&& work) -> decltype(work()) {
  interruption.reset();
  try {
    pybind11::gil_scoped_release release;
    return std::forward<Work>(work)();
  } catch (const runner::RunInterrupted&) {
    if (PyErr_Occurred() != nullptr) throw pybind11::error_already_set();
    throw std::runtime_error{"the run was interrupted"};
  }
}

}  // namespace packsim::python

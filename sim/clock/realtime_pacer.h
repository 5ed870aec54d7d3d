#pragma once

// Wall-clock pacing for rigs: the loop runs a period of virtual time, then
// sleeps to that period's absolute wall deadline (CLOCK_MONOTONIC,
// clock_nanosleep TIMER_ABSTIME), so errors never accumulate. Records how late
// each wake-up was and every overrun (a period whose deadline had passed
// before the loop was done with it).

#include <cstdint>
#include <memory>
#include <string>

#include "sim/clock/virtual_clock.h"

namespace packsim::sim {

// The wall clock the pacer reads and sleeps on; tests put a fake in its place.
class WallClock {
 public:
  virtual ~WallClock() = default;
  virtual std::int64_t now_ns() = 0;
  virtual void sleep_until_ns(std::int64_t wall_ns) = 0;  // absolute
};

// CLOCK_MONOTONIC with clock_nanosleep(TIMER_ABSTIME), retried on EINTR.
class MonotonicWallClock final : public WallClock {
 public:
  std::int64_t now_ns() override;
  void sleep_until_ns(std::int64_t wall_ns) override;
};

struct PacerOptions {
  TimeNs period_ns{kNsPerMs};  // of wall time: 1 kHz
  double speed{1.0};           // virtual seconds per wall second
  // SCHED_FIFO at this priority (1..99) and mlockall; 0 leaves scheduling alone.
  // Needs CAP_SYS_NICE / CAP_IPC_LOCK: refusal is reported, not fatal.
  int fifo_priority{0};
};

struct PacerStats {
  std::int64_t waits{0};  // instants paced (period ends and check instants)
  std::int64_t overruns{0};           // deadline already past when the period's work was done
  std::int64_t max_lateness_ns{0};    // wall time after a deadline the loop went on
  double mean_lateness_ns{0.0};
  std::string setup_warning;          // e.g. SCHED_FIFO refused
};

class RealTimePacer {
 public:
  explicit RealTimePacer(PacerOptions options, std::unique_ptr<WallClock> wall = std::make_unique<MonotonicWallClock>());

  // Ties the present wall time to virtual time t (call once, at the start).
  void start(TimeNs virtual_ns);
  // The next virtual instant at which to pace after `virtual_ns`: the period grid.
  TimeNs next_deadline_after(TimeNs virtual_ns) const;
  // Sleeps until virtual time t is due on the wall clock, or records the
  // overrun when it is already past.
  void wait_until(TimeNs virtual_ns);

  const PacerOptions& options() const { return options_; }
  const PacerStats& stats() const { return stats_; }

 private:
  std::int64_t wall_deadline_ns(TimeNs virtual_ns) const;
  TimeNs virtual_period_ns() const;

  PacerOptions options_;
  std::unique_ptr<WallClock> wall_;
  bool started_{false};
  TimeNs virtual_start_ns_{0};
  std::int64_t wall_start_ns_{0};
  double lateness_sum_ns_{0.0};
  PacerStats stats_;
};

}  // namespace packsim::sim

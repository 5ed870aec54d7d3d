#include "sim/clock/realtime_pacer.h"

#include <sched.h>
#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <utility>

namespace packsim::sim {

std::int64_t MonotonicWallClock::now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * kNsPerS + ts.tv_nsec;
}

void MonotonicWallClock::sleep_until_ns(std::int64_t wall_ns) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(wall_ns / kNsPerS);
  ts.tv_nsec = static_cast<long>(wall_ns % kNsPerS);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

RealTimePacer::RealTimePacer(PacerOptions options, std::unique_ptr<WallClock> wall)
    : options_{options}, wall_{std::move(wall)} {
  if (options_.period_ns <= 0 || !(options_.speed > 0.0) || !std::isfinite(options_.speed)) {
    throw std::invalid_argument{"RealTimePacer: the period must be > 0 and the speed a positive number"};
  }
  if (options_.fifo_priority < 0 || options_.fifo_priority > 99) {
    throw std::invalid_argument{"RealTimePacer: SCHED_FIFO priority must be 1..99 (0: off)"};
  }
  if (!wall_) {
    throw std::invalid_argument{"RealTimePacer: needs a wall clock"};
  }
}

void RealTimePacer::start(TimeNs virtual_ns) {
  if (options_.fifo_priority > 0) {
    sched_param param{};
    param.sched_priority = options_.fifo_priority;
    if (sched_setscheduler(0, SCHED_FIFO, &param) != 0) {
      stats_.setup_warning = std::string{"SCHED_FIFO refused ("} + std::strerror(errno) + "); running at normal priority";
    } else if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0) {
      stats_.setup_warning = std::string{"mlockall refused ("} + std::strerror(errno) + "); pages may fault";
    }
  }
  virtual_start_ns_ = virtual_ns;
  wall_start_ns_ = wall_->now_ns();
  started_ = true;
}

TimeNs RealTimePacer::virtual_period_ns() const {
  return std::max<TimeNs>(1, std::llround(static_cast<double>(options_.period_ns) * options_.speed));
}

TimeNs RealTimePacer::next_deadline_after(TimeNs virtual_ns) const {
  const TimeNs period{virtual_period_ns()};
  const TimeNs since{virtual_ns - virtual_start_ns_};
  return virtual_start_ns_ + (since / period + 1) * period;
}

std::int64_t RealTimePacer::wall_deadline_ns(TimeNs virtual_ns) const {
  const double wall_offset{static_cast<double>(virtual_ns - virtual_start_ns_) / options_.speed};
  return wall_start_ns_ + std::llround(wall_offset);
}

void RealTimePacer::wait_until(TimeNs virtual_ns) {
  if (!started_) {
    throw std::logic_error{"RealTimePacer::wait_until before start"};
  }
  const std::int64_t deadline{wall_deadline_ns(virtual_ns)};
  const std::int64_t before{wall_->now_ns()};
  if (before > deadline) {
    ++stats_.overruns;  // the loop did not keep up: no sleep, catch up
  } else {
    wall_->sleep_until_ns(deadline);
  }
  const std::int64_t late{std::max<std::int64_t>(0, wall_->now_ns() - deadline)};
  ++stats_.waits;
  stats_.max_lateness_ns = std::max(stats_.max_lateness_ns, late);
  lateness_sum_ns_ += static_cast<double>(late);
  stats_.mean_lateness_ns = lateness_sum_ns_ / static_cast<double>(stats_.waits);
}

}  // namespace packsim::sim

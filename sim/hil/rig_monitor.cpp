#include "sim/hil/rig_monitor.h"

#include <algorithm>
#include <stdexcept>

namespace packsim::hil {

RigMonitor::RigMonitor(sim::Scheduler& scheduler, const sim::PlantComponent& plant, sim::TimeNs sample_period_ns)
    : scheduler_{scheduler}, plant_{plant}, sample_period_ns_{sample_period_ns} {
  if (sample_period_ns_ <= 0) {
    throw std::invalid_argument{"RigMonitor: the sample period must be > 0"};
  }
}

sim::TimeNs RigMonitor::next_event_ns() const {
  const auto it{wakes_.upper_bound(last_instant_ns_)};
  return it == wakes_.end() ? sim::kNoEvent : *it;
}

void RigMonitor::wake_at(sim::TimeNs t) {
  if (t > last_instant_ns_) {
    wakes_.insert(t);
  }
}

PlantSample RigMonitor::sample_now() const {
  const models::PackState& s{plant_.state().pack};
  const models::PackInputs& in{plant_.inputs()};
  PlantSample out;
  out.time_ns = plant_.state().time_ns;
  out.current_a = s.pack_current_a;
  out.terminal_v = s.terminal_voltage_v;
  out.load_v = s.load_voltage_v;
  if (s.group_voltage_v.size() > 0) {
    out.min_cell_v = s.group_voltage_v.minCoeff();
    out.max_cell_v = s.group_voltage_v.maxCoeff();
  }
  if (s.temp_c.size() > 0) {
    out.min_temp_c = s.temp_c.minCoeff();
    out.max_temp_c = s.temp_c.maxCoeff();
  }
  out.charge_on = in.path.charge_fet_on;
  out.discharge_on = in.path.discharge_fet_on;
  return out;
}

void RigMonitor::advance_to(sim::TimeNs t) {
  last_instant_ns_ = t;
  bool notable{!wakes_.empty() && *wakes_.begin() <= t};
  wakes_.erase(wakes_.begin(), wakes_.upper_bound(t));
  const models::PowerPath& path{plant_.inputs().path};
  if (!fets_known_ || fet_edges_.back().charge_on != path.charge_fet_on ||
      fet_edges_.back().discharge_on != path.discharge_fet_on) {
    notable = notable || fets_known_;
    fet_edges_.push_back(FetEdge{t, path.charge_fet_on, path.discharge_fet_on});
    if (fet_edges_.size() > kKeptFetEdges) fet_edges_.pop_front();
    ++fet_edge_count_;
    fets_known_ = true;
  }
  const double current_a{plant_.state().pack.pack_current_a};
  peak_discharge_a_ = std::max(peak_discharge_a_, current_a);
  peak_charge_a_ = std::max(peak_charge_a_, -current_a);
  if (t >= next_sample_ns_) {
    samples_.push_back(sample_now());
    if (samples_.size() > kKeptSamples) samples_.pop_front();
    next_sample_ns_ = t + sample_period_ns_;
  }
  if (notable && notable_hook_) {
    notable_hook_(t);
  }
  if (stop_condition_ && stop_condition_()) {
    scheduler_.request_stop("monitor: condition met");
  }
}

}  // namespace packsim::hil

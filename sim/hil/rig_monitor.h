#pragma once

#include <functional>
#include <cstdint>
#include <deque>
#include <set>
#include <string_view>
#include <vector>

#include "sim/clock/virtual_clock.h"
#include "sim/plant/plant_component.h"
#include "sim/scheduler/component.h"
#include "sim/scheduler/scheduler.h"

namespace packsim::hil {

// The protection FETs in the plant's power path changed (either one).
struct FetEdge {
  sim::TimeNs time_ns{0};
  bool charge_on{false};
  bool discharge_on{false};
};

// The plant at one instant, about once every sample period.
struct PlantSample {
  sim::TimeNs time_ns{0};
  double current_a{0.0};  // + discharge
  double terminal_v{0.0};
  double load_v{0.0};
  double min_cell_v{0.0};
  double max_cell_v{0.0};
  double min_temp_c{0.0};
  double max_temp_c{0.0};
  bool charge_on{false};
  bool discharge_on{false};
};

// Registered last, so it sees each instant after everyone has acted: records
// FET edges and current peaks at instant resolution, a coarse plant trace, and
// stops the run when a condition holds. It can also ask for an instant of its
// own (wake_at), e.g. just after a stimulus so the AFE samples it at once.
class RigMonitor final : public sim::Component {
 public:
  RigMonitor(sim::Scheduler& scheduler, const sim::PlantComponent& plant, sim::TimeNs sample_period_ns);

  std::string_view name() const override { return "monitor"; }
  sim::TimeNs next_event_ns() const override;
  void advance_to(sim::TimeNs t) override;

  void wake_at(sim::TimeNs t);
  // Checked after every instant; the run stops at the first instant it holds.
  void set_stop_condition(std::function<bool()> condition) { stop_condition_ = std::move(condition); }
  // Called at the instants worth a look between periodic samples: a FET edge
  // and a stimulus reaching the chip's pins (wake_at), e.g. to record a trace
  // row where a short's current shows for microseconds.
  void set_notable_instant_hook(std::function<void(sim::TimeNs)> hook) { notable_hook_ = std::move(hook); }

  // The latest FET edges and periodic samples (for the rig's report), in
  // bounded windows: a run of months keeps the last kKeptFetEdges and
  // kKeptSamples, not all of them (the trace has the history).
  static constexpr std::size_t kKeptFetEdges{10'000};
  static constexpr std::size_t kKeptSamples{1'000};
  const std::deque<FetEdge>& fet_edges() const { return fet_edges_; }
  std::uint64_t fet_edge_count() const { return fet_edge_count_; }
  const std::deque<PlantSample>& samples() const { return samples_; }
  PlantSample sample_now() const;
  // Largest discharge (> 0) and charge (> 0, a magnitude) current seen since reset_peaks().
  double peak_discharge_a() const { return peak_discharge_a_; }
  double peak_charge_a() const { return peak_charge_a_; }
  void reset_peaks() { peak_discharge_a_ = peak_charge_a_ = 0.0; }

 private:
  sim::Scheduler& scheduler_;
  const sim::PlantComponent& plant_;
  sim::TimeNs sample_period_ns_;
  sim::TimeNs next_sample_ns_{0};
  sim::TimeNs last_instant_ns_{-1};
  std::set<sim::TimeNs> wakes_;
  std::function<bool()> stop_condition_;
  std::function<void(sim::TimeNs)> notable_hook_;
  bool fets_known_{false};
  std::deque<FetEdge> fet_edges_;
  std::uint64_t fet_edge_count_{0};
  std::deque<PlantSample> samples_;
  double peak_discharge_a_{0.0};
  double peak_charge_a_{0.0};
};

}  // namespace packsim::hil

#pragma once

#include <string_view>

#include "models/pack/pack.h"
#include "sim/clock/virtual_clock.h"
#include "sim/scheduler/component.h"

namespace packsim::sim {

// Everything the plant evolves: the pack state plus the charge through the
// terminals (PackState keeps the energy books but not the charge), and its time.
// Copyable, so a step can be re-run from a snapshot.
struct PlantState {
  models::PackState pack;
  double charge_out_as{0.0};  // integral of the pack current, + discharge (coulombs)
  TimeNs time_ns{0};
};

// When the plant is integrated up to the instants the Scheduler hands it.
enum class PlantSampling {
  // At every instant: state() is always the present (the experiment runner).
  kEveryInstant,
  // When sampled: at sync(), before any change of its inputs, and at least every
  // max step. state() is the latest sample, as a converter would hold it. The
  // integration is exact for piecewise-constant inputs, so fewer, longer steps
  // lose nothing; what changes is only when an observer sees the plant move.
  kOnDemand,
};

// The pack as a continuous Component: integrates its state under the present
// inputs from its own time to the instants the Scheduler hands it.
class PlantComponent final : public Component {
 public:
  // max_step_ns bounds one Pack::step, so the terminal charge is integrated with
  // the current of each internal step (keep it <= PackOptions::max_substep_s).
  PlantComponent(const models::Pack& pack, models::PackState initial, TimeNs max_step_ns,
                 PlantSampling sampling = PlantSampling::kEveryInstant);

  std::string_view name() const override { return "plant"; }
  TimeNs next_event_ns() const override { return state_.time_ns + max_step_ns_; }
  void advance_to(TimeNs t) override;
  // Integrates up to the latest instant handed over (a no-op when there already).
  void sync() { integrate(state_, target_ns_); }

  // Integrates any state (a copy too: the models are pure) from its time to t
  // under the present inputs. Throws models::PlantError on non-finite physics.
  void integrate(PlantState& state, TimeNs t) const;

  const models::Pack& pack() const { return pack_; }
  // The latest sample (kOnDemand) or the present (kEveryInstant).
  const PlantState& state() const { return state_; }
  // The present, whatever the sampling.
  const PlantState& synced_state() {
    sync();
    return state_;
  }
  // Rewinds to an earlier state (the crossing found by bisection) or replaces
  // the present one (an injected fault: take synced_state(), edit, set).
  void set_state(const PlantState& state) {
    state_ = state;
    target_ns_ = state.time_ns;
  }
  const models::PackInputs& inputs() const { return inputs_; }
  // Everything that drives the plant from outside (load, ambient, and the AFE's
  // FETs and bleed currents) writes here; it applies from the present instant:
  // the plant is integrated up to it under the old inputs first.
  models::PackInputs& mutable_inputs() {
    sync();
    return inputs_;
  }
  void set_port(const models::PortModel& port) { mutable_inputs().port = port; }
  void set_ambient_c(double ambient_c) { mutable_inputs().ambient_c = ambient_c; }

 private:
  const models::Pack& pack_;
  PlantState state_;
  models::PackInputs inputs_;
  TimeNs max_step_ns_;
  PlantSampling sampling_;
  TimeNs target_ns_{0};  // the latest instant handed over by advance_to
};

}  // namespace packsim::sim

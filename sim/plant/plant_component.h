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

// The pack as a continuous Component: integrates its state under the present
// inputs from its own time to each instant the Scheduler hands it.
class PlantComponent final : public Component {
 public:
  // max_step_ns bounds one Pack::step, so the terminal charge is integrated with
  // the current of each internal step (keep it <= PackOptions::max_substep_s).
  PlantComponent(const models::Pack& pack, models::PackState initial, TimeNs max_step_ns);

  std::string_view name() const override { return "plant"; }
  TimeNs next_event_ns() const override { return state_.time_ns + max_step_ns_; }
  void advance_to(TimeNs t) override { integrate(state_, t); }

  // Integrates any state (a copy too: the models are pure) from its time to t
  // under the present inputs. Throws models::PlantError on non-finite physics.
  void integrate(PlantState& state, TimeNs t) const;

  const models::Pack& pack() const { return pack_; }
  const PlantState& state() const { return state_; }
  // Rewinds to an earlier state (the crossing found by bisection); the owner
  // re-advances it to the clock before the Scheduler asks again.
  void set_state(const PlantState& state) { state_ = state; }
  const models::PackInputs& inputs() const { return inputs_; }
  // Everything that drives the plant from outside (load, ambient, and the AFE's
  // FETs and bleed currents) writes here; it applies from the next integration.
  models::PackInputs& mutable_inputs() { return inputs_; }
  void set_port(const models::PortModel& port) { inputs_.port = port; }
  void set_ambient_c(double ambient_c) { inputs_.ambient_c = ambient_c; }

 private:
  const models::Pack& pack_;
  PlantState state_;
  models::PackInputs inputs_;
  TimeNs max_step_ns_;
};

}  // namespace packsim::sim

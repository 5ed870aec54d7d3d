#include "sim/plant/plant_component.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace packsim::sim {

PlantComponent::PlantComponent(const models::Pack& pack, models::PackState initial, TimeNs max_step_ns,
                               PlantSampling sampling)
    : pack_{pack}, state_{std::move(initial), 0.0, 0}, max_step_ns_{max_step_ns}, sampling_{sampling} {
  if (max_step_ns_ <= 0) {
    throw std::invalid_argument{"PlantComponent: the maximum step must be > 0 ns"};
  }
}

void PlantComponent::advance_to(TimeNs t) {
  target_ns_ = std::max(target_ns_, t);
  if (sampling_ == PlantSampling::kEveryInstant || t >= state_.time_ns + max_step_ns_) {
    integrate(state_, t);
  }
}

void PlantComponent::integrate(PlantState& state, TimeNs t) const {
  if (t < state.time_ns) {
    throw std::logic_error{"PlantComponent: cannot integrate back from " + std::to_string(state.time_ns) +
                           " ns to " + std::to_string(t) + " ns"};
  }
  while (state.time_ns < t) {
    // One Pack::step per chunk, so the chunk's current is the current it carried.
    const TimeNs h_ns{std::min(t - state.time_ns, max_step_ns_)};
    const double h_s{to_seconds(h_ns)};
    pack_.step(state.pack, inputs_, h_s);
    state.charge_out_as += state.pack.pack_current_a * h_s;
    state.time_ns += h_ns;
  }
}

}  // namespace packsim::sim

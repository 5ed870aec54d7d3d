#include "bms_under_test/afe/plant_coupling.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace packsim::afe {

AfeWiring AfeWiring::for_series(int series, int cells_per_group) {
  if (series < 1 || series > static_cast<int>(kCellInputs)) {
    throw std::invalid_argument{"AfeWiring: a bq76952 monitors 1..16 series groups, not " + std::to_string(series)};
  }
  AfeWiring wiring;
  wiring.vc_group.fill(kUnused);
  for (int g = 0; g + 1 < series; ++g) {
    wiring.vc_group[static_cast<std::size_t>(g)] = g;
  }
  wiring.vc_group[kCellInputs - 1] = series - 1;
  wiring.pin_cell.fill(kUnused);
  wiring.pin_cell[kTs1Pin] = 0;
  wiring.pin_cell[kTs3Pin] = (series - 1) * cells_per_group;
  return wiring;
}

std::uint16_t AfeWiring::vcell_mode() const {
  std::uint16_t mode{0};
  for (std::size_t k = 0; k < kCellInputs; ++k) {
    if (vc_group[k] != kUnused) {
      mode = static_cast<std::uint16_t>(mode | (1U << k));
    }
  }
  return mode;
}

namespace {

// Impedance the LD pin's load-detect source sees beyond PACK+.
double ld_load_ohm(const models::PortModel& port) {
  return std::visit(
      [](const auto& p) -> double {
        using P = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<P, models::OpenCircuit>) {
          return std::numeric_limits<double>::infinity();
        } else if constexpr (std::is_same_v<P, models::ResistiveLoad>) {
          return p.resistance_ohm;
        } else {
          return 0.0;  // an active load or source holds the terminals low or drives them
        }
      },
      port);
}

}  // namespace

AnalogInputs compute_analog_inputs(const models::PackState& state, const models::PackInputs& inputs,
                                   const AfeWiring& wiring) {
  AnalogInputs pins;
  const Eigen::Index groups{state.group_voltage_v.size()};
  for (std::size_t k = 0; k < kCellInputs; ++k) {
    const int g{wiring.vc_group[k]};
    pins.cell_v[k] = (g >= 0 && g < groups) ? state.group_voltage_v(g) : 0.0;
  }
  pins.stack_v = state.terminal_voltage_v;
  pins.pack_v = state.load_voltage_v;
  pins.ld_v = state.load_voltage_v;  // LD follows PACK+ through the board's ~10 kOhm
  pins.sense_v = -state.pack_current_a * wiring.sense_resistor_ohm;
  const Eigen::Index cells{state.temp_c.size()};
  for (std::size_t p = 0; p < kThermistorPins; ++p) {
    const int c{wiring.pin_cell[p]};
    pins.pin_temp_c[p] = (c >= 0 && c < cells) ? state.temp_c(c) : inputs.ambient_c;
  }
  pins.die_temp_c = inputs.ambient_c;
  pins.ld_load_ohm = ld_load_ohm(inputs.port);
  return pins;
}

void apply_afe_outputs(const AfeOutputs& outputs, const AfeWiring& wiring, const models::PackState& state,
                       models::PackInputs& inputs) {
  inputs.path.charge_fet_on = outputs.chg_fet_on;
  inputs.path.discharge_fet_on = outputs.dsg_fet_on;
  inputs.path.fet_on_resistance_ohm = wiring.fet_on_resistance_ohm;
  inputs.path.body_diode_drop_v = wiring.body_diode_drop_v;

  const Eigen::Index groups{state.group_voltage_v.size()};
  if (inputs.bleed_current_a.size() != groups) {
    inputs.bleed_current_a = Eigen::ArrayXd::Zero(groups);
  } else {
    inputs.bleed_current_a.setZero();
  }
  const auto input_v = [&](std::size_t k) {
    const int g{wiring.vc_group[k]};
    return (g >= 0 && g < groups) ? state.group_voltage_v(g) : 0.0;
  };
  std::size_t k{0};
  while (k < kCellInputs) {
    if ((outputs.balancing_mask & (1U << k)) == 0) {
      ++k;
      continue;
    }
    std::size_t end{k};
    double sum_v{0.0};
    while (end < kCellInputs && (outputs.balancing_mask & (1U << end)) != 0) {
      sum_v += input_v(end);
      ++end;
    }
    const double run{static_cast<double>(end - k)};
    const double current_a{
        std::max(sum_v, 0.0) / (2.0 * wiring.balance_input_resistor_ohm + run * wiring.balance_switch_ohm)};
    for (std::size_t j = k; j < end; ++j) {
      const int g{wiring.vc_group[j]};
      if (g >= 0 && g < groups) {
        inputs.bleed_current_a(g) += current_a;
      }
    }
    k = end;
  }
}

AfeComponent::AfeComponent(Bq76952& afe, sim::PlantComponent& plant, AfeWiring wiring, sim::TimeNs sample_period_ns)
    : afe_{afe}, plant_{plant}, wiring_{wiring}, sample_period_ns_{sample_period_ns} {
  if (sample_period_ns_ <= 0) {
    throw std::invalid_argument{"AfeComponent: the sample period must be > 0 ns"};
  }
}

bool AfeComponent::sample_due(sim::TimeNs t) const {
  const sim::TimeNs periodic{time_after(last_sample_ns_, sample_period_ns_)};
  return last_sample_ns_ == sim::kNoEvent || t >= afe_.state().next_scan_ns || t >= requested_sample_ns_ ||
         t >= periodic;
}

sim::TimeNs AfeComponent::next_event_ns() const {
  return std::min({afe_.next_event_ns(), requested_sample_ns_, time_after(last_sample_ns_, sample_period_ns_)});
}

void AfeComponent::sample_at(sim::TimeNs t) { requested_sample_ns_ = std::min(requested_sample_ns_, t); }

void AfeComponent::advance_to(sim::TimeNs t) {
  const bool sampled{sample_due(t)};
  if (sampled) {
    pins_ = compute_analog_inputs(plant_.synced_state().pack, plant_.inputs(), wiring_);
    last_sample_ns_ = t;
    if (requested_sample_ns_ <= t) {
      requested_sample_ns_ = sim::kNoEvent;
    }
  }
  afe_.advance_to(t, pins_);
  // Fresh cell voltages also refresh the bleed currents of closed switches.
  if (apply_outputs(sampled && afe_.outputs().balancing_mask != 0)) {
    sample_at(t + kFetEdgeToPinsNs);
  }
}

bool AfeComponent::apply_outputs(bool force) {
  const AfeOutputs now{afe_.outputs()};
  const bool fets_changed{!applied_ || applied_->chg_fet_on != now.chg_fet_on ||
                          applied_->dsg_fet_on != now.dsg_fet_on};
  if (!force && !fets_changed && applied_ && applied_->balancing_mask == now.balancing_mask) {
    return false;
  }
  models::PackInputs& inputs{plant_.mutable_inputs()};  // integrates up to now under the old ones first
  apply_afe_outputs(now, wiring_, plant_.state().pack, inputs);
  applied_ = now;
  return fets_changed;
}

}  // namespace packsim::afe

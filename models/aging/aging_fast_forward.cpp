#include "models/aging/aging_fast_forward.h"

#include <algorithm>
#include <array>
#include <boost/numeric/odeint.hpp>
#include <cmath>
#include <stdexcept>
#include <type_traits>
#include <variant>

#include "models/aging/aging_model.h"

namespace packsim::models {

namespace {
namespace odeint = boost::numeric::odeint;

// Aging carried in the variables that grow additively (see aging_model.h):
// calendar loss^2, cycle loss^(1/z), plated lithium (Ah).
using AgingRates = std::array<double, 3>;

// Cycles are applied in chunks so that the shrinking capacity (which scales the
// plating onset and the throughput) is followed.
constexpr int kCycleChunks = 20;

struct Phase {
  double duration_s;
  double current_a;  // + discharge
  double soc_start;
  double soc_end;
};

// Integrates the aging rates over one phase whose SOC moves linearly; odeint's
// Dormand-Prince pair follows the SOC dependence of calendar fade and plating.
AgingRates integrate_phase(const CellParams& cell, double nominal_ah, double temp_c, const Phase& phase) {
  const AgingParams& aging = cell.aging;
  const double z = aging.cycle.throughput_exponent_z;
  const double c_rate = std::abs(phase.current_a) / nominal_ah;
  const double cycle_gain = std::pow(cycle_rate(aging.cycle, temp_c, c_rate), 1.0 / z) * 0.5 *
                            aging.cycle.reference_capacity_ah / nominal_ah / 3600.0;
  const auto rhs = [&](const AgingRates& /*y*/, AgingRates& dydt, double t) {
    const double soc = phase.soc_start + (phase.soc_end - phase.soc_start) * t / phase.duration_s;
    const double k = calendar_rate_per_sqrt_s(aging.calendar, temp_c, soc);
    dydt[0] = k * k;
    dydt[1] = cycle_gain * std::abs(phase.current_a);
    const double charge_a = std::max(0.0, -phase.current_a);
    dydt[2] = aging.plating.rate_per_excess_ah *
              std::max(0.0, charge_a - plating_onset_current_a(aging.plating, nominal_ah, temp_c, soc)) / 3600.0;
  };
  AgingRates y{0.0, 0.0, 0.0};
  if (phase.duration_s > 0.0) {
    odeint::integrate_adaptive(odeint::make_controlled<odeint::runge_kutta_dopri5<AgingRates>>(1e-14, 1e-10), rhs, y,
                               0.0, phase.duration_s, phase.duration_s / 50.0);
  }
  return y;
}

void apply_increments(const CellParams& cell, PackState& state, Eigen::Index i, double nominal_ah,
                      const AgingRates& total) {
  const double z = cell.aging.cycle.throughput_exponent_z;
  state.calendar_loss(i) = std::sqrt(state.calendar_loss(i) * state.calendar_loss(i) + total[0]);
  state.cycle_loss(i) = std::pow(std::pow(state.cycle_loss(i), 1.0 / z) + total[1], z);
  state.plated_lithium_ah(i) += total[2];
  state.plating_loss(i) += cell.aging.plating.irreversible_fraction * total[2] / nominal_ah;
}

double nominal_capacity_ah(const Pack& pack, const PackState& state, Eigen::Index i) {
  return pack.cell_params().capacity_ah * pack.capacity_factor()(i) * state.weak_capacity_factor(i);
}
}  // namespace

void fast_forward_storage(const Pack& pack, PackState& state, const StorageProfile& profile) {
  if (!(profile.days >= 0.0) || !(profile.soc >= 0.0 && profile.soc <= 1.0) || !std::isfinite(profile.temp_c)) {
    throw std::invalid_argument("storage pre-aging needs days >= 0, SOC in 0..1 and a finite temperature");
  }
  pack.settle_aging(state);
  const double duration_s = profile.days * 86400.0;
  const CalendarAgingParams& calendar = pack.cell_params().aging.calendar;
  for (Eigen::Index i = 0; i < pack.cell_count(); ++i) {
    const double k = calendar_rate_per_sqrt_s(calendar, profile.temp_c, profile.soc);
    apply_increments(pack.cell_params(), state, i, nominal_capacity_ah(pack, state, i), {k * k * duration_s, 0.0, 0.0});
  }
  state.cache.valid = false;
}

void fast_forward_cycles(const Pack& pack, PackState& state, const CycleProfile& profile) {
  const bool valid = profile.cycles >= 0.0 && profile.discharge_c_rate > 0.0 && profile.charge_c_rate > 0.0 &&
                     profile.soc_min >= 0.0 && profile.soc_max <= 1.0 && profile.soc_min < profile.soc_max &&
                     std::isfinite(profile.temp_c);
  if (!valid) {
    throw std::invalid_argument(
        "cycle pre-aging needs cycles >= 0, C-rates > 0 and 0 <= soc_min < soc_max <= 1 at a finite temperature");
  }
  pack.settle_aging(state);
  const CellParams& cell = pack.cell_params();
  const double depth = profile.soc_max - profile.soc_min;
  const double per_chunk = profile.cycles / kCycleChunks;
  for (int chunk = 0; chunk < kCycleChunks && per_chunk > 0.0; ++chunk) {
    for (Eigen::Index i = 0; i < pack.cell_count(); ++i) {
      const double nominal_ah = nominal_capacity_ah(pack, state, i);
      const double capacity_ah = pack.cell_capacity_ah(state, static_cast<int>(i));
      const Phase discharge{depth / profile.discharge_c_rate * 3600.0 * capacity_ah / nominal_ah,
                            profile.discharge_c_rate * nominal_ah, profile.soc_max, profile.soc_min};
      const Phase charge{depth / profile.charge_c_rate * 3600.0 * capacity_ah / nominal_ah,
                         -profile.charge_c_rate * nominal_ah, profile.soc_min, profile.soc_max};
      const AgingRates a = integrate_phase(cell, nominal_ah, profile.temp_c, discharge);
      const AgingRates b = integrate_phase(cell, nominal_ah, profile.temp_c, charge);
      apply_increments(cell, state, i, nominal_ah,
                       {(a[0] + b[0]) * per_chunk, (a[1] + b[1]) * per_chunk, (a[2] + b[2]) * per_chunk});
      state.charge_moved_ah(i) += 2.0 * depth * capacity_ah * per_chunk;
    }
  }
  state.cache.valid = false;
}

void fast_forward(const Pack& pack, PackState& state, const AgingProfile& profile) {
  std::visit([&](const auto& p) {
    if constexpr (std::is_same_v<std::decay_t<decltype(p)>, StorageProfile>) {
      fast_forward_storage(pack, state, p);
    } else {
      fast_forward_cycles(pack, state, p);
    }
  }, profile);
}

PackState pre_aged_initial_state(const Pack& pack) {
  PackState state = pack.initial_state();
  for (const AgingProfile& profile : pack.config().pre_aging) {
    fast_forward(pack, state, profile);
  }
  return state;
}

}  // namespace packsim::models

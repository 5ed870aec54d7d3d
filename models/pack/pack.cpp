#include "models/pack/pack.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <type_traits>

#include "common/seeded_rng.h"
#include "common/vectorize.h"
#include "models/aging/aging_model.h"
#include "models/cell/ecm_cell.h"
#include "models/pack/state_guard.h"

namespace packsim::models {

namespace {
// Variation draws are clipped at 3 sigma; factors never reach zero.
constexpr double kVariationClipSigmas = 3.0;
// A cell is never modelled below 5 % of its capacity, so SOC stays well defined.
constexpr double kMinCapacityFraction = 0.05;

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

void resize_all(Eigen::Index n, std::initializer_list<Eigen::ArrayXd*> arrays) {
  for (Eigen::ArrayXd* array : arrays) {
    array->setZero(n);
  }
}
}  // namespace

std::string describe(const PlantFault& fault) {
  std::ostringstream text;
  std::visit(Overloaded{
                 [&](const InternalShort& f) {
                   text << "internal short of " << f.resistance_ohm << " ohm on cell " << f.cell + 1;
                 },
                 [&](const OpenTab& f) { text << "open tab on cell " << f.cell + 1; },
                 [&](const WeakCell& f) {
                   text << "weak cell " << f.cell + 1 << " (capacity x" << f.capacity_factor << ", self-discharge x"
                        << f.self_discharge_factor << ")";
                 },
             },
             fault);
  return text.str();
}

CellSpread draw_cell_spread(const PackConfig& config) {
  const Eigen::Index n = static_cast<Eigen::Index>(config.series) * config.parallel;
  CellSpread spread{Eigen::ArrayXd(n), Eigen::ArrayXd(n), Eigen::ArrayXd(n), Eigen::ArrayXd(n)};
  SeededRng rng(config.seed);
  const auto clipped_normal = [&rng] { return std::clamp(rng.gaussian(), -kVariationClipSigmas, kVariationClipSigmas); };
  const CellVariation& v = config.variation;
  for (Eigen::Index i = 0; i < n; ++i) {
    spread.capacity_factor(i) = 1.0 + v.capacity_rel_sigma * clipped_normal();
    spread.resistance_factor(i) = 1.0 + v.r0_rel_sigma * clipped_normal();
    spread.self_discharge_factor(i) =
        std::max(0.0, 1.0 + v.self_discharge_rel_sigma * clipped_normal());
    spread.initial_soc(i) =
        std::clamp(config.initial_soc + v.initial_soc_sigma * clipped_normal(), 0.0, 1.0);
  }
  return spread;
}

Pack::Pack(PackConfig config, PackOptions options) : Pack(config, options, draw_cell_spread(config)) {}

Pack::Pack(PackConfig config, PackOptions options, CellSpread spread)
    : config_(std::move(config)), options_(options), spread_(std::move(spread)) {
  if (config_.series < 1 || config_.parallel < 1) {
    throw std::invalid_argument("pack needs at least one cell in series and in parallel");
  }
  const Eigen::Index n = cell_count();
  for (const Eigen::ArrayXd* array : {&spread_.capacity_factor, &spread_.resistance_factor,
                                      &spread_.self_discharge_factor, &spread_.initial_soc}) {
    if (array->size() != n || !array->allFinite()) {
      throw std::invalid_argument("cell spread needs one finite value per cell");
    }
  }
  if ((spread_.capacity_factor <= 0.0).any() || (spread_.resistance_factor <= 0.0).any()) {
    throw std::invalid_argument("cell spread: capacity and resistance factors must be > 0");
  }
  thermal_.heat_capacity_j_per_k = Eigen::ArrayXd::Constant(n, config_.cell.thermal.heat_capacity_j_per_k);
  thermal_.ambient_conductance_w_per_k = Eigen::ArrayXd::Constant(n, config_.cell.thermal.ambient_conductance_w_per_k);
  thermal_.neighbour_conductance_w_per_k = config_.neighbour_conductance_w_per_k;
}

PackState Pack::initial_state() const {
  const Eigen::Index n = cell_count();
  PackState state;
  resize_all(n, {&state.soc, &state.hysteresis, &state.v_rc1_v, &state.v_rc2_v, &state.temp_c, &state.calendar_loss,
                 &state.cycle_loss, &state.plating_loss, &state.plated_lithium_ah, &state.charge_moved_ah,
                 &state.short_conductance_s, &state.tab_connected, &state.weak_capacity_factor,
                 &state.weak_self_discharge_factor, &state.cell_current_a, &state.heat_w, &state.pending_charge_ah,
                 &state.pending_plated_ah});
  state.soc = spread_.initial_soc;
  state.temp_c.setConstant(config_.initial_temp_c);
  state.tab_connected.setOnes();
  state.weak_capacity_factor.setOnes();
  state.weak_self_discharge_factor.setOnes();
  state.group_voltage_v = group_open_circuit_voltage_v(state);
  state.terminal_voltage_v = state.group_voltage_v.sum();
  state.load_voltage_v = state.terminal_voltage_v;
  return state;
}

double Pack::cell_capacity_ah(const PackState& state, int cell) const {
  check_cell_index(cell);
  const double remaining = std::max(kMinCapacityFraction, 1.0 - state.capacity_loss(cell));
  return config_.cell.capacity_ah * capacity_factor()(cell) * state.weak_capacity_factor(cell) * remaining;
}

Eigen::ArrayXd Pack::group_open_circuit_voltage_v(const PackState& state) const {
  Eigen::ArrayXd groups = Eigen::ArrayXd::Zero(series());
  Eigen::ArrayXd connected = Eigen::ArrayXd::Zero(series());
  for (Eigen::Index i = 0; i < cell_count(); ++i) {
    if (state.tab_connected(i) > 0.0) {
      groups(group_of(i)) += open_circuit_voltage(config_.cell, state.soc(i), state.temp_c(i));
      connected(group_of(i)) += 1.0;
    }
  }
  return (connected > 0.0).select(groups / connected.max(1.0), 0.0);
}

void Pack::check_cell_index(int cell) const {
  if (cell < 0 || cell >= cell_count()) {
    throw std::out_of_range("cell " + std::to_string(cell + 1) + " does not exist: the pack has cells 1.." +
                            std::to_string(cell_count()));
  }
}

void Pack::inject(PackState& state, const PlantFault& fault) const {
  std::visit(Overloaded{
                 [&](const InternalShort& f) {
                   check_cell_index(f.cell);
                   if (!(f.resistance_ohm > 0.0)) {
                     throw std::invalid_argument("internal short resistance must be > 0 ohm");
                   }
                   state.short_conductance_s(f.cell) = 1.0 / f.resistance_ohm;
                 },
                 [&](const OpenTab& f) {
                   check_cell_index(f.cell);
                   state.tab_connected(f.cell) = 0.0;
                 },
                 [&](const WeakCell& f) {
                   check_cell_index(f.cell);
                   if (!(f.capacity_factor > 0.0 && f.capacity_factor <= 1.0) || !(f.self_discharge_factor >= 0.0)) {
                     throw std::invalid_argument("weak cell needs 0 < capacity factor <= 1 and self-discharge factor >= 0");
                   }
                   state.weak_capacity_factor(f.cell) = f.capacity_factor;
                   state.weak_self_discharge_factor(f.cell) = f.self_discharge_factor;
                 },
             },
             fault);
  state.cache.valid = false;
}

void Pack::clear_fault(PackState& state, PlantFaultKind kind, int cell) const {
  check_cell_index(cell);
  switch (kind) {
    case PlantFaultKind::kInternalShort:
      state.short_conductance_s(cell) = 0.0;
      break;
    case PlantFaultKind::kOpenTab:
      state.tab_connected(cell) = 1.0;
      break;
    case PlantFaultKind::kWeakCell:
      state.weak_capacity_factor(cell) = 1.0;
      state.weak_self_discharge_factor(cell) = 1.0;
      break;
  }
  state.cache.valid = false;
}

void Pack::step(PackState& state, const PackInputs& inputs, double dt_s) const {
  if (!(dt_s > 0.0) || !std::isfinite(dt_s)) {
    throw std::invalid_argument("pack step needs a finite dt > 0");
  }
  if (!std::isfinite(inputs.ambient_c) ||
      (inputs.cell_ambient_c.size() != 0 && inputs.cell_ambient_c.size() != cell_count()) ||
      (inputs.bleed_current_a.size() != 0 && inputs.bleed_current_a.size() != series())) {
    throw std::invalid_argument("pack inputs: ambient must be finite, per-cell arrays sized cells / series");
  }
  const bool no_current_path = !inputs.path.charge_fet_on && !inputs.path.discharge_fet_on;
  const bool at_rest = (std::holds_alternative<OpenCircuit>(inputs.port) || no_current_path) &&
                       inputs.bleed_current_a.size() == 0 &&
                       (state.short_conductance_s == 0.0).all();
  const double max_substep = at_rest ? options_.max_rest_substep_s : options_.max_substep_s;
  const double count = std::ceil(dt_s / max_substep * (1.0 - 1e-12));
  const long substeps = std::max(1L, static_cast<long>(count));
  const double h = dt_s / static_cast<double>(substeps);
  for (long k = 0; k < substeps; ++k) {
    substep(state, inputs, h);
  }
}

void Pack::refresh_cache(PackState& state, double dt_s) const {
  const Eigen::Index n = cell_count();
  const Eigen::Index s = series();
  PackStepCache& c = state.cache;
  if (c.soc_ref.size() != n) {
    resize_all(n, {&c.soc_ref, &c.ocv_ref_v, &c.ocv_slope_v, &c.hysteresis_v, &c.entropic_v_per_k, &c.r0_ohm,
                   &c.r1_ohm, &c.r2_ohm, &c.c1_f, &c.c2_f, &c.charge_as, &c.inverse_r1_s, &c.inverse_r2_s,
                   &c.self_discharge_a, &c.hysteresis_per_ampere, &c.plating_onset_a, &c.capacity_ah, &c.soc_per_as, &c.rc1_decay, &c.rc1_gain_ohm, &c.rc1_mean_first,
                   &c.rc1_mean_second, &c.rc2_decay, &c.rc2_gain_ohm, &c.rc2_mean_first, &c.rc2_mean_second,
                   &c.short_factor, &c.terminal_ohm, &c.admittance_s, &c.emf_v, &c.group_voltage_per_cell_v,
                   &c.scratch_a, &c.scratch_b, &c.scratch_c, &c.scratch_d, &c.scratch_e});
    resize_all(s, {&c.group_inverse_admittance_ohm, &c.group_emf_v});
    state.group_voltage_v.setZero(s);
  }
  const CellParams& cell = config_.cell;
  for (Eigen::Index i = 0; i < n; ++i) {
    check_cell_finite(state, i);
    const double total_loss = state.capacity_loss(i);
    const double resistance = resistance_factor()(i) * resistance_growth_factor(cell.aging.resistance, total_loss);
    const CellOperatingPoint op = evaluate_operating_point(cell, state.soc(i), state.temp_c(i), resistance);
    const double nominal_ah = cell.capacity_ah * capacity_factor()(i) * state.weak_capacity_factor(i);
    const double capacity_ah = nominal_ah * std::max(kMinCapacityFraction, 1.0 - total_loss);
    const double charge_as = 3600.0 * capacity_ah;
    c.capacity_ah(i) = capacity_ah;
    c.soc_ref(i) = state.soc(i);
    c.ocv_ref_v(i) = op.ocv_v;
    c.ocv_slope_v(i) = op.ocv_slope_v_per_soc;
    c.hysteresis_v(i) = op.hysteresis_v;
    c.entropic_v_per_k(i) = op.entropic_v_per_k;
    c.r0_ohm(i) = op.r0_ohm;
    c.r1_ohm(i) = op.r1_ohm;
    c.r2_ohm(i) = op.r2_ohm;
    c.inverse_r1_s(i) = 1.0 / op.r1_ohm;
    c.inverse_r2_s(i) = 1.0 / op.r2_ohm;
    c.self_discharge_a(i) = self_discharge_current_a(cell.self_discharge, nominal_ah, state.temp_c(i)) *
                            self_discharge_factor()(i) * state.weak_self_discharge_factor(i);
    c.plating_onset_a(i) = plating_onset_current_a(cell.aging.plating, nominal_ah, state.temp_c(i), state.soc(i));
    c.c1_f(i) = op.c1_f;
    c.c2_f(i) = op.c2_f;
    c.charge_as(i) = charge_as;
  }
  c.any_short = (state.short_conductance_s != 0.0).any();
  c.max_self_discharge_a = c.self_discharge_a.maxCoeff();
  c.soc_drift_bound = 0.0;
  c.age_s = 0.0;
  refresh_step_coefficients(state, dt_s);
  c.valid = true;
}

void Pack::refresh_step_coefficients(PackState& state, double dt_s) const {
  const Eigen::Index n = cell_count();
  const Eigen::Index s = series();
  const int p = parallel();
  PackStepCache& c = state.cache;
  const double gamma = config_.cell.ocv.hysteresis_rate;
  for (Eigen::Index i = 0; i < n; ++i) {
    c.hysteresis_per_ampere(i) = gamma / c.charge_as(i) * dt_s;
    const RcStep rc1 = rc_step(c.r1_ohm(i), c.c1_f(i), dt_s);
    const RcStep rc2 = rc_step(c.r2_ohm(i), c.c2_f(i), dt_s);
    c.rc1_decay(i) = rc1.decay;
    c.rc1_gain_ohm(i) = rc1.gain_ohm;
    c.rc1_mean_first(i) = rc1.mean_first;
    c.rc1_mean_second(i) = rc1.mean_second;
    c.rc2_decay(i) = rc2.decay;
    c.rc2_gain_ohm(i) = rc2.gain_ohm;
    c.rc2_mean_first(i) = rc2.mean_first;
    c.rc2_mean_second(i) = rc2.mean_second;
    c.soc_per_as(i) = dt_s / c.charge_as(i);
    // The cell over one step is linear in its own current: EMF - Z i, with Z from
    // R0, both RC gains and the OCV falling as charge leaves (implicit in SOC).
    const double z_internal = c.r0_ohm(i) + rc1.gain_ohm + rc2.gain_ohm + c.ocv_slope_v(i) * c.soc_per_as(i);
    const double g_short = state.short_conductance_s(i);
    c.short_factor(i) = 1.0 / (1.0 + z_internal * g_short);
    c.terminal_ohm(i) = z_internal * c.short_factor(i);
    c.admittance_s(i) =
        state.tab_connected(i) > 0.0 ? 1.0 / (c.terminal_ohm(i) + config_.cell_interconnect_ohm) : 0.0;
  }
  c.open_string = false;
  c.pack_source_ohm = config_.series_interconnect_ohm * static_cast<double>(s - 1);
  for (Eigen::Index g = 0; g < s; ++g) {
    const double admittance = c.admittance_s.segment(g * p, p).sum();
    c.group_inverse_admittance_ohm(g) = admittance > 0.0 ? 1.0 / admittance : 0.0;
    c.open_string = c.open_string || admittance <= 0.0;
    c.pack_source_ohm += c.group_inverse_admittance_ohm(g);
  }
  if (c.dt_s != dt_s || c.thermal.ambient_gain_k_per_w.size() != n) {
    c.thermal = prepare_thermal_step(thermal_, dt_s);
  }
  c.max_hysteresis_per_ampere = c.hysteresis_per_ampere.maxCoeff();
  c.max_soc_per_as = c.soc_per_as.maxCoeff();
  c.dt_s = dt_s;
}

void Pack::substep(PackState& state, const PackInputs& inputs, double h) const {
  PackStepCache& c = state.cache;
  const bool stale = !c.valid || c.age_s >= options_.parameter_refresh_s * (1.0 - 1e-9) ||
                     c.soc_drift_bound >= options_.refresh_soc_change;
  if (stale) {
    if (c.valid && c.age_s > 0.0) {
      settle_aging(state);
    }
    refresh_cache(state, h);
  } else if (c.dt_s != h) {
    refresh_step_coefficients(state, h);
  }
  const Eigen::Index n = cell_count();
  const Eigen::Index s = series();
  const int p = parallel();
  const bool bleeding = inputs.bleed_current_a.size() == s;

  // 1. Each cell's EMF at the end of the step less its own current's drop, and
  //    each group's Thevenin voltage: admittance-weighted EMFs less its bleed.
  Eigen::ArrayXd& emf = c.emf_v;
  Eigen::ArrayXd& weighted = c.scratch_a;
  {
    const double* __restrict ocv = c.ocv_ref_v.data();
    const double* __restrict slope = c.ocv_slope_v.data();
    const double* __restrict soc = state.soc.data();
    const double* __restrict soc_ref = c.soc_ref.data();
    const double* __restrict leak = c.self_discharge_a.data();
    const double* __restrict soc_per_as = c.soc_per_as.data();
    const double* __restrict m = c.hysteresis_v.data();
    const double* __restrict hyst = state.hysteresis.data();
    const double* __restrict a1 = c.rc1_decay.data();
    const double* __restrict a2 = c.rc2_decay.data();
    const double* __restrict v1 = state.v_rc1_v.data();
    const double* __restrict v2 = state.v_rc2_v.data();
    const double* __restrict f = c.short_factor.data();
    const double* __restrict y = c.admittance_s.data();
    double* __restrict e = emf.data();
    double* __restrict w = weighted.data();
    PACKSIM_INDEPENDENT_ITERATIONS
    for (Eigen::Index k = 0; k < n; ++k) {
      e[k] = (ocv[k] + slope[k] * (soc[k] - soc_ref[k] - leak[k] * soc_per_as[k]) + m[k] * hyst[k] - a1[k] * v1[k] -
              a2[k] * v2[k]) *
             f[k];  // seen through the cell's own internal short, if any
      w[k] = e[k] * y[k];
    }
  }
  if (p == 1) {
    c.group_emf_v = weighted;
  } else {
    c.group_emf_v = Eigen::Map<const Eigen::ArrayXXd>(weighted.data(), p, s).colwise().sum().transpose();
  }
  if (bleeding) {
    c.group_emf_v -= inputs.bleed_current_a;
  }
  c.group_emf_v *= c.group_inverse_admittance_ohm;

  // 2. The port, against the pack's Thevenin view.
  const double pack_emf_v = c.group_emf_v.sum();
  PortSolution port{0.0, false, idle_load_voltage_v(inputs.port)};
  if (!c.open_string) {
    port = solve_port(inputs.port, pack_emf_v, c.pack_source_ohm, inputs.path);
  }
  const double current_a = port.current_a;
  if (!std::isfinite(current_a)) {
    throw PlantError("plant: the load drew a non-finite current (" + describe(inputs.port) + ")");
  }

  // 3. Group voltages, then each cell's share of its group's current and the
  //    current through its internal short.
  state.group_voltage_v = c.group_emf_v - current_a * c.group_inverse_admittance_ohm;
  Eigen::ArrayXd& cell_bus_voltage = c.group_voltage_per_cell_v;
  if (p == 1) {
    cell_bus_voltage = state.group_voltage_v;
  } else {
    Eigen::Map<Eigen::ArrayXXd>(cell_bus_voltage.data(), p, s).rowwise() = state.group_voltage_v.transpose();
  }
  Eigen::ArrayXd& bus_current = c.scratch_a;
  Eigen::ArrayXd& terminal_v = c.scratch_b;
  Eigen::ArrayXd& i = state.cell_current_a;
  bus_current = (emf - cell_bus_voltage) * c.admittance_s;
  if (c.any_short) {
    terminal_v = emf - c.terminal_ohm * bus_current;
    i = bus_current + state.short_conductance_s * terminal_v;
  } else {
    i = bus_current;
    terminal_v.setZero();
  }
  const double max_current_a = i.abs().maxCoeff();

  // 4. Heat over the step (Joule in R0, the tab and the short, exact RC losses,
  //    reversible entropic heat, the leak's heat) and the exact RC updates. Each
  //    RC branch relaxes from v towards R i; the offset d = v - R i gives the
  //    exact mean of v^2 / R over the step and the exact end value.
  const double tab_ohm = config_.cell_interconnect_ohm;
  {
    const double* __restrict cur = i.data();
    const double* __restrict bus = bus_current.data();
    const double* __restrict vt = terminal_v.data();  // zero without shorts
    const double* __restrict g_short = state.short_conductance_s.data();
    const double* __restrict r0 = c.r0_ohm.data();
    const double* __restrict r1 = c.r1_ohm.data();
    const double* __restrict r2 = c.r2_ohm.data();
    const double* __restrict inv_r1 = c.inverse_r1_s.data();
    const double* __restrict inv_r2 = c.inverse_r2_s.data();
    const double* __restrict m11 = c.rc1_mean_first.data();
    const double* __restrict m12 = c.rc1_mean_second.data();
    const double* __restrict m21 = c.rc2_mean_first.data();
    const double* __restrict m22 = c.rc2_mean_second.data();
    const double* __restrict a1 = c.rc1_decay.data();
    const double* __restrict a2 = c.rc2_decay.data();
    const double* __restrict entropic = c.entropic_v_per_k.data();
    const double* __restrict leak = c.self_discharge_a.data();
    const double* __restrict ocv = c.ocv_ref_v.data();
    const double* __restrict soc_per_as = c.soc_per_as.data();
    const double* __restrict onset = c.plating_onset_a.data();
    const double* __restrict temp = state.temp_c.data();
    double* __restrict heat = state.heat_w.data();
    double* __restrict v1 = state.v_rc1_v.data();
    double* __restrict v2 = state.v_rc2_v.data();
    double* __restrict soc = state.soc.data();
    double* __restrict moved = state.pending_charge_ah.data();
    double* __restrict plated = state.pending_plated_ah.data();
    const double hours = h / 3600.0;
    const double plated_per_excess = config_.cell.aging.plating.rate_per_excess_ah * hours;
    PACKSIM_INDEPENDENT_ITERATIONS
    for (Eigen::Index k = 0; k < n; ++k) {
      const double ik = cur[k];
      const double v1_inf = r1[k] * ik;
      const double v2_inf = r2[k] * ik;
      const double d1 = v1[k] - v1_inf;
      const double d2 = v2[k] - v2_inf;
      heat[k] = ik * ik * r0[k] + bus[k] * bus[k] * tab_ohm + g_short[k] * vt[k] * vt[k] -
                ik * (temp[k] + kZeroCelsiusK) * entropic[k] + leak[k] * ocv[k] +
                (v1_inf * v1_inf + 2.0 * v1_inf * d1 * m11[k] + d1 * d1 * m12[k]) * inv_r1[k] +
                (v2_inf * v2_inf + 2.0 * v2_inf * d2 * m21[k] + d2 * d2 * m22[k]) * inv_r2[k];
      v1[k] = v1_inf + d1 * a1[k];
      v2[k] = v2_inf + d2 * a2[k];
      soc[k] -= (ik + leak[k]) * soc_per_as[k];
      moved[k] += std::abs(ik) * hours;
      plated[k] += std::max(0.0, -ik - onset[k]) * plated_per_excess;
    }
  }

  // 5. Hysteresis relaxes towards -sign(i) at a rate proportional to |i|; its mean
  //    over the step gives the dissipated -M h i. exp(-x) and (1 - exp(-x)) / x are
  //    exact to rounding from a short series while x < 1e-3, which covers every
  //    millisecond step; longer steps take the exponential itself.
  Eigen::ArrayXd& decay = c.scratch_d;
  Eigen::ArrayXd& mean_fraction = c.scratch_e;
  const bool series_exact = max_current_a * c.max_hysteresis_per_ampere < 1e-3;
  if (!series_exact) {
    Eigen::ArrayXd& exponent = c.scratch_c;
    exponent = c.hysteresis_per_ampere * i.abs();
    decay = (-exponent).exp();
    mean_fraction = (exponent > 1e-9).select((1.0 - decay) / exponent, 1.0 - 0.5 * exponent);
  }
  Eigen::ArrayXd& hysteresis_change_v = c.scratch_c;
  const auto relax_hysteresis = [&](auto use_series) {
    const double* __restrict cur = i.data();
    const double* __restrict per_ampere = c.hysteresis_per_ampere.data();
    const double* __restrict dec = decay.data();
    const double* __restrict mean = mean_fraction.data();
    const double* __restrict m = c.hysteresis_v.data();
    const double* __restrict f = c.short_factor.data();
    double* __restrict hyst = state.hysteresis.data();
    double* __restrict heat = state.heat_w.data();
    double* __restrict change = hysteresis_change_v.data();
    PACKSIM_INDEPENDENT_ITERATIONS
    for (Eigen::Index k = 0; k < n; ++k) {
      double fraction = 0.0;
      double decay_k = 0.0;
      if constexpr (decltype(use_series)::value) {
        const double x = per_ampere[k] * std::abs(cur[k]);
        fraction = 1.0 - 0.5 * x * (1.0 - x / 3.0 * (1.0 - 0.25 * x));
        decay_k = 1.0 - x * fraction;
      } else {
        fraction = mean[k];
        decay_k = dec[k];
      }
      const double target = static_cast<double>(cur[k] < 0.0) - static_cast<double>(cur[k] > 0.0);
      const double offset = hyst[k] - target;
      heat[k] -= m[k] * cur[k] * (target + offset * fraction);
      const double next = target + offset * decay_k;
      change[k] = m[k] * (next - hyst[k]) * f[k];
      hyst[k] = next;
    }
  };
  if (series_exact) {
    relax_hysteresis(std::true_type{});
  } else {
    relax_hysteresis(std::false_type{});
  }
  // Report voltages at the end-of-step hysteresis (the group solve used its start value).
  if (p == 1) {
    state.group_voltage_v += hysteresis_change_v * c.admittance_s * c.group_inverse_admittance_ohm;
  } else {
    hysteresis_change_v *= c.admittance_s;
    state.group_voltage_v +=
        Eigen::Map<const Eigen::ArrayXXd>(hysteresis_change_v.data(), p, s).colwise().sum().transpose() *
        c.group_inverse_admittance_ohm;
  }
  if (bleeding) {
    // The bleed resistor sits on the cells it drains and heats them.
    for (Eigen::Index g = 0; g < s; ++g) {
      state.heat_w.segment(g * p, p) += state.group_voltage_v(g) * inputs.bleed_current_a(g) / static_cast<double>(p);
    }
  }

  // 6. Temperature.
  if (inputs.cell_ambient_c.size() == n) {
    advance_thermal(thermal_, c.thermal, state.heat_w, inputs.cell_ambient_c, state.temp_c);
  } else {
    c.scratch_b.setConstant(inputs.ambient_c);
    advance_thermal(thermal_, c.thermal, state.heat_w, c.scratch_b, state.temp_c);
  }

  // 7. Terminals and energy books.
  state.pack_current_a = current_a;
  state.port_limited = port.limited;
  state.load_voltage_v = port.load_voltage_v;
  state.terminal_voltage_v =
      c.open_string ? 0.0
                    : state.group_voltage_v.sum() - config_.series_interconnect_ohm * static_cast<double>(s - 1) * current_a;
  state.energy_out_j += state.terminal_voltage_v * current_a * h;
  state.charge_out_as += current_a * h;
  state.heat_generated_j += state.heat_w.sum() * h;
  state.pending_aging_s += h;
  state.time_s += h;

  check_finite(state);
  check_physical(state, inputs);

  c.age_s += h;
  c.soc_drift_bound += (max_current_a + c.max_self_discharge_a) * c.max_soc_per_as;
}

void Pack::settle_aging(PackState& state) const {
  const double dt = state.pending_aging_s;
  if (dt <= 0.0) {
    return;
  }
  const AgingParams& aging = config_.cell.aging;
  for (Eigen::Index i = 0; i < cell_count(); ++i) {
    const double nominal_ah = config_.cell.capacity_ah * capacity_factor()(i) * state.weak_capacity_factor(i);
    const double moved_ah = state.pending_charge_ah(i);
    const double c_rate = moved_ah / (nominal_ah * dt / 3600.0);
    state.calendar_loss(i) =
        calendar_loss_after(aging.calendar, state.calendar_loss(i), state.temp_c(i), state.soc(i), dt);
    state.cycle_loss(i) = cycle_loss_after(aging.cycle, state.cycle_loss(i), state.temp_c(i), c_rate,
                                           cycle_throughput_ah(moved_ah), nominal_ah);
    const double plated = state.pending_plated_ah(i);
    state.plated_lithium_ah(i) += plated;
    state.plating_loss(i) += aging.plating.irreversible_fraction * plated / nominal_ah;
    state.charge_moved_ah(i) += moved_ah;
  }
  state.pending_charge_ah.setZero();
  state.pending_plated_ah.setZero();
  state.pending_aging_s = 0.0;
  state.cache.valid = false;
}

void Pack::check_cell_finite(const PackState& state, Eigen::Index i) const {
  const std::pair<const char*, double> states[] = {{"temperature", state.temp_c(i)}, {"SOC", state.soc(i)},
                                                   {"RC1 voltage", state.v_rc1_v(i)}, {"RC2 voltage", state.v_rc2_v(i)},
                                                   {"hysteresis", state.hysteresis(i)}};
  for (const auto& [name, value] : states) {
    if (!std::isfinite(value)) {
      std::ostringstream text;
      text << "plant: non-finite state at t = " << state.time_s << " s: cell " << i + 1 << " (series group "
           << group_of(i) + 1 << ", parallel position " << i % parallel() + 1 << ") " << name << " = " << value;
      throw PlantError(text.str());
    }
  }
}

void Pack::check_finite(const PackState& state) const {
  const double probe = (state.soc + state.temp_c + state.v_rc1_v + state.v_rc2_v + state.hysteresis +
                        state.calendar_loss + state.cycle_loss + state.plating_loss)
                           .sum() +
                       state.terminal_voltage_v + state.pack_current_a;
  if (std::isfinite(probe)) {
    return;
  }
  const std::pair<const char*, const Eigen::ArrayXd*> states[] = {
      {"SOC", &state.soc},
      {"temperature", &state.temp_c},
      {"RC1 voltage", &state.v_rc1_v},
      {"RC2 voltage", &state.v_rc2_v},
      {"hysteresis", &state.hysteresis},
      {"current", &state.cell_current_a},
      {"calendar capacity loss", &state.calendar_loss},
      {"cycle capacity loss", &state.cycle_loss},
      {"plating capacity loss", &state.plating_loss}};
  std::ostringstream text;
  text << "plant: non-finite state at t = " << state.time_s << " s: ";
  for (const auto& [name, values] : states) {
    for (Eigen::Index i = 0; i < values->size(); ++i) {
      if (!std::isfinite((*values)(i))) {
        text << "cell " << i + 1 << " (series group " << group_of(i) + 1 << ", parallel position "
             << i % parallel() + 1 << ") " << name << " = " << (*values)(i) << " (SOC " << state.soc(i)
             << ", temperature " << state.temp_c(i) << " C, current " << state.cell_current_a(i) << " A)";
        throw PlantError(text.str());
      }
    }
  }
  text << "pack current " << state.pack_current_a << " A, terminal voltage " << state.terminal_voltage_v << " V";
  throw PlantError(text.str());
}

void Pack::check_physical(const PackState& state, const PackInputs& inputs) const {
  const bool passive{std::holds_alternative<ResistiveLoad>(inputs.port) ||
                     std::holds_alternative<OpenCircuit>(inputs.port)};
  if (std::optional<std::string> verdict{
          find_impossible_state(state, parallel(), passive ? TerminalLoad::kPassive : TerminalLoad::kActive)}) {
    throw PlantError(*verdict);
  }
}

}  // namespace packsim::models

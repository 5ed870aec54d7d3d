#include "models/pack/pack.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/seeded_normal.h"
#include "models/aging/aging_model.h"
#include "models/cell/ecm_cell.h"

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
  SeededNormal normal(config.seed);
  const CellVariation& v = config.variation;
  for (Eigen::Index i = 0; i < n; ++i) {
    spread.capacity_factor(i) = 1.0 + v.capacity_rel_sigma * normal.next_clipped(kVariationClipSigmas);
    spread.resistance_factor(i) = 1.0 + v.r0_rel_sigma * normal.next_clipped(kVariationClipSigmas);
    spread.self_discharge_factor(i) =
        std::max(0.0, 1.0 + v.self_discharge_rel_sigma * normal.next_clipped(kVariationClipSigmas));
    spread.initial_soc(i) =
        std::clamp(config.initial_soc + v.initial_soc_sigma * normal.next_clipped(kVariationClipSigmas), 0.0, 1.0);
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
  check_finite(state);  // a state corrupted between steps is named before the step mixes it
  const bool at_rest = std::holds_alternative<OpenCircuit>(inputs.port) && inputs.bleed_current_a.size() == 0 &&
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
  const int p = parallel();
  PackStepCache& c = state.cache;
  if (c.soc_ref.size() != n) {
    resize_all(n, {&c.soc_ref, &c.ocv_ref_v, &c.ocv_slope_v, &c.hysteresis_v, &c.entropic_v_per_k, &c.r0_ohm,
                   &c.r1_ohm, &c.r2_ohm, &c.self_discharge_a, &c.hysteresis_rate_per_as, &c.plating_onset_a,
                   &c.capacity_ah, &c.soc_per_as, &c.rc1_decay, &c.rc1_gain_ohm, &c.rc1_mean_first,
                   &c.rc1_mean_second, &c.rc2_decay, &c.rc2_gain_ohm, &c.rc2_mean_first, &c.rc2_mean_second,
                   &c.short_factor, &c.terminal_ohm, &c.admittance_s, &c.emf_v, &c.group_voltage_per_cell_v,
                   &c.scratch_a, &c.scratch_b, &c.scratch_c, &c.scratch_d, &c.scratch_e});
    resize_all(s, {&c.group_inverse_admittance_ohm, &c.group_emf_v});
    state.group_voltage_v.setZero(s);
  }
  const CellParams& cell = config_.cell;
  const double gamma = cell.ocv.hysteresis_rate;
  for (Eigen::Index i = 0; i < n; ++i) {
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
    c.self_discharge_a(i) = self_discharge_current_a(cell.self_discharge, nominal_ah, state.temp_c(i)) *
                            self_discharge_factor()(i) * state.weak_self_discharge_factor(i);
    c.hysteresis_rate_per_as(i) = gamma / charge_as;
    c.plating_onset_a(i) = plating_onset_current_a(cell.aging.plating, nominal_ah, state.temp_c(i), state.soc(i));

    const RcStep rc1 = rc_step(op.r1_ohm, op.c1_f, dt_s);
    const RcStep rc2 = rc_step(op.r2_ohm, op.c2_f, dt_s);
    c.rc1_decay(i) = rc1.decay;
    c.rc1_gain_ohm(i) = rc1.gain_ohm;
    c.rc1_mean_first(i) = rc1.mean_first;
    c.rc1_mean_second(i) = rc1.mean_second;
    c.rc2_decay(i) = rc2.decay;
    c.rc2_gain_ohm(i) = rc2.gain_ohm;
    c.rc2_mean_first(i) = rc2.mean_first;
    c.rc2_mean_second(i) = rc2.mean_second;
    c.soc_per_as(i) = dt_s / charge_as;
    // The cell over one step is linear in its own current: EMF - Z i, with Z from
    // R0, both RC gains and the OCV falling as charge leaves (implicit in SOC).
    const double z_internal = op.r0_ohm + rc1.gain_ohm + rc2.gain_ohm + op.ocv_slope_v_per_soc * c.soc_per_as(i);
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
  c.dt_s = dt_s;
  c.age_s = 0.0;
  c.valid = true;
}

void Pack::substep(PackState& state, const PackInputs& inputs, double h) const {
  PackStepCache& c = state.cache;
  if (!c.valid || c.dt_s != h) {
    refresh_cache(state, h);
  }
  const Eigen::Index n = cell_count();
  const Eigen::Index s = series();
  const int p = parallel();

  // 1. Each cell's EMF at the end of the step, less its own current's drop.
  Eigen::ArrayXd& emf = c.emf_v;
  emf = c.ocv_ref_v + c.ocv_slope_v * (state.soc - c.soc_ref - c.self_discharge_a * c.soc_per_as) +
        c.hysteresis_v * state.hysteresis - c.rc1_decay * state.v_rc1_v - c.rc2_decay * state.v_rc2_v;

  // 2. Each group's Thevenin voltage: admittance-weighted EMFs less the bleed it feeds.
  Eigen::ArrayXd& weighted = c.scratch_a;
  weighted = emf * c.short_factor * c.admittance_s;
  if (p == 1) {
    c.group_emf_v = weighted;
  } else {
    c.group_emf_v = Eigen::Map<const Eigen::ArrayXXd>(weighted.data(), p, s).colwise().sum().transpose();
  }
  if (inputs.bleed_current_a.size() == s) {
    c.group_emf_v -= inputs.bleed_current_a;
  }
  c.group_emf_v *= c.group_inverse_admittance_ohm;

  // 3. The port, against the pack's Thevenin view.
  const double pack_emf_v = c.group_emf_v.sum();
  PortSolution port{};
  if (!c.open_string) {
    port = solve_port(inputs.port, pack_emf_v, c.pack_source_ohm);
  }
  const double current_a = port.current_a;
  if (!std::isfinite(current_a)) {
    throw PlantError("plant: the load drew a non-finite current (" + describe(inputs.port) + ")");
  }

  // 4. Group voltages, then each cell's share and its internal-short current.
  state.group_voltage_v = c.group_emf_v - current_a * c.group_inverse_admittance_ohm;
  Eigen::ArrayXd& cell_bus_voltage = c.group_voltage_per_cell_v;
  if (p == 1) {
    cell_bus_voltage = state.group_voltage_v;
  } else {
    Eigen::Map<Eigen::ArrayXXd>(cell_bus_voltage.data(), p, s).rowwise() = state.group_voltage_v.transpose();
  }
  Eigen::ArrayXd& bus_current = c.scratch_a;
  Eigen::ArrayXd& terminal_v = c.scratch_b;
  bus_current = (emf * c.short_factor - cell_bus_voltage) * c.admittance_s;
  terminal_v = emf * c.short_factor - c.terminal_ohm * bus_current;
  Eigen::ArrayXd& i = state.cell_current_a;
  i = bus_current + state.short_conductance_s * terminal_v;

  // 5. Heat over the step: Joule in R0 and the tab, the short, exact RC losses,
  //    hysteresis dissipation and reversible (entropic) heat.
  Eigen::ArrayXd& heat = state.heat_w;
  heat = i.square() * c.r0_ohm + bus_current.square() * config_.cell_interconnect_ohm +
         state.short_conductance_s * terminal_v.square() -
         i * (state.temp_c + kZeroCelsiusK) * c.entropic_v_per_k + c.self_discharge_a * c.ocv_ref_v;
  // Each RC branch relaxes from v towards R i; v_inf and the offset d = v - v_inf
  // give the exact mean of v^2 / R over the step and the exact end value.
  Eigen::ArrayXd& v_inf = c.scratch_c;
  Eigen::ArrayXd& offset = c.scratch_d;
  v_inf = c.r1_ohm * i;
  offset = state.v_rc1_v - v_inf;
  heat += (v_inf.square() + 2.0 * v_inf * offset * c.rc1_mean_first + offset.square() * c.rc1_mean_second) / c.r1_ohm;
  state.v_rc1_v = v_inf + offset * c.rc1_decay;
  v_inf = c.r2_ohm * i;
  offset = state.v_rc2_v - v_inf;
  heat += (v_inf.square() + 2.0 * v_inf * offset * c.rc2_mean_first + offset.square() * c.rc2_mean_second) / c.r2_ohm;
  state.v_rc2_v = v_inf + offset * c.rc2_decay;

  // Hysteresis relaxes towards -sign(i) at a rate proportional to |i|; its mean
  // over the step (for the dissipated -M h i) is exact for constant current.
  Eigen::ArrayXd& exponent = c.scratch_c;
  Eigen::ArrayXd& decay = c.scratch_d;
  Eigen::ArrayXd& target = c.scratch_e;
  exponent = c.hysteresis_rate_per_as * i.abs() * h;
  decay = (-exponent).exp();
  target = -i.sign();
  heat -= c.hysteresis_v * i *
          (target + (state.hysteresis - target) *
                        (exponent > 1e-9).select((1.0 - decay) / exponent, 1.0 - 0.5 * exponent));
  Eigen::ArrayXd& hysteresis_change_v = c.scratch_c;
  hysteresis_change_v = state.hysteresis;
  state.hysteresis = target + (state.hysteresis - target) * decay;
  // Report voltages at the end-of-step hysteresis (the group solve used its start value).
  hysteresis_change_v = c.hysteresis_v * (state.hysteresis - hysteresis_change_v) * c.short_factor;
  if (p == 1) {
    state.group_voltage_v += hysteresis_change_v * c.admittance_s * c.group_inverse_admittance_ohm;
  } else {
    hysteresis_change_v *= c.admittance_s;
    state.group_voltage_v +=
        Eigen::Map<const Eigen::ArrayXXd>(hysteresis_change_v.data(), p, s).colwise().sum().transpose() *
        c.group_inverse_admittance_ohm;
  }
  if (inputs.bleed_current_a.size() == s) {
    // The bleed resistor sits on the cells it drains and heats them.
    for (Eigen::Index g = 0; g < s; ++g) {
      heat.segment(g * p, p) += state.group_voltage_v(g) * inputs.bleed_current_a(g) / static_cast<double>(p);
    }
  }

  // 6. Charge.
  state.soc -= (i + c.self_discharge_a) * c.soc_per_as;

  // 7. Temperature.
  if (inputs.cell_ambient_c.size() == n) {
    advance_thermal(thermal_, c.thermal, heat, inputs.cell_ambient_c, state.temp_c);
  } else {
    c.scratch_b.setConstant(inputs.ambient_c);
    advance_thermal(thermal_, c.thermal, heat, c.scratch_b, state.temp_c);
  }

  // 8. Terminals, energy books and aging drivers.
  state.pack_current_a = current_a;
  state.port_limited = port.limited;
  state.terminal_voltage_v =
      c.open_string ? 0.0
                    : state.group_voltage_v.sum() - config_.series_interconnect_ohm * static_cast<double>(s - 1) * current_a;
  state.energy_out_j += state.terminal_voltage_v * current_a * h;
  state.heat_generated_j += heat.sum() * h;
  state.pending_charge_ah += i.abs() * (h / 3600.0);
  state.pending_plated_ah += (-i - c.plating_onset_a).max(0.0) * (config_.cell.aging.plating.rate_per_excess_ah * h / 3600.0);
  state.pending_aging_s += h;
  state.time_s += h;

  check_finite(state);

  c.age_s += h;
  if (c.age_s >= options_.parameter_refresh_s * (1.0 - 1e-9)) {
    settle_aging(state);
    c.valid = false;
  }
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

void Pack::check_finite(const PackState& state) const {
  const double probe = (state.soc + state.temp_c + state.v_rc1_v + state.v_rc2_v + state.hysteresis).sum() +
                       state.terminal_voltage_v + state.pack_current_a;
  if (std::isfinite(probe)) {
    return;
  }
  const std::pair<const char*, const Eigen::ArrayXd*> states[] = {
      {"SOC", &state.soc},         {"temperature", &state.temp_c}, {"RC1 voltage", &state.v_rc1_v},
      {"RC2 voltage", &state.v_rc2_v}, {"hysteresis", &state.hysteresis}, {"current", &state.cell_current_a}};
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

}  // namespace packsim::models

#include "models/pack/state_guard.h"

#include <Eigen/Core>
#include <cstdio>

namespace packsim::models {

namespace {

constexpr double kAbsoluteZeroC{-273.15};

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

class Verdict {
 public:
  Verdict(const PackState& state, int parallel) : state_{state}, parallel_{parallel} {}

  // "plant: impossible state at t = 12.5 s: cell 3 (series group 3, parallel position 1) SOC = -0.1 ..."
  std::string about_cell(Eigen::Index cell, const std::string& what) const {
    return prefix() + cell_name(cell) + " " + what + context(cell);
  }

  std::string about_group(Eigen::Index group, const std::string& what) const {
    if (parallel_ == 1) {
      return about_cell(group, what);
    }
    const Eigen::Index first{group * parallel_};
    return prefix() + "series group " + std::to_string(group + 1) + " (cells " + std::to_string(first + 1) + ".." +
           std::to_string(first + parallel_) + ") " + what;
  }

  std::string about_pack(const std::string& what) const { return prefix() + what; }

 private:
  std::string prefix() const { return "plant: impossible state at t = " + format("%.10g", state_.time_s) + " s: "; }

  std::string cell_name(Eigen::Index cell) const {
    return "cell " + std::to_string(cell + 1) + " (series group " + std::to_string(cell / parallel_ + 1) +
           ", parallel position " + std::to_string(cell % parallel_ + 1) + ")";
  }

  // What the cell was doing, for whoever reads the message.
  std::string context(Eigen::Index cell) const {
    std::string text{" (SOC " + format("%.6g", state_.soc(cell))};
    if (state_.cell_current_a.size() == state_.soc.size()) {
      text += ", current " + format("%.6g A", state_.cell_current_a(cell));
    }
    text += ", temperature " + format("%.6g degC", state_.temp_c(cell)) + ")";
    return text;
  }

  const PackState& state_;
  int parallel_;
};

// The common case in one pass of vector reductions (the guard runs on every
// step of every cell); only a state that fails it is searched cell by cell.
bool plausible_at_a_glance(const PackState& state, TerminalLoad load) {
  if (state.soc.size() > 0 &&
      (state.soc.minCoeff() < kMinPlausibleSoc || state.soc.maxCoeff() > kMaxPlausibleSoc ||
       state.temp_c.minCoeff() <= kAbsoluteZeroC)) {
    return false;
  }
  if (state.calendar_loss.size() == state.soc.size() && state.cycle_loss.size() == state.soc.size() &&
      state.plating_loss.size() == state.soc.size() && state.soc.size() > 0 &&
      !((state.calendar_loss + state.cycle_loss + state.plating_loss).maxCoeff() < 1.0)) {
    return false;
  }
  if (state.group_voltage_v.size() > 0 && (state.group_voltage_v.minCoeff() < kMinPlausibleCellV ||
                                           state.group_voltage_v.maxCoeff() > kMaxPlausibleCellV)) {
    return false;
  }
  return load != TerminalLoad::kPassive ||
         !(state.terminal_voltage_v * state.pack_current_a < -kPassiveLoadPowerToleranceW);
}

}  // namespace

std::optional<std::string> find_impossible_state(const PackState& state, int parallel, TerminalLoad load) {
  if (plausible_at_a_glance(state, load)) return std::nullopt;
  const Verdict verdict{state, parallel < 1 ? 1 : parallel};
  const Eigen::Index cells{state.soc.size()};
  for (Eigen::Index i = 0; i < cells; ++i) {
    const double soc{state.soc(i)};
    if (soc < kMinPlausibleSoc) {
      return verdict.about_cell(i, format("SOC = %.9g", soc) + format(" (%.9g %%)", 100.0 * soc) +
                                       format(", below %g %%: more charge taken out than the cell holds",
                                              100.0 * kMinPlausibleSoc));
    }
    if (soc > kMaxPlausibleSoc) {
      return verdict.about_cell(i, format("SOC = %.9g", soc) + format(" (%.9g %%)", 100.0 * soc) +
                                       format(", above %g %%: more charge put in than the cell holds",
                                              100.0 * kMaxPlausibleSoc));
    }
    if (i < state.calendar_loss.size() && i < state.cycle_loss.size() && i < state.plating_loss.size()) {
      const double remaining{1.0 - state.capacity_loss(i)};
      if (!(remaining > 0.0)) {
        return verdict.about_cell(i, format("capacity = %.6g %% of nominal", 100.0 * remaining) +
                                         format(" (capacity fade %.6g %%): no capacity left",
                                                100.0 * state.capacity_loss(i)));
      }
    }
    if (state.temp_c(i) <= kAbsoluteZeroC) {
      return verdict.about_cell(i, format("temperature = %.6g degC, at or below absolute zero", state.temp_c(i)));
    }
  }
  for (Eigen::Index g = 0; g < state.group_voltage_v.size(); ++g) {
    const double v{state.group_voltage_v(g)};
    if (v < kMinPlausibleCellV) {
      return verdict.about_group(g, format("voltage = %.6g V", v) +
                                        format(", below %g V: a cell voltage of the wrong sign", kMinPlausibleCellV));
    }
    if (v > kMaxPlausibleCellV) {
      return verdict.about_group(
          g, format("voltage = %.6g V", v) + format(", above %g V: beyond any cell chemistry", kMaxPlausibleCellV));
    }
  }
  if (load == TerminalLoad::kPassive) {
    const double power_w{state.terminal_voltage_v * state.pack_current_a};
    if (power_w < -kPassiveLoadPowerToleranceW) {
      return verdict.about_pack(format("a passive load delivered energy: pack current %.6g A", state.pack_current_a) +
                                format(" against terminal voltage %.6g V", state.terminal_voltage_v) +
                                format(" (%.6g W into the pack; a resistor only absorbs power)", -power_w));
    }
  }
  return std::nullopt;
}

}  // namespace packsim::models

#pragma once

#include <algorithm>

#include "models/cell/cell_params.h"

namespace packsim::models {

// Aging laws of one cell, written so that they advance exactly by increments
// under piecewise-constant conditions, whatever the step length:
// - calendar fade loss = k(T, SOC) sqrt(t) is carried as loss^2, which grows by k^2 dt;
// - cycle fade loss = A(T, C) Ah^z (Wang 2011) is carried as loss^(1/z), which grows
//   by A^(1/z) dAh.
// Losses are fractions of nominal capacity (0.05 = 5 %).

// k of the calendar law, per sqrt(second).
double calendar_rate_per_sqrt_s(const CalendarAgingParams& params, double temp_c, double soc);
double calendar_loss_after(const CalendarAgingParams& params, double loss, double temp_c, double soc, double dt_s);

// A of Wang's law, as a fraction per Ah^z of reference-cell throughput; the
// C-rate is held within the range the law was fitted on (up to 10C).
double cycle_rate(const CycleAgingParams& params, double temp_c, double c_rate);
// throughput_ah is the cell's own; it is scaled to Wang's reference cell by capacity.
// Wang counts a full cycle as one capacity of throughput, so callers pass half of the
// charge moved in and out (see cycle_throughput_ah).
double cycle_loss_after(const CycleAgingParams& params, double loss, double temp_c, double c_rate,
                        double throughput_ah, double cell_capacity_ah);
// Closed form of Wang 2011 for comparison: loss after throughput at fixed conditions.
double wang2011_cycle_loss(const CycleAgingParams& params, double temp_c, double c_rate, double throughput_ah,
                           double cell_capacity_ah);
inline double cycle_throughput_ah(double absolute_charge_ah) { return 0.5 * absolute_charge_ah; }

// Charge current (A, positive) above which lithium plates at this temperature and SOC.
double plating_onset_current_a(const PlatingParams& params, double capacity_ah, double temp_c, double soc);

// Internal leakage current (A) that self-discharges the cell.
double self_discharge_current_a(const SelfDischargeParams& params, double capacity_ah, double temp_c);

// Multiplier on every resistance after the given total capacity loss (a cell
// cannot lose more than all of it).
inline double resistance_growth_factor(const ResistanceGrowthParams& params, double total_capacity_loss) {
  return 1.0 + params.per_capacity_loss * std::min(total_capacity_loss, 1.0);
}

}  // namespace packsim::models

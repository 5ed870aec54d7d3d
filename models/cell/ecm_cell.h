#pragma once

#include <cmath>

#include "models/cell/cell_params.h"

namespace packsim::models {

// Equivalent-circuit values of one cell at one operating point (SOC, temperature).
// Terminal voltage: v = OCV + hysteresis_v * h - v_rc1 - v_rc2 - r0 * i (i > 0 discharging).
struct CellOperatingPoint {
  double ocv_v{0.0};               // at this SOC and temperature
  double ocv_slope_v_per_soc{0.0};  // dOCV/dSOC of the table segment holding SOC
  double entropic_v_per_k{0.0};
  double hysteresis_v{0.0};
  double r0_ohm{0.0};
  double r1_ohm{0.0};
  double c1_f{0.0};
  double r2_ohm{0.0};
  double c2_f{0.0};
};

// Table look-ups at (soc, temp_c); resistance_factor scales every resistance
// (cell variation and aging) and leaves the time constants R*C unchanged.
CellOperatingPoint evaluate_operating_point(const CellParams& params, double soc, double temp_c,
                                            double resistance_factor = 1.0);

// Open-circuit voltage without hysteresis: OCV_ref(SOC) + dU/dT (T - T_ref).
double open_circuit_voltage(const CellParams& params, double soc, double temp_c);

// Closed-form update of one RC branch over dt at constant current i:
// v(t+dt) = decay * v + gain * i, exact for any dt > 0.
// The mean of v^2 over the step (for Joule heat in R) needs the two integrals
// mean_first = tau (1 - decay) / dt and mean_second = tau (1 - decay^2) / (2 dt).
struct RcStep {
  double decay{1.0};
  double gain_ohm{0.0};
  double mean_first{1.0};
  double mean_second{1.0};
};

inline RcStep rc_step(double r_ohm, double c_f, double dt_s) {
  const double tau_s = r_ohm * c_f;
  const double x = dt_s / tau_s;
  RcStep step;
  step.decay = std::exp(-x);
  // expm1 keeps 1 - e^-x accurate for the microsecond steps of a short circuit.
  const double one_minus_decay = -std::expm1(-x);
  step.gain_ohm = r_ohm * one_minus_decay;
  step.mean_first = x > 1e-12 ? one_minus_decay / x : 1.0;
  step.mean_second = x > 1e-12 ? -std::expm1(-2.0 * x) / (2.0 * x) : 1.0;
  return step;
}

// Mean of v(t)^2 over a step where v relaxes from v0 towards v_inf.
inline double rc_mean_square(double v0, double v_inf, const RcStep& step) {
  const double d = v0 - v_inf;
  return v_inf * v_inf + 2.0 * v_inf * d * step.mean_first + d * d * step.mean_second;
}

}  // namespace packsim::models

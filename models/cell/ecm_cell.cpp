#include "models/cell/ecm_cell.h"

#include <algorithm>
#include <cmath>

namespace packsim::models {

namespace {
// Slope used at soc; beyond the table the edge segment continues, so an
// over-discharged cell keeps falling towards 0 V and an overcharged one keeps rising.
double ocv_slope(const Table1d& table, double soc) {
  return table.slope(std::clamp(soc, table.x.front(), table.x.back()));
}
}  // namespace

double open_circuit_voltage(const CellParams& params, double soc, double temp_c) {
  const OcvParams& ocv = params.ocv;
  const double edge = std::clamp(soc, ocv.ocv_v.x.front(), ocv.ocv_v.x.back());
  const double beyond = (soc - edge) * ocv_slope(ocv.ocv_v, soc);
  const double value = ocv.ocv_v(edge) + beyond + ocv.entropic_v_per_k(soc) * (temp_c - ocv.reference_temp_c);
  return std::max(value, 0.0);
}

CellOperatingPoint evaluate_operating_point(const CellParams& params, double soc, double temp_c,
                                            double resistance_factor) {
  const OcvParams& ocv = params.ocv;
  const ImpedanceParams& z = params.impedance;
  const double ea = z.activation_energy_j_per_mol;
  CellOperatingPoint point;
  point.ocv_v = open_circuit_voltage(params, soc, temp_c);
  point.ocv_slope_v_per_soc = point.ocv_v > 0.0 ? ocv_slope(ocv.ocv_v, soc) : 0.0;
  point.entropic_v_per_k = ocv.entropic_v_per_k(soc);
  point.hysteresis_v = ocv.hysteresis_v(soc);
  point.r0_ohm = z.r0_ohm(soc, temp_c, ea) * resistance_factor;
  point.r1_ohm = z.r1_ohm(soc, temp_c, ea) * resistance_factor;
  point.r2_ohm = z.r2_ohm(soc, temp_c, ea) * resistance_factor;
  // Capacitances do not follow Arrhenius; clamp them at the table edges.
  point.c1_f = z.c1_f(soc, temp_c, 0.0) / resistance_factor;
  point.c2_f = z.c2_f(soc, temp_c, 0.0) / resistance_factor;
  return point;
}

}  // namespace packsim::models

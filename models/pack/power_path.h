#pragma once

namespace packsim::models {

// The pack's protection FETs between the cells and the terminals: a charge FET
// and a discharge FET back to back (as a bq76952 drives them). An open FET still
// conducts through its body diode in one direction:
// - discharge FET open: charge current flows through its body diode, discharge is blocked;
// - charge FET open: discharge current flows through its body diode, charge is blocked;
// - both open: no current; the terminals float (0 V with a passive load).
struct PowerPath {
  bool charge_fet_on{true};
  bool discharge_fet_on{true};
  double fet_on_resistance_ohm{0.0};  // both FETs in series, when conducting
  double body_diode_drop_v{0.7};
};

}  // namespace packsim::models

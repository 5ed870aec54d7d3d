#pragma once

#include <vector>

namespace packsim::models {

// y(x) by linear interpolation over a strictly increasing axis; clamps outside.
struct Table1d {
  std::vector<double> x;
  std::vector<double> y;

  double operator()(double at) const;
  // dy/dx of the segment holding `at` (0 outside the axis).
  double slope(double at) const;
};

// value(soc, temp) over a strictly increasing SOC x temperature grid, stored
// row-major (one row per SOC point). Bilinear inside; clamped in SOC; outside
// the temperature axis it follows Arrhenius from the nearest edge, which is how
// electrochemical kinetics (and so resistances) extrapolate in the cold.
struct Table2d {
  std::vector<double> soc;
  std::vector<double> temp_c;
  std::vector<double> values;

  // activation_energy_j_per_mol = 0 clamps instead of extrapolating.
  double operator()(double at_soc, double at_temp_c, double activation_energy_j_per_mol) const;
  double at(std::size_t soc_index, std::size_t temp_index) const { return values[soc_index * temp_c.size() + temp_index]; }
};

inline constexpr double kGasConstantJPerMolK = 8.314462618;
inline constexpr double kZeroCelsiusK = 273.15;

// exp(Ea/R (1/T - 1/T_ref)): > 1 colder than the reference, < 1 warmer.
double arrhenius_factor(double activation_energy_j_per_mol, double temp_k, double reference_temp_k);

}  // namespace packsim::models

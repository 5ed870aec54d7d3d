#include "models/cell/lookup_table.h"

#include <algorithm>
#include <cmath>

namespace packsim::models {

namespace {
// Index i of the segment [axis[i], axis[i+1]] holding value, clamped to the axis.
std::size_t segment_of(const std::vector<double>& axis, double value) {
  if (axis.size() < 2 || value <= axis.front()) {
    return 0;
  }
  if (value >= axis.back()) {
    return axis.size() - 2;
  }
  const auto upper = std::upper_bound(axis.begin(), axis.end(), value);
  return static_cast<std::size_t>(upper - axis.begin()) - 1;
}

double fraction_in_segment(const std::vector<double>& axis, std::size_t segment, double value) {
  if (axis.size() < 2) {
    return 0.0;
  }
  const double clamped = std::clamp(value, axis.front(), axis.back());
  return (clamped - axis[segment]) / (axis[segment + 1] - axis[segment]);
}
}  // namespace

double Table1d::operator()(double at) const {
  if (x.size() == 1) {
    return y.front();
  }
  const std::size_t i = segment_of(x, at);
  const double f = fraction_in_segment(x, i, at);
  return y[i] + f * (y[i + 1] - y[i]);
}

double Table1d::slope(double at) const {
  if (x.size() < 2 || at < x.front() || at > x.back()) {
    return 0.0;
  }
  const std::size_t i = segment_of(x, at);
  return (y[i + 1] - y[i]) / (x[i + 1] - x[i]);
}

double arrhenius_factor(double activation_energy_j_per_mol, double temp_k, double reference_temp_k) {
  return std::exp(activation_energy_j_per_mol / kGasConstantJPerMolK * (1.0 / temp_k - 1.0 / reference_temp_k));
}

double Table2d::operator()(double at_soc, double at_temp_c, double activation_energy_j_per_mol) const {
  const std::size_t si = segment_of(soc, at_soc);
  const double sf = fraction_in_segment(soc, si, at_soc);
  const std::size_t ti = segment_of(temp_c, at_temp_c);
  const double tf = fraction_in_segment(temp_c, ti, at_temp_c);
  const std::size_t si1 = soc.size() > 1 ? si + 1 : si;
  const std::size_t ti1 = temp_c.size() > 1 ? ti + 1 : ti;
  const double low_t = at(si, ti) + sf * (at(si1, ti) - at(si, ti));
  const double high_t = at(si, ti1) + sf * (at(si1, ti1) - at(si, ti1));
  const double inside = low_t + tf * (high_t - low_t);
  if (activation_energy_j_per_mol == 0.0) {
    return inside;
  }
  if (at_temp_c < temp_c.front()) {
    return inside * arrhenius_factor(activation_energy_j_per_mol, at_temp_c + kZeroCelsiusK, temp_c.front() + kZeroCelsiusK);
  }
  if (at_temp_c > temp_c.back()) {
    return inside * arrhenius_factor(activation_energy_j_per_mol, at_temp_c + kZeroCelsiusK, temp_c.back() + kZeroCelsiusK);
  }
  return inside;
}

}  // namespace packsim::models

#include "models/aging/aging_model.h"

#include <algorithm>
#include <cmath>

namespace packsim::models {

namespace {
constexpr double kSecondsPerDay = 86400.0;
// Wang et al. fitted their law between C/2 and 10C; its C-rate term grows
// exponentially, so beyond the fit (a short circuit draws 100C) it is held at 10C.
constexpr double kCycleLawMaxCRate = 10.0;
double kelvin(double temp_c) { return temp_c + kZeroCelsiusK; }
}  // namespace

double calendar_rate_per_sqrt_s(const CalendarAgingParams& params, double temp_c, double soc) {
  const double per_sqrt_day = params.loss_per_sqrt_day *
                              arrhenius_factor(-params.activation_energy_j_per_mol, kelvin(temp_c),
                                               kelvin(params.reference_temp_c)) *
                              std::exp(params.soc_stress * (std::clamp(soc, 0.0, 1.0) - params.reference_soc));
  return per_sqrt_day / std::sqrt(kSecondsPerDay);
}

double calendar_loss_after(const CalendarAgingParams& params, double loss, double temp_c, double soc, double dt_s) {
  const double k = calendar_rate_per_sqrt_s(params, temp_c, soc);
  return std::sqrt(loss * loss + k * k * dt_s);
}

double cycle_rate(const CycleAgingParams& params, double temp_c, double c_rate) {
  const double fitted_c_rate = std::clamp(c_rate, 0.0, kCycleLawMaxCRate);
  const double exponent = (-params.activation_energy_j_per_mol + params.c_rate_coefficient_j_per_mol * fitted_c_rate) /
                          (kGasConstantJPerMolK * kelvin(temp_c));
  return params.prefactor_b * std::exp(exponent) / 100.0;  // Wang's law is in percent
}

double cycle_loss_after(const CycleAgingParams& params, double loss, double temp_c, double c_rate,
                        double throughput_ah, double cell_capacity_ah) {
  const double a = cycle_rate(params, temp_c, c_rate);
  if (a <= 0.0 || throughput_ah <= 0.0) {
    return loss;
  }
  const double z = params.throughput_exponent_z;
  const double reference_ah = throughput_ah * params.reference_capacity_ah / cell_capacity_ah;
  const double equivalent_ah = std::pow(loss / a, 1.0 / z);
  return a * std::pow(equivalent_ah + reference_ah, z);
}

double wang2011_cycle_loss(const CycleAgingParams& params, double temp_c, double c_rate, double throughput_ah,
                           double cell_capacity_ah) {
  const double reference_ah = throughput_ah * params.reference_capacity_ah / cell_capacity_ah;
  return cycle_rate(params, temp_c, c_rate) * std::pow(reference_ah, params.throughput_exponent_z);
}

double plating_onset_current_a(const PlatingParams& params, double capacity_ah, double temp_c, double soc) {
  const double soc_derating = std::max(0.0, 1.0 - params.soc_sensitivity * std::clamp(soc, 0.0, 1.0));
  return params.onset_c_rate_at_reference * capacity_ah *
         arrhenius_factor(-params.activation_energy_j_per_mol, kelvin(temp_c), kelvin(params.reference_temp_c)) *
         soc_derating;
}

double self_discharge_current_a(const SelfDischargeParams& params, double capacity_ah, double temp_c) {
  const double fraction_per_day =
      params.fraction_per_day *
      arrhenius_factor(-params.activation_energy_j_per_mol, kelvin(temp_c), kelvin(params.reference_temp_c));
  return fraction_per_day * capacity_ah * 3600.0 / kSecondsPerDay;
}

}  // namespace packsim::models

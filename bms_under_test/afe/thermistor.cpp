#include "bms_under_test/afe/thermistor.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace packsim::afe {

namespace {
constexpr double kT25K{25.0 + kCelsiusToKelvin};
}

double ntc_resistance_ohm(const NtcModel& ntc, double temp_c) {
  const double t_k{temp_c + kCelsiusToKelvin};
  return ntc.r25_ohm * std::exp(ntc.beta_k * (1.0 / t_k - 1.0 / kT25K));
}

double ntc_temperature_c(const NtcModel& ntc, double resistance_ohm) {
  const double inverse_t{1.0 / kT25K + std::log(resistance_ohm / ntc.r25_ohm) / ntc.beta_k};
  return 1.0 / inverse_t - kCelsiusToKelvin;
}

double thermistor_counts(const ThermistorBias& bias, double resistance_ohm) {
  if (!(resistance_ohm < std::numeric_limits<double>::infinity())) {
    return kThermistorFullScaleCounts;
  }
  const double r_pin{std::max(resistance_ohm, 0.0) + bias.pad_ohm};
  return kThermistorFullScaleCounts * r_pin / (bias.pullup_ohm + r_pin);
}

double thermistor_temperature_c(const ThermistorBias& bias, const NtcModel& chip_model, double counts) {
  const double ratio{counts / kThermistorFullScaleCounts};
  if (!(ratio < 1.0)) {
    return kThermistorMinReportC;
  }
  const double r_ntc{bias.pullup_ohm * ratio / (1.0 - ratio) - bias.pad_ohm};
  if (!(r_ntc > 1.0)) {
    return kThermistorMaxReportC;
  }
  return std::clamp(ntc_temperature_c(chip_model, r_ntc), kThermistorMinReportC, kThermistorMaxReportC);
}

}  // namespace packsim::afe

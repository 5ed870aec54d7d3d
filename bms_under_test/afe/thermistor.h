#pragma once

#include <cstdint>

namespace packsim::afe {

// An NTC thermistor in the Beta model: R(T) = R25 exp(B (1/T - 1/T25)).
// Default: Semitec 103AT (10 kOhm at 25 C, B25/85 = 3435 K), the part TI's
// 18K Temperature Model is fitted to (datasheet 10.6).
struct NtcModel {
  double r25_ohm{10'000.0};
  double beta_k{3435.0};
};

// Semitec 204AP-2 for the 180 kOhm pull-up option (datasheet 10.6); B value is
// the catalogue's typical (not confirmed in the TRM).
inline constexpr NtcModel kSemitec204Ap2{200'000.0, 4250.0};

inline constexpr double kCelsiusToKelvin{273.15};

double ntc_resistance_ohm(const NtcModel& ntc, double temp_c);
double ntc_temperature_c(const NtcModel& ntc, double resistance_ohm);

// The chip's thermistor front end (datasheet 7.23, 10.6): an internal pull-up
// from REG18 and a pad resistance in series with the pin, digitised
// ratiometrically against REG18 so the LDO voltage cancels. 16-bit counts with
// 1 LSB = 5/3 x VREG18 / 2^15, so an open pin reads 32768 x 3/5 counts.
inline constexpr double kThermistorFullScaleCounts{32768.0 * 3.0 / 5.0};

struct ThermistorBias {
  double pullup_ohm{18'000.0};  // 18 kOhm option (datasheet typical 18.3 kOhm; the chip stores the trimmed value)
  double pad_ohm{526.0};        // datasheet 7.23 R(TS_PAD), typical
};

// Counts (before quantisation) for an external resistance on the pin; an
// infinite resistance is an open pin.
double thermistor_counts(const ThermistorBias& bias, double resistance_ohm);

// The chip's conversion back to temperature. The TRM evaluates a fitted
// polynomial (Calibration:18K Temperature Model); we use its exact equivalent
// for the part the polynomial is fitted to: invert the divider, remove the pad
// resistance and invert the Beta model. Results are clamped to what the
// polynomial's fit range can report (cannot confirm the chip's limits in the
// TRM: -55 C .. 150 C chosen), so an open pin reads very cold and a shorted pin
// very hot.
inline constexpr double kThermistorMinReportC{-55.0};
inline constexpr double kThermistorMaxReportC{150.0};
double thermistor_temperature_c(const ThermistorBias& bias, const NtcModel& chip_model, double counts);

}  // namespace packsim::afe

#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "bms_under_test/afe/analog_inputs.h"
#include "common/seeded_rng.h"
#include "bms_under_test/afe/thermistor.h"

namespace packsim::afe {

// Converter constants (datasheet SLUSE13 7.14, 7.15, 7.19; typical values).
inline constexpr double kVref1V{1.212};
inline constexpr double kVref2V{1.24};
// Cell inputs: 1 LSB = 5 x VREF1 / 2^15 (datasheet 7.19 note 4), ~185 uV.
inline constexpr double kCellLsbV{5.0 * kVref1V / 32768.0};
// Stack/PACK/LD dividers: 1 LSB = 425/3 x VREF1 / 2^15 (note 7), ~5.24 mV.
inline constexpr double kDividerLsbV{425.0 / 3.0 * kVref1V / 32768.0};
// CC2 filter: 24-bit result of the +-5 x VREF2 full scale (7.15 note 1 at N = 24), ~29.6 nV.
inline constexpr double kCc2LsbV{kVref2V / (5.0 * 8388608.0)};
// Nominal cell gain that turns counts into mV (datasheet 10.8: 12120 with VREF1 = 1.212 V).
inline constexpr double kNominalCellGain{12120.0};

// Every channel the voltage ADC and the coulomb counter digitise.
enum class AdcChannel : std::uint8_t {
  kCell1 = 0,  // .. kCell1 + 15
  kStack = 16,
  kPack = 17,
  kLd = 18,
  kCurrent = 19,
  kPin0 = 20,  // thermistor pins in register order, .. kPin0 + 8
  kDieTemp = 29,
};
inline constexpr std::size_t kAdcChannels{30};
constexpr AdcChannel cell_channel(std::size_t cell_index) {
  return static_cast<AdcChannel>(static_cast<std::size_t>(AdcChannel::kCell1) + cell_index);
}
constexpr AdcChannel pin_channel(std::size_t pin_index) {
  return static_cast<AdcChannel>(static_cast<std::size_t>(AdcChannel::kPin0) + pin_index);
}

// Measurement errors; all sigmas, drawn from the seed. Defaults are judgement
// from the datasheet's code stability and accuracy tables (7.3, 7.15, 7.19):
// cells +-5 mV at 25 C, stack/PACK/LD +-0.5 V over temperature, 14-15 bit code stability.
struct AdcErrorConfig {
  double cell_noise_v{0.12e-3};
  double cell_gain_rel{0.5e-3};
  double cell_offset_v{1.0e-3};
  double divider_noise_v{3.0e-3};
  double divider_gain_rel{2.0e-3};
  double divider_offset_v{20.0e-3};
  double current_noise_v{1.0e-6};  // on SRP-SRN
  double current_gain_rel{2.0e-3};
  double current_offset_v{2.0e-6};
  double thermistor_noise_counts{0.5};
  double die_temp_noise_c{0.2};
  double die_temp_offset_c{1.0};

  // No errors at all: readings are the true values quantised.
  static AdcErrorConfig ideal() { return {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}; }
};

// Per-channel gain and offset error of one chip, drawn once.
struct AdcChannelErrors {
  std::array<double, kAdcChannels> gain_rel{};
  std::array<double, kAdcChannels> offset{};  // V, or counts for thermistors, or C for the die
};

// The quantities the converter sees this scan, after any fault on the chip's
// side of the pins (open sense wire, open/shorted NTC).
struct AdcInputs {
  std::array<double, kCellInputs> cell_v{};
  double stack_v{0.0};
  double pack_v{0.0};
  double ld_v{0.0};
  std::array<double, kThermistorPins> pin_ohm{};          // resistance seen on each thermistor pin
  std::array<double, kThermistorPins> pin_pullup_ohm{};  // 0: pin not measured this scan
  double die_temp_c{25.0};
};

// Raw results of the last conversions, in ADC counts (what the chip stores; the
// registers turn them into units when read).
struct AdcResults {
  std::array<std::int32_t, kCellInputs> cell_counts{};
  std::int32_t stack_counts{0};
  std::int32_t pack_counts{0};
  std::int32_t ld_counts{0};
  std::int32_t cc2_counts{0};  // + charging
  std::array<std::int32_t, kThermistorPins> pin_counts{};
  double die_temp_c{0.0};
  std::uint32_t scans{0};
};

// The converter of one chip: immutable once built (errors drawn from the seed);
// noise comes from the caller's generator so the state stays in the context.
class AdcModel {
 public:
  AdcModel(const AdcErrorConfig& config, std::uint64_t seed);

  // One measurement loop: every cell, stack, PACK, LD, the enabled thermistors
  // and the die temperature. Channels whose bit is set in stuck_mask keep their
  // previous result. No allocation.
  void scan(const AdcInputs& in, std::uint32_t stuck_mask, SeededRng& noise, AdcResults& out) const;
  // One CC2 conversion of SRP - SRN.
  void sample_current(double sense_v, bool stuck, SeededRng& noise, AdcResults& out) const;

  const AdcErrorConfig& config() const { return config_; }
  const AdcChannelErrors& errors() const { return errors_; }

 private:
  double measure(AdcChannel channel, double true_value, double noise_sigma, SeededRng& noise) const;

  AdcErrorConfig config_;
  AdcChannelErrors errors_;
};

constexpr std::uint32_t stuck_bit(AdcChannel channel) { return 1U << static_cast<unsigned>(channel); }

}  // namespace packsim::afe

#include "bms_under_test/afe/adc.h"

#include <cmath>

namespace packsim::afe {

namespace {

std::int32_t quantise(double value, double lsb) { return static_cast<std::int32_t>(std::lround(value / lsb)); }

}  // namespace

AdcModel::AdcModel(const AdcErrorConfig& config, std::uint64_t seed) : config_{config} {
  // A stream of its own, in a fixed channel order: the same seed gives the same chip.
  SeededRng draw{seed ^ 0xAFE0ADC0ULL};
  for (std::size_t c = 0; c < kAdcChannels; ++c) {
    double gain_sigma{0.0};
    double offset_sigma{0.0};
    if (c < kCellInputs) {
      gain_sigma = config.cell_gain_rel;
      offset_sigma = config.cell_offset_v;
    } else if (c <= static_cast<std::size_t>(AdcChannel::kLd)) {
      gain_sigma = config.divider_gain_rel;
      offset_sigma = config.divider_offset_v;
    } else if (c == static_cast<std::size_t>(AdcChannel::kCurrent)) {
      gain_sigma = config.current_gain_rel;
      offset_sigma = config.current_offset_v;
    } else if (c == static_cast<std::size_t>(AdcChannel::kDieTemp)) {
      offset_sigma = config.die_temp_offset_c;
    }
    errors_.gain_rel[c] = gain_sigma * draw.gaussian();
    errors_.offset[c] = offset_sigma * draw.gaussian();
  }
}

double AdcModel::measure(AdcChannel channel, double true_value, double noise_sigma, SeededRng& noise) const {
  const auto c = static_cast<std::size_t>(channel);
  double value{true_value * (1.0 + errors_.gain_rel[c]) + errors_.offset[c]};
  if (noise_sigma > 0.0) {
    value += noise_sigma * noise.gaussian();
  }
  return value;
}

void AdcModel::scan(const AdcInputs& in, std::uint32_t stuck_mask, SeededRng& noise, AdcResults& out) const {
  for (std::size_t k = 0; k < kCellInputs; ++k) {
    const AdcChannel channel{cell_channel(k)};
    if ((stuck_mask & stuck_bit(channel)) == 0) {
      out.cell_counts[k] = quantise(measure(channel, in.cell_v[k], config_.cell_noise_v, noise), kCellLsbV);
    }
  }
  if ((stuck_mask & stuck_bit(AdcChannel::kStack)) == 0) {
    out.stack_counts = quantise(measure(AdcChannel::kStack, in.stack_v, config_.divider_noise_v, noise), kDividerLsbV);
  }
  if ((stuck_mask & stuck_bit(AdcChannel::kPack)) == 0) {
    out.pack_counts = quantise(measure(AdcChannel::kPack, in.pack_v, config_.divider_noise_v, noise), kDividerLsbV);
  }
  if ((stuck_mask & stuck_bit(AdcChannel::kLd)) == 0) {
    out.ld_counts = quantise(measure(AdcChannel::kLd, in.ld_v, config_.divider_noise_v, noise), kDividerLsbV);
  }
  for (std::size_t p = 0; p < kThermistorPins; ++p) {
    const AdcChannel channel{pin_channel(p)};
    if (in.pin_pullup_ohm[p] <= 0.0 || (stuck_mask & stuck_bit(channel)) != 0) {
      continue;
    }
    const double counts{thermistor_counts(ThermistorBias{in.pin_pullup_ohm[p]}, in.pin_ohm[p])};
    const double measured{measure(channel, counts, config_.thermistor_noise_counts, noise)};
    out.pin_counts[p] = static_cast<std::int32_t>(
        std::lround(std::fmin(std::fmax(measured, 0.0), kThermistorFullScaleCounts)));
  }
  if ((stuck_mask & stuck_bit(AdcChannel::kDieTemp)) == 0) {
    out.die_temp_c = measure(AdcChannel::kDieTemp, in.die_temp_c, config_.die_temp_noise_c, noise);
  }
  ++out.scans;
}

void AdcModel::sample_current(double sense_v, bool stuck, SeededRng& noise, AdcResults& out) const {
  if (!stuck) {
    out.cc2_counts = quantise(measure(AdcChannel::kCurrent, sense_v, config_.current_noise_v, noise), kCc2LsbV);
  }
}

}  // namespace packsim::afe

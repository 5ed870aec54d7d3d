// The NTC on a TS pin: the 18 kOhm pull-up divider, the ADC and the chip's conversion (datasheet 10.6, 7.23).
#include <gtest/gtest.h>

#include "bms_under_test/afe/thermistor.h"
#include "tests/bms_under_test/afe/afe_test_support.h"

namespace packsim::afe {
namespace {

using testing::Rig;

TEST(Thermistor, Semitec103AtIsTenKiloOhmAt25C) {
  const NtcModel ntc;
  EXPECT_NEAR(ntc_resistance_ohm(ntc, 25.0), 10'000.0, 1e-9);
  // Beta model at 0 C: 10k * exp(3435 (1/273.15 - 1/298.15)) = 28.7 kOhm.
  EXPECT_NEAR(ntc_resistance_ohm(ntc, 0.0), 28'704.0, 20.0);
  EXPECT_NEAR(ntc_temperature_c(ntc, ntc_resistance_ohm(ntc, 47.3)), 47.3, 1e-9);
}

TEST(Thermistor, DividerCountsFollowThePullUpAndPad) {
  const ThermistorBias bias;
  const double counts{thermistor_counts(bias, 10'000.0)};
  EXPECT_NEAR(counts, kThermistorFullScaleCounts * 10'526.0 / 28'526.0, 1e-6);
  EXPECT_DOUBLE_EQ(thermistor_counts(bias, std::numeric_limits<double>::infinity()), kThermistorFullScaleCounts);
}

TEST(Thermistor, ConversionInvertsTheDividerToTheTemperature) {
  const ThermistorBias bias;
  const NtcModel ntc;
  for (double t = -30.0; t <= 90.0; t += 7.5) {
    const double counts{std::round(thermistor_counts(bias, ntc_resistance_ohm(ntc, t)))};
    EXPECT_NEAR(thermistor_temperature_c(bias, ntc, counts), t, 0.05) << t;
  }
}

TEST(Thermistor, Ts1ReadsTheCellTemperatureInDeciKelvin) {
  Rig rig;
  rig.host.subcommand(subcommand::kSleepDisable);  // keep the 57 ms loop (SLEEP samples every 5 s)
  for (double t : {-10.0, 0.0, 25.0, 45.0, 60.0}) {
    rig.pins.pin_temp_c[kTs1Pin] = t;
    rig.run_for(60 * sim::kNsPerMs);
    EXPECT_NEAR(rig.host.read_i16(command::kTs1Temperature), (t + 273.15) * 10.0, 1.0) << t;
  }
}

TEST(Thermistor, TempOffsetFromDataMemoryIsAdded) {
  Rig rig;
  rig.host.configure([](testing::Host& h) { h.dm_write_i1(dm::kTs1TempOffset, 15); });  // +1.5 C
  rig.run_for(100 * sim::kNsPerMs);
  EXPECT_NEAR(rig.host.read_i16(command::kTs1Temperature), 2982 + 15, 1);
}

TEST(Thermistor, RawCountsAreReportedWithoutPolynomial) {
  Rig rig;
  rig.host.configure([](testing::Host& h) { h.dm_write_u1(dm::kTs1Config, 0x3B); });  // OPT[3:2] = 3: raw
  rig.run_for(100 * sim::kNsPerMs);
  EXPECT_NEAR(rig.host.read_i16(command::kTs1Temperature), kThermistorFullScaleCounts * 10'526.0 / 28'526.0, 1.0);
}

}  // namespace
}  // namespace packsim::afe

// The measurement loop: timing, quantisation, seeded noise and per-channel errors (datasheet 10.1, 7.19).
#include <gtest/gtest.h>

#include <cmath>

#include "tests/bms_under_test/afe/afe_test_support.h"

namespace packsim::afe {
namespace {

using testing::Host;
using testing::Rig;

TEST(Adc, LoopTakesThreeMillisecondsASlotWithNineteenSlotsByDefault) {
  // 16 cells + stack/PACK/LD + internal temperature + TS1 (the only thermistor by default).
  Rig rig;
  rig.run_for(56 * sim::kNsPerMs);
  EXPECT_EQ(rig.afe.state().adc.scans, 0U);
  rig.run_for(sim::kNsPerMs);
  EXPECT_EQ(rig.afe.state().adc.scans, 1U);
  rig.run_for(57 * sim::kNsPerMs);
  EXPECT_EQ(rig.afe.state().adc.scans, 2U);
}

TEST(Adc, ThreeThermistorsAndFastAdcGiveATwentyOneSlotLoopOfOneAndAHalfMilliseconds) {
  Rig rig;
  rig.host.configure([](Host& h) {
    h.dm_write_u1(dm::kTs2Config, 0x07);
    h.dm_write_u1(dm::kTs3Config, 0x07);
    h.dm_write_u2(dm::kPowerConfig, 0x2982 | 0x40);  // FASTADC
  });
  const std::uint32_t before{rig.afe.state().adc.scans};
  rig.run_for(21 * 1'500'000);
  EXPECT_EQ(rig.afe.state().adc.scans, before + 1);
}

TEST(Adc, CellReadingsAreQuantisedToOneMillivolt) {
  Rig rig;
  for (int i = 0; i < 16; ++i) {
    rig.pins.cell_v[static_cast<std::size_t>(i)] = 3.0 + 0.00013 * i;
  }
  rig.run_for(100 * sim::kNsPerMs);
  for (int i = 0; i < 16; ++i) {
    EXPECT_NEAR(rig.host.read_i16(command::cell_voltage(i + 1)), 3000.0 + 0.13 * i, 0.6);
  }
}

TEST(Adc, CurrentIsSampledEverySlotBetweenLoops) {
  Rig rig;
  rig.run_for(100 * sim::kNsPerMs);
  rig.pins.sense_v = 5e-3;
  rig.run_for(3 * sim::kNsPerMs);
  EXPECT_EQ(rig.host.read_i16(command::kCc2Current), 5000);
}

TEST(Adc, NoiseIsSeededAndBounded) {
  Bq76952Config config;  // datasheet-typical errors
  config.seed = 11;
  Rig rig{config};
  double sum{0.0};
  double sum_sq{0.0};
  const int n{200};
  for (int i = 0; i < n; ++i) {
    rig.run_for(57 * sim::kNsPerMs);
    const double mv{static_cast<double>(rig.host.read_i16(command::cell_voltage(1)))};
    sum += mv;
    sum_sq += mv * mv;
  }
  const double mean{sum / n};
  const double sd{std::sqrt(sum_sq / n - mean * mean)};
  // Gain (0.05 %) and offset (1 mV) errors are sigma values: a few mV at most.
  EXPECT_NEAR(mean, 3300.0, 6.0);
  EXPECT_GT(sd, 0.0);
  EXPECT_LT(sd, 1.0);
}

TEST(Adc, ChannelErrorsDifferBetweenChipsButNotBetweenRunsOfOneSeed) {
  const AdcModel a{AdcErrorConfig{}, 1};
  const AdcModel b{AdcErrorConfig{}, 1};
  const AdcModel c{AdcErrorConfig{}, 2};
  EXPECT_EQ(a.errors().gain_rel, b.errors().gain_rel);
  EXPECT_EQ(a.errors().offset, b.errors().offset);
  EXPECT_NE(a.errors().offset, c.errors().offset);
}

TEST(Adc, IdealConverterReadsTheTrueValue) {
  const AdcModel adc{AdcErrorConfig::ideal(), 3};
  AdcInputs in;
  in.cell_v.fill(3.65);
  in.stack_v = 58.4;
  SeededRng rng{1};
  AdcResults out;
  adc.scan(in, 0, rng, out);
  EXPECT_NEAR(out.cell_counts[0] * kCellLsbV, 3.65, kCellLsbV / 2);
  EXPECT_NEAR(out.stack_counts * kDividerLsbV, 58.4, kDividerLsbV / 2);
}

}  // namespace
}  // namespace packsim::afe

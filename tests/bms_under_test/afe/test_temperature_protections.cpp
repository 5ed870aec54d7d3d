// Temperature protections (TRM 5.2.11-5.2.17): firmware checks on the ADC's
// thermistor results, inclusive thresholds in whole degrees C, delays in seconds.
#include <gtest/gtest.h>

#include "tests/bms_under_test/afe/afe_test_support.h"

namespace packsim::afe {
namespace {

using sim::kNsPerMs;
using sim::kNsPerS;
using testing::Host;
using testing::Rig;

constexpr sim::TimeNs kLoopNs{57 * kNsPerMs};  // one measurement loop with TS1

Rig thermal_rig(std::uint8_t enabled_b = bits::kOtc | bits::kOtd | bits::kUtc | bits::kUtd) {
  Rig rig;
  rig.host.configure([enabled_b](Host& h) { h.dm_write_u1(dm::kEnabledProtectionsB, enabled_b); });
  rig.boot_with_fets_enabled();
  return rig;
}

std::uint8_t status_b(Rig& rig) { return rig.host.read_u8(command::kSafetyStatusB); }
std::uint8_t alert_b(Rig& rig) { return rig.host.read_u8(command::kSafetyAlertB); }

// Runs until the next measurement loop has seen the pins.
void next_loop(Rig& rig) { rig.run_for(kLoopNs); }

TEST(Overtemperature, OtcTripsAtThresholdAfterTwoSecondsAndOpensTheChargeFet) {
  Rig rig{thermal_rig()};
  rig.pins.pin_temp_c[kTs1Pin] = 55.05;  // OTC threshold 55 C
  next_loop(rig);
  EXPECT_EQ(alert_b(rig), bits::kOtc);
  rig.run_for(2 * kNsPerS - kLoopNs - kNsPerMs);
  EXPECT_EQ(status_b(rig), 0);
  rig.run_for(kLoopNs + kNsPerMs);
  EXPECT_EQ(status_b(rig), bits::kOtc);
  EXPECT_FALSE(rig.afe.outputs().chg_fet_on);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
}

TEST(Overtemperature, DoesNotTripJustBelowThreshold) {
  Rig rig{thermal_rig()};
  rig.pins.pin_temp_c[kTs1Pin] = 54.9;
  rig.run_for(5 * kNsPerS);
  EXPECT_EQ(alert_b(rig), 0);
  EXPECT_EQ(status_b(rig), 0);
}

TEST(Overtemperature, OtdOpensTheDischargeFet) {
  Rig rig{thermal_rig()};
  rig.pins.pin_temp_c[kTs1Pin] = 61.0;  // above OTC (55) and OTD (60)
  rig.run_for(3 * kNsPerS);
  EXPECT_EQ(status_b(rig), bits::kOtc | bits::kOtd);
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
  EXPECT_FALSE(rig.afe.outputs().chg_fet_on);
}

TEST(Overtemperature, RecoversAtTheRecoveryLevelAfterRecoveryTime) {
  Rig rig{thermal_rig()};
  rig.pins.pin_temp_c[kTs1Pin] = 57.0;
  rig.run_for(3 * kNsPerS);
  ASSERT_EQ(status_b(rig), bits::kOtc);
  rig.pins.pin_temp_c[kTs1Pin] = 52.0;  // below threshold but above OTC Recovery (50 C)
  rig.run_for(10 * kNsPerS);
  EXPECT_EQ(status_b(rig), bits::kOtc);
  rig.pins.pin_temp_c[kTs1Pin] = 49.5;
  next_loop(rig);
  rig.run_for(3 * kNsPerS - kLoopNs - kNsPerMs);
  EXPECT_EQ(status_b(rig), bits::kOtc);
  rig.run_for(kLoopNs + kNsPerMs);
  EXPECT_EQ(status_b(rig), 0);
  EXPECT_TRUE(rig.afe.outputs().chg_fet_on);
}

TEST(Undertemperature, UtcOpensChargeAndUtdOpensDischarge) {
  Rig rig{thermal_rig()};
  rig.pins.pin_temp_c[kTs1Pin] = -0.2;  // UTC and UTD thresholds 0 C
  rig.run_for(3 * kNsPerS);
  EXPECT_EQ(status_b(rig), bits::kUtc | bits::kUtd);
  EXPECT_FALSE(rig.afe.outputs().chg_fet_on);
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
  rig.pins.pin_temp_c[kTs1Pin] = 5.5;  // recovery at >= 5 C
  rig.run_for(4 * kNsPerS);
  EXPECT_EQ(status_b(rig), 0);
}

TEST(Undertemperature, UsesTheColdestCellThermistor) {
  Rig rig;
  rig.host.configure([](Host& h) {
    h.dm_write_u1(dm::kEnabledProtectionsB, bits::kUtc);
    h.dm_write_u1(dm::kTs3Config, 0x07);
  });
  rig.boot_with_fets_enabled();
  rig.pins.pin_temp_c[kTs3Pin] = -5.0;
  rig.run_for(3 * kNsPerS);
  EXPECT_EQ(status_b(rig), bits::kUtc);
}

TEST(Undertemperature, ThermistorReportedButNotUsedForProtectionsIsIgnored) {
  Rig rig;
  rig.host.configure([](Host& h) {
    h.dm_write_u1(dm::kEnabledProtectionsB, bits::kUtc);
    h.dm_write_u1(dm::kTs3Config, 0x0B);  // OPT[1:0] = 2: reported only
  });
  rig.boot_with_fets_enabled();
  rig.pins.pin_temp_c[kTs3Pin] = -5.0;
  rig.run_for(3 * kNsPerS);
  EXPECT_EQ(status_b(rig), 0);
  EXPECT_NEAR(rig.host.read_i16(command::kTs3Temperature), 2681, 1);
}

TEST(InternalTemperature, OtintTripsOnTheDieTemperature) {
  Rig rig{thermal_rig(bits::kOtint)};
  rig.pins.die_temp_c = 86.0;  // OTINT 85 C
  rig.run_for(3 * kNsPerS);
  EXPECT_EQ(status_b(rig), bits::kOtint);
  EXPECT_FALSE(rig.afe.outputs().chg_fet_on);  // CHG and DSG FET Protections B include OTINT
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
}

TEST(FetTemperature, OtfTripsOnAThermistorConfiguredAsFetTemperature) {
  Rig rig;
  rig.host.configure([](Host& h) {
    h.dm_write_u1(dm::kEnabledProtectionsB, bits::kOtf);
    h.dm_write_u1(dm::kTs2Config, 0x0F);  // OPT[1:0] = 3: FET temperature
  });
  rig.boot_with_fets_enabled();
  rig.pins.pin_temp_c[kTs2Pin] = 81.0;  // OTF 80 C
  rig.run_for(3 * kNsPerS);
  EXPECT_EQ(status_b(rig), bits::kOtf);
}

TEST(TemperatureProtections, AreOffByDefault) {
  Rig rig;
  rig.boot_with_fets_enabled();
  rig.pins.pin_temp_c[kTs1Pin] = 80.0;
  rig.run_for(5 * kNsPerS);
  EXPECT_EQ(status_b(rig), 0);
  EXPECT_TRUE(rig.afe.outputs().chg_fet_on);
}

}  // namespace
}  // namespace packsim::afe

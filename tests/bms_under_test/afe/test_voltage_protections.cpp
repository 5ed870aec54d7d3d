// Cell undervoltage and overvoltage protections (TRM 5.2.4, 5.2.5): comparator
// thresholds in 50.6 mV steps, delays of 3.3 ms x (2 + setting), alert before
// status, the right FET, recovery with hysteresis after Recovery Time.
#include <gtest/gtest.h>

#include "tests/bms_under_test/afe/afe_test_support.h"

namespace packsim::afe {
namespace {

using sim::kNsPerMs;
using sim::kNsPerS;
using testing::Host;
using testing::Rig;

constexpr sim::TimeNs kDefaultDelayNs{(74 + 2) * 3'300'000};  // 250.8 ms

Rig armed_rig() {
  Rig rig;
  rig.host.configure([](Host& h) { h.dm_write_u1(dm::kEnabledProtectionsA, 0x8C); });  // + CUV
  rig.boot_with_fets_enabled();
  return rig;
}

TEST(CellUndervoltage, AlertAtThresholdThenStatusAfterExactlyItsDelay) {
  Rig rig{armed_rig()};
  ASSERT_TRUE(rig.afe.outputs().dsg_fet_on);
  const sim::TimeNs t0{rig.afe.now_ns()};
  rig.pins.cell_v[4] = 50 * 506 / 10000.0;  // 2.530 V: threshold 50 x 50.6 mV
  rig.run_for(0);
  EXPECT_EQ(rig.alert_a(), bits::kCuv);
  EXPECT_EQ(rig.status_a(), 0);
  EXPECT_EQ(rig.afe.next_event_ns() <= t0 + kDefaultDelayNs, true);
  rig.afe.advance_to(t0 + kDefaultDelayNs - 1, rig.pins);
  EXPECT_EQ(rig.status_a(), 0);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
  rig.afe.advance_to(t0 + kDefaultDelayNs, rig.pins);
  EXPECT_EQ(rig.status_a(), bits::kCuv);
  EXPECT_EQ(rig.alert_a(), 0);  // the alert gives way to the status
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
  EXPECT_TRUE(rig.afe.outputs().chg_fet_on);
}

TEST(CellUndervoltage, DoesNotTripJustAboveThreshold) {
  Rig rig{armed_rig()};
  rig.pins.cell_v[4] = 2.5301;
  rig.run_for(2 * kNsPerS);
  EXPECT_EQ(rig.alert_a(), 0);
  EXPECT_EQ(rig.status_a(), 0);
}

TEST(CellUndervoltage, DelaySettingCountsInThreePointThreeMillisecondUnits) {
  Rig rig;
  rig.host.configure([](Host& h) {
    h.dm_write_u1(dm::kEnabledProtectionsA, 0x8C);
    h.dm_write_u2(dm::kCuvDelay, 1);  // 3.3 ms x (2 + 1) = 9.9 ms
  });
  rig.boot_with_fets_enabled();
  const sim::TimeNs t0{rig.afe.now_ns()};
  rig.pins.cell_v[0] = 2.0;
  rig.run_for(0);
  rig.afe.advance_to(t0 + 9'900'000 - 1, rig.pins);
  EXPECT_EQ(rig.status_a(), 0);
  rig.afe.advance_to(t0 + 9'900'000, rig.pins);
  EXPECT_EQ(rig.status_a(), bits::kCuv);
}

TEST(CellUndervoltage, AlertClearsWhenTheConditionEndsBeforeTheDelay) {
  Rig rig{armed_rig()};
  rig.pins.cell_v[3] = 2.4;
  rig.run_for(100 * kNsPerMs);
  EXPECT_EQ(rig.alert_a(), bits::kCuv);
  rig.pins.cell_v[3] = 3.3;
  rig.run_for(0);
  EXPECT_EQ(rig.alert_a(), 0);
  rig.run_for(kNsPerS);
  EXPECT_EQ(rig.status_a(), 0);
  // The delay starts again from zero.
  const sim::TimeNs t1{rig.afe.now_ns()};
  rig.pins.cell_v[3] = 2.4;
  rig.run_for(0);
  rig.afe.advance_to(t1 + kDefaultDelayNs - 1, rig.pins);
  EXPECT_EQ(rig.status_a(), 0);
  rig.afe.advance_to(t1 + kDefaultDelayNs, rig.pins);
  EXPECT_EQ(rig.status_a(), bits::kCuv);
}

TEST(CellUndervoltage, RecoversAboveThresholdPlusHysteresisAfterRecoveryTime) {
  Rig rig{armed_rig()};
  rig.pins.cell_v[4] = 2.4;
  rig.run_for(kNsPerS);
  ASSERT_EQ(rig.status_a(), bits::kCuv);
  // Threshold + hysteresis (2.53 + 2 x 50.6 mV = 2.6312 V) is not enough: it must be exceeded.
  rig.pins.cell_v[4] = 2.6312;
  rig.run_for(5 * kNsPerS);
  EXPECT_EQ(rig.status_a(), bits::kCuv);
  const sim::TimeNs t1{rig.afe.now_ns()};
  rig.pins.cell_v[4] = 2.64;
  rig.run_for(0);
  rig.afe.advance_to(t1 + 3 * kNsPerS - 1, rig.pins);  // Protections:Recovery:Time = 3 s
  EXPECT_EQ(rig.status_a(), bits::kCuv);
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
  rig.afe.advance_to(t1 + 3 * kNsPerS, rig.pins);
  EXPECT_EQ(rig.status_a(), 0);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
}

TEST(CellUndervoltage, IsOffByDefault) {
  Rig rig;
  rig.boot_with_fets_enabled();
  rig.pins.cell_v[0] = 2.0;
  rig.run_for(kNsPerS);
  EXPECT_EQ(rig.status_a(), 0);
}

TEST(CellUndervoltage, IgnoresInputsLeftOutOfVcellMode) {
  Rig rig;
  rig.host.configure([](Host& h) {
    h.dm_write_u1(dm::kEnabledProtectionsA, 0x8C);
    h.dm_write_u2(dm::kVcellMode, 0x81FF);  // 10S: VC1..VC9 and VC16
  });
  rig.boot_with_fets_enabled();
  for (std::size_t k = 9; k < 15; ++k) {
    rig.pins.cell_v[k] = 0.0;  // shorted inputs
  }
  rig.run_for(kNsPerS);
  EXPECT_EQ(rig.status_a(), 0);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
}

TEST(CellOvervoltage, TripsAtThresholdAfterItsDelayAndOpensOnlyTheChargeFet) {
  Rig rig;
  rig.boot_with_fets_enabled();  // COV is on by default (Enabled Protections A = 0x88)
  const sim::TimeNs t0{rig.afe.now_ns()};
  rig.pins.cell_v[15] = 86 * 506 / 10000.0;  // 4.3516 V
  rig.run_for(0);
  EXPECT_EQ(rig.alert_a(), bits::kCov);
  rig.afe.advance_to(t0 + kDefaultDelayNs - 1, rig.pins);
  EXPECT_EQ(rig.status_a(), 0);
  rig.afe.advance_to(t0 + kDefaultDelayNs, rig.pins);
  EXPECT_EQ(rig.status_a(), bits::kCov);
  EXPECT_FALSE(rig.afe.outputs().chg_fet_on);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
}

TEST(CellOvervoltage, DoesNotTripJustBelowThreshold) {
  Rig rig;
  rig.boot_with_fets_enabled();
  rig.pins.cell_v[15] = 4.3515;
  rig.run_for(2 * kNsPerS);
  EXPECT_EQ(rig.alert_a(), 0);
  EXPECT_EQ(rig.status_a(), 0);
}

TEST(CellOvervoltage, RecoversBelowThresholdMinusHysteresis) {
  Rig rig;
  rig.boot_with_fets_enabled();
  rig.pins.cell_v[15] = 4.4;
  rig.run_for(kNsPerS);
  ASSERT_EQ(rig.status_a(), bits::kCov);
  rig.pins.cell_v[15] = 4.30;  // above 4.3516 - 0.1012: no recovery
  rig.run_for(5 * kNsPerS);
  EXPECT_EQ(rig.status_a(), bits::kCov);
  rig.pins.cell_v[15] = 4.20;
  rig.run_for(3 * kNsPerS);
  EXPECT_EQ(rig.status_a(), 0);
  EXPECT_TRUE(rig.afe.outputs().chg_fet_on);
}

TEST(CellOvervoltageLatch, LatchesAfterLatchLimitTripsAndRecoversAfterItsRecoveryTime) {
  Rig rig;
  rig.host.configure([](Host& h) {
    h.dm_write_u1(dm::kEnabledProtectionsC, bits::kCovl);
    h.dm_write_u1(dm::kCovlLatchLimit, 2);
  });
  rig.boot_with_fets_enabled();
  for (int i = 0; i < 2; ++i) {
    rig.pins.cell_v[2] = 4.4;
    rig.run_for(kNsPerS);
    rig.pins.cell_v[2] = 3.3;
    rig.run_for(4 * kNsPerS);
  }
  EXPECT_EQ(rig.status_a(), 0);  // COV itself recovered
  EXPECT_EQ(rig.host.read_u8(command::kSafetyStatusC), bits::kCovl);
  EXPECT_FALSE(rig.afe.outputs().chg_fet_on);  // CHG FET Protections C[COVL]
  rig.run_for(15 * kNsPerS);                   // COVL Recovery Time
  EXPECT_EQ(rig.host.read_u8(command::kSafetyStatusC), 0);
  EXPECT_TRUE(rig.afe.outputs().chg_fet_on);
}

}  // namespace
}  // namespace packsim::afe

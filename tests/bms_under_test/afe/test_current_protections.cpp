// Short circuit and overcurrent protections (TRM 5.2.6-5.2.9): comparators on
// SRP-SRN, SCD in 15 us steps honoured as a scheduler event, OCC/OCD in 3.3 ms
// steps, the right FETs, time- and current-based recovery, SCDL latch.
#include <gtest/gtest.h>

#include "tests/bms_under_test/afe/afe_test_support.h"

namespace packsim::afe {
namespace {

using sim::kNsPerMs;
using sim::kNsPerS;
using sim::kNsPerUs;
using testing::Host;
using testing::Rig;

TEST(ShortCircuit, TripsAtItsDefaultFifteenMicrosecondDelayExactly) {
  Rig rig;
  rig.boot_with_fets_enabled();  // SCD is on by default: 10 mV, delay setting 2 = 15 us
  const sim::TimeNs t0{rig.afe.now_ns()};
  rig.pins.sense_v = -10.001e-3;  // 10 A through 1 mOhm, just past 10 mV
  rig.run_for(0);
  EXPECT_EQ(rig.alert_a(), bits::kScd);
  // The deadline is a scheduler event: nothing may integrate past it.
  EXPECT_EQ(rig.afe.next_event_ns(), t0 + 15 * kNsPerUs);
  rig.afe.advance_to(t0 + 15 * kNsPerUs - 1, rig.pins);
  EXPECT_EQ(rig.status_a(), 0);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
  rig.afe.advance_to(t0 + 15 * kNsPerUs, rig.pins);
  EXPECT_EQ(rig.status_a(), bits::kScd);
  // Default CHG and DSG FET Protections A both include SCD: both FETs open.
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
  EXPECT_FALSE(rig.afe.outputs().chg_fet_on);
}

TEST(ShortCircuit, TripsAtItsConfiguredDelayInFifteenMicrosecondUnits) {
  Rig rig;
  rig.host.configure([](Host& h) {
    h.dm_write_u1(dm::kScdThreshold, 5);  // 100 mV
    h.dm_write_u1(dm::kScdDelay, 11);     // (11 - 1) x 15 us = 150 us
  });
  rig.boot_with_fets_enabled();
  const sim::TimeNs t0{rig.afe.now_ns()};
  rig.pins.sense_v = -0.2;
  rig.run_for(0);
  rig.afe.advance_to(t0 + 150 * kNsPerUs - 1, rig.pins);
  EXPECT_EQ(rig.status_a(), 0);
  rig.afe.advance_to(t0 + 150 * kNsPerUs, rig.pins);
  EXPECT_EQ(rig.status_a(), bits::kScd);
}

TEST(ShortCircuit, DelaySettingOneTripsWithNoAddedDelay) {
  Rig rig;
  rig.host.configure([](Host& h) { h.dm_write_u1(dm::kScdDelay, 1); });
  rig.boot_with_fets_enabled();
  rig.pins.sense_v = -0.05;
  rig.run_for(0);
  EXPECT_EQ(rig.status_a(), bits::kScd);
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
}

TEST(ShortCircuit, DoesNotTripAtOrBelowItsThreshold) {
  Rig rig;
  rig.boot_with_fets_enabled();
  rig.pins.sense_v = -10e-3;  // the comparator trips when SRN-SRP exceeds the threshold
  rig.run_for(kNsPerS);
  EXPECT_EQ(rig.alert_a(), 0);
  EXPECT_EQ(rig.status_a(), 0);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
}

TEST(ShortCircuit, ChargeCurrentNeverTripsIt) {
  Rig rig;
  rig.boot_with_fets_enabled();
  rig.pins.sense_v = +0.05;
  rig.run_for(10 * kNsPerMs);
  EXPECT_EQ(rig.status_a() & bits::kScd, 0);
}

TEST(ShortCircuit, RecoversAfterScdRecoveryTime) {
  Rig rig;
  rig.boot_with_fets_enabled();
  rig.pins.sense_v = -0.05;
  rig.run_for(0);
  rig.run_for(15 * kNsPerUs);
  const sim::TimeNs trip{rig.afe.now_ns()};
  ASSERT_EQ(rig.status_a(), bits::kScd);
  rig.pins.sense_v = 0.0;  // FETs open: no current
  rig.run_for(0);
  rig.afe.advance_to(trip + 5 * kNsPerS - 1, rig.pins);  // Protections:SCD:Recovery Time = 5 s
  EXPECT_EQ(rig.status_a(), bits::kScd);
  rig.afe.advance_to(trip + 5 * kNsPerS, rig.pins);
  EXPECT_EQ(rig.status_a(), 0);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
  EXPECT_TRUE(rig.afe.outputs().chg_fet_on);
}

TEST(ShortCircuitLatch, LatchesAfterTheLatchLimitAndNeedsScdlRecover) {
  Rig rig;
  rig.host.configure([](Host& h) {
    h.dm_write_u1(dm::kEnabledProtectionsC, bits::kScdl);
    h.dm_write_u1(dm::kScdlLatchLimit, 2);
  });
  rig.boot_with_fets_enabled();
  for (int i = 0; i < 2; ++i) {
    rig.pins.sense_v = -0.05;  // the short is there whenever the FETs close
    rig.run_for(kNsPerMs);
    ASSERT_EQ(rig.status_a(), bits::kScd);
    rig.pins.sense_v = 0.0;
    rig.run_for(6 * kNsPerS);  // SCD recovers after 5 s
    if (i == 0) {
      EXPECT_EQ(rig.host.read_u8(command::kSafetyAlertC), bits::kScdl);  // counting
      EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
    }
  }
  EXPECT_EQ(rig.status_a(), 0);
  EXPECT_EQ(rig.host.read_u8(command::kSafetyStatusC), bits::kScdl);
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
  rig.run_for(60 * kNsPerS);
  EXPECT_EQ(rig.host.read_u8(command::kSafetyStatusC), bits::kScdl);  // stays latched
  rig.host.subcommand(subcommand::kScdlRecover);
  rig.run_for(kNsPerMs);
  EXPECT_EQ(rig.host.read_u8(command::kSafetyStatusC), 0);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
}

TEST(ShortCircuitLatch, CounterDecrementsAfterCounterDecDelayWithoutNewFaults) {
  Rig rig;
  rig.host.configure([](Host& h) {
    h.dm_write_u1(dm::kEnabledProtectionsC, bits::kScdl);
    h.dm_write_u1(dm::kScdlLatchLimit, 2);
  });
  rig.boot_with_fets_enabled();
  rig.pins.sense_v = -0.05;
  rig.run_for(kNsPerMs);
  rig.pins.sense_v = 0.0;
  rig.run_for(6 * kNsPerS);
  EXPECT_EQ(rig.afe.state().scdl.count, 1);
  rig.run_for(11 * kNsPerS);  // SCDL Counter Dec Delay = 10 s
  EXPECT_EQ(rig.afe.state().scdl.count, 0);
  EXPECT_EQ(rig.host.read_u8(command::kSafetyAlertC), 0);
}

Rig overcurrent_rig() {
  Rig rig;
  rig.host.configure([](Host& h) { h.dm_write_u1(dm::kEnabledProtectionsA, 0xF8); });  // + OCC, OCD1, OCD2
  rig.boot_with_fets_enabled();
  return rig;
}

TEST(OvercurrentInDischarge, Ocd1TripsAfterItsDelayAndOpensOnlyTheDischargeFet) {
  Rig rig{overcurrent_rig()};
  const sim::TimeNs t0{rig.afe.now_ns()};
  rig.pins.sense_v = -8.1e-3;  // OCD1 threshold 4 x 2 mV = 8 mV, delay (2 + 1) x 3.3 ms
  rig.run_for(0);
  EXPECT_EQ(rig.alert_a(), bits::kOcd1 | bits::kOcd2);
  rig.afe.advance_to(t0 + 9'900'000 - 1, rig.pins);
  EXPECT_EQ(rig.status_a(), 0);
  rig.afe.advance_to(t0 + 9'900'000, rig.pins);
  EXPECT_EQ(rig.status_a() & bits::kOcd1, bits::kOcd1);
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
  EXPECT_TRUE(rig.afe.outputs().chg_fet_on);
}

TEST(OvercurrentInDischarge, Ocd2TripsAfterItsLongerDelay) {
  Rig rig;
  rig.host.configure([](Host& h) { h.dm_write_u1(dm::kEnabledProtectionsA, 0xC8); });  // OCD2 + SCD + COV
  rig.boot_with_fets_enabled();
  const sim::TimeNs t0{rig.afe.now_ns()};
  rig.pins.sense_v = -6.5e-3;  // OCD2: 3 x 2 mV = 6 mV, delay (2 + 7) x 3.3 ms = 29.7 ms
  rig.run_for(0);
  rig.afe.advance_to(t0 + 29'700'000 - 1, rig.pins);
  EXPECT_EQ(rig.status_a(), 0);
  rig.afe.advance_to(t0 + 29'700'000, rig.pins);
  EXPECT_EQ(rig.status_a(), bits::kOcd2);
  EXPECT_FALSE(rig.afe.outputs().dsg_fet_on);
}

TEST(OvercurrentInDischarge, DoesNotTripAtItsThreshold) {
  Rig rig{overcurrent_rig()};
  rig.pins.sense_v = -6.0e-3;  // exactly OCD2, below OCD1
  rig.run_for(kNsPerS);
  EXPECT_EQ(rig.status_a(), 0);
}

TEST(OvercurrentInDischarge, RecoversOnAChargeCurrentForRecoveryTime) {
  Rig rig{overcurrent_rig()};
  rig.pins.sense_v = -9e-3;
  rig.run_for(50 * kNsPerMs);
  ASSERT_NE(rig.status_a() & bits::kOcd1, 0);
  rig.pins.sense_v = 0.0;  // load removed: no recovery without charge current (OCD Recovery Threshold 200 mA)
  rig.run_for(10 * kNsPerS);
  EXPECT_NE(rig.status_a() & bits::kOcd1, 0);
  rig.pins.sense_v = 0.3e-3;  // 300 mA charge (through the DSG body diode)
  rig.run_for(2900 * kNsPerMs);
  EXPECT_NE(rig.status_a() & bits::kOcd1, 0);
  rig.run_for(110 * kNsPerMs);  // 3 s from the first CC2 sample of the charge current
  EXPECT_EQ(rig.status_a(), 0);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
}

TEST(OvercurrentInCharge, TripsAfterItsDelayAndOpensOnlyTheChargeFet) {
  Rig rig{overcurrent_rig()};
  const sim::TimeNs t0{rig.afe.now_ns()};
  rig.pins.sense_v = 4.1e-3;  // OCC: 2 x 2 mV = 4 mV, delay (2 + 4) x 3.3 ms = 19.8 ms
  rig.run_for(0);
  EXPECT_EQ(rig.alert_a(), bits::kOcc);
  rig.afe.advance_to(t0 + 19'800'000 - 1, rig.pins);
  EXPECT_EQ(rig.status_a(), 0);
  rig.afe.advance_to(t0 + 19'800'000, rig.pins);
  EXPECT_EQ(rig.status_a(), bits::kOcc);
  EXPECT_FALSE(rig.afe.outputs().chg_fet_on);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
}

TEST(OvercurrentInCharge, RecoversWhenPackFallsBelowTopOfStack) {
  Rig rig{overcurrent_rig()};
  rig.pins.sense_v = 5e-3;
  rig.run_for(50 * kNsPerMs);
  ASSERT_EQ(rig.status_a(), bits::kOcc);
  rig.pins.sense_v = 0.0;
  rig.pins.pack_v = rig.pins.stack_v - 3.0;  // charger removed: PACK more than 2 V below TOS
  rig.run_for(3200 * kNsPerMs);
  EXPECT_EQ(rig.status_a(), 0);
  EXPECT_TRUE(rig.afe.outputs().chg_fet_on);
}

TEST(Protections, EnabledProtectionsMaskDecidesWhichRun) {
  Rig rig;
  rig.host.configure([](Host& h) { h.dm_write_u1(dm::kEnabledProtectionsA, 0x00); });
  rig.boot_with_fets_enabled();
  rig.pins.sense_v = -0.3;
  rig.pins.cell_v[0] = 4.6;
  rig.run_for(kNsPerS);
  EXPECT_EQ(rig.status_a(), 0);
  EXPECT_EQ(rig.alert_a(), 0);
  EXPECT_TRUE(rig.afe.outputs().dsg_fet_on);
}

}  // namespace
}  // namespace packsim::afe

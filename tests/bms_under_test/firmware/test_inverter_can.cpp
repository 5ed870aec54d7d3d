// The inverter link: the Pylontech frame set at 1 Hz decoded by the bus
// codec, derated limits, alarms, and the 0x305 heartbeat watch with its ramp.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "bms_under_test/bus/pylontech_can.h"
#include "bms_under_test/firmware/bms_flags.h"
#include "tests/bms_under_test/firmware/firmware_bench.h"

namespace packsim::firmware_test {
namespace {

class InverterCanTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(bench.boot()); }

  // The latest complete set as the inverter decodes it.
  pylon_receiver latest() const {
    pylon_receiver receiver{};
    pylon_receiver_init(&receiver);
    for (const auto& sent : bench.host.can_from_bms) {
      pylon_receiver_feed(&receiver, &sent.frame);
    }
    return receiver;
  }

  pylon_limits latest_limits() const { return latest().status.limits; }

  // Runs while heartbeats arrive every second.
  void run_with_heartbeats(std::uint32_t duration_ms) {
    for (std::uint32_t t = 0; t < duration_ms; t += 1000) {
      bench.send_heartbeat();
      bench.run_ms(1000);
    }
  }

  FirmwareBench bench;
};

TEST_F(InverterCanTest, TheFrameSetGoesOutOnceASecondInIdOrder) {
  bench.host.can_from_bms.clear();
  bench.run_ms(10000);
  const auto limits = bench.frames_with_id(PYLON_ID_LIMITS);
  ASSERT_EQ(limits.size(), 10U);
  for (std::size_t i = 1; i < limits.size(); ++i) {
    EXPECT_EQ(limits[i].time_ms - limits[i - 1].time_ms, 1000U);
  }
  const std::uint32_t order[PYLON_FRAME_SET_SIZE]{PYLON_ID_LIMITS,        PYLON_ID_SOC_SOH, PYLON_ID_MEASUREMENTS,
                                                   PYLON_ID_ALARMS,        PYLON_ID_REQUEST_FLAGS,
                                                   PYLON_ID_MANUFACTURER};
  ASSERT_EQ(bench.host.can_from_bms.size(), 10U * PYLON_FRAME_SET_SIZE);
  for (std::size_t i = 0; i < bench.host.can_from_bms.size(); ++i) {
    EXPECT_EQ(bench.host.can_from_bms[i].frame.id, order[i % PYLON_FRAME_SET_SIZE]);
    EXPECT_FALSE(bench.host.can_from_bms[i].frame.extended);
  }
}

TEST_F(InverterCanTest, TheSetDecodesWithTheBusCodec) {
  bench.afe.set_current_ma(-2000);  // discharging 2 A
  bench.run_ms(2000);
  const pylon_receiver receiver = latest();
  EXPECT_EQ(receiver.seen, PYLON_SEEN_FULL_SET);
  EXPECT_EQ(receiver.rejected, 0U);
  const pylon_status& s = receiver.status;
  EXPECT_NEAR(s.limits.charge_voltage_limit_v, 56.8, 0.05);
  EXPECT_NEAR(s.limits.charge_current_limit_a, 4.6, 0.05);
  EXPECT_NEAR(s.limits.discharge_current_limit_a, 20.0, 0.05);
  EXPECT_NEAR(s.limits.discharge_voltage_limit_v, 44.8, 0.05);
  EXPECT_NEAR(s.soc_soh.soh_percent, 100.0, 0.5);
  EXPECT_NEAR(s.measurements.pack_voltage_v, 52.8, 0.01);
  EXPECT_NEAR(s.measurements.current_a, 2.0, 0.05);  // the codec's sign: + = discharge
  EXPECT_NEAR(s.measurements.temperature_c, 25.0, 0.05);
  EXPECT_EQ(s.alarms.protection, 0);
  EXPECT_EQ(s.alarms.module_count, 1);
  EXPECT_EQ(s.request_flags, PYLON_REQUEST_CHARGE_ENABLE | PYLON_REQUEST_DISCHARGE_ENABLE);
  EXPECT_STREQ(s.manufacturer, "PACKSIM");
}

TEST_F(InverterCanTest, LimitsDerateWithTemperature) {
  bench.afe.set_temperature_c(42.5);
  bench.run_ms(2000);
  EXPECT_NEAR(latest_limits().charge_current_limit_a, 2.3, 0.05);
  EXPECT_NEAR(latest_limits().discharge_current_limit_a, 20.0, 0.05);
}

TEST_F(InverterCanTest, AWarningWhileTheDelayRunsThenTheProtectionAndAZeroLimit) {
  bench.host.can_from_bms.clear();
  bench.afe.set_cell(4, 2450);  // below the 2500 mV cell under-voltage, 2 s delay
  bench.run_ms(1000);
  pylon_alarms alarms{};
  ASSERT_EQ(pylon_decode_alarms(&bench.frames_with_id(PYLON_ID_ALARMS).back().frame, &alarms), PYLON_OK);
  EXPECT_EQ(alarms.warning, PYLON_ALARM_UNDERVOLTAGE);
  EXPECT_EQ(alarms.protection, 0);
  bench.run_ms(3000);
  ASSERT_EQ(pylon_decode_alarms(&bench.frames_with_id(PYLON_ID_ALARMS).back().frame, &alarms), PYLON_OK);
  EXPECT_EQ(alarms.protection, PYLON_ALARM_UNDERVOLTAGE);
  EXPECT_EQ(alarms.warning, 0);
  EXPECT_EQ(latest_limits().discharge_current_limit_a, 0.0f);
  EXPECT_EQ(latest().status.request_flags & PYLON_REQUEST_DISCHARGE_ENABLE, 0);
  EXPECT_NE(latest().status.request_flags & PYLON_REQUEST_CHARGE_ENABLE, 0);
}

TEST_F(InverterCanTest, HeartbeatLossRampsTheLimitsToZeroThenOpensTheFets) {
  run_with_heartbeats(5000);
  ASSERT_EQ(bench.context().inverter.heartbeats, 5U);
  const double full_charge_a = latest_limits().charge_current_limit_a;
  const double full_discharge_a = latest_limits().discharge_current_limit_a;

  // Silence. Nothing changes until the 10 s timeout.
  bench.run_ms(9000);
  EXPECT_FALSE(bench.flag(BMS_FLAG_BIT_INVERTER_COMMUNICATION_LOSS));
  EXPECT_NEAR(latest_limits().charge_current_limit_a, full_charge_a, 1e-3);
  ASSERT_TRUE(bench.run_until([&] { return bench.flag(BMS_FLAG_BIT_INVERTER_COMMUNICATION_LOSS); }, 2000));
  EXPECT_EQ(bench.state(), BMS_STATE_NORMAL);  // the FETs stay closed during the ramp

  // Half way through the 30 s ramp, the limits are about half.
  bench.run_ms(15000);
  EXPECT_NEAR(latest_limits().charge_current_limit_a, full_charge_a / 2, 0.25);
  EXPECT_NEAR(latest_limits().discharge_current_limit_a, full_discharge_a / 2, 1.0);
  EXPECT_TRUE(bench.afe.discharge_fet_on());

  // At the end of the ramp: zero, then the FETs open.
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_STANDBY; }, 16000));
  EXPECT_FALSE(bench.afe.charge_fet_on());
  EXPECT_FALSE(bench.afe.discharge_fet_on());
  bench.run_ms(1000);
  EXPECT_EQ(latest_limits().charge_current_limit_a, 0.0f);
  EXPECT_EQ(latest_limits().discharge_current_limit_a, 0.0f);
  EXPECT_EQ(latest().status.request_flags & (PYLON_REQUEST_CHARGE_ENABLE | PYLON_REQUEST_DISCHARGE_ENABLE), 0);

  // The inverter is back: the FETs close and the limits climb again.
  bench.send_heartbeat();
  ASSERT_TRUE(bench.run_until([&] { return bench.state() == BMS_STATE_NORMAL; }, 500));
  EXPECT_FALSE(bench.flag(BMS_FLAG_BIT_INVERTER_COMMUNICATION_LOSS));
  run_with_heartbeats(15000);
  EXPECT_NEAR(latest_limits().charge_current_limit_a, full_charge_a / 2, 0.25);
  run_with_heartbeats(16000);
  EXPECT_NEAR(latest_limits().charge_current_limit_a, full_charge_a, 1e-3);
}

TEST_F(InverterCanTest, WithoutAnyHeartbeatTheWatchNeverArms) {
  bench.run_ms(120000);
  EXPECT_EQ(bench.state(), BMS_STATE_NORMAL);
  EXPECT_FALSE(bench.flag(BMS_FLAG_BIT_INVERTER_COMMUNICATION_LOSS));
  EXPECT_EQ(bench.context().inverter.factor_permille, 1000U);
}

TEST_F(InverterCanTest, OtherFramesAreNotHeartbeats) {
  run_with_heartbeats(3000);
  for (int i = 0; i < 30; ++i) {
    bms_can_frame other{};
    other.id = 0x306;
    bench.host.can_to_bms.push_back(other);
    bench.run_ms(1000);
  }
  EXPECT_TRUE(bench.flag(BMS_FLAG_BIT_INVERTER_COMMUNICATION_LOSS));
}

TEST_F(InverterCanTest, ARefusedSendIsCountedNotFatal) {
  bench.host.can_queue_full = true;
  bench.run_ms(3000);
  EXPECT_GE(bench.context().can_frames_refused, 2U * PYLON_FRAME_SET_SIZE);
  EXPECT_EQ(bench.state(), BMS_STATE_NORMAL);
}

}  // namespace
}  // namespace packsim::firmware_test

// Each firmware voltage/temperature/imbalance protection with the default
// configuration: it trips after its delay and not before, stays tripped
// between the threshold and the hysteresis, and recovers only past it.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>

#include "bms_under_test/firmware/bms_flags.h"
#include "bms_under_test/firmware/threshold_protections.h"

namespace {

constexpr std::uint32_t kPeriodMs{100};

afe_measurements healthy() {
  afe_measurements m{};
  m.cell_count = 16;
  for (std::uint32_t i = 0; i < 16; ++i) {
    m.cell_mv[i] = 3300;
  }
  m.min_cell_mv = 3300;
  m.max_cell_mv = 3300;
  m.stack_mv = 52800;
  m.min_temperature_dc = 250;
  m.max_temperature_dc = 250;
  m.average_temperature_dc = 250;
  return m;
}

struct ProtectionCase {
  std::string name;
  bms_flag_bit flag;
  std::function<void(afe_measurements&, std::int32_t)> set;
  std::int32_t trip_value;      // just beyond the threshold
  std::int32_t between_value;   // back inside the threshold, not past the hysteresis
  std::int32_t recover_value;   // exactly at threshold -/+ hysteresis
  std::uint32_t delay_ms;
};

void set_max_cell(afe_measurements& m, std::int32_t mv) {
  m.cell_mv[5] = static_cast<std::uint16_t>(mv);
  m.max_cell_mv = static_cast<std::uint32_t>(mv);
  m.max_cell_index = 5;
}
void set_min_cell(afe_measurements& m, std::int32_t mv) {
  m.cell_mv[9] = static_cast<std::uint16_t>(mv);
  m.min_cell_mv = static_cast<std::uint32_t>(mv);
  m.min_cell_index = 9;
}
void set_stack(afe_measurements& m, std::int32_t mv) { m.stack_mv = static_cast<std::uint32_t>(mv); }
void set_max_temperature(afe_measurements& m, std::int32_t dc) { m.max_temperature_dc = dc; }
void set_min_temperature(afe_measurements& m, std::int32_t dc) { m.min_temperature_dc = dc; }
void set_spread(afe_measurements& m, std::int32_t mv) { set_max_cell(m, 3300 + mv); }

class ThresholdProtectionTest : public ::testing::TestWithParam<ProtectionCase> {
 protected:
  const bms_config* config{bms_config_default()};
  threshold_protections protections{};
  std::uint32_t now_ms{0};

  bool tripped() const { return (threshold_protections_flags(&protections) & BMS_FLAG(GetParam().flag)) != 0; }
  void feed(const afe_measurements& m) {
    threshold_protection_event events[THRESHOLD_PROTECTION_COUNT];
    threshold_protections_update(&protections, config, &m, now_ms, events, THRESHOLD_PROTECTION_COUNT);
  }
  // Feeds m every period for duration_ms (the last sample at start + duration_ms).
  void hold(const afe_measurements& m, std::uint32_t duration_ms) {
    for (std::uint32_t t = 0; t < duration_ms; t += kPeriodMs) {
      now_ms += kPeriodMs;
      feed(m);
    }
  }
};

TEST_P(ThresholdProtectionTest, TripsAfterTheDelayAndRecoversOnlyPastTheHysteresis) {
  const ProtectionCase& c = GetParam();
  afe_measurements m = healthy();
  feed(m);  // the boot sample
  hold(m, 1000);
  ASSERT_FALSE(tripped());

  c.set(m, c.trip_value);
  feed(m);  // the condition starts here
  hold(m, c.delay_ms - kPeriodMs);
  EXPECT_FALSE(tripped()) << "tripped before its delay";
  EXPECT_NE(threshold_protections_pending_flags(&protections) & BMS_FLAG(c.flag), 0U) << "no warning while pending";
  hold(m, kPeriodMs);
  EXPECT_TRUE(tripped()) << "not tripped after its delay";

  c.set(m, c.between_value);
  hold(m, 3 * c.delay_ms);
  EXPECT_TRUE(tripped()) << "recovered inside the hysteresis band";

  c.set(m, c.recover_value);
  feed(m);
  hold(m, c.delay_ms - kPeriodMs);
  EXPECT_TRUE(tripped()) << "recovered before the recovery delay";
  hold(m, kPeriodMs);
  EXPECT_FALSE(tripped()) << "did not recover past the hysteresis";
}

TEST_P(ThresholdProtectionTest, AConditionPresentAtBootTripsAtOnce) {
  const ProtectionCase& c = GetParam();
  afe_measurements m = healthy();
  c.set(m, c.trip_value);
  feed(m);
  // The imbalance warning is the exception: it needs its rest time, even at boot.
  EXPECT_EQ(tripped(), c.flag != BMS_FLAG_BIT_CELL_IMBALANCE);
}

INSTANTIATE_TEST_SUITE_P(
    DefaultConfiguration, ThresholdProtectionTest,
    ::testing::Values(
        ProtectionCase{"CellOvervoltage", BMS_FLAG_BIT_CELL_OVERVOLTAGE, set_max_cell, 3651, 3501, 3500, 1000},
        ProtectionCase{"CellUndervoltage", BMS_FLAG_BIT_CELL_UNDERVOLTAGE, set_min_cell, 2499, 2799, 2800, 2000},
        ProtectionCase{"PackOvervoltage", BMS_FLAG_BIT_PACK_OVERVOLTAGE, set_stack, 58401, 56801, 56800, 1000},
        ProtectionCase{"PackUndervoltage", BMS_FLAG_BIT_PACK_UNDERVOLTAGE, set_stack, 39999, 43199, 43200, 2000},
        ProtectionCase{"ChargeOvertemperature", BMS_FLAG_BIT_CHARGE_OVERTEMPERATURE, set_max_temperature, 451, 421,
                       420, 2000},
        ProtectionCase{"ChargeUndertemperature", BMS_FLAG_BIT_CHARGE_UNDERTEMPERATURE, set_min_temperature, -1, 29,
                       30, 2000},
        ProtectionCase{"DischargeOvertemperature", BMS_FLAG_BIT_DISCHARGE_OVERTEMPERATURE, set_max_temperature, 601,
                       571, 570, 2000},
        ProtectionCase{"DischargeUndertemperature", BMS_FLAG_BIT_DISCHARGE_UNDERTEMPERATURE, set_min_temperature,
                       -201, -171, -170, 2000},
        ProtectionCase{"CellImbalanceAtRest", BMS_FLAG_BIT_CELL_IMBALANCE, set_spread, 101, 71, 70, 30000}),
    [](const ::testing::TestParamInfo<ProtectionCase>& param_info) { return param_info.param.name; });

TEST(ThresholdProtections, ImbalanceIsJudgedOnlyAtRest) {
  const bms_config* config = bms_config_default();
  threshold_protections protections{};
  afe_measurements m = healthy();
  set_max_cell(m, 3500);               // 200 mV spread...
  m.current_into_pack_ma = 2000;       // ...while charging (IR drop, balancing)
  threshold_protection_event events[THRESHOLD_PROTECTION_COUNT];
  for (std::uint32_t t = 0; t < 120000; t += kPeriodMs) {
    threshold_protections_update(&protections, config, &m, t, events, THRESHOLD_PROTECTION_COUNT);
  }
  EXPECT_EQ(threshold_protections_flags(&protections) & BMS_FLAG(BMS_FLAG_BIT_CELL_IMBALANCE), 0U);
}

TEST(ThresholdProtections, EventsNameTheCellAndTheValue) {
  const bms_config* config = bms_config_default();
  threshold_protections protections{};
  afe_measurements m = healthy();
  threshold_protection_event events[THRESHOLD_PROTECTION_COUNT];
  threshold_protections_update(&protections, config, &m, 0, events, THRESHOLD_PROTECTION_COUNT);
  set_min_cell(m, 2400);
  std::uint32_t count = 0;
  for (std::uint32_t t = kPeriodMs; t <= kPeriodMs + 2000 && count == 0; t += kPeriodMs) {
    count = threshold_protections_update(&protections, config, &m, t, events, THRESHOLD_PROTECTION_COUNT);
  }
  ASSERT_EQ(count, 1U);
  EXPECT_EQ(events[0].flag, BMS_FLAG_BIT_CELL_UNDERVOLTAGE);
  EXPECT_EQ(events[0].event, PROTECTION_EVENT_TRIPPED);
  EXPECT_EQ(events[0].cell_number, 10U);  // 1-based
  EXPECT_EQ(events[0].value, 2400);
}

}  // namespace

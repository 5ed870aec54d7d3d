// SOC by coulomb counting, re-anchored from the OCV at the LFP knees after a
// rest, and SOH from the capacity counted between two anchors.
#include <gtest/gtest.h>

#include <cstdint>

#include "bms_under_test/firmware/soc_estimator.h"

namespace {

constexpr std::uint32_t kStepMs{100};

afe_measurements uniform(std::uint32_t cell_mv, std::int32_t current_ma = 0) {
  afe_measurements m{};
  m.cell_count = 16;
  for (std::uint32_t i = 0; i < 16; ++i) {
    m.cell_mv[i] = static_cast<std::uint16_t>(cell_mv);
  }
  m.min_cell_mv = cell_mv;
  m.max_cell_mv = cell_mv;
  m.stack_mv = 16 * cell_mv;
  m.current_into_pack_ma = current_ma;
  return m;
}

class SocEstimatorTest : public ::testing::Test {
 protected:
  const bms_config* config{bms_config_default()};  // 2300 mAh, rest 30 min, knees 15 % / 95 %
  soc_estimator soc{};
  std::uint32_t now_ms{0};

  // Runs m for duration_ms; returns the last event other than NONE.
  soc_event run(const afe_measurements& m, std::uint32_t duration_ms) {
    soc_event last = SOC_EVENT_NONE;
    for (std::uint32_t t = 0; t < duration_ms; t += kStepMs) {
      now_ms += kStepMs;
      const soc_event event = soc_estimator_update(&soc, config, &m, kStepMs, now_ms);
      if (event != SOC_EVENT_NONE) {
        last = event;
      }
    }
    return last;
  }
};

TEST_F(SocEstimatorTest, TheOcvTableIsInterpolatedAndClamped) {
  EXPECT_EQ(soc_from_ocv_permille(config, 3264), 500U);
  EXPECT_EQ(soc_from_ocv_permille(config, 3071), 100U);
  EXPECT_EQ(soc_from_ocv_permille(config, 3304), 795U);  // between 700 (3295) and 900 (3314)
  EXPECT_EQ(soc_from_ocv_permille(config, 1500), 0U);
  EXPECT_EQ(soc_from_ocv_permille(config, 3600), 1000U);
}

TEST_F(SocEstimatorTest, StartsFromTheOcvOfTheAverageCell) {
  const afe_measurements m = uniform(3264);
  soc_estimator_start(&soc, config, &m, 0);
  EXPECT_EQ(soc_estimator_soc_permille(&soc), 500U);
  EXPECT_EQ(soc_estimator_remaining_mah(&soc), 1150U);
  EXPECT_EQ(soc_estimator_soh_permille(&soc, config), 1000U);
}

TEST_F(SocEstimatorTest, CoulombCountingLosesNothingToRounding) {
  const afe_measurements start = uniform(3264);
  soc_estimator_start(&soc, config, &start, 0);
  const std::int32_t before = soc.remaining_uah;
  run(uniform(3264, 1000), 3600 * 1000);  // 1 A for an hour in 100 ms steps
  EXPECT_EQ(soc.remaining_uah - before, 1000000);
  run(uniform(3264, -7), 3600 * 1000);  // 7 mA for an hour: 0.7 uAh per step
  EXPECT_EQ(soc.remaining_uah - before, 1000000 - 7000);
}

TEST_F(SocEstimatorTest, TheOcvOnThePlateauNeverReplacesTheCount) {
  const afe_measurements start = uniform(3264);
  soc_estimator_start(&soc, config, &start, 0);
  run(uniform(3264, -1000), 600 * 1000);  // count 10 minutes of 1 A out
  const std::uint32_t counted = soc_estimator_soc_permille(&soc);
  EXPECT_EQ(run(uniform(3264), 3 * 3600 * 1000), SOC_EVENT_NONE);
  EXPECT_EQ(soc_estimator_soc_permille(&soc), counted);
}

TEST_F(SocEstimatorTest, NearAKneeTheOcvAnchorsAfterTheRestAndNotBefore) {
  const afe_measurements start = uniform(3264);
  soc_estimator_start(&soc, config, &start, 0);
  run(uniform(3071, -1000), 1000);  // the current stops after this
  EXPECT_EQ(run(uniform(3071), config->ocv_rest_time_ms - kStepMs), SOC_EVENT_NONE);
  EXPECT_EQ(soc_estimator_soc_permille(&soc), 500U);
  EXPECT_EQ(run(uniform(3071), 2 * kStepMs), SOC_EVENT_ANCHORED);
  EXPECT_EQ(soc_estimator_soc_permille(&soc), 100U);
  EXPECT_EQ(run(uniform(3071), 3600 * 1000), SOC_EVENT_NONE);  // once per rest
}

TEST_F(SocEstimatorTest, TheCapacityCountedBetweenTwoAnchorsGivesTheSoh) {
  const afe_measurements start = uniform(3071);
  soc_estimator_start(&soc, config, &start, 0);
  ASSERT_EQ(run(uniform(3071), config->ocv_rest_time_ms + kStepMs), SOC_EVENT_ANCHORED);  // 10 %
  // An aged 2000 mAh pack charged from 10 % to 98 %: 1760 mAh counted.
  run(uniform(3300, 1760), 3600 * 1000);
  ASSERT_EQ(run(uniform(3325), config->ocv_rest_time_ms + kStepMs), SOC_EVENT_CAPACITY_MEASURED);  // 98 %
  EXPECT_EQ(soc_estimator_full_capacity_mah(&soc), 2000U);
  EXPECT_EQ(soc_estimator_soh_permille(&soc, config), 870U);
  EXPECT_EQ(soc_estimator_soc_permille(&soc), 980U);
}

TEST_F(SocEstimatorTest, AnImplausibleCapacityIsIgnored) {
  const afe_measurements start = uniform(3071);
  soc_estimator_start(&soc, config, &start, 0);
  ASSERT_EQ(run(uniform(3071), config->ocv_rest_time_ms + kStepMs), SOC_EVENT_ANCHORED);
  run(uniform(3300, 200), 3600 * 1000);  // 200 mAh for 88 %: 227 mAh "capacity"
  EXPECT_EQ(run(uniform(3325), config->ocv_rest_time_ms + kStepMs), SOC_EVENT_ANCHORED);
  EXPECT_EQ(soc_estimator_full_capacity_mah(&soc), 2300U);
}

TEST_F(SocEstimatorTest, FullDischargesCountCycles) {
  const afe_measurements start = uniform(3400);
  soc_estimator_start(&soc, config, &start, 0);
  run(uniform(3300, -2300), 2 * 3600 * 1000 + 1000);
  EXPECT_EQ(soc.cycle_count, 2U);
  EXPECT_EQ(soc_estimator_soc_permille(&soc), 0U);  // clamped at empty
}

}  // namespace

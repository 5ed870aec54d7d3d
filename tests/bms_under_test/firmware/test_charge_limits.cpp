// The limits advertised to the inverter: derated by temperature and SOC,
// zero when forbidden, capped during a recovery charge, scaled by comm loss.
#include <gtest/gtest.h>

#include "bms_under_test/firmware/charge_limits.h"

namespace {

afe_measurements at_temperature(std::int32_t min_dc, std::int32_t max_dc) {
  afe_measurements m{};
  m.min_temperature_dc = min_dc;
  m.max_temperature_dc = max_dc;
  return m;
}

charge_limit_inputs allowed(std::uint32_t soc_permille = 500) {
  return charge_limit_inputs{soc_permille, 1, 1, 0, 1000};
}

class ChargeLimitsTest : public ::testing::Test {
 protected:
  const bms_config* config{bms_config_default()};  // 4.6 A / 20 A, 3550 / 2800 mV per cell
  charge_limits compute(const afe_measurements& m, const charge_limit_inputs& in) {
    return charge_limits_compute(config, &m, &in);
  }
};

TEST_F(ChargeLimitsTest, VoltageLimitsAreCellCountTimesThePerCellLimit) {
  const auto limits = compute(at_temperature(250, 250), allowed());
  EXPECT_EQ(limits.charge_voltage_mv, 56800U);
  EXPECT_EQ(limits.discharge_voltage_mv, 44800U);
}

TEST_F(ChargeLimitsTest, FullCurrentsInTheComfortZone) {
  const auto limits = compute(at_temperature(250, 250), allowed());
  EXPECT_EQ(limits.charge_current_ma, 4600U);
  EXPECT_EQ(limits.discharge_current_ma, 20000U);
}

TEST_F(ChargeLimitsTest, TemperatureDeratesLinearlyToZeroAtTheForbidLimits) {
  EXPECT_EQ(compute(at_temperature(50, 250), allowed()).charge_current_ma, 2300U);    // 5 C: half way 0..10 C
  EXPECT_EQ(compute(at_temperature(0, 250), allowed()).charge_current_ma, 0U);
  EXPECT_EQ(compute(at_temperature(250, 425), allowed()).charge_current_ma, 2300U);  // 42.5 C: half way 40..45 C
  EXPECT_EQ(compute(at_temperature(250, 450), allowed()).charge_current_ma, 0U);
  EXPECT_EQ(compute(at_temperature(-150, 250), allowed()).discharge_current_ma, 10000U);  // -15 C: -20..-10 C
  EXPECT_EQ(compute(at_temperature(250, 550), allowed()).discharge_current_ma, 10000U);   // 55 C: 50..60 C
}

TEST_F(ChargeLimitsTest, SocTapersTheEnds) {
  EXPECT_EQ(compute(at_temperature(250, 250), allowed(950)).charge_current_ma, 2530U);  // 55 %: half way to 10 %
  EXPECT_EQ(compute(at_temperature(250, 250), allowed(1000)).charge_current_ma, 460U);
  EXPECT_EQ(compute(at_temperature(250, 250), allowed(50)).discharge_current_ma, 12000U);  // half way to 20 %
  EXPECT_EQ(compute(at_temperature(250, 250), allowed(0)).discharge_current_ma, 4000U);
}

TEST_F(ChargeLimitsTest, AForbiddenDirectionGetsZero) {
  charge_limit_inputs in = allowed();
  in.charge_allowed = 0;
  EXPECT_EQ(compute(at_temperature(250, 250), in).charge_current_ma, 0U);
  in.discharge_allowed = 0;
  EXPECT_EQ(compute(at_temperature(250, 250), in).discharge_current_ma, 0U);
}

TEST_F(ChargeLimitsTest, ARecoveryChargeIsCapped) {
  charge_limit_inputs in = allowed(0);
  in.recovery_charge = 1;
  EXPECT_EQ(compute(at_temperature(250, 250), in).charge_current_ma, 230U);
}

TEST_F(ChargeLimitsTest, TheCommLossFactorScalesBothCurrents) {
  charge_limit_inputs in = allowed();
  in.comm_loss_factor_permille = 250;
  const auto limits = compute(at_temperature(250, 250), in);
  EXPECT_EQ(limits.charge_current_ma, 1150U);
  EXPECT_EQ(limits.discharge_current_ma, 5000U);
}

TEST(ChargeLimitRamp, IsLinearAndClampedInBothDirections) {
  EXPECT_EQ(charge_limits_ramp_permille(5, 0, 10), 500U);
  EXPECT_EQ(charge_limits_ramp_permille(-5, 0, 10), 0U);
  EXPECT_EQ(charge_limits_ramp_permille(15, 0, 10), 1000U);
  EXPECT_EQ(charge_limits_ramp_permille(425, 450, 400), 500U);  // falling side
  EXPECT_EQ(charge_limits_ramp_permille(460, 450, 400), 0U);
  EXPECT_EQ(charge_limits_ramp_permille(390, 450, 400), 1000U);
}

}  // namespace

// The configuration override: the EEPROM image format, its checks, and the
// firmware booting with an image instead of its defaults.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "bms_under_test/firmware/bms_config.h"
#include "bms_under_test/firmware/bms_config_image.h"
#include "bms_under_test/firmware/bq76952_registers.h"
#include "bms_under_test/firmware/fault_log.h"
#include "tests/bms_under_test/firmware/config_rule_breaker.h"
#include "tests/bms_under_test/firmware/firmware_bench.h"

namespace packsim::firmware_test {
namespace {

std::vector<std::uint8_t> image_of(const bms_config& config) {
  std::vector<std::uint8_t> image(BMS_CONFIG_IMAGE_SIZE);
  EXPECT_EQ(bms_config_image_encode(&config, image.data(), image.size()), BMS_CONFIG_IMAGE_SIZE);
  return image;
}

TEST(BmsConfig, TheDefaultsPassTheirOwnCheck) { EXPECT_EQ(bms_config_check(bms_config_default()).rule, 0U); }

TEST(BmsConfig, InconsistentValuesAreRefused) {
  bms_config config = *bms_config_default();
  config.cell_count = 17;
  EXPECT_EQ(bms_config_check(&config).rule, 2U);  // cell_count at most BMS_MAX_CELLS
  config = *bms_config_default();
  config.cell_overvoltage_hysteresis_mv = 0;
  EXPECT_NE(bms_config_check(&config).rule, 0U);
  config = *bms_config_default();
  config.cell_undervoltage_mv = 3400;  // its recovery would sit above the over-voltage recovery
  EXPECT_NE(bms_config_check(&config).rule, 0U);
  config = *bms_config_default();
  config.ocv_table_cell_mv[5] = config.ocv_table_cell_mv[4];  // not increasing
  EXPECT_NE(bms_config_check(&config).rule, 0U);
}

TEST(BmsConfigRules, AViolationNamesTheFieldItsValueTheRelationAndTheLimit) {
  bms_config config = *bms_config_default();
  config.cell_overvoltage_hysteresis_mv = 3700;
  const bms_config_violation violation{bms_config_check(&config)};
  ASSERT_NE(violation.rule, 0U);
  EXPECT_STREQ(violation.value_term.field.name, "cell_overvoltage_hysteresis_mv");
  EXPECT_EQ(violation.value_term.adjust.name, nullptr);
  EXPECT_EQ(violation.value, 3700);
  EXPECT_EQ(violation.relation, BMS_CONFIG_BELOW);
  EXPECT_STREQ(violation.limit_term.field.name, "cell_overvoltage_mv");
  EXPECT_EQ(violation.limit, 3650);
}

TEST(BmsConfigRules, ASumOfFieldsIsReportedWithBothFieldsOnEachSide) {
  bms_config config = *bms_config_default();
  config.cell_undervoltage_mv = 3400;  // 3400 + 300 is not below 3650 - 150
  const bms_config_violation violation{bms_config_check(&config)};
  EXPECT_STREQ(violation.value_term.field.name, "cell_undervoltage_mv");
  EXPECT_STREQ(violation.value_term.adjust.name, "cell_undervoltage_hysteresis_mv");
  EXPECT_EQ(violation.value_term.adjust_sign, 1);
  EXPECT_EQ(violation.value, 3700);
  EXPECT_EQ(violation.relation, BMS_CONFIG_BELOW);
  EXPECT_STREQ(violation.limit_term.field.name, "cell_overvoltage_mv");
  EXPECT_STREQ(violation.limit_term.adjust.name, "cell_overvoltage_hysteresis_mv");
  EXPECT_EQ(violation.limit_term.adjust_sign, -1);
  EXPECT_EQ(violation.limit, 3500);
}

TEST(BmsConfigRules, ATableThatStopsIncreasingNamesTheElementAndTheOneBefore) {
  bms_config config = *bms_config_default();
  config.ocv_table_cell_mv[5] = config.ocv_table_cell_mv[4];
  const bms_config_violation violation{bms_config_check(&config)};
  EXPECT_STREQ(violation.value_term.field.name, "ocv_table_cell_mv");
  EXPECT_EQ(violation.value_term.field.index, 5);
  EXPECT_EQ(violation.relation, BMS_CONFIG_ABOVE);
  EXPECT_STREQ(violation.limit_term.field.name, "ocv_table_cell_mv");
  EXPECT_EQ(violation.limit_term.field.index, 4);
  EXPECT_EQ(violation.value, violation.limit);
}

TEST(BmsConfigRules, EveryRuleBrokenAloneIsReportedAsItselfWithItsFieldsAndValues) {
  ASSERT_GT(bms_config_rule_count(), 40U);
  EXPECT_EQ(bms_config_rule_get(0), nullptr);
  EXPECT_EQ(bms_config_rule_get(bms_config_rule_count() + 1), nullptr);
  for (std::uint32_t number = 1; number <= bms_config_rule_count(); ++number) {
    const bms_config_rule& rule{*bms_config_rule_get(number)};
    ASSERT_NE(rule.value.field.name, nullptr) << "rule " << number;
    const bms_config config{config_breaking(number)};
    const bms_config_violation violation{bms_config_check(&config)};
    EXPECT_EQ(violation.rule, number) << rule.value.field.name;
    EXPECT_STREQ(violation.value_term.field.name, rule.value.field.name) << "rule " << number;
    EXPECT_NE(violation.relation, BMS_CONFIG_INCREASING) << "rule " << number;
    if (rule.relation != BMS_CONFIG_INCREASING) {
      EXPECT_EQ(violation.relation, rule.relation) << "rule " << number;
      EXPECT_EQ(violation.value, term_of(config, rule.value)) << "rule " << number;
      EXPECT_EQ(violation.limit, term_of(config, rule.limit)) << "rule " << number;
    }
  }
}

TEST(BmsConfigImage, RoundTrips) {
  bms_config config = *bms_config_default();
  config.cell_undervoltage_mv = 2600;
  const auto image = image_of(config);
  EXPECT_EQ(std::memcmp(image.data(), "BMSC", 4), 0);
  bms_config decoded{};
  ASSERT_EQ(bms_config_image_decode(image.data(), image.size(), &decoded), BMS_CONFIG_IMAGE_OK);
  EXPECT_EQ(std::memcmp(&decoded, &config, sizeof config), 0);
}

TEST(BmsConfigImage, DamageIsDetected) {
  auto image = image_of(*bms_config_default());
  bms_config decoded{};
  auto corrupted = image;
  corrupted[40] ^= 0x10U;
  EXPECT_EQ(bms_config_image_decode(corrupted.data(), corrupted.size(), &decoded), BMS_CONFIG_IMAGE_BAD_CRC);
  auto wrong_version = image;
  wrong_version[4] = 99;
  EXPECT_EQ(bms_config_image_decode(wrong_version.data(), wrong_version.size(), &decoded),
            BMS_CONFIG_IMAGE_BAD_HEADER);
  const std::vector<std::uint8_t> blank(BMS_CONFIG_IMAGE_SIZE, 0xFF);
  EXPECT_EQ(bms_config_image_decode(blank.data(), blank.size(), &decoded), BMS_CONFIG_IMAGE_ABSENT);
  bms_config invalid = *bms_config_default();
  invalid.cell_count = 1;
  const auto invalid_image = image_of(invalid);
  EXPECT_EQ(bms_config_image_decode(invalid_image.data(), invalid_image.size(), &decoded),
            BMS_CONFIG_IMAGE_INVALID);
}

TEST(BmsConfigImage, TheCrcIsTheStandardCrc32) {
  const char* text = "123456789";
  EXPECT_EQ(bms_config_image_crc32(0, reinterpret_cast<const std::uint8_t*>(text), 9), 0xCBF43926U);
}

TEST(ConfigOverride, TheFirmwareBootsWithTheEepromImage) {
  FirmwareBench bench;
  bms_config config = *bms_config_default();
  config.afe_cell_undervoltage_mv = 2500;  // 49 x 50.6 mV
  config.cell_undervoltage_mv = 2700;
  config.cell_count = 15;
  bench.host.eeprom = image_of(config);
  bench.afe.set_uniform_cells(3300, 15);
  ASSERT_TRUE(bench.boot());
  EXPECT_EQ(bench.context().config_source, BMS_CONFIG_IMAGE_OK);
  EXPECT_EQ(bench.context().config.cell_undervoltage_mv, 2700U);
  EXPECT_EQ(bench.afe.dm_value(BQ76952_DM_CUV_THRESHOLD, 1), 49U);
  EXPECT_EQ(bench.afe.dm_value(BQ76952_DM_VCELL_MODE, 2), 0xBFFFU);  // VC1..VC14 and VC16
  EXPECT_EQ(bench.context().measurements.cell_count, 15U);
  EXPECT_EQ(bench.context().measurements.min_cell_mv, 3300U);  // VC15 (0 V) is not a cell
}

TEST(ConfigOverride, ADamagedImageFallsBackToTheDefaultsAndSaysSo) {
  FirmwareBench bench;
  bms_config config = *bms_config_default();
  config.cell_undervoltage_mv = 2700;
  bench.host.eeprom = image_of(config);
  bench.host.eeprom[100] ^= 0xFFU;
  ASSERT_TRUE(bench.boot());
  EXPECT_EQ(bench.context().config_source, BMS_CONFIG_IMAGE_BAD_CRC);
  EXPECT_EQ(bench.context().config.cell_undervoltage_mv, bms_config_default()->cell_undervoltage_mv);
  fault_log_entry first{};
  ASSERT_TRUE(fault_log_get(&bench.context().log, 0, &first));
  EXPECT_EQ(first.code, FAULT_LOG_CODE_BOOT);
  EXPECT_EQ(first.value, BMS_CONFIG_IMAGE_BAD_CRC);
}

TEST(ConfigOverride, NoEepromMeansTheDefaults) {
  FirmwareBench bench;
  ASSERT_TRUE(bench.boot());
  EXPECT_EQ(bench.context().config_source, BMS_CONFIG_IMAGE_ABSENT);
  EXPECT_EQ(std::memcmp(&bench.context().config, bms_config_default(), sizeof(bms_config)), 0);
}

}  // namespace
}  // namespace packsim::firmware_test

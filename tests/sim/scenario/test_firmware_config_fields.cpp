// The firmware configuration a scenario overrides: one table for every field
// of bms_config.h, values with units converted to the field's own unit.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "bms_under_test/firmware/bms_config.h"
#include "sim/scenario/firmware_config_fields.h"
#include "tests/bms_under_test/firmware/config_rule_breaker.h"
#include "tests/sim/scenario/scenario_test_support.h"

namespace packsim::scenario::testing {
namespace {

class FirmwareConfigOverrides : public ::testing::Test {
 protected:
  std::vector<ConfigOverride> read(const std::string& body) {
    dir_.write("config.yaml", "config:\n" + body);
    const YamlObject root{YamlObject::load_file(path_)};
    return read_config_overrides(root.child("config"));
  }
  std::string error(const std::string& body) {
    return error_of([&] { read(body); });
  }
  TempDir dir_{"packsim_config_fields"};
  const std::string path_{(dir_.path() / "config.yaml").string()};
};

TEST(FirmwareConfigTable, CoversEveryFieldOfBmsConfigH) {
  const std::string header{read_text(kRepoDir + "/bms_under_test/firmware/bms_config.h")};
  // The struct's body only (the header also declares the rule table's types).
  const std::size_t begin{header.find("typedef struct bms_config {")};
  const std::size_t end{header.find("} bms_config;", begin)};
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  const std::regex field{R"(^\s*(?:u?int32_t|char)\s+(\w+)\s*(\[[^\]]*\])?\s*;)"};
  int fields{0};
  std::istringstream lines{header.substr(begin, end - begin)};
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (!std::regex_search(line, match, field)) continue;
    ++fields;
    const std::string c_name{match[1]};
    if (c_name.rfind("ocv_table_", 0) == 0) continue;  // not overridable
    bool found{false};
    for (const FirmwareConfigField& entry : firmware_config_fields()) {
      found = found || entry.c_name == c_name;
    }
    EXPECT_TRUE(found) << c_name << " of bms_config.h has no row in firmware_config_fields.cpp";
  }
  EXPECT_EQ(static_cast<std::size_t>(fields), firmware_config_fields().size() + 2);  // + the two OCV tables
}

TEST(FirmwareConfigTable, ScenarioNamesAreTheCNamesWithoutTheirUnitSuffix) {
  for (const FirmwareConfigField& entry : firmware_config_fields()) {
    EXPECT_EQ(entry.c_name.rfind(entry.name, 0), 0U) << entry.name;
    EXPECT_EQ(find_firmware_config_field(entry.name), &entry);
  }
  EXPECT_EQ(find_firmware_config_field("cell_undervoltage")->c_name, "cell_undervoltage_mv");
  EXPECT_EQ(find_firmware_config_field("charge_min_temperature")->c_name, "charge_min_temperature_dc");
}

TEST_F(FirmwareConfigOverrides, ValuesWithUnitsBecomeTheFieldsUnits) {
  const std::vector<ConfigOverride> overrides{read(
      "  cell_undervoltage: 2.5 V\n"
      "  cell_undervoltage_delay: 1.5 s\n"
      "  charge_min_temperature: -2.5 C\n"
      "  afe_short_circuit_delay: 120 us\n"
      "  afe_charge_overtemperature: 50 degC\n"
      "  charge_taper_start_soc: 85 %\n"
      "  nominal_capacity: 4.6 Ah\n"
      "  sense_resistor: 0.5 mohm\n"
      "  charge_overcurrent_budget: 150 A^2s\n"
      "  overcurrent_trips_before_latch: 5\n"
      "  thermistor_pin_mask: 0x7\n"
      "  balancing_allow_adjacent_cells: true\n"
      "  inverter_manufacturer_name: ACME\n")};
  bms_config config{*bms_config_default()};
  apply_config_overrides(overrides, config);
  EXPECT_EQ(config.cell_undervoltage_mv, 2500U);
  EXPECT_EQ(config.cell_undervoltage_delay_ms, 1500U);
  EXPECT_EQ(config.charge_min_temperature_dc, -25);
  EXPECT_EQ(config.afe_short_circuit_delay_us, 120U);
  EXPECT_EQ(config.afe_charge_overtemperature_c, 50);
  EXPECT_EQ(config.charge_taper_start_soc_permille, 850U);
  EXPECT_EQ(config.nominal_capacity_mah, 4600U);
  EXPECT_EQ(config.sense_resistor_micro_ohm, 500U);
  EXPECT_EQ(config.charge_overcurrent_budget_a2s, 150U);
  EXPECT_EQ(config.overcurrent_trips_before_latch, 5U);
  EXPECT_EQ(config.thermistor_pin_mask, 7U);
  EXPECT_EQ(config.balancing_allow_adjacent_cells, 1U);
  EXPECT_EQ(std::string(config.inverter_manufacturer_name, BMS_INVERTER_NAME_LENGTH), "ACME    ");
  // Untouched fields keep the defaults.
  EXPECT_EQ(config.cell_overvoltage_mv, bms_config_default()->cell_overvoltage_mv);
}

TEST_F(FirmwareConfigOverrides, UnknownFieldIsRefusedAtTheKeyWithASuggestion) {
  EXPECT_EQ(error("  cell_under_voltage: 2.5 V\n"),
            path_ + ":2:3: unknown firmware configuration field 'cell_under_voltage'; did you mean "
                    "'cell_undervoltage'? (the fields of bms_config.h without their unit suffix)");
}

TEST_F(FirmwareConfigOverrides, CNameWithItsSuffixSaysHowToWriteIt) {
  EXPECT_EQ(error("  cell_undervoltage_mv: 2500\n"),
            path_ + ":2:3: 'cell_undervoltage_mv': write the field without its unit suffix and the value with its "
                    "unit: cell_undervoltage: 2500 mV");
}

TEST_F(FirmwareConfigOverrides, OcvTablesAreNotOverridable) {
  EXPECT_EQ(error("  ocv_table_cell_mv: [1, 2]\n"),
            path_ + ":2:3: 'ocv_table_cell_mv': the OCV tables cannot be overridden from a scenario");
}

TEST_F(FirmwareConfigOverrides, ValueFinerThanTheFieldIsRefusedAtTheNumber) {
  EXPECT_EQ(error("  charge_min_temperature: 0.25 degC\n"),
            path_ + ":2:27: 'charge_min_temperature': 0.25 degC is not a whole number of 0.1 degC, the field's "
                    "resolution");
}

TEST_F(FirmwareConfigOverrides, WrongQuantityIsRefusedAtTheUnit) {
  EXPECT_EQ(error("  cell_undervoltage_delay: 2 V\n"),
            path_ + ":2:30: 'cell_undervoltage_delay': expected a duration (ms, s, min, h, d), got a voltage '2 V'");
}

TEST_F(FirmwareConfigOverrides, NegativeValueOfAnUnsignedField) {
  EXPECT_EQ(error("  cell_undervoltage: -1 V\n"),
            path_ + ":2:22: 'cell_undervoltage': -1 V does not fit the field (0..4.29497e+06 V)");
}

TEST_F(FirmwareConfigOverrides, NameLongerThanTheFieldIsRefused) {
  EXPECT_EQ(error("  inverter_manufacturer_name: TOOLONGNAME\n"),
            path_ + ":2:31: 'inverter_manufacturer_name': expected 1 to 8 characters");
}

// ---- The firmware's consistency rules, explained ----

// The label a message uses for a field of a rule: the scenario's name, or an OCV table element's C name.
std::string label_of(const bms_config_field_ref& field) {
  if (field.index >= 0) return std::string{field.name} + "[" + std::to_string(field.index) + "]";
  const FirmwareConfigField* entry{find_firmware_config_field_by_c_name(field.name)};
  return entry != nullptr ? std::string{entry->name} : std::string{};
}

TEST(FirmwareConfigRules, EveryBrokenRuleIsExplainedFromEachOfItsFieldsWithTheirValuesAndTheLimit) {
  for (std::uint32_t number = 1; number <= bms_config_rule_count(); ++number) {
    const bms_config config{firmware_test::config_breaking(number)};
    const bms_config_violation violation{bms_config_check(&config)};
    ASSERT_EQ(violation.rule, number);
    for (const bms_config_field_ref* field : {&violation.value_term.field, &violation.value_term.adjust,
                                              &violation.limit_term.field, &violation.limit_term.adjust}) {
      if (field->name == nullptr) continue;
      // A table against itself (element i above element i - 1) is told from element i.
      const bool same_as_value{field != &violation.value_term.field &&
                               std::string{field->name} == violation.value_term.field.name};
      const std::string label{label_of(same_as_value ? violation.value_term.field : *field)};
      ASSERT_FALSE(label.empty()) << field->name << " (rule " << number << ") is not a field scenarios know";
      const std::string message{describe_config_violation(violation, config, field->name)};
      // Starts with the field and its value, says what it must be, and ends with the rule.
      EXPECT_EQ(message.rfind("'" + label + "' = ", 0), 0U) << message;
      EXPECT_NE(message.find(" must "), std::string::npos) << message;
      EXPECT_NE(message.find("(rule " + std::to_string(number) + " of"), std::string::npos) << message;
    }
  }
}

TEST(FirmwareConfigRules, AFieldAboveItsLimitFieldIsNamedWithBothValuesInTheirUnits) {
  bms_config config{*bms_config_default()};
  config.cell_overvoltage_hysteresis_mv = 3700;
  const bms_config_violation violation{bms_config_check(&config)};
  EXPECT_EQ(describe_config_violation(violation, config, "cell_overvoltage_hysteresis_mv"),
            "'cell_overvoltage_hysteresis' = 3.7 V must be below cell_overvoltage (3.65 V) (rule " +
                std::to_string(violation.rule) + " of the firmware's bms_config_check)");
  // Seen from the other field, the relation turns around.
  EXPECT_EQ(describe_config_violation(violation, config, "cell_overvoltage_mv"),
            "'cell_overvoltage' = 3.65 V must be above cell_overvoltage_hysteresis (3.7 V) (rule " +
                std::to_string(violation.rule) + " of the firmware's bms_config_check)");
}

TEST(FirmwareConfigRules, ASumOfFieldsShowsEachValueAndTheTotal) {
  bms_config config{*bms_config_default()};
  config.cell_undervoltage_mv = 3400;
  const bms_config_violation violation{bms_config_check(&config)};
  EXPECT_EQ(describe_config_violation(violation, config, "cell_undervoltage_mv"),
            "'cell_undervoltage' = 3.4 V: cell_undervoltage + cell_undervoltage_hysteresis (3.4 V + 0.3 V = 3.7 V) "
            "must be below cell_overvoltage - cell_overvoltage_hysteresis (3.65 V - 0.15 V = 3.5 V) (rule " +
                std::to_string(violation.rule) + " of the firmware's bms_config_check)");
}

TEST(FirmwareConfigRules, ConstantsAndMasksAreShownInTheFieldsTerms) {
  bms_config config{*bms_config_default()};
  config.cell_count = 2;
  EXPECT_EQ(describe_config_violation(bms_config_check(&config), config),
            "'cell_count' = 2 must be at least 3 (rule 1 of the firmware's bms_config_check)");
  config = *bms_config_default();
  config.afe_fet_options = 0x3;
  const bms_config_violation violation{bms_config_check(&config)};
  EXPECT_EQ(describe_config_violation(violation, config),
            "'afe_fet_options' = 0x3 must have bits 0xC set (rule " + std::to_string(violation.rule) +
                " of the firmware's bms_config_check)");
}

TEST_F(FirmwareConfigOverrides, ABrokenRuleIsReportedAtTheValueOfTheOverrideThatBrokeIt) {
  const std::vector<ConfigOverride> overrides{read("  cell_overvoltage_delay: 2 s\n"
                                                   "  cell_overvoltage_hysteresis: 3.7 V\n")};
  bms_config config{*bms_config_default()};
  apply_config_overrides(overrides, config);
  const std::string message{error_of([&] { check_config_rules(overrides, config, {"elsewhere", 1, 1}); })};
  EXPECT_EQ(message.rfind(path_ + ":3:32: 'cell_overvoltage_hysteresis' = 3.7 V must be below cell_overvoltage "
                                  "(3.65 V)",
                          0),
            0U)
      << message;
}

TEST_F(FirmwareConfigOverrides, ALimitFieldThatWasOverriddenIsBlamedWhenTheRuleFieldWasNot) {
  const std::vector<ConfigOverride> overrides{read("  cell_overvoltage: 100 mV\n")};
  bms_config config{*bms_config_default()};
  apply_config_overrides(overrides, config);
  const std::string message{error_of([&] { check_config_rules(overrides, config, {"elsewhere", 1, 1}); })};
  EXPECT_EQ(message.rfind(path_ + ":2:21: 'cell_overvoltage' = 0.1 V must be above", 0), 0U) << message;
}

TEST(FirmwareConfigRules, AValidConfigurationPasses) {
  EXPECT_EQ(error_of([] { check_config_rules({}, *bms_config_default(), {"x", 1, 1}); }), "(no error)");
}

}  // namespace
}  // namespace packsim::scenario::testing

#include "sim/scenario/firmware_config_fields.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>

#include "sim/scenario/name_suggestion.h"

namespace packsim::scenario {

namespace {

constexpr auto kV{Quantity::kVoltage};
constexpr auto kA{Quantity::kCurrent};
constexpr auto kT{Quantity::kTemperature};
constexpr auto kS{Quantity::kTime};
constexpr auto kPct{Quantity::kFraction};

// The C name is spelled once (#field), so the table cannot drift from the struct.
#define PACKSIM_UNSIGNED(name, field, quantity, scale, unit) \
  FirmwareConfigField{name, #field, ConfigFieldType::kQuantity, quantity, scale, unit, &bms_config::field, nullptr}
#define PACKSIM_SIGNED(name, field, quantity, scale, unit) \
  FirmwareConfigField{name, #field, ConfigFieldType::kQuantity, quantity, scale, unit, nullptr, &bms_config::field}
#define PACKSIM_WHOLE(type, field) FirmwareConfigField{#field, #field, type, kV, 1.0, "", &bms_config::field, nullptr}

constexpr std::array kFields{
    // Pack and board.
    PACKSIM_WHOLE(ConfigFieldType::kCount, cell_count),
    PACKSIM_UNSIGNED("nominal_capacity", nominal_capacity_mah, Quantity::kCapacity, 1e3, "mAh"),
    PACKSIM_UNSIGNED("sense_resistor", sense_resistor_micro_ohm, Quantity::kResistance, 1e6, "uohm"),
    PACKSIM_WHOLE(ConfigFieldType::kMask, thermistor_pin_mask),
    PACKSIM_WHOLE(ConfigFieldType::kMask, afe_da_configuration),
    PACKSIM_WHOLE(ConfigFieldType::kMask, afe_fet_options),
    // Timing.
    PACKSIM_UNSIGNED("measurement_period", measurement_period_ms, kS, 1e3, "ms"),
    PACKSIM_WHOLE(ConfigFieldType::kCount, afe_communication_failure_limit),
    PACKSIM_WHOLE(ConfigFieldType::kCount, afe_configuration_attempts),
    // AFE hardware protections.
    PACKSIM_UNSIGNED("afe_cell_undervoltage", afe_cell_undervoltage_mv, kV, 1e3, "mV"),
    PACKSIM_UNSIGNED("afe_cell_undervoltage_delay", afe_cell_undervoltage_delay_ms, kS, 1e3, "ms"),
    PACKSIM_UNSIGNED("afe_cell_overvoltage", afe_cell_overvoltage_mv, kV, 1e3, "mV"),
    PACKSIM_UNSIGNED("afe_cell_overvoltage_delay", afe_cell_overvoltage_delay_ms, kS, 1e3, "ms"),
    PACKSIM_UNSIGNED("afe_charge_overcurrent", afe_charge_overcurrent_ma, kA, 1e3, "mA"),
    PACKSIM_UNSIGNED("afe_charge_overcurrent_delay", afe_charge_overcurrent_delay_ms, kS, 1e3, "ms"),
    PACKSIM_UNSIGNED("afe_discharge_overcurrent", afe_discharge_overcurrent_ma, kA, 1e3, "mA"),
    PACKSIM_UNSIGNED("afe_discharge_overcurrent_delay", afe_discharge_overcurrent_delay_ms, kS, 1e3, "ms"),
    PACKSIM_UNSIGNED("afe_short_circuit", afe_short_circuit_ma, kA, 1e3, "mA"),
    PACKSIM_UNSIGNED("afe_short_circuit_delay", afe_short_circuit_delay_us, kS, 1e6, "us"),
    PACKSIM_SIGNED("afe_charge_overtemperature", afe_charge_overtemperature_c, kT, 1.0, "degC"),
    PACKSIM_SIGNED("afe_discharge_overtemperature", afe_discharge_overtemperature_c, kT, 1.0, "degC"),
    PACKSIM_SIGNED("afe_charge_undertemperature", afe_charge_undertemperature_c, kT, 1.0, "degC"),
    PACKSIM_SIGNED("afe_discharge_undertemperature", afe_discharge_undertemperature_c, kT, 1.0, "degC"),
    PACKSIM_UNSIGNED("afe_temperature_delay", afe_temperature_delay_s, kS, 1.0, "s"),
    PACKSIM_UNSIGNED("afe_temperature_recovery_hysteresis", afe_temperature_recovery_hysteresis_c, kT, 1.0, "degC"),
    // Firmware protections.
    PACKSIM_UNSIGNED("cell_overvoltage", cell_overvoltage_mv, kV, 1e3, "mV"),
    PACKSIM_UNSIGNED("cell_overvoltage_delay", cell_overvoltage_delay_ms, kS, 1e3, "ms"),
    PACKSIM_UNSIGNED("cell_overvoltage_hysteresis", cell_overvoltage_hysteresis_mv, kV, 1e3, "mV"),
    PACKSIM_UNSIGNED("cell_undervoltage", cell_undervoltage_mv, kV, 1e3, "mV"),
    PACKSIM_UNSIGNED("cell_undervoltage_delay", cell_undervoltage_delay_ms, kS, 1e3, "ms"),
    PACKSIM_UNSIGNED("cell_undervoltage_hysteresis", cell_undervoltage_hysteresis_mv, kV, 1e3, "mV"),
    PACKSIM_UNSIGNED("pack_overvoltage", pack_overvoltage_mv, kV, 1e3, "mV"),
    PACKSIM_UNSIGNED("pack_overvoltage_delay", pack_overvoltage_delay_ms, kS, 1e3, "ms"),
    PACKSIM_UNSIGNED("pack_overvoltage_hysteresis", pack_overvoltage_hysteresis_mv, kV, 1e3, "mV"),
    PACKSIM_UNSIGNED("pack_undervoltage", pack_undervoltage_mv, kV, 1e3, "mV"),
    PACKSIM_UNSIGNED("pack_undervoltage_delay", pack_undervoltage_delay_ms, kS, 1e3, "ms"),
    PACKSIM_UNSIGNED("pack_undervoltage_hysteresis", pack_undervoltage_hysteresis_mv, kV, 1e3, "mV"),
    PACKSIM_SIGNED("charge_min_temperature", charge_min_temperature_dc, kT, 10.0, "0.1 degC"),
    PACKSIM_SIGNED("charge_max_temperature", charge_max_temperature_dc, kT, 10.0, "0.1 degC"),
    PACKSIM_SIGNED("discharge_min_temperature", discharge_min_temperature_dc, kT, 10.0, "0.1 degC"),
    PACKSIM_SIGNED("discharge_max_temperature", discharge_max_temperature_dc, kT, 10.0, "0.1 degC"),
    PACKSIM_UNSIGNED("temperature_delay", temperature_delay_ms, kS, 1e3, "ms"),
    PACKSIM_UNSIGNED("temperature_hysteresis", temperature_hysteresis_dc, kT, 10.0, "0.1 degC"),
    PACKSIM_UNSIGNED("charge_overcurrent_continuous", charge_overcurrent_continuous_ma, kA, 1e3, "mA"),
    PACKSIM_UNSIGNED("charge_overcurrent_budget", charge_overcurrent_budget_a2s, Quantity::kCurrentSquaredTime, 1.0,
                     "A^2s"),
    PACKSIM_UNSIGNED("discharge_overcurrent_continuous", discharge_overcurrent_continuous_ma, kA, 1e3, "mA"),
    PACKSIM_UNSIGNED("discharge_overcurrent_budget", discharge_overcurrent_budget_a2s, Quantity::kCurrentSquaredTime,
                     1.0, "A^2s"),
    PACKSIM_UNSIGNED("overcurrent_release_delay", overcurrent_release_delay_ms, kS, 1e3, "ms"),
    PACKSIM_WHOLE(ConfigFieldType::kCount, overcurrent_trips_before_latch),
    PACKSIM_UNSIGNED("overcurrent_trip_memory", overcurrent_trip_memory_ms, kS, 1e3, "ms"),
    PACKSIM_UNSIGNED("cell_imbalance", cell_imbalance_mv, kV, 1e3, "mV"),
    PACKSIM_UNSIGNED("cell_imbalance_delay", cell_imbalance_delay_ms, kS, 1e3, "ms"),
    PACKSIM_UNSIGNED("cell_imbalance_hysteresis", cell_imbalance_hysteresis_mv, kV, 1e3, "mV"),
    PACKSIM_UNSIGNED("rest_current", rest_current_ma, kA, 1e3, "mA"),
    // Inverter CAN.
    PACKSIM_UNSIGNED("can_period", can_period_ms, kS, 1e3, "ms"),
    PACKSIM_UNSIGNED("inverter_heartbeat_timeout", inverter_heartbeat_timeout_ms, kS, 1e3, "ms"),
    PACKSIM_UNSIGNED("inverter_comm_loss_ramp", inverter_comm_loss_ramp_ms, kS, 1e3, "ms"),
    PACKSIM_UNSIGNED("charge_voltage_limit_cell", charge_voltage_limit_cell_mv, kV, 1e3, "mV"),
    PACKSIM_UNSIGNED("discharge_voltage_limit_cell", discharge_voltage_limit_cell_mv, kV, 1e3, "mV"),
    PACKSIM_UNSIGNED("max_charge_current", max_charge_current_ma, kA, 1e3, "mA"),
    PACKSIM_UNSIGNED("max_discharge_current", max_discharge_current_ma, kA, 1e3, "mA"),
    PACKSIM_SIGNED("charge_full_current_min_temperature", charge_full_current_min_temperature_dc, kT, 10.0, "0.1 degC"),
    PACKSIM_SIGNED("charge_full_current_max_temperature", charge_full_current_max_temperature_dc, kT, 10.0, "0.1 degC"),
    PACKSIM_SIGNED("discharge_full_current_min_temperature", discharge_full_current_min_temperature_dc, kT, 10.0,
                   "0.1 degC"),
    PACKSIM_SIGNED("discharge_full_current_max_temperature", discharge_full_current_max_temperature_dc, kT, 10.0,
                   "0.1 degC"),
    PACKSIM_UNSIGNED("charge_taper_start_soc", charge_taper_start_soc_permille, kPct, 1e3, "permille"),
    PACKSIM_UNSIGNED("charge_taper_end_factor", charge_taper_end_factor_permille, kPct, 1e3, "permille"),
    PACKSIM_UNSIGNED("discharge_taper_start_soc", discharge_taper_start_soc_permille, kPct, 1e3, "permille"),
    PACKSIM_UNSIGNED("discharge_taper_end_factor", discharge_taper_end_factor_permille, kPct, 1e3, "permille"),
    FirmwareConfigField{"inverter_manufacturer_name", "inverter_manufacturer_name", ConfigFieldType::kText, kV, 1.0,
                        "", nullptr, nullptr},
    // Passive top balancing.
    PACKSIM_UNSIGNED("balancing_start_cell", balancing_start_cell_mv, kV, 1e3, "mV"),
    PACKSIM_UNSIGNED("balancing_threshold", balancing_threshold_mv, kV, 1e3, "mV"),
    PACKSIM_UNSIGNED("balancing_stop_threshold", balancing_stop_threshold_mv, kV, 1e3, "mV"),
    PACKSIM_WHOLE(ConfigFieldType::kCount, balancing_max_cells),
    PACKSIM_WHOLE(ConfigFieldType::kFlag, balancing_allow_adjacent_cells),
    PACKSIM_UNSIGNED("balancing_min_charge_current", balancing_min_charge_current_ma, kA, 1e3, "mA"),
    PACKSIM_UNSIGNED("balancing_rest_holdoff", balancing_rest_holdoff_ms, kS, 1e3, "ms"),
    PACKSIM_UNSIGNED("balancing_evaluation_interval", balancing_evaluation_interval_ms, kS, 1e3, "ms"),
    // SOC / SOH.
    PACKSIM_UNSIGNED("ocv_rest_time", ocv_rest_time_ms, kS, 1e3, "ms"),
    PACKSIM_UNSIGNED("ocv_anchor_low_soc", ocv_anchor_low_soc_permille, kPct, 1e3, "permille"),
    PACKSIM_UNSIGNED("ocv_anchor_high_soc", ocv_anchor_high_soc_permille, kPct, 1e3, "permille"),
    PACKSIM_UNSIGNED("soh_min_anchor_span", soh_min_anchor_span_permille, kPct, 1e3, "permille"),
    // Sleep, shutdown and recovery charge.
    PACKSIM_UNSIGNED("idle_current", idle_current_ma, kA, 1e3, "mA"),
    PACKSIM_UNSIGNED("idle_time_before_sleep", idle_time_before_sleep_ms, kS, 1e3, "ms"),
    PACKSIM_UNSIGNED("idle_time_before_shutdown", idle_time_before_shutdown_ms, kS, 1e3, "ms"),
    PACKSIM_UNSIGNED("deep_discharge_cell", deep_discharge_cell_mv, kV, 1e3, "mV"),
    PACKSIM_UNSIGNED("wake_current", wake_current_ma, kA, 1e3, "mA"),
    PACKSIM_UNSIGNED("sleep_poll_interval", sleep_poll_interval_ms, kS, 1e3, "ms"),
    PACKSIM_UNSIGNED("recovery_charge_below_cell", recovery_charge_below_cell_mv, kV, 1e3, "mV"),
    PACKSIM_UNSIGNED("recovery_charge_exit_cell", recovery_charge_exit_cell_mv, kV, 1e3, "mV"),
    PACKSIM_UNSIGNED("recovery_charge_current", recovery_charge_current_ma, kA, 1e3, "mA"),
    PACKSIM_UNSIGNED("recovery_charge_overcurrent", recovery_charge_overcurrent_ma, kA, 1e3, "mA"),
    PACKSIM_UNSIGNED("recovery_charge_holdoff", recovery_charge_holdoff_ms, kS, 1e3, "ms"),
};

#undef PACKSIM_UNSIGNED
#undef PACKSIM_SIGNED
#undef PACKSIM_WHOLE

// Every byte of bms_config is either in the table or one of the OCV tables: a
// field added to the struct and not here breaks the build.
constexpr std::size_t kTableBytes{(kFields.size() - 1) * sizeof(std::uint32_t) + BMS_INVERTER_NAME_LENGTH +
                                  2 * BMS_OCV_TABLE_POINTS * sizeof(std::uint32_t)};
static_assert(kTableBytes == sizeof(bms_config), "a bms_config field is missing from kFields");

constexpr std::array<std::string_view, 2> kNotOverridable{"ocv_table_soc", "ocv_table_cell"};
constexpr std::array<std::string_view, 11> kUnitSuffixes{"_mv", "_ma", "_ms", "_us", "_s", "_c", "_dc", "_permille",
                                                         "_a2s", "_mah", "_micro_ohm"};

std::vector<std::string_view> field_names() {
  std::vector<std::string_view> names;
  for (const FirmwareConfigField& field : kFields) names.push_back(field.name);
  return names;
}

[[noreturn]] void unknown_field(const YamlObject& config, const std::string& key) {
  const SourceLocation where{config.key_location(key)};
  for (const std::string_view table : kNotOverridable) {
    if (key.rfind(table, 0) == 0) {
      throw InputError(where, "'" + key + "': the OCV tables cannot be overridden from a scenario");
    }
  }
  // The C name with its unit suffix: say how to write it.
  for (const std::string_view suffix : kUnitSuffixes) {
    if (key.size() > suffix.size() && key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0) {
      const std::string bare{key.substr(0, key.size() - suffix.size())};
      if (const FirmwareConfigField* field = find_firmware_config_field(bare)) {
        if (field->type == ConfigFieldType::kQuantity) {
          // "2500" in a field counted in mV reads as "2500 mV"; other units get the SI one.
          constexpr std::array<std::string_view, 9> kWritable{"mV",   "mA",  "ms",   "us",  "s",
                                                              "degC", "mAh", "uohm", "A^2s"};
          const bool writable{std::find(kWritable.begin(), kWritable.end(), field->field_unit) != kWritable.end()};
          const std::string value{config.kind(key) == YamlObject::Kind::kScalar ? config.scalar(key).text() : "..."};
          const std::string example{writable ? value + " " + std::string{field->field_unit}
                                             : "... " + std::string{display_unit(field->quantity)}};
          throw InputError(where, "'" + key + "': write the field without its unit suffix and the value with its "
                                              "unit: " + bare + ": " + example);
        }
      }
    }
  }
  throw InputError(where, "unknown firmware configuration field '" + key + "'" + did_you_mean(key, field_names()) +
                              " (the fields of bms_config.h without their unit suffix)");
}

std::int64_t whole_in_field_unit(const YamlScalar& scalar, const FirmwareConfigField& field, const std::string& key) {
  const QuantityValue value{parse_quantity(scalar, field.quantity, key)};
  const double scaled{value.value * field.scale};
  const double rounded{std::round(scaled)};
  if (std::abs(scaled - rounded) > 1e-6 * std::max(1.0, std::abs(scaled))) {
    scalar.fail_at(value.number_offset, "'" + key + "': " + format_quantity(value.value, field.quantity) +
                                            " is not a whole number of " + std::string{field.field_unit} +
                                            ", the field's resolution");
  }
  const double min{field.signed_field != nullptr ? static_cast<double>(std::numeric_limits<std::int32_t>::min()) : 0.0};
  const double max{field.signed_field != nullptr ? static_cast<double>(std::numeric_limits<std::int32_t>::max())
                                                 : static_cast<double>(std::numeric_limits<std::uint32_t>::max())};
  if (rounded < min || rounded > max) {
    scalar.fail_at(value.number_offset, "'" + key + "': " + format_quantity(value.value, field.quantity) +
                                            " does not fit the field (" + format_number(min / field.scale) + ".." +
                                            format_number(max / field.scale) + " " +
                                            std::string{display_unit(field.quantity)} + ")");
  }
  return static_cast<std::int64_t>(rounded);
}

}  // namespace

std::span<const FirmwareConfigField> firmware_config_fields() { return kFields; }

const FirmwareConfigField* find_firmware_config_field(std::string_view name) {
  for (const FirmwareConfigField& field : kFields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

std::vector<ConfigOverride> read_config_overrides(const YamlObject& config) {
  std::vector<ConfigOverride> overrides;
  for (const std::string& key : config.keys()) {
    const FirmwareConfigField* field{find_firmware_config_field(key)};
    if (field == nullptr) {
      unknown_field(config, key);
    }
    ConfigOverride entry;
    entry.name = key;
    entry.where = config.location_of(key);
    switch (field->type) {
      case ConfigFieldType::kQuantity:
        entry.value = whole_in_field_unit(config.scalar(key), *field, key);
        break;
      case ConfigFieldType::kCount:
      case ConfigFieldType::kMask:
        entry.value = read_integer(config, key, 0, std::numeric_limits<std::uint32_t>::max());
        break;
      case ConfigFieldType::kFlag:
        entry.value = config.boolean_or(key, false) ? 1 : 0;
        break;
      case ConfigFieldType::kText: {
        const YamlScalar text{config.scalar(key)};
        if (text.text().empty() || text.text().size() > BMS_INVERTER_NAME_LENGTH) {
          text.fail("'" + key + "': expected 1 to " + std::to_string(BMS_INVERTER_NAME_LENGTH) + " characters");
        }
        for (std::size_t i = 0; i < text.text().size(); ++i) {
          const char c{text.text()[i]};
          if (c < 0x20 || c > 0x7e) {
            text.fail_at(i, "'" + key + "': expected printable ASCII characters");
          }
        }
        entry.text = text.text();
        break;
      }
    }
    overrides.push_back(std::move(entry));
  }
  config.finish();
  return overrides;
}

void apply_config_overrides(std::span<const ConfigOverride> overrides, bms_config& config) {
  for (const ConfigOverride& entry : overrides) {
    const FirmwareConfigField* field{find_firmware_config_field(entry.name)};
    if (field == nullptr) {
      throw std::invalid_argument{"apply_config_overrides: unknown field " + entry.name};
    }
    if (field->type == ConfigFieldType::kText) {
      std::memset(config.inverter_manufacturer_name, ' ', BMS_INVERTER_NAME_LENGTH);
      std::memcpy(config.inverter_manufacturer_name, entry.text.data(),
                  std::min<std::size_t>(entry.text.size(), BMS_INVERTER_NAME_LENGTH));
    } else if (field->signed_field != nullptr) {
      config.*(field->signed_field) = static_cast<std::int32_t>(entry.value);
    } else {
      config.*(field->unsigned_field) = static_cast<std::uint32_t>(entry.value);
    }
  }
}

const FirmwareConfigField* find_firmware_config_field_by_c_name(std::string_view c_name) {
  for (const FirmwareConfigField& field : kFields) {
    if (field.c_name == c_name) return &field;
  }
  return nullptr;
}

namespace {

bool names(const bms_config_field_ref& ref) { return ref.name != nullptr; }

std::string fmt_hex(std::int64_t value) {
  constexpr std::string_view kDigits{"0123456789ABCDEF"};
  if (value < 0) return std::to_string(value);
  std::string digits;
  auto rest{static_cast<std::uint64_t>(value)};
  do {
    digits.insert(digits.begin(), kDigits[rest % 16]);
    rest /= 16;
  } while (rest != 0);
  return "0x" + digits;
}

// As a scenario names the field; an array element by its C name and index.
std::string field_label(const bms_config_field_ref& ref) {
  if (ref.index >= 0) return std::string{ref.name} + "[" + std::to_string(ref.index) + "]";
  const FirmwareConfigField* field{find_firmware_config_field_by_c_name(ref.name)};
  return field != nullptr ? std::string{field->name} : std::string{ref.name};
}

// A value of the field's C type (or of a sum of such fields) as a scenario writes it.
std::string format_in_unit_of(const bms_config_field_ref& ref, std::int64_t value) {
  const FirmwareConfigField* field{names(ref) && ref.index < 0 ? find_firmware_config_field_by_c_name(ref.name)
                                                               : nullptr};
  if (field == nullptr) return std::to_string(value);
  switch (field->type) {
    case ConfigFieldType::kQuantity:
      return format_quantity(static_cast<double>(value) / field->scale, field->quantity);
    case ConfigFieldType::kMask:
      return fmt_hex(value);
    case ConfigFieldType::kFlag:
      return value != 0 ? "true" : "false";
    case ConfigFieldType::kCount:
    case ConfigFieldType::kText:
      break;
  }
  return std::to_string(value);
}

struct Side {
  bms_config_term term;
  std::int64_t value{0};
};


// "a", "a + b", "a - b"
std::string term_names(const bms_config_term& term) {
  std::string text{field_label(term.field)};
  if (names(term.adjust)) text += (term.adjust_sign < 0 ? " - " : " + ") + field_label(term.adjust);
  return text;
}

const char* relation_words(bms_config_relation relation) {
  switch (relation) {
    case BMS_CONFIG_BELOW:
      return "below";
    case BMS_CONFIG_AT_MOST:
      return "at most";
    case BMS_CONFIG_ABOVE:
      return "above";
    case BMS_CONFIG_AT_LEAST:
      return "at least";
    case BMS_CONFIG_HAS_ALL_BITS:
    case BMS_CONFIG_HAS_ANY_BIT:
    case BMS_CONFIG_INCREASING:
      break;
  }
  return "related to";
}

bms_config_relation mirrored(bms_config_relation relation) {
  switch (relation) {
    case BMS_CONFIG_BELOW:
      return BMS_CONFIG_ABOVE;
    case BMS_CONFIG_AT_MOST:
      return BMS_CONFIG_AT_LEAST;
    case BMS_CONFIG_ABOVE:
      return BMS_CONFIG_BELOW;
    case BMS_CONFIG_AT_LEAST:
      return BMS_CONFIG_AT_MOST;
    default:
      return relation;
  }
}

bool mentions(const bms_config_term& term, std::string_view c_name) {
  return (names(term.field) && term.field.name == c_name) || (names(term.adjust) && term.adjust.name == c_name);
}

}  // namespace

std::string describe_config_violation(const bms_config_violation& violation, const bms_config& config,
                                      std::string_view blamed) {
  Side value{violation.value_term, violation.value};
  Side limit{violation.limit_term, violation.limit};
  bms_config_relation relation{violation.relation};
  // The blamed field's side first: "x must be above y" rather than "y must be below x".
  if (!blamed.empty() && !mentions(value.term, blamed) && mentions(limit.term, blamed) && names(limit.term.field)) {
    std::swap(value, limit);
    relation = mirrored(relation);
  }
  const std::string rule{" (rule " + std::to_string(violation.rule) + " of the firmware's bms_config_check)"};
  if (!names(value.term.field)) return "the firmware's configuration breaks rule" + rule;
  const bms_config_field_ref& unit{value.term.field};
  const bool blamed_is_adjust{names(value.term.adjust) && value.term.adjust.name == blamed &&
                              value.term.field.name != blamed};
  const bms_config_field_ref& subject{blamed_is_adjust ? value.term.adjust : value.term.field};

  // One side's fields and values: "a (3.65 V)" or "a - b (3.65 V - 150 mV = 3.5 V)".
  const auto described = [&config](const Side& side) {
    const bms_config_field_ref& field{side.term.field};
    if (!names(side.term.adjust)) return term_names(side.term) + " (" + format_in_unit_of(field, side.value) + ")";
    return term_names(side.term) + " (" + format_in_unit_of(field, bms_config_field_value(&config, &field)) +
           (side.term.adjust_sign < 0 ? " - " : " + ") +
           format_in_unit_of(side.term.adjust, bms_config_field_value(&config, &side.term.adjust)) + " = " +
           format_in_unit_of(field, side.value) + ")";
  };

  std::string text{"'" + field_label(subject) +
                   "' = " + format_in_unit_of(subject, bms_config_field_value(&config, &subject))};
  if (names(value.term.adjust)) text += ": " + described(value);
  switch (relation) {
    case BMS_CONFIG_HAS_ALL_BITS:
      text += " must have bits " + format_in_unit_of(unit, limit.value) + " set";
      break;
    case BMS_CONFIG_HAS_ANY_BIT:
      text += " must have at least one of bits " + format_in_unit_of(unit, limit.value) + " set";
      break;
    default:
      text += std::string{" must be "} + relation_words(relation) + " " +
              (names(limit.term.field) ? described(limit) : format_in_unit_of(unit, limit.value));
      break;
  }
  return text + rule;
}

void check_config_rules(std::span<const ConfigOverride> overrides, const bms_config& config,
                        const SourceLocation& otherwise) {
  const bms_config_violation violation{bms_config_check(&config)};
  if (violation.rule == 0) return;
  // The override of the first field the rule relates, in the rule's order.
  const std::array<const bms_config_field_ref*, 4> involved{&violation.value_term.field, &violation.value_term.adjust,
                                                           &violation.limit_term.field, &violation.limit_term.adjust};
  for (const bms_config_field_ref* ref : involved) {
    if (!names(*ref)) continue;
    const FirmwareConfigField* field{find_firmware_config_field_by_c_name(ref->name)};
    if (field == nullptr) continue;
    const auto given = std::find_if(overrides.rbegin(), overrides.rend(),
                                    [field](const ConfigOverride& entry) { return entry.name == field->name; });
    if (given != overrides.rend()) {
      throw InputError(given->where, describe_config_violation(violation, config, ref->name));
    }
  }
  throw InputError(otherwise, describe_config_violation(violation, config));
}

}  // namespace packsim::scenario

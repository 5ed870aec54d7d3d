#pragma once

// The reference firmware's configuration (bms_config.h) as a scenario
// overrides it, in one table (firmware_config_fields.cpp): each field by its C
// name without the unit suffix, the value with its unit, converted to the
// field's own unit and checked to be a whole number of it.
//
//   firmware:
//     config:
//       cell_undervoltage: 2.5 V           # cell_undervoltage_mv = 2500
//       cell_undervoltage_delay: 2 s       # cell_undervoltage_delay_ms = 2000
//       charge_min_temperature: 0 degC     # charge_min_temperature_dc = 0
//       charge_taper_start_soc: 90 %       # charge_taper_start_soc_permille = 900
//       overcurrent_trips_before_latch: 3  # a count: no unit
//       thermistor_pin_mask: 0x5           # a bit mask: no unit, hex allowed
//       balancing_allow_adjacent_cells: false
//       inverter_manufacturer_name: PACKSIM
//
// The OCV tables are not overridable from a scenario.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bms_under_test/firmware/bms_config.h"
#include "common/input_error.h"
#include "common/yaml_reader.h"
#include "sim/scenario/quantity.h"

namespace packsim::scenario {

enum class ConfigFieldType : std::uint8_t {
  kQuantity,  // a value with a unit
  kCount,     // a whole number
  kMask,      // a whole number, usually hex
  kFlag,      // true or false (0 or 1)
  kText,      // up to BMS_INVERTER_NAME_LENGTH characters, space padded
};

struct FirmwareConfigField {
  std::string_view name;    // in scenarios
  std::string_view c_name;  // in bms_config.h
  ConfigFieldType type{ConfigFieldType::kQuantity};
  Quantity quantity{Quantity::kVoltage};  // kQuantity
  double scale{1.0};                      // SI value x scale = the field's value (V -> mV: 1000)
  std::string_view field_unit;            // "mV", "0.1 degC"...: its resolution, for messages
  std::uint32_t bms_config::*unsigned_field{nullptr};
  std::int32_t bms_config::*signed_field{nullptr};
};

std::span<const FirmwareConfigField> firmware_config_fields();
const FirmwareConfigField* find_firmware_config_field(std::string_view name);

// One override, already in the field's unit and checked against its C type.
struct ConfigOverride {
  std::string name;  // the scenario's name of the field
  std::int64_t value{0};
  std::string text;  // kText
  SourceLocation where;
};

// Reads every key of a `config:` mapping; unknown names are errors at the key.
std::vector<ConfigOverride> read_config_overrides(const YamlObject& config);

// Writes overrides into a configuration (the runner starts from the firmware's defaults).
void apply_config_overrides(std::span<const ConfigOverride> overrides, bms_config& config);

// The field of a C name (cell_overvoltage_mv -> cell_overvoltage); nullptr for
// the OCV tables.
const FirmwareConfigField* find_firmware_config_field_by_c_name(std::string_view c_name);

// A broken rule of the firmware's bms_config_check (on `config`) in words,
// from the point of view of the field `blamed` (a C name; empty: the rule's
// first field): the field's value, the relation, the limit and what the limit
// is made of, then the rule's number:
//   'cell_overvoltage_hysteresis' = 3.7 V must be below cell_overvoltage (3.65 V) (rule 21 of ...)
//   'cell_count' = 2 must be at least 3 (rule 1 of ...)
// Fields are named as scenarios name them (the OCV tables by their C name).
std::string describe_config_violation(const bms_config_violation& violation, const bms_config& config,
                                      std::string_view blamed = {});

// Runs the firmware's own consistency check on a configuration that the
// overrides were applied to. A broken rule is an InputError at the override
// of a field the rule relates (its value), saying what to change;
// `otherwise` when no override is involved.
void check_config_rules(std::span<const ConfigOverride> overrides, const bms_config& config,
                        const SourceLocation& otherwise);

}  // namespace packsim::scenario

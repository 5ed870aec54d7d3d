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

}  // namespace packsim::scenario

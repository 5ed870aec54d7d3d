#pragma once

// Breaks one rule of bms_config_check on purpose: the default configuration
// with the rule's own field moved just across its limit, for tests that walk
// every rule of the table (firmware and scenario side).

#include <cstdint>
#include <cstring>

#include "bms_under_test/firmware/bms_config.h"

namespace packsim::firmware_test {

inline std::int64_t read_config_field(const bms_config& config, const bms_config_field_ref& field) {
  return bms_config_field_value(&config, &field);
}

inline void write_config_field(bms_config& config, const bms_config_field_ref& field, std::int64_t value) {
  auto* bytes{reinterpret_cast<unsigned char*>(&config) + field.offset};
  if (field.is_signed != 0U) {
    const auto narrow{static_cast<std::int32_t>(value)};
    std::memcpy(bytes, &narrow, sizeof narrow);
  } else {
    const auto narrow{static_cast<std::uint32_t>(value)};
    std::memcpy(bytes, &narrow, sizeof narrow);
  }
}

inline std::int64_t term_of(const bms_config& config, const bms_config_term& term) {
  if (term.field.name == nullptr) return term.constant;
  std::int64_t value{read_config_field(config, term.field)};
  if (term.adjust.name != nullptr) value += term.adjust_sign * read_config_field(config, term.adjust);
  return value;
}

// The defaults, with rule `number`'s first field set so that the rule fails by one step.
inline bms_config config_breaking(std::uint32_t number) {
  bms_config config{*bms_config_default()};
  const bms_config_rule& rule{*bms_config_rule_get(number)};
  if (rule.relation == BMS_CONFIG_INCREASING) {
    bms_config_field_ref second{rule.value.field};
    second.offset = static_cast<std::uint16_t>(second.offset + sizeof(std::uint32_t));
    write_config_field(config, second, read_config_field(config, rule.value.field));
    return config;
  }
  const std::int64_t limit{term_of(config, rule.limit)};
  const std::int64_t field{read_config_field(config, rule.value.field)};
  const std::int64_t adjust{term_of(config, rule.value) - field};  // what the second field adds
  std::int64_t wanted{0};
  switch (rule.relation) {
    case BMS_CONFIG_BELOW:
    case BMS_CONFIG_ABOVE:
      wanted = limit;
      break;
    case BMS_CONFIG_AT_MOST:
      wanted = (limit + 1) | (field & limit);  // above it, keeping the bits a mask rule wants
      break;
    case BMS_CONFIG_AT_LEAST:
      wanted = limit - 1;
      break;
    case BMS_CONFIG_HAS_ALL_BITS:
    case BMS_CONFIG_HAS_ANY_BIT:
      wanted = field & ~limit;
      break;
    case BMS_CONFIG_INCREASING:
      break;
  }
  write_config_field(config, rule.value.field, wanted - adjust);
  return config;
}

}  // namespace packsim::firmware_test

#include "sim/scenario/faults.h"

#include <array>

namespace packsim::scenario {

namespace {
constexpr std::array<std::string_view, kFaultKindCount> kNames{
    "internal_short", "open_tab",  "weak_cell",  "open_wire", "stuck_adc",
    "ntc_open",       "ntc_short", "i2c_errors", "brownout",
};
static_assert(std::variant_size_v<Fault> == kFaultKindCount);
}  // namespace

std::string_view fault_kind_name(FaultKind kind) { return kNames.at(static_cast<std::size_t>(kind)); }

std::optional<FaultKind> find_fault_kind(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<FaultKind>(i);
  }
  return std::nullopt;
}

}  // namespace packsim::scenario

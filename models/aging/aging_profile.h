#pragma once

#include <variant>
#include <vector>

namespace packsim::models {

// A stretch of history to pre-age a pack with (see aging_fast_forward.h).

// Storage at rest at a fixed SOC and temperature.
struct StorageProfile {
  double days{0.0};
  double soc{0.5};
  double temp_c{25.0};
};

// Each cycle discharges from soc_max to soc_min at discharge_c_rate and charges
// back at charge_c_rate, at cell temperature temp_c.
struct CycleProfile {
  double cycles{0.0};
  double discharge_c_rate{0.5};
  double charge_c_rate{0.5};
  double soc_min{0.0};
  double soc_max{1.0};
  double temp_c{25.0};
};

using AgingProfile = std::variant<StorageProfile, CycleProfile>;
using AgingHistory = std::vector<AgingProfile>;

}  // namespace packsim::models

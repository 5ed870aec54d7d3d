#pragma once

#include "models/pack/pack.h"

namespace packsim::models {

// Pre-aging: puts a pack's aging states where N days of storage or N cycles of a
// profile would have left them, without stepping every second. SOC and
// temperature are left as they are (the scenario sets them); capacity fade,
// resistance growth and plated lithium carry the history.

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

void fast_forward_storage(const Pack& pack, PackState& state, const StorageProfile& profile);
void fast_forward_cycles(const Pack& pack, PackState& state, const CycleProfile& profile);

}  // namespace packsim::models

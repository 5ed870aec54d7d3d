#pragma once

#include "models/aging/aging_profile.h"
#include "models/pack/pack.h"

namespace packsim::models {

// Pre-aging: puts a pack's aging states where N days of storage or N cycles of a
// profile would have left them, without stepping every second. SOC and
// temperature are left as they are (the scenario sets them); capacity fade,
// resistance growth and plated lithium carry the history.

void fast_forward_storage(const Pack& pack, PackState& state, const StorageProfile& profile);
void fast_forward_cycles(const Pack& pack, PackState& state, const CycleProfile& profile);
void fast_forward(const Pack& pack, PackState& state, const AgingProfile& profile);

// The pack's initial state after its configured history (PackConfig::pre_aging), in order.
PackState pre_aged_initial_state(const Pack& pack);

}  // namespace packsim::models

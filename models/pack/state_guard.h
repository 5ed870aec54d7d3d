#pragma once

#include <optional>
#include <string>

#include "models/pack/pack_state.h"
#include "models/pack/plant_limits.h"

namespace packsim::models {

// What the guard needs to know of the terminals: a passive load (a resistor, or
// nothing) can only absorb energy.
enum class TerminalLoad { kActive, kPassive };

// The physical state guard: finds the first state no real pack can be in (the
// limits and why are in plant_limits.h), checking every cell in order:
// - SOC beyond kMinPlausibleSoc..kMaxPlausibleSoc;
// - capacity <= 0 (capacity fade past 100 %; the model itself never goes below
//   5 % of capacity, so this is the fade the model would otherwise hide);
// - a temperature at or below absolute zero;
// - a series-group voltage of the wrong sign or beyond any chemistry;
// then the pack: energy delivered by a passive load (current against the
// terminal voltage). Non-finite values are Pack's own check and come first.
//
// Pure: state in, verdict out. The verdict names the cell (1-based, with its
// series group and parallel position as PlantError messages do), the state,
// its value and the limit, and the simulated time; nothing when the state is
// physical. parallel is the pack's cells per series group.
std::optional<std::string> find_impossible_state(const PackState& state, int parallel, TerminalLoad load);

}  // namespace packsim::models

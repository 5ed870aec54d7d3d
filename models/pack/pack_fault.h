#pragma once

#include <string>
#include <variant>

namespace packsim::models {

// Plant faults, injectable at any time. Cells are 0-based here; users see 1-based.

// A resistance across the cell (dendrite, crushed separator): drains the cell
// and heats it, fed also by the cells in parallel with it.
struct InternalShort {
  int cell{0};
  double resistance_ohm{1.0};
};

// A broken tab or weld: the cell leaves its parallel group and carries no
// current. When every cell of a group is open the string is open.
struct OpenTab {
  int cell{0};
};

// A cell that holds less charge and leaks more than its neighbours.
struct WeakCell {
  int cell{0};
  double capacity_factor{1.0};        // multiplies capacity (0 < f <= 1)
  double self_discharge_factor{1.0};  // multiplies self-discharge (>= 1 for a weak cell)
};

using PlantFault = std::variant<InternalShort, OpenTab, WeakCell>;

enum class PlantFaultKind { kInternalShort, kOpenTab, kWeakCell };

std::string describe(const PlantFault& fault);

}  // namespace packsim::models

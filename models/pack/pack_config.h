#pragma once

#include <cstdint>
#include <string>

#include "models/aging/aging_profile.h"
#include "models/cell/cell_params.h"

namespace packsim::models {

// Cell-to-cell manufacturing spread, drawn once per pack from its seed.
struct CellVariation {
  double capacity_rel_sigma{0.0};        // relative standard deviation of capacity
  double r0_rel_sigma{0.0};              // of all branch resistances
  double self_discharge_rel_sigma{0.0};  // of the self-discharge rate
  double initial_soc_sigma{0.0};         // absolute, in SOC units (0.01 = 1 %)
};

// Electrical and thermal assembly of NsMp identical-type cells.
struct PackConfig {
  std::string name;
  std::string cell_params_path;  // resolved, absolute or relative to the working directory
  CellParams cell;
  int series{1};
  int parallel{1};
  double cell_interconnect_ohm{0.0};    // tab + busbar resistance of each cell inside its parallel group
  double series_interconnect_ohm{0.0};  // each link between consecutive series groups
  double neighbour_conductance_w_per_k{0.0};  // conduction between adjacent cells
  CellVariation variation;
  std::uint64_t seed{0};
  double initial_soc{1.0};
  double initial_temp_c{25.0};
  // History the pack has been through before the run starts (applied in order).
  AgingHistory pre_aging;
};

// Loads a pack file; its `cell` key names a cell parameter file, relative to
// the pack file. Errors are InputError with file:line:col.
PackConfig load_pack_config(const std::string& path);
// The same, reading both files through `files` (common/source_files.h).
PackConfig load_pack_config(const std::string& path, SourceFiles& files);

}  // namespace packsim::models

#pragma once

#include <cstdint>
#include <string>

#include "common/yaml_reader.h"
#include "sim/scenario/scenario.h"

namespace packsim::scenario {

// The `pack:` key, either a pack file with overrides or inline fields:
//
//   pack:                                         pack:
//     file: ../models/params/packs/lfp_16s1p.yaml   cell: ../models/params/lfp_a123_26650.yaml
//     initial_soc: 20 %                             series: 16
//     initial_temp: -10 degC                        parallel: 1                       # default 1
//     variation: {capacity: 2 %}                    interconnect: {cell: 0.2 mohm, series: 0.3 mohm}  # default 0
//     pre_aging:                                    neighbour_conductance: 0.3 W/K    # default 0
//       - storage: {for: 365 d, soc: 50 %, temp: 25 degC}      initial_soc: 100 %
//       - cycles: {count: 800, discharge: 1C, charge: 0.5C,     initial_temp: 25 degC
//                  soc_min: 10 %, soc_max: 90 %, temp: 30 degC}
//
// Paths are relative to the scenario file. variation keys (capacity,
// resistance, self_discharge: relative sigmas; initial_soc: absolute sigma)
// override the file's one by one; pre_aging replaces the file's list. A file
// of another kind (a cell parameter file or a scenario as `file`, a pack file
// or a scenario as `cell`), told by its top-level keys, is an error at the
// scenario's line naming it. The pack and cell files are loaded, so their own
// errors surface with their own file:line:col. The variation seed comes from
// the scenario's seed.
// Pack and cell files are read through `files`.
PackSpec read_pack(const YamlObject& root, const std::string& scenario_dir, std::uint64_t scenario_seed,
                   SourceFiles& files);

}  // namespace packsim::scenario

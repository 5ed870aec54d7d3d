#pragma once

#include <string>

#include "sim/scenario/scenario.h"

namespace packsim::scenario {

// Reads and checks a scenario file. Every error is an InputError reading
// "file:line:col: message" at the offending key or character. The pack and
// cell files are resolved (relative to the scenario) and loaded, and their
// own errors keep their own file:line:col.
Scenario load_scenario(const std::string& path);
// The same, reading the scenario, pack and cell files through `files`; after
// it, files.texts() holds every text the scenario was built from.
Scenario load_scenario(const std::string& path, SourceFiles& files);

// load_scenario, then what a run needs beyond the files themselves: firmware
// shared objects exist; the pack fits the bq76952 (at most 16 series cells);
// with the reference firmware, the configuration (defaults + overrides)
// passes the firmware's own bms_config_check and its cell_count matches the
// pack. `packsim validate` and the runner call this.
Scenario validate_scenario(const std::string& path);
Scenario validate_scenario(const std::string& path, SourceFiles& files);

}  // namespace packsim::scenario

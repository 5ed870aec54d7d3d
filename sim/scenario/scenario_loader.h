#pragma once

#include <span>
#include <string>

#include "bms_under_test/firmware/bms_config.h"
#include "common/input_error.h"
#include "models/pack/pack_config.h"
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
// pack. `packsim validate` and the runner call this. A broken rule of
// bms_config_check is reported at the override that broke it, naming the
// field(s), their values and the limit (check_config_rules).
Scenario validate_scenario(const std::string& path);
Scenario validate_scenario(const std::string& path, SourceFiles& files);

// The bq76952 wires this many series cells at most.
inline constexpr int kAfeMaxSeries{16};

// The board checks of validate_scenario, for whoever builds a rig without a
// scenario (`packsim serve`): the pack fits the bq76952, an InputError at
// `pack_where` otherwise.
void check_pack_fits_afe(const models::PackConfig& pack, const SourceLocation& pack_where);
// The reference firmware configured with `config` (the defaults and these
// overrides) runs this pack: its cell_count is the pack's series count (an
// InputError at `where`, `remedy` appended to the message) and it passes the
// firmware's own rules (check_config_rules: at the override that broke one,
// else at `where`).
void check_reference_config_for_pack(const bms_config& config, std::span<const ConfigOverride> overrides,
                                     const models::PackConfig& pack, const SourceLocation& where,
                                     const std::string& remedy);

}  // namespace packsim::scenario

#pragma once

#include <string>

#include "common/yaml_reader.h"
#include "sim/scenario/scenario.h"

namespace packsim::scenario {

// `key: reference` or `key: {path: FILE.so}`; a path is relative to the
// scenario file's directory.
FirmwareImage read_firmware_image(const YamlObject& parent, const std::string& key, const std::string& scenario_dir);

// The top-level `firmware:` key: absent (the reference firmware, its
// defaults), `reference`, or {path: FILE.so, config: {field: value...}}.
FirmwareSpec read_firmware(const YamlObject& root, const std::string& scenario_dir);

}  // namespace packsim::scenario

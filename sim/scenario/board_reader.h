#pragma once

#include "common/yaml_reader.h"
#include "sim/scenario/scenario.h"

namespace packsim::scenario {

// The top-level `board:` key: absent (the reference board: no watchdog), or
// {watchdog: DURATION | none}.
BoardSpec read_board(const YamlObject& root);

}  // namespace packsim::scenario

#pragma once

// A loaded scenario with the texts it was built from (the scenario file, its
// pack and cell files), so that it can be rebuilt exactly where those files
// are not: packsim.Scenario pickles as (path, texts) for sweep workers.

#include <map>
#include <string>

#include "sim/scenario/scenario.h"

namespace packsim::python {

struct ScenarioHandle {
  std::string path;                          // the scenario's (or a dict's pseudo) path
  std::map<std::string, std::string> texts;  // every file read, by path
  scenario::Scenario scenario;               // validated
};

}  // namespace packsim::python

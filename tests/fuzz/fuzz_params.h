// The shipped parameter files, bundled for the loaders' fuzz targets so that
// file references resolve without the fuzzer touching the disk. Needs
// PACKSIM_PARAMS_DIR (packsim_models defines it for its users).
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "tests/fuzz/fuzz_support.h"

namespace packsim::fuzz {

// Every file under the source tree's models/params (cells and packs), by the
// path it would have under `root` (e.g. "/fuzz/models/params/packs/lfp_16s1p.yaml"):
// a scenario at /fuzz/scenarios/x.yaml naming ../models/params/packs/... finds them.
inline std::map<std::string, std::string> bundled_params(const std::string& root) {
  std::map<std::string, std::string> texts;
  const std::filesystem::path params{PACKSIM_PARAMS_DIR};
  for (const auto& entry : std::filesystem::recursive_directory_iterator{params}) {
    if (!entry.is_regular_file() || entry.path().extension() != ".yaml") continue;
    std::ifstream stream{entry.path(), std::ios::binary};
    std::ostringstream text;
    text << stream.rdbuf();
    const std::string relative{std::filesystem::relative(entry.path(), params).generic_string()};
    texts[root + "/models/params/" + relative] = text.str();
  }
  if (texts.empty()) fuzz_finding("no parameter files under " PACKSIM_PARAMS_DIR);
  return texts;
}

}  // namespace packsim::fuzz

// libFuzzer target: the scenario validator (`packsim validate`, the runner's
// first step) reading the input as a scenario file. The shipped cell and pack
// files are bundled beside it (SourceFiles::bundle, no disk), so a scenario
// naming ../models/params/packs/lfp_16s1p.yaml loads the real pack and the
// fuzzer reaches steps, faults, conditions and expectations. An InputError
// is the expected answer to bad input; anything else escaping is a finding.
#include <cstddef>
#include <cstdint>
#include <map>
#include <exception>
#include <string>

#include "common/input_error.h"
#include "common/source_files.h"
#include "sim/scenario/scenario_loader.h"
#include "tests/fuzz/fuzz_params.h"

namespace {

const std::string kScenarioPath{"/fuzz/scenarios/fuzz.yaml"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::map<std::string, std::string> kParams{packsim::fuzz::bundled_params("/fuzz")};
  std::map<std::string, std::string> texts{kParams};
  texts[kScenarioPath] = std::string(reinterpret_cast<const char*>(data), size);
  packsim::SourceFiles files{packsim::SourceFiles::bundle(std::move(texts))};
  try {
    const packsim::scenario::Scenario scenario{packsim::scenario::validate_scenario(kScenarioPath, files)};
    PACKSIM_FUZZ_CHECK(!scenario.name.empty());
    packsim::fuzz::note("valid scenario '" + scenario.name + "'");
  } catch (const packsim::InputError& error) {
    packsim::fuzz::note(error.what());
    PACKSIM_FUZZ_CHECK(!error.message().empty());
  }
  return 0;
}

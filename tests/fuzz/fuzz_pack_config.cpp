// libFuzzer target: the pack parameter loader (models/pack/pack_config.h)
// reading the input as a pack file beside the shipped ones, so its
// `cell: ../lfp_a123_26650.yaml` resolves to the real (bundled) cell file.
// InputError is the expected answer to bad input; anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "common/input_error.h"
#include "common/source_files.h"
#include "models/pack/pack_config.h"
#include "tests/fuzz/fuzz_params.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::map<std::string, std::string> kParams{packsim::fuzz::bundled_params("/fuzz")};
  const std::string path{"/fuzz/models/params/packs/fuzz.yaml"};
  std::map<std::string, std::string> texts{kParams};
  texts[path] = std::string(reinterpret_cast<const char*>(data), size);
  packsim::SourceFiles files{packsim::SourceFiles::bundle(std::move(texts))};
  try {
    const packsim::models::PackConfig pack{packsim::models::load_pack_config(path, files)};
    PACKSIM_FUZZ_CHECK(pack.series >= 1 && pack.parallel >= 1);
    packsim::fuzz::note("valid pack '" + pack.name + "'");
  } catch (const packsim::InputError& error) {
    packsim::fuzz::note(error.what());
    PACKSIM_FUZZ_CHECK(!error.message().empty());
  }
  return 0;
}

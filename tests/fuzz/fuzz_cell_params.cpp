// libFuzzer target: the cell parameter loader (models/cell/cell_params.h)
// reading the input as a cell file (OCV and impedance tables, thermal,
// self-discharge and aging blocks). InputError is the expected answer to bad
// input; anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/input_error.h"
#include "common/source_files.h"
#include "models/cell/cell_params.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path{"/fuzz/models/params/fuzz.yaml"};
  packsim::SourceFiles files{
      packsim::SourceFiles::bundle({{path, std::string(reinterpret_cast<const char*>(data), size)}})};
  try {
    const packsim::models::CellParams cell{packsim::models::load_cell_params(path, files)};
    PACKSIM_FUZZ_CHECK(cell.capacity_ah > 0.0);
    packsim::fuzz::note("valid cell '" + cell.name + "'");
  } catch (const packsim::InputError& error) {
    packsim::fuzz::note(error.what());
    PACKSIM_FUZZ_CHECK(!error.message().empty());
  }
  return 0;
}

// libFuzzer target: the `packsim plant --step` parser (sim/experiment/
// experiment_step.h) reading the input as one step string. A step that parses
// must describe itself as a step that parses back to the same fields (the
// header's promise); a refusal must be an InputError pointing into the text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/input_error.h"
#include "sim/experiment/experiment_step.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

bool same_fields(const packsim::sim::ExperimentStep& a, const packsim::sim::ExperimentStep& b) {
  if (a.mode != b.mode || a.drive != b.drive || a.drive_value != b.drive_value || a.duration_s != b.duration_s ||
      a.until.size() != b.until.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.until.size(); ++i) {
    if (a.until[i].kind != b.until[i].kind || a.until[i].value != b.until[i].value) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  packsim::sim::ExperimentStep step;
  try {
    step = packsim::sim::parse_experiment_step(text, "--step 1");
  } catch (const packsim::InputError& error) {
    packsim::fuzz::note(error.what());
    PACKSIM_FUZZ_CHECK(!error.message().empty());
    PACKSIM_FUZZ_CHECK(error.where().line == 1 && error.where().column >= 1);
    PACKSIM_FUZZ_CHECK(static_cast<std::size_t>(error.where().column) <= size + 1);
    return 0;
  }
  PACKSIM_FUZZ_CHECK(step.drive_value >= 0.0);
  PACKSIM_FUZZ_CHECK(step.duration_s.has_value() || !step.until.empty());
  const std::string described{packsim::sim::describe(step)};
  packsim::fuzz::note("valid step: " + described);
  try {
    const packsim::sim::ExperimentStep again{packsim::sim::parse_experiment_step(described, "describe")};
    if (!same_fields(step, again)) {
      packsim::fuzz::fuzz_finding("describe() gives a step with other fields: '" + described + "'");
    }
  } catch (const packsim::InputError& error) {
    packsim::fuzz::fuzz_finding("describe() gives a step that does not parse: '" + described + "': " + error.what());
  }
  return 0;
}

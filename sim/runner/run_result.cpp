#include "sim/runner/run_result.h"

#include "sim/runner/expectation_monitor.h"

namespace packsim::runner {

std::string FirmwareFaultRecord::text() const {
  return "firmware " + kind + " at " + format_time(at_ns) + ": " + detail;
}

std::string RunResult::ended_early_because() const {
  if (!interrupted.empty()) return interrupted;
  if (firmware_fault) return firmware_fault->text();
  if (!error.empty()) return "the run stopped: " + error;
  return "";
}

}  // namespace packsim::runner

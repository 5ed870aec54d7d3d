#include "sim/runner/run_result.h"

#include "sim/runner/expectation_monitor.h"

namespace packsim::runner {

std::string FirmwareFaultRecord::text() const {
  return "firmware " + kind + " at " + format_time(at_ns) + ": " + detail;
}

}  // namespace packsim::runner

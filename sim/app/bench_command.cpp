#include "sim/app/bench_command.h"

#include <ostream>

namespace packsim::app {

int run_bench_command(const BenchOptions& /*options*/, std::ostream& out) {
  out << "{}\n";
  return 0;
}

}  // namespace packsim::app

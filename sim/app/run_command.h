#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "sim/app/exit_codes.h"

namespace CLI {
class App;
}

namespace packsim::app {

struct RunOptions {
  std::vector<std::string> scenario_paths;
  std::string out_dir{"packsim-out"};
  std::string junit_path;  // empty: OUT/junit.xml
  std::optional<std::uint64_t> seed;
  std::string firmware_path;  // a firmware .so for every scenario; empty: as each scenario says
  bool write_reports{true};   // OUT/<scenario>/report.html, and OUT/report.html for several scenarios
  bool realtime{false};       // paced to the wall clock, 1 ms periods
  double realtime_speed{1.0};  // virtual seconds per wall second when paced
  int rt_priority{0};          // SCHED_FIFO priority when paced (0: normal scheduling)
  std::optional<bool> isolate;  // --isolate / --no-isolate; nullopt: as each scenario says
  std::string firmware_link;    // processor in the loop: serial:DEVICE[@BAUD] or tcp:HOST:PORT
  double firmware_timeout_s{10.0};  // wall time one bms_init / bms_tick may take over a link
  std::int64_t until_limit_ns{48LL * 3600 * 1'000'000'000};  // a step's `until` without `for` gives up here
  std::int64_t trace_period_ns{1'000'000'000};  // periodic trace rows (notable instants get rows too)
};

// Trace rows `packsim run` keeps in memory per run (for report.html); the
// trace file has every row. 200,000 rows: 55 h at the default period.
inline constexpr std::size_t kRunTraceMemoryRows{200'000};
// CAN frames kept in memory per run; can.log has every frame.
inline constexpr std::size_t kRunCanMemoryFrames{100'000};

// Exit codes of `packsim run`.
inline constexpr int kRunAllPassed{kExitSuccess};
inline constexpr int kRunSomeFailed{kExitExpectationFailed};
inline constexpr int kRunBadInput{kExitBadInput};
// The physics stopped, an output could not be written, memory ran out.
inline constexpr int kRunCouldNotRun{kExitCouldNotRun};
// The firmware under test crashed, exited, hung, flooded a bus or broke its
// link in at least one run (its run ended there with a failed verdict).
inline constexpr int kRunFirmwareFault{kExitFirmwareFault};

CLI::App& add_run_command(CLI::App& app, RunOptions& options);

// Validates every scenario first (any bad file: its file:line:col on err, exit
// 2, nothing runs), then runs each, writing OUT/<scenario>/trace.csv, can.log
// and report.html, an index OUT/report.html when several ran, and the JUnit
// file, and prints a verdict table on out.
int run_run_command(const RunOptions& options, std::ostream& out, std::ostream& err);

}  // namespace packsim::app

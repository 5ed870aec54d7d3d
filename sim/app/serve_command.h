#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "sim/app/exit_codes.h"

namespace CLI {
class App;
}

namespace packsim::app {

struct ServeOptions {
  std::string uart_link;          // empty: no UART pty
  std::string can_link;           // the PATH of --can slcan:PATH; empty: no CAN pty
  std::string pack_path;          // empty: the rig's default (lfp_16s1p.yaml)
  std::optional<double> initial_soc;  // 0..1
  double ambient_c{25.0};         // -40..85
  std::string firmware_path;      // a firmware .so; empty: the reference firmware
  std::optional<bool> isolate;    // in a child process (default: a .so is, the reference firmware is not)
  bool inverter{true};            // the rig's own inverter node (its 0x305 heartbeat)
  double realtime_speed{1.0};     // virtual seconds per wall second, 0.001..1000
  std::optional<double> duration_s;  // virtual; none: until SIGINT/SIGTERM/SIGHUP/SIGQUIT
};

// Exit codes of `packsim serve`.
inline constexpr int kServeStopped{kExitSuccess};
inline constexpr int kServeBadInput{kExitBadInput};
// The physics stopped, a link failed, memory ran out.
inline constexpr int kServeCouldNotRun{kExitCouldNotRun};
// The firmware crashed, exited, hung, flooded a bus or broke its link (isolated).
inline constexpr int kServeFirmwareFault{kExitFirmwareFault};

CLI::App& add_serve_command(CLI::App& app, ServeOptions& options);

// HIL mode: runs the rig paced to the wall clock (always: unpaced, the
// simulation would race ahead of every external tool) with its service UART
// and CAN bus on ptys, until a stop signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT:
// exit 0) or the duration. What it serves on out; on err, bad input (exit 2,
// checked before any link is made: a numeric option outside its range, named
// with the range; a pack the bq76952 or the reference firmware cannot take, as
// `packsim run` refuses it; one path for both links; a link that cannot be
// made; a firmware that does not load), a firmware fault (4), or anything else
// (3: the physics, a pty or link failure, memory, an internal error; never 1).
// The options are checked again here for callers that fill them directly.
// The links are removed on every exit.
int run_serve_command(const ServeOptions& options, std::ostream& out, std::ostream& err);

}  // namespace packsim::app

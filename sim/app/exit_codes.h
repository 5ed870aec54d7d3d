#pragma once

// packsim's exit codes. Each means one thing, because CI pipelines act on
// them: a 1 sends an engineer to the firmware, a 3 to the machine or to us.
// Every subcommand uses these; README.md and each --help list them.

namespace packsim::app {

// Every expectation held (run), or the command did what it was asked.
inline constexpr int kExitSuccess{0};
// At least one expectation failed: a verdict on the firmware.
inline constexpr int kExitExpectationFailed{1};
// The input is wrong (a file, an option, an output path): nothing ran, or a
// partial result was not passed off as whole. Printed as file:line:col.
inline constexpr int kExitBadInput{2};
// The run could not be carried out for a reason that is neither the input's
// nor the firmware's: the physics reached an impossible state (named by
// cell, state and time), an I/O error or a full disk while writing results,
// memory exhausted, or an internal error.
inline constexpr int kExitCouldNotRun{3};
// The firmware under test crashed, exited, hung, flooded a bus or broke its
// link (run, serve).
inline constexpr int kExitFirmwareFault{4};
// A run stopped by a signal (SIGINT, SIGTERM, SIGHUP): 128 + the signal's
// number, as a shell reports it (130 for Ctrl-C). What was recorded is
// written and marked interrupted. (`packsim serve` runs until it is told to
// stop: a stop signal is its normal end, exit 0.)
inline constexpr int exit_code_for_signal(int signal_number) { return 128 + signal_number; }

}  // namespace packsim::app

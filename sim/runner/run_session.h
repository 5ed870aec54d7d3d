#pragma once

// One run of a scenario's bench, a step at a time: the rig built from the
// scenario (pack, environment, firmware and its configuration, seeds), the
// expectations checked online at every check instant, the trace. The
// ScenarioRunner executes the scenario's own steps through it; a live
// session (Python's Simulator) executes steps as its user gives them, so both
// compute exactly the same things the same way.

#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bms_under_test/hal/link/firmware_process.h"
#include "sim/clock/realtime_pacer.h"
#include "sim/clock/virtual_clock.h"
#include "sim/hil/hil_rig.h"
#include "sim/runner/expectation_monitor.h"
#include "sim/runner/run_result.h"
#include "sim/runner/signal_sampler.h"
#include "sim/runner/trace_recorder.h"
#include "sim/scenario/scenario.h"

namespace packsim::runner {

// Where the firmware's code runs.
struct FirmwareExecution {
  // In a child process of its own (hal::spawn_firmware_process), so that a
  // crash, an exit or a hang becomes a verdict. nullopt: as the scenario says
  // (firmware.isolate), by default isolated for a shared object and in this
  // process for the reference firmware.
  std::optional<bool> isolate;
  hal::ProcessOptions::Channel channel{hal::ProcessOptions::Channel::kSharedMemory};
  // Processor in the loop: the firmware runs on an MCU at the far end of this
  // link, "serial:/dev/ttyACM0@115200" or "tcp:HOST:PORT" (sim/transport/
  // link_address.h); the scenario's image is whatever the MCU holds.
  std::string link;
  hal::LinkOptions link_options{};
};

// How long a step's `until` may wait when the step has no `for`.
inline constexpr sim::TimeNs kDefaultUntilLimitNs{48 * 3600 * sim::kNsPerS};

struct RunOptions {
  sim::TimeNs check_period_ns{10 * sim::kNsPerMs};
  sim::TimeNs trace_period_ns{sim::kNsPerS};
  // The trace streams to this file as it grows (GrowingFile: "<path>.partial"
  // until ScenarioRunner::commit_trace_file); empty: kept in memory only.
  std::string trace_file;
  // Trace rows kept in memory at most (TraceRecorder::set_memory_row_limit);
  // 0: every row (Python's arrays).
  std::size_t trace_memory_rows{0};
  // The CAN log (candump) streams to this file as frames are sent, and the
  // bus keeps at most can_memory_frames in memory (0: all); empty: the log
  // is built from memory at the end.
  std::string can_log_file;
  std::size_t can_memory_frames{0};
  // A step with an `until` and no `for` gives up after this much simulated
  // time: a failed step naming the limit (packsim run --until-limit). Steps
  // with a `for` run as long as it says.
  sim::TimeNs until_limit_ns{kDefaultUntilLimitNs};
  // The whole run stops here without a verdict of its own (benchmarks cut a
  // workload short); by default never.
  sim::TimeNs max_time_ns{std::numeric_limits<sim::TimeNs>::max()};
  // service.* signals: the JBD 0x03 answer is polled this often, only when used.
  sim::TimeNs service_poll_period_ns{sim::kNsPerS};
  std::optional<std::uint64_t> seed;  // replaces the scenario's
  // Paced to the wall clock (rigs, demos) instead of as fast as possible.
  std::optional<sim::PacerOptions> realtime;
  // Called now and then with the simulated time (s), e.g. for a progress line.
  std::function<void(double)> progress;
  // Asked after every check; true stops the run there with RunInterrupted
  // (e.g. Ctrl-C in Python). The session stays consistent at that instant.
  std::function<bool()> interrupted;
  // What an interruption is: empty, RunInterrupted propagates out of
  // ScenarioRunner::run (Python raises KeyboardInterrupt); otherwise the run
  // ends there like a firmware fault (everything recorded stands, the trace
  // ends with a note) and RunResult::interrupted holds this cause, e.g.
  // "interrupted by SIGINT" (packsim run).
  std::function<std::string()> interruption_cause;
  FirmwareExecution firmware;
  // Loads an image in this process (when it is not isolated or linked); by
  // default the linked-in reference firmware or the shared object's path.
  // Python loads a private copy per rig, so several rigs live at once.
  std::function<hal::Firmware(const scenario::FirmwareImage&)> load_firmware;
  // The trace also keeps every cell's voltage, temperature and SOC per row.
  bool record_cells{false};
};

// The trace's columns for a scenario: the base signals, then every signal its
// conditions read, in the signal table's order.
std::vector<scenario::SignalRef> trace_columns(const scenario::Scenario& scenario);

// The firmware for an image, as `packsim run` loads it in this process.
hal::Firmware load_firmware_image(const scenario::FirmwareImage& image);
// Whether `image` runs in a child process: as `how` says, else as the
// scenario's firmware.isolate says, else isolated unless it is the reference.
bool runs_isolated(const scenario::FirmwareImage& image, const scenario::FirmwareSpec& spec,
                   const FirmwareExecution& how);
// The firmware for an image as a run of `scenario` with `options` gets it:
// linked (processor in the loop), in a child process, or in this process.
// Throws hal::FirmwareLoadError for a file that is not a firmware or a link
// that cannot be opened, hal::FirmwareFault for one that fails at once.
hal::Firmware firmware_for_run(const scenario::FirmwareImage& image, const scenario::FirmwareSpec& spec,
                               const RunOptions& options);

// RunOptions::interrupted said stop. Not a std::exception: a catch-all for
// broken runs must not turn it into a verdict.
class RunInterrupted {};

class RunSession {
 public:
  // The scenario must outlive the session. Builds the rig at t = 0.
  RunSession(const scenario::Scenario& scenario, const RunOptions& options);
  ~RunSession();
  RunSession(const RunSession&) = delete;
  RunSession& operator=(const RunSession&) = delete;

  // Time zero: the `start` event and the first check (once, before anything).
  void start();
  // Executes a step: its action now, then time passes until its `for` or
  // `until`, checked. index numbers it for step events and failures (the
  // scenario's steps are 0..n-1). False when the step itself failed (a
  // service request refused...): the failure joins the results.
  bool execute(int index, const scenario::Step& step);
  // Time passes, checked, up to `end` (or until an `until` holds / timeout).
  void run_until_time(sim::TimeNs end);
  // Runs until the condition holds at a check, at most `timeout`: the instant
  // it held, or nullopt. Checked once before time passes.
  std::optional<sim::TimeNs> run_until(const scenario::Condition& condition, sim::TimeNs timeout);
  std::optional<sim::TimeNs> run_until(const std::function<bool()>& condition, sim::TimeNs timeout);

  // A trace row at this instant (the end of a run gets one).
  void sample_trace() { trace_.sample(now(), *sampler_, true); }
  // A line the trace ends with, saying why the run ended early.
  void note_end(const std::string& text) { trace_.set_end_note(text); }
  // Moves the trace out; the session is done with.
  TraceRecorder release_trace() { return std::move(trace_); }
  // Moves the streamed CAN log out (null when it was not streamed).
  std::unique_ptr<GrowingFile> release_can_log_file() { return std::move(can_log_file_); }

  // The verdicts now: each expectation as if the run ended at this instant
  // (the session may go on), then the step failures so far.
  std::vector<ExpectationResult> verdicts() const;

  sim::TimeNs now() const { return rig_->now_ns(); }
  hil::HilRig& rig() { return *rig_; }
  const hil::HilRig& rig() const { return *rig_; }
  SignalSampler& sampler() { return *sampler_; }
  const TraceRecorder& trace() const { return trace_; }
  const scenario::Scenario& scenario() const { return scenario_; }
  const scenario::FirmwareImage& firmware_image() const { return image_; }
  std::optional<sim::PacerStats> pacer_stats() const;
  // The CAN bus so far, candump format.
  std::string can_log() const;

 private:
  struct PendingAction {
    sim::TimeNs at_ns;
    std::function<void()> apply;
  };

  void set_port(const models::PortModel& port);
  void check_now(bool force_trace = false);
  void process_due();
  void schedule(sim::TimeNs at_ns, std::function<void()> apply);
  void step_to_next_check(sim::TimeNs end);
  // Until `end` or until `stop` holds after a check (checked first too).
  std::optional<sim::TimeNs> advance(sim::TimeNs end, const std::function<bool()>& stop);
  void step_failure(int index, const scenario::Step& step, std::string detail);
  void inject(const scenario::Fault& fault);
  void reflash(int index, const scenario::Step& step, const scenario::FirmwareImage& image);
  void bus(const scenario::BusAction& action);
  void service(int index, const scenario::Step& step, const scenario::Service& request);

  const scenario::Scenario& scenario_;
  const RunOptions& options_;
  TraceRecorder trace_;
  std::unique_ptr<GrowingFile> can_log_file_;
  std::unique_ptr<hil::HilRig> rig_;
  std::unique_ptr<SignalSampler> sampler_;
  std::unique_ptr<sim::RealTimePacer> pacer_;
  std::vector<ExpectationMonitor> monitors_;
  std::vector<ExpectationResult> step_failures_;
  std::vector<PendingAction> pending_;
  scenario::FirmwareImage image_;  // what runs now
  bool started_{false};
  bool poll_service_{false};
  bool ambient_overridden_{false};
  int port_generation_{0};
  sim::TimeNs next_trace_ns_{0};
  sim::TimeNs next_service_poll_ns_{0};
  std::uint64_t checks_{0};
};

}  // namespace packsim::runner

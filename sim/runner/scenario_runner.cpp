#include "sim/runner/scenario_runner.h"

#include <chrono>
#include <exception>
#include <memory>
#include <new>
#include <utility>

#include "bms_under_test/hal/firmware_fault.h"
#include "sim/runner/expectation_monitor.h"

namespace packsim::runner {

ScenarioRunner::ScenarioRunner(scenario::Scenario scenario, RunOptions options)
    : scenario_{std::move(scenario)}, options_{std::move(options)} {}

namespace {

// Everything up to the instant a run ended early stands: a trace row there,
// the verdicts as they are then, and a note saying why it ended.
void end_early(RunSession* session, RunResult& result) {
  if (session == nullptr) return;
  try {
    session->sample_trace();
    session->note_end(result.ended_early_because());
    result.expectations = session->verdicts();
    result.statistics.simulated_s = sim::to_seconds(session->now());
    result.statistics.realtime = session->pacer_stats();
    result.statistics.firmware_link = session->rig().firmware().firmware().link_statistics();
  } catch (const std::exception&) {
    // A session that broke inside (e.g. the physics) may not sample again:
    // what it recorded before stands, without the extra row.
    session->note_end(result.ended_early_because());
  }
}

}  // namespace

RunResult ScenarioRunner::run() {
  RunResult result;
  result.scenario_name = scenario_.name;
  result.scenario_file = scenario_.file;
  trace_.reset();
  can_log_.clear();
  can_records_.clear();
  can_node_names_.clear();
  pack_.reset();
  final_state_.reset();
  const auto wall_start{std::chrono::steady_clock::now()};
  const auto stop_clock = [&] {
    result.statistics.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  };
  std::unique_ptr<RunSession> session;
  try {
    session = std::make_unique<RunSession>(scenario_, options_);
    session->start();
    for (std::size_t i = 0; i < scenario_.steps.size() && session->now() < options_.max_time_ns; ++i) {
      session->execute(static_cast<int>(i), scenario_.steps[i]);
    }
    const sim::TimeNs end{session->now()};
    // The last instant gets a row, as the verdicts see it.
    session->sample_trace();
    result.expectations = session->verdicts();
    result.statistics.simulated_s = sim::to_seconds(end);
    result.statistics.realtime = session->pacer_stats();
    result.statistics.firmware_link = session->rig().firmware().firmware().link_statistics();
    stop_clock();  // the simulation's own time, not the log's formatting
  } catch (const hal::FirmwareFault& fault) {
    stop_clock();
    result.firmware_fault = FirmwareFaultRecord{std::string{hal::firmware_fault_kind_name(fault.kind())},
                                                fault.detail(), session ? session->now() : 0};
    end_early(session.get(), result);
  } catch (const RunInterrupted&) {
    if (!options_.interruption_cause) throw;
    stop_clock();
    result.interrupted = options_.interruption_cause() + " at " + format_time(session ? session->now() : 0);
    end_early(session.get(), result);
  } catch (const std::bad_alloc&) {
    // Memory may be short for anything more than the message.
    stop_clock();
    result.error = "out of memory";
  } catch (const std::exception& e) {
    stop_clock();
    result.error = e.what();
    end_early(session.get(), result);
  }
  if (session) {
    // Up to where the run got, also when it broke.
    hil::CanBus& bus{session->rig().can_bus()};
    bus.set_record_listener(nullptr);
    can_log_file_ = session->release_can_log_file();
    if (!can_log_file_) can_log_ = session->can_log();
    can_records_ = bus.records();
    for (std::size_t i = 0; i < bus.node_count(); ++i) can_node_names_.emplace_back(bus.node_name(i));
    pack_.emplace(session->rig().pack());
    final_state_.emplace(session->rig().pack_state());
    trace_.emplace(session->release_trace());
  } else {
    trace_.emplace(trace_columns(scenario_));
  }
  return result;
}

}  // namespace packsim::runner

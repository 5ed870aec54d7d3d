#include "sim/runner/scenario_runner.h"

#include <chrono>
#include <exception>
#include <memory>
#include <utility>

#include "bms_under_test/hal/firmware_fault.h"

namespace packsim::runner {

ScenarioRunner::ScenarioRunner(scenario::Scenario scenario, RunOptions options)
    : scenario_{std::move(scenario)}, options_{std::move(options)} {}

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
    if (session) {
      // Everything up to the fault stands: a trace row at its instant, the
      // verdicts as they are then, and a note that the run ended there.
      session->sample_trace();
      session->note_end(result.firmware_fault->text());
      result.expectations = session->verdicts();
      result.statistics.simulated_s = sim::to_seconds(session->now());
      result.statistics.realtime = session->pacer_stats();
      result.statistics.firmware_link = session->rig().firmware().firmware().link_statistics();
    }
  } catch (const std::exception& e) {
    stop_clock();
    result.error = e.what();
  }
  if (session) {
    // Up to where the run got, also when it broke.
    const hil::CanBus& bus{session->rig().can_bus()};
    can_log_ = session->can_log();
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

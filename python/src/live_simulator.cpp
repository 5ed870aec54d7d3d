#include "python/src/live_simulator.h"

#include <filesystem>
#include <stdexcept>

#include "common/source_files.h"
#include "common/yaml_reader.h"
#include "python/src/firmware_instances.h"

namespace packsim::python {

namespace {

scenario::Scenario with_firmware(const ScenarioHandle& handle, const std::optional<std::string>& firmware,
                                 std::optional<bool> isolate) {
  scenario::Scenario s{handle.scenario};
  apply_firmware_arguments(s, firmware, isolate);
  return s;
}

scenario::StepContext step_context(const scenario::Scenario& s) {
  scenario::StepContext context;
  context.conditions.series = s.pack.config.series;
  context.conditions.cells = s.pack.config.series * s.pack.config.parallel;
  context.conditions.nominal_capacity_ah = s.pack.nominal_capacity_ah;
  context.scenario_dir = std::filesystem::path{s.file}.parent_path().string();
  return context;
}

runner::RunOptions live_options(Interruption& interruption, std::optional<std::uint64_t> seed) {
  runner::RunOptions options;
  options.seed = seed;
  options.record_cells = true;
  options.load_firmware = load_private_firmware;
  options.interrupted = [&interruption] { return interruption.poll(); };
  // A live rig runs as long as its user says.
  options.max_time_ns = std::numeric_limits<sim::TimeNs>::max();
  return options;
}

}  // namespace

LiveSimulator::LiveSimulator(const ScenarioHandle& scenario, const std::optional<std::string>& firmware,
                             std::optional<std::uint64_t> seed, std::optional<bool> isolate)
    : scenario_{with_firmware(scenario, firmware, isolate)},
      seed_{seed.value_or(scenario_.seed)},
      options_{live_options(interruption_, seed)},
      session_{scenario_, options_},
      timeline_{step_context(scenario_)} {
  session_.start();
}

LiveSimulator::~LiveSimulator() = default;

LiveSimulator::Call::Call(LiveSimulator& simulator, Access access) : simulator_{simulator} {
  if (simulator.owner_.load() == std::this_thread::get_id()) {
    if (access == Access::kRead) return;  // e.g. a run_until condition reading the rig it waits on
    throw std::runtime_error{"a run_until condition may read the Simulator but not run it"};
  }
  if (!simulator.busy_.try_lock()) {
    throw std::runtime_error{"this Simulator is busy with a call from another thread (one call at a time)"};
  }
  owns_ = true;
  simulator.owner_.store(std::this_thread::get_id());
}

LiveSimulator::Call::~Call() {
  if (!owns_) return;
  simulator_.owner_.store(std::thread::id{});
  simulator_.busy_.unlock();
}

bool LiveSimulator::execute_step_text(const std::string& yaml, const std::string& path) {
  SourceFiles files{SourceFiles::bundle({{path, yaml}})};
  const YamlObject entry{YamlObject::load_file(path, files)};
  entry.refuse_duplicate_keys();
  const scenario::Step step{timeline_.read(entry)};
  // Numbered as a scenario's own steps are: a Simulator driven with a
  // scenario's steps fires the step events its expectations refer to.
  const int index{steps_executed_++};
  return session_.execute(index, step);
}

scenario::Condition LiveSimulator::parse_condition(const std::string& text) const {
  scenario::ConditionContext context{step_context(scenario_).conditions};
  context.allow_elapsed = true;  // "2 h": time since run_until began
  return scenario::parse_condition(YamlScalar{text, SourceLocation{"condition", 1, 1}}, context);
}

}  // namespace packsim::python

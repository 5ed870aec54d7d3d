// packsim.run: the same computation as `packsim run` (ScenarioRunner), with
// the firmware as a private copy so that runs and Simulators coexist in one
// process, the GIL released and Ctrl-C honoured. The result keeps the trace,
// the CAN log and the final pack state for numpy.
#include <pybind11/stl.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>

#include "python/src/bindings.h"
#include "python/src/firmware_instances.h"
#include "python/src/interruptible.h"
#include "python/src/scenario_handle.h"
#include "python/src/trace_arrays.h"
#include "sim/report/run_outputs.h"
#include "sim/runner/atomic_file.h"
#include "sim/runner/junit_writer.h"
#include "common/yaml_reader.h"
#include "sim/runner/scenario_runner.h"
#include "sim/scenario/quantity.h"

namespace py = pybind11;

namespace packsim::python {

namespace {

// What a finished run leaves behind.
struct RunOutput {
  Interruption interruption;  // the runner's options refer to it
  runner::RunResult result;
  std::unique_ptr<runner::ScenarioRunner> scenario_runner;
  std::uint64_t seed{0};
};

std::shared_ptr<RunOutput> run(const ScenarioHandle& handle, std::optional<std::uint64_t> seed,
                               std::optional<std::string> firmware, bool record_cells, std::optional<bool> isolate,
                               double until_limit_s, double trace_period_s) {
  scenario::Scenario s{handle.scenario};
  apply_firmware_arguments(s, firmware, isolate);
  auto output{std::make_shared<RunOutput>()};
  runner::RunOptions options;
  options.seed = seed;
  options.record_cells = record_cells;
  options.load_firmware = load_private_firmware;
  options.interrupted = [interruption = &output->interruption] { return interruption->poll(); };
  // As `packsim run --until-limit / --trace-period` check them.
  if (!(until_limit_s >= 1e-3 && until_limit_s <= scenario::kMaxDurationS)) {
    throw py::value_error("until_limit: " + format_number(until_limit_s) + " s is not accepted; expected 0.001 s to " +
                          format_number(scenario::kMaxDurationS) + " s");
  }
  if (!(trace_period_s >= 1e-3 && trace_period_s <= scenario::kMaxDurationS)) {
    throw py::value_error("trace_period: " + format_number(trace_period_s) +
                          " s is not accepted; expected 0.001 s to " + format_number(scenario::kMaxDurationS) + " s");
  }
  options.until_limit_ns = static_cast<sim::TimeNs>(std::llround(until_limit_s * 1e9));
  options.trace_period_ns = static_cast<sim::TimeNs>(std::llround(trace_period_s * 1e9));
  output->seed = seed.value_or(s.seed);
  output->scenario_runner = std::make_unique<runner::ScenarioRunner>(std::move(s), options);
  output->result = call_without_gil(output->interruption, [&] { return output->scenario_runner->run(); });
  return output;
}

void write_outputs(const RunOutput& output, const std::string& out_dir, const std::optional<std::string>& junit,
                   bool write_report) {
  const scenario::Scenario& s{output.scenario_runner->scenario()};
  const std::string dir{(std::filesystem::path{out_dir} / report::output_dir_name(s)).string()};
  report::write_run_outputs(dir, output.result, *output.scenario_runner, output.seed, write_report);
  runner::write_file_atomically(junit.value_or(out_dir + "/junit.xml"), runner::junit_xml({output.result}));
}

}  // namespace

void bind_runner(py::module_& m) {
  py::class_<runner::ExpectationResult>(m, "ExpectationResult", "One expectation's verdict")
      .def_readonly("name", &runner::ExpectationResult::name)
      .def_readonly("text", &runner::ExpectationResult::text, "the expectation as written")
      .def_readonly("passed", &runner::ExpectationResult::passed)
      .def_readonly("detail", &runner::ExpectationResult::detail, "why it failed (or how it passed), with times and values")
      .def_property_readonly(
          "failed_at_s",
          [](const runner::ExpectationResult& e) -> std::optional<double> {
            if (e.passed || !e.failed_at_ns) return std::nullopt;
            return sim::to_seconds(*e.failed_at_ns);
          },
          "the simulated time of the check that decided a failure (None when it passed)")
      .def("__repr__", [](const runner::ExpectationResult& e) {
        return "<ExpectationResult " + e.name + ": " + (e.passed ? "passed" : "FAILED") + ", " + e.detail + ">";
      });

  py::class_<runner::RunStatistics>(m, "RunStatistics", "How long the run was, simulated and on the wall clock")
      .def_readonly("simulated_s", &runner::RunStatistics::simulated_s)
      .def_readonly("wall_s", &runner::RunStatistics::wall_s)
      .def_property_readonly("speed_up", &runner::RunStatistics::speed_up, "simulated seconds per wall second")
      .def_property_readonly(
          "firmware_link",
          [](const runner::RunStatistics& s) -> py::object {
            if (!s.firmware_link) return py::none();
            const hal::LinkStatistics& l{*s.firmware_link};
            py::dict d;
            d["transport"] = l.transport;
            d["runs"] = l.runs;
            d["calls"] = l.calls;
            d["bytes_sent"] = l.bytes_sent;
            d["bytes_received"] = l.bytes_received;
            d["run_wall_mean_us"] = l.run_wall_mean_us;
            d["run_wall_max_us"] = l.run_wall_max_us;
            return d;
          },
          "a firmware in a child process or over a link: its transport, runs (bms_init/bms_tick), HAL calls, bytes "
          "and the wall time of a run (us); None in this process")
      .def("__repr__", [](const runner::RunStatistics& s) {
        return "<RunStatistics " + std::to_string(s.simulated_s) + " s simulated in " + std::to_string(s.wall_s) +
               " s wall>";
      });

  py::class_<RunOutput, std::shared_ptr<RunOutput>>(m, "_RunOutput")
      .def_property_readonly("passed", [](const RunOutput& o) { return o.result.passed(); })
      .def_property_readonly("error", [](const RunOutput& o) { return o.result.error; })
      .def_property_readonly("firmware_fault",
                             [](const RunOutput& o) -> py::object {
                               const std::optional<runner::FirmwareFaultRecord>& f{o.result.firmware_fault};
                               if (!f) return py::none();
                               return py::make_tuple(f->kind, f->detail, sim::to_seconds(f->at_ns), f->text());
                             })
      .def_property_readonly("scenario_name", [](const RunOutput& o) { return o.result.scenario_name; })
      .def_property_readonly("seed", [](const RunOutput& o) { return o.seed; })
      .def_property_readonly("expectations", [](const RunOutput& o) { return o.result.expectations; })
      .def_property_readonly("statistics", [](const RunOutput& o) { return o.result.statistics; })
      .def("trace_arrays", [](const RunOutput& o) { return trace_arrays(o.scenario_runner->trace()); })
      .def("trace_csv", [](const RunOutput& o) { return o.scenario_runner->trace().csv(); })
      .def("can_columns",
           [](const RunOutput& o) {
             return can_columns(o.scenario_runner->can_records(), o.scenario_runner->can_node_names());
           })
      .def("can_log", [](const RunOutput& o) { return o.scenario_runner->can_log(); })
      .def("final_pack",
           [](const RunOutput& o) -> py::object {
             const runner::ScenarioRunner& r{*o.scenario_runner};
             if (r.final_pack_state() == nullptr) return py::none();
             return pack_state_dict(*r.pack(), *r.final_pack_state());
           })
      .def("write_outputs", &write_outputs, py::arg("out"), py::arg("junit") = std::nullopt, py::arg("report") = true);

  m.def("_run", &run, py::arg("scenario"), py::arg("seed") = std::nullopt, py::arg("firmware") = std::nullopt,
        py::arg("record_cells") = true, py::arg("isolate") = std::nullopt,
        py::arg("until_limit_s") = sim::to_seconds(runner::kDefaultUntilLimitNs), py::arg("trace_period_s") = 1.0,
        "Runs a scenario as `packsim run` does.");
}

}  // namespace packsim::python

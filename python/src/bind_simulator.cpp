// The live rig: time passes on request (run_for, run_until with a scenario
// condition or a Python callable), steps arrive as YAML, the trace and the
// verdicts so far are there at any moment. Long calls release the GIL and
// stop on Ctrl-C at a check instant, the rig left usable.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <cmath>
#include <optional>
#include <stdexcept>

#include "python/src/bindings.h"
#include "python/src/live_simulator.h"
#include "python/src/trace_arrays.h"

namespace py = pybind11;

namespace packsim::python {

namespace {

sim::TimeNs duration_ns(double seconds, const char* what) {
  if (!std::isfinite(seconds) || seconds < 0.0 || seconds > 1e9) {
    throw py::value_error{std::string{what} + ": expected seconds in 0 .. 1e9, got " + std::to_string(seconds)};
  }
  return static_cast<sim::TimeNs>(std::llround(seconds * static_cast<double>(sim::kNsPerS)));
}

std::optional<double> seconds_or_none(const std::optional<sim::TimeNs>& t) {
  if (!t) return std::nullopt;
  return sim::to_seconds(*t);
}

}  // namespace

SimulatorClass bind_simulator(py::module_& m) {
  SimulatorClass simulator(m, "_Simulator", "The live rig behind packsim.Simulator");
  simulator
      .def(py::init<const ScenarioHandle&, const std::optional<std::string>&, std::optional<std::uint64_t>,
                    std::optional<bool>>(),
           py::arg("scenario"), py::arg("firmware") = std::nullopt, py::arg("seed") = std::nullopt,
           py::arg("isolate") = std::nullopt)
      .def_property_readonly("now_s", [](LiveSimulator& s) { const LiveSimulator::Call call{s, LiveSimulator::Access::kRead}; return sim::to_seconds(s.session().now()); })
      .def_property_readonly("seed", &LiveSimulator::seed)
      .def_property_readonly("scenario_name", [](const LiveSimulator& s) { return s.scenario().name; })
      .def_property_readonly("series", [](const LiveSimulator& s) { return s.scenario().pack.config.series; })
      .def_property_readonly("cells", [](const LiveSimulator& s) {
        return s.scenario().pack.config.series * s.scenario().pack.config.parallel;
      })
      .def(
          "run_for",
          [](LiveSimulator& s, double seconds) {
            const sim::TimeNs duration{duration_ns(seconds, "run_for")};
            LiveSimulator::Call call{s};
            call_without_gil(s.interruption(),
                             [&] { call.session().run_until_time(call.session().now() + duration); });
          },
          py::arg("seconds"))
      .def(
          "run_until_condition",
          [](LiveSimulator& s, const std::string& text, double timeout_s) {
            const sim::TimeNs timeout{duration_ns(timeout_s, "timeout")};
            LiveSimulator::Call call{s};
            const scenario::Condition condition{s.parse_condition(text)};
            return seconds_or_none(
                call_without_gil(s.interruption(), [&] { return call.session().run_until(condition, timeout); }));
          },
          py::arg("condition"), py::arg("timeout_s"))
      .def(
          "run_until_callable",
          [](LiveSimulator& s, const py::function& predicate, double timeout_s) {
            const sim::TimeNs timeout{duration_ns(timeout_s, "timeout")};
            LiveSimulator::Call call{s};
            // Asked at every check with the GIL taken; its exception stops the run there.
            const std::function<bool()> condition{[&predicate]() -> bool {
              py::gil_scoped_acquire gil;
              try {
                return py::bool_(predicate());
              } catch (py::error_already_set& error) {
                error.restore();
                throw runner::RunInterrupted{};
              }
            }};
            return seconds_or_none(
                call_without_gil(s.interruption(), [&] { return call.session().run_until(condition, timeout); }));
          },
          py::arg("predicate"), py::arg("timeout_s"))
      .def(
          "execute_step",
          [](LiveSimulator& s, const std::string& yaml, const std::string& path) {
            LiveSimulator::Call call{s};
            return call_without_gil(s.interruption(), [&] { return s.execute_step_text(yaml, path); });
          },
          py::arg("yaml"), py::arg("path"), "Reads one step (YAML) and executes it; False when the step failed")
      .def("verdicts", [](LiveSimulator& s) { const LiveSimulator::Call call{s, LiveSimulator::Access::kRead}; return s.session().verdicts(); })
      .def("trace_arrays", [](LiveSimulator& s) { const LiveSimulator::Call call{s, LiveSimulator::Access::kRead}; return trace_arrays(s.session().trace()); })
      .def("trace_csv", [](LiveSimulator& s) { const LiveSimulator::Call call{s, LiveSimulator::Access::kRead}; return s.session().trace().csv(); })
      .def(
          "log",
          [](LiveSimulator& s, std::size_t last_lines) { const LiveSimulator::Call call{s, LiveSimulator::Access::kRead};
            const auto& lines{s.session().rig().host().log_lines()};
            py::list out;
            const std::size_t first{lines.size() > last_lines ? lines.size() - last_lines : 0};
            for (std::size_t i = first; i < lines.size(); ++i) {
              out.append(py::make_tuple(sim::to_seconds(lines[i].time_ns), lines[i].text));
            }
            return out;
          },
          py::arg("last_lines") = 200);
  return simulator;
}

}  // namespace packsim::python

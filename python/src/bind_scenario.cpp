// Scenarios: loaded from a file or from texts (a dict's YAML, a pickled
// scenario's bundle), validated as `packsim validate` does. Bad input raises
// _packsim.InputError(text, file, line, column, message); the package turns
// it into packsim.ScenarioError with a key path for dicts.
#include <pybind11/stl.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <optional>
#include <regex>

#include "bms_under_test/hal/firmware_fault.h"
#include "bms_under_test/hal/firmware_loader.h"
#include "common/input_error.h"
#include "common/source_files.h"
#include "common/yaml_expansion_guard.h"
#include "models/pack/pack.h"
#include "python/src/bindings.h"
#include "python/src/scenario_handle.h"
#include "sim/scenario/scenario_loader.h"

namespace py = pybind11;

namespace packsim::python {

namespace {

// YAML 1.2 core schema for plain scalars; quoted scalars stay text.
py::object scalar_to_python(const YAML::Node& node) {
  const std::string& text{node.Scalar()};
  if (node.Tag() != "?") return py::str(text);  // quoted ("!") or tagged
  static const std::regex integer{R"([-+]?[0-9]+|0x[0-9a-fA-F]+|0o[0-7]+)"};
  static const std::regex real{R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)"};
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return py::none();
  if (text == "true" || text == "True" || text == "TRUE") return py::bool_(true);
  if (text == "false" || text == "False" || text == "FALSE") return py::bool_(false);
  if (std::regex_match(text, integer)) {
    const py::object to_int{py::module_::import("builtins").attr("int")};
    if (text.rfind("0x", 0) == 0) return to_int(text.substr(2), 16);
    if (text.rfind("0o", 0) == 0) return to_int(text.substr(2), 8);
    return to_int(text, 10);  // arbitrary size, as YAML allows
  }
  if (std::regex_match(text, real)) return py::float_(std::stod(text));
  if (text == ".inf" || text == "+.inf") return py::float_(INFINITY);
  if (text == "-.inf") return py::float_(-INFINITY);
  if (text == ".nan") return py::float_(NAN);
  return py::str(text);
}

py::object yaml_to_python(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      py::dict out;
      for (const auto& entry : node) out[yaml_to_python(entry.first)] = yaml_to_python(entry.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      py::list out;
      for (const auto& item : node) out.append(yaml_to_python(item));
      return out;
    }
    case YAML::NodeType::Scalar: return scalar_to_python(node);
    default: return py::none();
  }
}

ScenarioHandle load(const std::string& path, const std::optional<std::map<std::string, std::string>>& texts,
                    bool fallback_to_disk) {
  SourceFiles files{texts ? SourceFiles::bundle(*texts, fallback_to_disk) : SourceFiles::disk()};
  ScenarioHandle handle;
  handle.scenario = scenario::validate_scenario(path, files);
  handle.path = path;
  handle.texts = files.texts();
  return handle;
}

}  // namespace

void bind_scenario(py::module_& m) {
  static py::handle input_error{PyErr_NewExceptionWithDoc(
      "packsim._packsim.InputError",
      "Bad input: args are (text, file, line, column, message); line 0 when the file itself is the problem.",
      PyExc_ValueError, nullptr)};
  static py::handle firmware_error{PyErr_NewExceptionWithDoc(
      "packsim._packsim.FirmwareError", "A firmware that cannot be loaded (missing, not a firmware, another HAL).",
      PyExc_ValueError, nullptr)};
  static py::handle physics_error{PyErr_NewExceptionWithDoc(
      "packsim._packsim.PhysicsError", "The plant stopped: a non-finite or impossible state, named by cell and state.",
      PyExc_RuntimeError, nullptr)};
  static py::handle firmware_fault{PyErr_NewExceptionWithDoc(
      "packsim._packsim.FirmwareFault",
      "The firmware under test crashed, exited, hung, flooded a bus or broke its link; args are (text, kind, detail). "
      "The rig goes on with the firmware stopped, as a board whose MCU died.",
      PyExc_RuntimeError, nullptr)};
  m.attr("InputError") = input_error;
  m.attr("FirmwareFault") = firmware_fault;
  m.attr("FirmwareError") = firmware_error;
  m.attr("PhysicsError") = physics_error;
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      const py::tuple args{py::make_tuple(e.what(), e.where().file, e.where().line, e.where().column, e.message())};
      PyErr_SetObject(input_error.ptr(), args.ptr());
    } catch (const hal::FirmwareLoadError& e) {
      PyErr_SetString(firmware_error.ptr(), e.what());
    } catch (const models::PlantError& e) {
      PyErr_SetString(physics_error.ptr(), e.what());
    } catch (const hal::FirmwareFault& e) {
      const py::tuple args{py::make_tuple(e.what(), std::string{hal::firmware_fault_kind_name(e.kind())}, e.detail())};
      PyErr_SetObject(firmware_fault.ptr(), args.ptr());
    }
  });

  py::class_<ScenarioHandle>(m, "_Scenario", "A validated scenario and the texts it was read from")
      .def_readonly("path", &ScenarioHandle::path)
      .def_readonly("texts", &ScenarioHandle::texts)
      .def_property_readonly("name", [](const ScenarioHandle& h) { return h.scenario.name; })
      .def_property_readonly("description", [](const ScenarioHandle& h) { return h.scenario.description; })
      .def_property_readonly("seed", [](const ScenarioHandle& h) { return h.scenario.seed; })
      .def_property_readonly("series", [](const ScenarioHandle& h) { return h.scenario.pack.config.series; })
      .def_property_readonly("parallel", [](const ScenarioHandle& h) { return h.scenario.pack.config.parallel; })
      .def_property_readonly("nominal_capacity_ah",
                             [](const ScenarioHandle& h) { return h.scenario.pack.nominal_capacity_ah; })
      .def_property_readonly("cell_name", [](const ScenarioHandle& h) { return h.scenario.pack.config.cell.name; })
      .def_property_readonly("pack_file", [](const ScenarioHandle& h) { return h.scenario.pack.file; })
      .def_property_readonly("firmware",
                             [](const ScenarioHandle& h) {
                               const scenario::FirmwareImage& image{h.scenario.firmware.image};
                               return image.is_reference() ? std::string{"reference"} : image.path;
                             })
      .def_property_readonly("step_kinds",
                             [](const ScenarioHandle& h) {
                               std::vector<std::string> kinds;
                               for (const scenario::Step& step : h.scenario.steps) kinds.push_back(step.kind);
                               return kinds;
                             })
      .def_property_readonly("expectation_names", [](const ScenarioHandle& h) {
        std::vector<std::string> names;
        for (const scenario::Expectation& e : h.scenario.expectations) names.push_back(e.name);
        return names;
      });

  m.def("_load_scenario", &load, py::arg("path"), py::arg("texts") = std::nullopt,
        py::arg("fallback_to_disk") = false,
        "Loads and validates a scenario: from disk, or from texts by path (a bundle), falling back to disk.");
  m.def(
      "_yaml_to_python",
      [](const std::string& text) {
        check_yaml_expansion("<yaml>", text);
        try {
          return yaml_to_python(YAML::Load(text));
        } catch (const YAML::Exception& e) {
          throw InputError({"<yaml>", e.mark.line + 1, e.mark.column + 1}, e.msg);
        }
      },
      py::arg("text"), "A YAML document as Python values (YAML 1.2 core schema: 'off' stays text).");
}

}  // namespace packsim::python

// The `usegate` Python module's native part (`usegate._usegate`): compiling and loading
// policies, and deciding records, columns and JSON Lines files with the library `eval` and
// `filter` run. The Python layer (usegate/__init__.py) turns Python values into what these
// functions take: texts, JSON lines, arrays by layout.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "decision_run.hpp"
#include "policy_loading.hpp"
#include "usegate/runtime/time_text.hpp"
#include "usegate/usegate.hpp"

namespace py = pybind11;

namespace usegate::python {
namespace {

std::vector<std::string> reason_names(const Policy& policy) {
  std::vector<std::string> names;
  for (std::size_t reason = 0; reason < policy.reason_count(); ++reason) {
    names.emplace_back(policy.reason_name(static_cast<std::uint16_t>(reason)));
  }
  return names;
}

}  // namespace
}  // namespace usegate::python

PYBIND11_MODULE(_usegate, module) {
  using namespace usegate::python;
  module.doc() = "usegate's native part; use the `usegate` package";
  py::register_exception<InputError>(module, "InputError", PyExc_ValueError);
  py::class_<usegate::Policy>(module, "Policy")
      .def_property_readonly("name", &usegate::Policy::name)
      .def_property_readonly("title", &usegate::Policy::title)
      .def_property_readonly("version", &usegate::Policy::version)
      .def_property_readonly("reason_names", &reason_names)
      .def_property_readonly("variables", [](const usegate::Policy& policy) {
        std::vector<std::string> names;
        for (std::size_t v = 0; v < policy.variable_count(); ++v) names.emplace_back(policy.variable(v).name);
        return names;
      });
  py::class_<Run>(module, "Run")
      .def(py::init<const usegate::Policy&, const std::optional<std::string>&, const std::string&,
                    const std::optional<std::string>&, std::int64_t, const std::vector<std::string>&>())
      .def("decide_json", &Run::decide_json)
      .def("field_names", &Run::field_names)
      .def("consent_notes", &Run::consent_notes)
      .def("decide_columns", &Run::decide_columns)
      .def("filter", &Run::filter);
  module.def("compile_source", &compile_source);
  module.def("load_artifact", &load_artifact, py::arg("bytes"), py::arg("key") = py::none());
  module.def("read_public_key_file", &read_public_key_file);
  module.def("epoch_seconds_from_text", [](const std::string& text) -> std::optional<std::int64_t> {
    return usegate::runtime::epoch_seconds_from_text(text);
  });
}

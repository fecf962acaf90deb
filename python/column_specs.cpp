#include "column_specs.hpp"

#include <pybind11/numpy.h>

#include <string>

#include "object_cells.hpp"

namespace py = pybind11;

namespace usegate::python {
namespace {

// The array of a column, checked: one dimension, `rows` entries, contiguous, of the dtype
// kind and item size its layout holds.
py::array checked_array(const py::handle& object, const std::string& column, std::size_t rows, const char* kinds,
                        bool any_width, py::ssize_t width) {
  const auto array = py::reinterpret_borrow<py::object>(object).cast<py::array>();
  const bool shape_fits = array.ndim() == 1 && static_cast<std::size_t>(array.shape(0)) == rows &&
                          (array.flags() & py::array::c_style) != 0;
  const bool type_fits =
      std::string(kinds).find(array.dtype().kind()) != std::string::npos && (any_width || array.itemsize() == width);
  if (!shape_fits || !type_fits) {
    throw py::value_error("column `" + column + "` is not a flat array of " + std::to_string(rows) +
                          " values of its layout");
  }
  return array;
}

}  // namespace

std::vector<InputColumn> read_column_specs(const py::list& specs, std::size_t rows) {
  std::vector<InputColumn> columns;
  for (const auto& item : specs) {
    const auto spec = item.cast<py::tuple>();
    InputColumn column;
    column.name = spec[0].cast<std::string>();
    const auto layout = spec[1].cast<std::string>();
    const py::handle data = spec[2];
    const py::handle extra = spec[3];
    if (layout == "object") {
      column.kind = InputColumn::Kind::cells;
      column.data = checked_array(data, column.name, rows, "O", false, sizeof(PyObject*)).data();
    } else if (layout == "category") {
      column.kind = InputColumn::Kind::category;
      const auto codes = checked_array(data, column.name, rows, "i", true, 0);
      column.data = codes.data();
      column.code_bytes = static_cast<int>(codes.itemsize());
      if (column.code_bytes != 1 && column.code_bytes != 2 && column.code_bytes != 4 && column.code_bytes != 8) {
        throw py::value_error("column `" + column.name + "` has category codes of an unusual width");
      }
      const auto categories = py::reinterpret_borrow<py::object>(extra).cast<py::array>();
      if (categories.ndim() != 1 || categories.dtype().kind() != 'O' || !(categories.flags() & py::array::c_style)) {
        throw py::value_error("column `" + column.name + "` has categories that are not a flat object array");
      }
      const auto* objects = static_cast<PyObject* const*>(categories.data());
      for (py::ssize_t i = 0; i < categories.shape(0); ++i) {
        column.category_cells.push_back(read_object_cell(objects[i], column.name, static_cast<std::size_t>(i)));
      }
    } else {
      if (layout == "float") {
        column.kind = InputColumn::Kind::floating;
        column.data = checked_array(data, column.name, rows, "f", false, 8).data();
      } else if (layout == "int") {
        column.kind = InputColumn::Kind::integer;
        column.data = checked_array(data, column.name, rows, "i", false, 8).data();
      } else if (layout == "bool") {
        column.kind = InputColumn::Kind::boolean;
        column.data = checked_array(data, column.name, rows, "b", false, 1).data();
      } else if (layout == "datetime") {
        column.kind = InputColumn::Kind::datetime;
        column.data = checked_array(data, column.name, rows, "i", false, 8).data();
      } else {
        throw py::value_error("unknown column layout `" + layout + "`");
      }
      if (!extra.is_none()) {
        column.mask = static_cast<const std::uint8_t*>(checked_array(extra, column.name, rows, "b", false, 1).data());
      }
    }
    columns.push_back(std::move(column));
  }
  return columns;
}

}  // namespace usegate::python

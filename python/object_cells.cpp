#include "object_cells.hpp"

#include <pybind11/pybind11.h>

#include <cmath>

namespace py = pybind11;

namespace usegate::python {
namespace {

std::string where(const std::string& column, std::size_t row) {
  return "column `" + column + "`, row " + std::to_string(row);
}

// Objects of other types (numpy scalars, datetimes, pandas' NA and NaT) are normalized in
// Python by usegate._normalize_value, to None, bool, int, float, str, or ("instant", ns).
Cell normalized_cell(PyObject* object, const std::string& column, std::size_t row) {
  static py::object normalize = py::module_::import("usegate").attr("_normalize_value");
  py::object value;
  try {
    value = normalize(py::handle(object));
  } catch (py::error_already_set& error) {
    if (error.matches(PyExc_TypeError)) {
      throw py::type_error(where(column, row) + ": " + py::str(error.value()).cast<std::string>());
    }
    throw;
  }
  if (py::isinstance<py::tuple>(value)) {
    Cell cell;
    cell.type = records::ValueType::string;
    cell.instant = true;
    cell.whole = value.cast<py::tuple>()[1].cast<std::int64_t>();
    return cell;
  }
  if (value.ptr() == object) throw py::type_error(where(column, row) + ": cannot read the value");
  return read_object_cell(value.ptr(), column, row);
}

}  // namespace

Cell read_object_cell(PyObject* object, const std::string& column, std::size_t row) {
  Cell cell;
  if (object == Py_None) return cell;
  if (PyUnicode_CheckExact(object) || PyUnicode_Check(object)) {
    Py_ssize_t size = 0;
    const char* text = PyUnicode_AsUTF8AndSize(object, &size);
    if (text == nullptr) {
      PyErr_Clear();
      throw py::value_error(where(column, row) + ": the text is not valid UTF-8 (a lone surrogate)");
    }
    cell.type = records::ValueType::string;
    cell.text = std::string_view(text, static_cast<std::size_t>(size));
    return cell;
  }
  if (PyBool_Check(object)) {
    cell.type = records::ValueType::boolean;
    cell.boolean = object == Py_True;
    return cell;
  }
  if (PyLong_CheckExact(object) || PyLong_Check(object)) {
    int overflow = 0;
    const long long value = PyLong_AsLongLongAndOverflow(object, &overflow);
    if (overflow != 0) {
      throw py::value_error(where(column, row) +
                            ": the integer does not fit 64 bits (`eval` rejects such a record as number_out_of_range)");
    }
    cell.type = records::ValueType::number;
    cell.integer = true;
    cell.whole = value;
    cell.number = static_cast<double>(value);
    return cell;
  }
  if (PyFloat_Check(object)) {
    const double value = PyFloat_AS_DOUBLE(object);
    if (std::isnan(value)) return cell;
    cell.type = records::ValueType::number;
    cell.number = value;
    return cell;
  }
  if (PyDict_Check(object) || PyList_Check(object) || PyTuple_Check(object)) {
    cell.type = records::ValueType::composite;
    return cell;
  }
  return normalized_cell(object, column, row);
}

void read_object_cells(PyObject* const* objects, std::size_t first, std::size_t last, const std::string& column,
                       std::vector<Cell>& cells) {
  cells.resize(last - first);
  for (std::size_t row = first; row < last; ++row) {
    PyObject* object = objects[row];
    // Most values are ASCII strings, whose text lies in the object itself: read in place.
    if (PyUnicode_CheckExact(object) && PyUnicode_IS_COMPACT_ASCII(object)) {
      Cell& cell = cells[row - first];
      cell.type = records::ValueType::string;
      cell.instant = false;
      cell.text = std::string_view(static_cast<const char*>(PyUnicode_DATA(object)),
                                   static_cast<std::size_t>(PyUnicode_GET_LENGTH(object)));
      continue;
    }
    cells[row - first] = read_object_cell(object, column, row);
  }
}

}  // namespace usegate::python

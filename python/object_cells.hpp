#pragma once
// Python objects to cells, as `json.dumps` would write them for `eval` to read: None and NaN
// are null (missing), str a string, bool a boolean, int and float numbers, dict, list and
// tuple composite (unknown), datetimes instants. Needs the interpreter lock.

#include <Python.h>

#include <string>
#include <vector>

#include "column_decisions.hpp"

namespace usegate::python {

// Throws pybind11 errors naming the column and the row for what cannot be read: a type with
// no JSON form (TypeError), an integer outside 64 bits (ValueError).
[[nodiscard]] Cell read_object_cell(PyObject* object, const std::string& column, std::size_t row);

// Rows [first, last) of an object array into `cells`.
void read_object_cells(PyObject* const* objects, std::size_t first, std::size_t last, const std::string& column,
                       std::vector<Cell>& cells);

}  // namespace usegate::python

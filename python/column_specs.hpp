#pragma once
// Columns as the Python layer lays them out (usegate/__init__.py, `_column_spec`): a list of
// (name, layout, data, extra), each array one-dimensional, contiguous, one entry per row:
//
//   layout      data                        extra
//   "object"    object array                None
//   "category"  signed integer codes        the categories, an object array
//   "float"     float64                     None (NaN is missing)
//   "int"       int64                       a bool mask of missing rows, or None
//   "bool"      bool                        a bool mask of missing rows, or None
//   "datetime"  int64 nanoseconds, UTC      None (the smallest int64 is NaT)
//
// The columns point into the arrays, which the caller keeps alive. Needs the interpreter lock.

#include <pybind11/pybind11.h>

#include <vector>

#include "column_decisions.hpp"

namespace usegate::python {

// Throws ValueError naming the column for an array of another shape or type than its layout's.
[[nodiscard]] std::vector<InputColumn> read_column_specs(const pybind11::list& specs, std::size_t rows);

}  // namespace usegate::python

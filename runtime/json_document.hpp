#pragma once
// Small helpers over simdjson On-Demand documents, shared by the record and consent readers.

#include <simdjson.h>

namespace usegate::runtime {

// On-Demand stops after the value it was asked for; anything after it (`{"a":1} x`) makes
// the line invalid JSON. At the end of the document there is no current location.
inline bool has_trailing_content(simdjson::ondemand::document& document) {
  return document.current_location().error() != simdjson::OUT_OF_BOUNDS;
}

}  // namespace usegate::runtime

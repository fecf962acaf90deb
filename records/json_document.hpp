#pragma once
// Small helpers over simdjson On-Demand documents, shared by the record and consent readers.

#include <simdjson.h>

#include "usegate/records/record_decoder.hpp"

namespace usegate::records {

// On-Demand stops after the value it was asked for; anything after it (`{"a":1} x`) makes
// the line invalid JSON. At the end of the document there is no current location.
inline bool has_trailing_content(simdjson::ondemand::document& document) {
  return document.current_location().error() != simdjson::OUT_OF_BOUNDS;
}

// The reject cause of a simdjson error.
inline RejectCause cause_of(simdjson::error_code error) {
  switch (error) {
    case simdjson::UTF8_ERROR: return RejectCause::invalid_utf8;
    case simdjson::DEPTH_ERROR: return RejectCause::too_deep;
    case simdjson::NUMBER_OUT_OF_RANGE: return RejectCause::number_out_of_range;  // see json_validation.hpp
    default: return RejectCause::invalid_json;
  }
}

// A line that is not an object: valid JSON of another type, or not JSON at all.
RejectCause classify_non_object(simdjson::ondemand::document& document);

}  // namespace usegate::records

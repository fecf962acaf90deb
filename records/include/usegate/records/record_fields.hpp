#pragma once
// The fields a record's bindings point at, each as it was written: for `usegate explain` and
// `usegate test`, which show what a decision was made from. Decisions never come from here:
// RecordDecoder reads records for them; this reads a line the decoder has accepted, once more
// and slowly, to show its raw values.

#include <string>
#include <string_view>
#include <vector>

#include "usegate/records/bindings.hpp"
#include "usegate/usegate.hpp"

namespace usegate::records {

// One bound field as the record holds it.
struct FieldReading {
  enum class Kind { absent, null, boolean, number, string, composite /* object or array */ };
  Kind kind = Kind::absent;
  bool boolean = false;
  double number = 0;
  // A string's content (unescaped), a number's token as written, `true`/`false`, or `an
  // object` / `an array`.
  std::string text;
  std::string path;  // the field path, keys joined by dots (`geo.region`); empty for a constant
};

struct RecordFields {
  std::vector<FieldReading> attributes;             // one per Bindings::attributes, constants as strings
  std::vector<std::vector<FieldReading>> settings;  // per Bindings::settings: own path, then former paths
  std::vector<FieldReading> subjects;               // per Bindings::settings: the field its consent is keyed by
};

// Reads the bound fields of one JSON object. An Error (invalid_input) when the line's value
// is not an object. The line is not validated again: callers read lines RecordDecoder accepted.
[[nodiscard]] Result<RecordFields> read_record_fields(std::string_view line, const Bindings& bindings);

// A path as people read it: `geo.region`.
[[nodiscard]] std::string path_text(const FieldPath& path);

}  // namespace usegate::records

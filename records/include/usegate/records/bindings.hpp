#pragma once
// Bindings: where each of a policy's inputs comes from in a record.
//
// Without a bindings file, attribute `x` reads the record's top-level field `x`, setting `s`
// reads field `s`, and the user id (for consent events) is field `user`. A bindings file
// (YAML) changes any of that:
//
//   user: author.id                  # the field holding the user id
//   attributes:
//     region: geo.region             # a nested path
//     purpose: {constant: training}  # the same value for every record
//     category:                      # a field whose values are renamed
//       field: type
//       values: {tweet: post, reply: post, dm: direct_message}
//     visibility: {field: author.protected, values: {true: protected, false: public}}
//     ts: {field: created_at_ms, time: epoch_milliseconds}
//   settings:
//     grok_sharing: {field: prefs.grok_sharing}   # a value carried by the record itself
//     comments_training: {key: blog_id}           # consent events keyed by another field
//
// A field path is keys joined by dots (`author.id`), each key matched exactly against the
// record's keys after unescaping. A key that holds a dot or a bracket is written by listing
// the keys instead: `region: [geo, region.code]`. Arrays are not entered: a dotted path with
// brackets (`media[0].over18`) is an error rather than a key of that name, and so is a path
// with control characters or an empty key.
//
// Errors are diagnostics at the YAML node, printed as a policy's are:
//
//   bindings.yaml:3:3: error: unknown attribute `regoin`
//    3 |   regoin: geo.region
//      |   ^~~~~~
//      = help: did you mean `region`?

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "usegate/usegate.hpp"

namespace usegate::records {

// A path into nested objects, one key per item: `geo.region` is {"geo", "region"}.
using FieldPath = std::vector<std::string>;

enum class TimeFormat {
  automatic,           // ISO-8601 text, or epoch seconds as a number
  iso8601,             // text only
  epoch_seconds,       // numbers only
  epoch_milliseconds,  // numbers only, divided by 1000
};

struct AttributeBinding {
  std::string attribute;                // the policy attribute
  std::optional<std::size_t> variable;  // its table variable; none when the policy never tests it
  FieldPath path;                       // empty when constant
  std::optional<std::string> constant;  // a value for every record
  // Record value (as text: a string's content, `true`/`false`, a number as written) to the
  // policy value it stands for. Values not in the map are read as they are.
  std::vector<std::pair<std::string, std::string>> value_map;
  TimeFormat time_format = TimeFormat::automatic;
};

struct SettingBinding {
  std::string setting;
  std::size_t variable = 0;
  FieldPath path;  // where a record carries the user's value itself (may be absent)
  // Where a record carries a value recorded under each former name, in the policy's order:
  // beside `path`, the last key replaced by the former name.
  std::vector<FieldPath> former_paths;
  FieldPath key_path;  // whose consent events apply: the user by default
};

struct Bindings {
  FieldPath user_path{"user"};
  std::vector<AttributeBinding> attributes;  // one per policy attribute except `now`
  std::vector<SettingBinding> settings;      // one per setting
};

// How strictly a bindings file is checked against a policy.
enum class BindingsMode {
  // Every attribute, setting and value it names must be the policy's (eval, filter).
  strict,
  // For a policy the file was not written for, compared with one it was checked against
  // (`usegate diff`'s OLD, `usegate sim --vs`): entries naming an attribute or a setting this
  // policy does not declare are skipped, and enum values it does not declare are kept in
  // value maps and constants, where they read as `unknown` like any value the policy does not
  // declare. Everything else is checked as in strict mode.
  skip_unknown_names,
};

// The defaults described above.
[[nodiscard]] Bindings default_bindings(const Policy& policy);

// Reads a bindings file's text, checked against the policy: attribute and setting names,
// enum values on the right side of value maps, paths, time formats, constants. A mistake is
// an Error::Code::invalid_input whose message is the rendered diagnostic.
[[nodiscard]] Result<Bindings> read_bindings(const std::string& file_name, const std::string& text,
                                             const Policy& policy, BindingsMode mode = BindingsMode::strict);

}  // namespace usegate::records

#pragma once
// Policy test files: YAML cases kept next to a policy (`x-grok-2024-08.test.yaml`) that say
// what the policy must decide for given records.
//
//   policy: x-grok-2024-08.policy       # relative to the test file
//   now: 2024-09-01                     # defaults for every case
//   purpose: training
//   bindings: records.bindings.yaml
//   cases:
//     - name: an opted-out user's post is not used
//       record: {user: u1, purpose: training, category: post, region: US}   # or JSON text
//       consent:                                                            # or JSON Lines text
//         - {user: u1, setting: grok_sharing, value: off, platform: web, ts: 2024-07-27}
//       expect: deny
//       reason: optout_grok_sharing
//
// A record written as a YAML map becomes JSON: plain `true`/`false` are booleans, plain
// `null`/`~` null, plain numbers numbers, anything quoted or else a string. Problems are
// diagnostics at the node, `FILE:LINE:COL`, with "did you mean" for a misspelt key.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "usegate/base/diagnostics.hpp"
#include "usegate/base/result.hpp"
#include "usegate/base/source.hpp"

namespace usegate::review {

// A value as written in the file, and where.
struct WrittenValue {
  std::string text;
  SourceSpan span;
};

struct PolicyTestCase {
  WrittenValue name;
  std::string record;                   // one line of JSON
  std::optional<std::string> consent;   // JSON Lines, one change per line, in the file's order
  std::optional<WrittenValue> now;      // the file's default when absent
  std::optional<WrittenValue> purpose;  // the file's default when absent
  WrittenValue expect;                  // `allow`, `deny` or `reject`
  std::optional<WrittenValue> reason;   // a rule id, `optout_<setting>`, `default`, or a reject cause
};

struct PolicyTestFile {
  std::shared_ptr<const SourceFile> source;  // the file's text, for diagnostics at its spans
  WrittenValue policy;                       // the path as written
  std::optional<WrittenValue> now;
  std::optional<WrittenValue> purpose;
  std::optional<WrittenValue> bindings;
  std::vector<PolicyTestCase> cases;
};

// Reads a test file; a problem is an invalid_input Error whose message is the rendered
// diagnostic.
[[nodiscard]] Result<PolicyTestFile> read_policy_test_file(const std::string& path, const std::string& text);

// A diagnostic at a span of a test file, rendered (`FILE:LINE:COL: error: ...`).
[[nodiscard]] std::string test_file_error(const PolicyTestFile& file, const SourceSpan& span, std::string message,
                                          std::string help = {});

}  // namespace usegate::review

#pragma once
// Why one record gets its decision, step by step: what each bound field held and how it was
// read, each setting's effective value and where it came from, every rule in source order
// (implicit opt-outs included) and, for each that did not match, the first condition that was
// false with the value it saw; then the decision and the table row the record falls in.
//
// The decision is eval's: the record goes through the same decoder, bindings, consent ledger
// and table. The rule by rule account comes from the reference interpreter over the checked
// policy, fed the same fields; the two must agree, and an explanation that would not is an
// internal error rather than a story told about a different decision.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "table_rows.hpp"
#include "usegate/base/source.hpp"
#include "usegate/compiler/checked_policy.hpp"
#include "usegate/records/bindings.hpp"
#include "usegate/records/consent_ledger.hpp"
#include "usegate/records/record_decoder.hpp"
#include "usegate/usegate.hpp"

namespace usegate::cli {

struct FieldExplanation {
  std::string attribute;
  std::string source;   // `field geo.region`, `constant`, `--purpose`, `the evaluation time`
  std::string raw;      // the JSON value as written (`"EU"`, `17`), or `absent`
  std::string read_as;  // the table's cell: `EU`, `[2024-05-07, 2024-08-01)`, `missing`, `unknown`
  std::string why;      // for missing and unknown, and mapped values: `absent`, `not one of the enum's values`
};

struct SettingExplanation {
  std::string setting;
  bool on = false;
  std::string source;  // `consent change at line 3`, `record field grok_sharing`, `default`...
};

struct RuleExplanation {
  std::string id;
  bool allow = false;
  bool implicit = false;  // a setting's opt-out
  std::uint32_t line = 0;
  bool matched = false;
  std::string failed_condition;  // the first false condition as written (`region == EU`)
  std::string saw;               // what it saw (`region is "US"`)
};

struct Explanation {
  std::string policy;
  std::string version;
  std::int64_t now = 0;
  // A record that cannot be read: its reject cause; nothing else is filled in.
  std::optional<std::string> rejected;
  std::vector<FieldExplanation> fields;
  std::vector<SettingExplanation> settings;
  std::vector<RuleExplanation> rules;
  bool allowed = false;
  std::string reason;                // the deciding rule's id, or `default`
  std::string why;                   // `deny overrides allow: first matching deny in source order`...
  std::vector<std::string> matched;  // every matching rule's id, in source order
  std::size_t row = 0;               // 0-based, in `usegate table`'s rows
  std::vector<std::string> row_cells;
  std::vector<std::string> row_header;
  std::string row_table;    // the row as `usegate table` prints it, with its header
  std::vector<Code> codes;  // the record's cell, one code per table variable
};

struct ExplainInputs {
  const compiler::CheckedPolicy& checked;
  const SourceFile& source;
  const Policy& policy;  // the checked policy compiled
  const TableRows& rows;
  const records::Bindings& bindings;
  const records::ConsentLedger* ledger = nullptr;
  std::int64_t now = 0;
  std::optional<std::string> purpose;  // `--purpose`: replaces the record's own
};

// Explains one JSON Lines record. Throws std::logic_error when the interpreter and the table
// disagree (a bug, never a user error).
[[nodiscard]] Explanation explain_record(const ExplainInputs& inputs, std::string_view line);

[[nodiscard]] std::string explanation_text(const Explanation& explanation);
[[nodiscard]] std::string explanation_json(const Explanation& explanation);

}  // namespace usegate::cli

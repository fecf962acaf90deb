#include "assertion_report.hpp"

#include <fmt/format.h>

#include "table_rows.hpp"
#include "usegate/base/format_text.hpp"
#include "usegate/base/json_text.hpp"
#include "usegate/compiler/assertions.hpp"

namespace usegate::cli {
namespace {

std::string value_json(const compiler::RecordValue& value) {
  using Kind = compiler::RecordValue::Kind;
  switch (value.kind) {
    case Kind::null: return "null";
    case Kind::boolean: return value.boolean ? "true" : "false";
    case Kind::number: return fmt::format("{}", value.number);
    case Kind::string: return json::quote(value.text);
    case Kind::composite: return "{}";
  }
  return "null";
}

// The example as one JSON Lines record, fields in the order of the table's columns: what a
// record carries without bindings (attribute `x` in field `x`, setting `s` in field `s`).
std::string record_json(const std::vector<compiler::Partition>& partitions, const compiler::InterpreterInput& input) {
  std::string out = "{";
  for (const auto& partition : partitions) {
    const bool is_setting = partition.kind == compiler::Partition::Kind::setting;
    const auto& fields = is_setting ? input.consent : input.attributes;
    const auto field = fields.find(partition.name);
    if (field == fields.end()) continue;
    out.append(out.size() == 1 ? "" : ",").append(json::quote(partition.name)).append(":");
    out.append(value_json(field->second));
  }
  return out + "}";
}

usegate::Diagnostic failure(const compiler::CheckedPolicy& policy, const compiler::AssertionProof& proof) {
  const compiler::Assertion& assertion = policy.assertions[proof.assertion];
  std::vector<std::string> reasons{"default"};
  for (const auto& rule : policy.rules) reasons.push_back(rule.id);
  const bool never = assertion.kind == compiler::AssertionKind::never_allow;

  usegate::Diagnostic diagnostic;
  diagnostic.span = assertion.span;
  diagnostic.message = fmt::format("assertion `{}` fails: the policy {} records where its condition holds",
                                   assertion.id, never ? "allows" : "denies");
  diagnostic.help = fmt::format(
      "it says such records are {}; the rows below are where they are {}: change the rules, or the assertion if the "
      "policy never promised it",
      never ? "never allowed" : "always allowed", never ? "allowed" : "denied");
  diagnostic.details.push_back(
      fmt::format("= counterexample: {} of the decision table", counted(proof.failing_regions.size(), "row")));
  const std::string rows = render_region_rows(proof.partitions, proof.failing_regions, reasons);
  for (std::size_t start = 0; start < rows.size();) {
    const std::size_t end = rows.find('\n', start);
    diagnostic.details.push_back("  " + rows.substr(start, end - start));
    start = end == std::string::npos ? rows.size() : end + 1;
  }
  const std::string record = record_json(proof.partitions, proof.example);
  const std::string now = compiler::describe_time(proof.example.now);
  diagnostic.details.push_back(proof.example_needs_now
                                   ? fmt::format("= example record (decided with `--now {}`): {}", now, record)
                                   : fmt::format("= example record: {}", record));

  std::string json = "{\"rows\":[";
  for (std::size_t i = 0; i < proof.failing_regions.size(); ++i) {
    json.append(i == 0 ? "" : ",").append(region_row_json(proof.partitions, proof.failing_regions[i], reasons));
  }
  json.append("],\"example\":").append(record);
  json.append(",\"now\":").append(proof.example_needs_now ? json::quote(now) : "null").append("}");
  diagnostic.counterexample_json = std::move(json);
  return diagnostic;
}

}  // namespace

void add_assertion_errors(LoadedPolicy& loaded) {
  const auto& policy = loaded.analysis.policy;
  if (!policy || policy->assertions.empty()) return;
  auto& diagnostics = loaded.analysis.diagnostics;
  try {
    for (const auto& proof : compiler::prove_assertions(*policy)) {
      if (!proof.holds) diagnostics.add(failure(*policy, proof));
    }
  } catch (const compiler::DiagramTooLarge& error) {
    diagnostics.error(policy->assertions.front().span,
                      fmt::format("the assertions cannot be proved within the budget of {}", error.budget_text()),
                      fmt::format("the budget is {}", error.option_name()));
  }
  diagnostics.sort_by_position();
}

}  // namespace usegate::cli

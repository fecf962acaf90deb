// `usegate diff OLD NEW`: what changes between two versions of a policy, for reviewers.
#include <algorithm>
#include <iostream>
#include <string>
#include <variant>

#include <fmt/format.h>

#include "arguments.hpp"
#include "commands.hpp"
#include "policy_files.hpp"
#include "usegate/compiler/diff.hpp"

namespace usegate::cli {
namespace {

constexpr const char* help = R"(usage: usegate diff [--format text|json] OLD NEW

Compares two versions of a policy. Prints the structural changes (settings added, removed or
renamed, defaults, coverage and availability of settings, rules added, removed or renamed,
descriptions, enum values, attributes, the header), then every region of the input space where
the decision or its reason changes, as a condition with the old and the new outcome:

  purpose ∈ {training, fine_tuning} ∧ grok_sharing = off: allow (train_on_posts) → deny (optout_grok_sharing)

Rows are grouped as newly denied, newly allowed, and reason only (the same decision for
another reason). Every record the two versions decide differently lies in exactly one row.
Two versions that decide every record alike print `no semantic change`.

options:
  --format json   one JSON document with the structural changes and the rows

exit status: 0 no row (structural changes alone do not count), 1 some decision or reason
changes (reason-only rows count: records would carry another reason), 2 a policy with errors,
an unreadable file, two policies that cannot be compared, or a usage error
)";

std::string version_text(const std::string& version) { return version.empty() ? "-" : version; }

std::string outcome_text(const compiler::Decision& decision) {
  return fmt::format("{} ({})", decision.effect == compiler::Effect::allow ? "allow" : "deny", decision.reason);
}

std::string json_string(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': quoted += "\\\""; break;
      case '\\': quoted += "\\\\"; break;
      case '\n': quoted += "\\n"; break;
      case '\r': quoted += "\\r"; break;
      case '\t': quoted += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          quoted += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          quoted += c;
        }
    }
  }
  return quoted + "\"";
}

std::string json_outcome(const compiler::Decision& decision) {
  return fmt::format("{{\"decision\": {}, \"reason\": {}}}",
                     json_string(decision.effect == compiler::Effect::allow ? "allow" : "deny"),
                     json_string(decision.reason));
}

std::string direction_key(compiler::DiffDirection direction) {
  std::string key = compiler::direction_name(direction);
  std::replace(key.begin(), key.end(), ' ', '_');
  return key;
}

void print_text(const compiler::PolicyDiff& diff) {
  const std::string new_side = diff.new_name == diff.old_name
                                   ? version_text(diff.new_version)
                                   : fmt::format("{} {}", diff.new_name, version_text(diff.new_version));
  std::cout << fmt::format("diff {} {} → {}\n", diff.old_name, version_text(diff.old_version), new_side);
  if (!diff.structural_changes.empty()) {
    std::cout << "\nstructural changes:\n";
    for (const auto& change : diff.structural_changes) std::cout << "  " << change.text << '\n';
  }
  for (const auto direction : {compiler::DiffDirection::newly_denied, compiler::DiffDirection::newly_allowed,
                               compiler::DiffDirection::reason_only}) {
    std::size_t count = 0;
    for (const auto& row : diff.rows) count += row.direction == direction ? 1 : 0;
    if (count == 0) continue;
    std::cout << fmt::format("\n{} ({} row{}):\n", compiler::direction_name(direction), count, count == 1 ? "" : "s");
    for (const auto& row : diff.rows) {
      if (row.direction != direction) continue;
      std::cout << fmt::format("  {}: {} → {}\n", row.condition, outcome_text(row.before), outcome_text(row.after));
    }
  }
  if (diff.rows.empty()) std::cout << "\nno semantic change\n";
}

// Keys in a fixed order; one structural change or row per line, so that the document reads
// and diffs well as text too.
void print_json(const compiler::PolicyDiff& diff) {
  std::cout << "{\n";
  std::cout << fmt::format("  \"old\": {{\"policy\": {}, \"version\": {}}},\n", json_string(diff.old_name),
                           json_string(diff.old_version));
  std::cout << fmt::format("  \"new\": {{\"policy\": {}, \"version\": {}}},\n", json_string(diff.new_name),
                           json_string(diff.new_version));
  std::cout << fmt::format("  \"semantic_change\": {},\n", diff.rows.empty() ? "false" : "true");
  std::cout << "  \"structural_changes\": [";
  for (std::size_t i = 0; i < diff.structural_changes.size(); ++i) {
    const auto& change = diff.structural_changes[i];
    std::cout << (i == 0 ? "\n" : ",\n")
              << fmt::format("    {{\"kind\": {}, \"subject\": {}, \"text\": {}}}",
                             json_string(compiler::change_kind_name(change.kind)), json_string(change.subject),
                             json_string(change.text));
  }
  std::cout << (diff.structural_changes.empty() ? "],\n" : "\n  ],\n");
  std::cout << "  \"rows\": [";
  for (std::size_t i = 0; i < diff.rows.size(); ++i) {
    const auto& row = diff.rows[i];
    std::string when;
    for (const auto& constraint : row.when) {
      std::string values;
      for (const auto& value : constraint.values) values += (values.empty() ? "" : ", ") + json_string(value);
      when += fmt::format("{}{}: [{}]", when.empty() ? "" : ", ", json_string(constraint.variable), values);
    }
    std::cout << (i == 0 ? "\n" : ",\n")
              << fmt::format("    {{\"direction\": {}, \"when\": {{{}}}, \"condition\": {}, \"old\": {}, \"new\": {}}}",
                             json_string(direction_key(row.direction)), when, json_string(row.condition),
                             json_outcome(row.before), json_outcome(row.after));
  }
  std::cout << (diff.rows.empty() ? "]\n" : "\n  ]\n");
  std::cout << "}\n";
}

}  // namespace

int run_diff(const Words& words) {
  const Arguments arguments("diff", words, {"--help"}, {"--format"});
  if (arguments.flag("--help")) {
    std::cout << help;
    return 0;
  }
  const std::string format = arguments.format({"text", "json"});
  if (arguments.positionals().size() != 2) throw UsageError("diff: name two policy files, OLD and NEW");

  // Both files are read and checked before either is reported on, so one run shows every error.
  const LoadedPolicy old_loaded = load_policy(arguments.positionals()[0], false);
  const LoadedPolicy new_loaded = load_policy(arguments.positionals()[1], false);
  std::size_t errors = 0;
  std::size_t warnings = 0;
  for (const auto* loaded : {&old_loaded, &new_loaded}) {
    print_diagnostics(*loaded);
    errors += loaded->analysis.diagnostics.error_count();
    warnings += loaded->analysis.diagnostics.warning_count();
  }
  if (errors > 0) {
    std::cerr << fmt::format("{} error{}, {} warning{}\n", errors, errors == 1 ? "" : "s", warnings,
                             warnings == 1 ? "" : "s");
    return 2;
  }

  const auto result = compiler::diff_policies(*old_loaded.analysis.policy, *new_loaded.analysis.policy);
  if (const auto* error = std::get_if<compiler::DiffError>(&result)) {
    if (error->span) {
      std::cerr << dsl::format_diagnostic(*new_loaded.source,
                                          dsl::Diagnostic{dsl::Severity::error, error->message, *error->span, error->help, ""});
    } else {
      std::cerr << fmt::format("usegate diff: error: {}\n  = help: {}\n", error->message, error->help);
    }
    return 2;
  }
  const auto& diff = std::get<compiler::PolicyDiff>(result);
  if (format == "json") {
    print_json(diff);
  } else {
    print_text(diff);
  }
  return diff.rows.empty() ? 0 : 1;
}

}  // namespace usegate::cli

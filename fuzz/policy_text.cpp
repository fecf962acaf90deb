// Policy text through the whole front end and compiler: parse, check, lints, diagnostics
// rendering, compile (dense and decision-diagram layouts), write the artifact and load it
// back. When the policy compiles, the loaded table must decide every derived record
// (derived_records.hpp) exactly as the reference interpreter does; any disagreement aborts
// with the policy, the record and both answers. Every text that parses is formatted
// (`usegate fmt`): the result must parse to the same syntax tree and be a fixed point; and
// every failing assertion's example record must break it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "derived_records.hpp"
#include "differential_check.hpp"
#include "random_record.hpp"
#include "support.hpp"
#include "usegate/base/diagnostics.hpp"
#include "usegate/base/source.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/assertions.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/dsl/format.hpp"
#include "usegate/dsl/parser.hpp"

namespace {

using namespace usegate;

// Smaller than the command line's budgets: a policy that needs more is a compile error
// here, and the fuzzer moves on instead of spending seconds on one input.
compiler::CompileOptions budget(std::size_t max_dense_cells) {
  compiler::CompileOptions options;
  options.max_diagram_nodes = 200'000;
  options.max_dense_cells = max_dense_cells;
  return options;
}

constexpr std::size_t records_per_layout = 400;

std::uint64_t fingerprint(const std::uint8_t* data, std::size_t size) {
  std::uint64_t hash = 0xCBF29CE484222325ULL;  // FNV-1a
  for (std::size_t i = 0; i < size; ++i) hash = (hash ^ data[i]) * 0x100000001B3ULL;
  return hash;
}

void compare_with_interpreter(const std::string& text, const compiler::CheckedPolicy& checked,
                              const compiler::CompileOptions& options, std::uint64_t seed) {
  auto compiled = compiler::compile_policy(checked, options);
  if (!compiled.ok()) return;  // over the budget
  const auto& model = compiled.value();
  auto loaded = Policy::from_bytes(runtime::write_artifact(model));
  if (!loaded)
    fuzz::property_failed("a compiled policy's artifact does not load: " + loaded.error().message + "\n" + text);
  const differential::TableUnderTest table(std::move(*loaded), checked);

  const auto check = [&](const compiler::InterpreterInput& record) {
    const differential::Answer expected = differential::interpreter_answer(checked, record);
    const differential::Answer actual = table.decide(record);
    if (expected == actual) return;
    fuzz::property_failed("the compiled table (" + table.layout() +
                          " layout) and the reference interpreter disagree\n--- policy ---\n" + text +
                          "\n--- record ---\n" + differential::describe_record(record) +
                          "\n--- answers ---\ninterpreter: " + differential::describe_answer(expected) +
                          "\ntable: " + differential::describe_answer(actual));
  };
  for (const auto& record : fuzz::derived_records(checked, seed, records_per_layout)) check(record);
  // The differential tests' generator adds time zones, fractions and malformed text.
  const differential::RecordGenerator generator(checked);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 64; ++i) check(generator.next(rng));
}

// The canonical layout keeps the syntax tree and the comments, and formatting it again
// changes nothing.
void check_formatting(const usegate::SourceFile& source) {
  usegate::DiagnosticList diagnostics;
  const dsl::PolicyFile file = dsl::parse_policy(source, diagnostics);
  if (diagnostics.has_errors()) return;
  const std::string once = dsl::format_policy(source, file);
  const usegate::SourceFile formatted("fuzz.policy", once);
  usegate::DiagnosticList formatted_diagnostics;
  const dsl::PolicyFile reparsed = dsl::parse_policy(formatted, formatted_diagnostics);
  if (formatted_diagnostics.has_errors() || reparsed.declarations != file.declarations ||
      reparsed.comments.size() != file.comments.size()) {
    fuzz::property_failed("formatting changed the policy\n--- policy ---\n" + source.text() + "\n--- formatted ---\n" +
                          once);
  }
  if (dsl::format_policy(formatted, reparsed) != once) {
    fuzz::property_failed("formatting twice changed the text\n--- policy ---\n" + source.text());
  }
}

void check_assertions(const std::string& text, const compiler::CheckedPolicy& policy) {
  std::vector<compiler::AssertionProof> proofs;
  try {
    proofs = compiler::prove_assertions(policy, budget(std::size_t{1} << 18));
  } catch (const compiler::DiagramTooLarge&) {
    return;
  }
  for (const auto& proof : proofs) {
    if (!proof.holds && compiler::assertion_holds_for(policy, policy.assertions[proof.assertion], proof.example)) {
      fuzz::property_failed("an assertion\'s example record does not break it\n" + text);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > fuzz::max_input_size) return -1;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const usegate::SourceFile source("fuzz.policy", text);
  const auto analysis = compiler::analyze_policy(source, /*run_lints=*/true, budget(std::size_t{1} << 18));
  check_formatting(source);
  for (const auto& diagnostic : analysis.diagnostics.all()) {
    (void)usegate::format_diagnostic(source, diagnostic);
    (void)usegate::format_diagnostic_json(source, diagnostic);
  }
  if (!analysis.policy) {
    if (!analysis.diagnostics.has_errors()) fuzz::property_failed("a policy was refused without an error\n" + text);
    return 0;
  }
  if (analysis.diagnostics.has_errors()) fuzz::property_failed("a policy with errors was checked\n" + text);
  const std::uint64_t seed = fingerprint(data, size);
  compare_with_interpreter(text, *analysis.policy, budget(std::size_t{1} << 18), seed);
  compare_with_interpreter(text, *analysis.policy, budget(1), seed);  // the decision-diagram layout
  check_assertions(text, *analysis.policy);
  return 0;
}

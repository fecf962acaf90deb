// `usegate fmt` never changes what a policy means: on every bundled policy, every corpus
// policy that parses and random policies (seeded, see README.md), the formatted text parses to
// an equal syntax tree with the same comments, formatting it again changes nothing, and when the
// policy checks, the compiled artifacts before and after are byte for byte the same. The
// bundled policies are already in the canonical layout.
#include <doctest/doctest.h>

#include <string>

#include "differential_check.hpp"
#include "random_policy.hpp"
#include "support.hpp"
#include "usegate/base/source.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/dsl/format.hpp"
#include "usegate/dsl/parser.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace {

using namespace usegate;

struct Parsed {
  dsl::PolicyFile file;
  bool ok = false;
};

Parsed parsed(const SourceFile& source) {
  DiagnosticList diagnostics;
  Parsed result{dsl::parse_policy(source, diagnostics), false};
  result.ok = !diagnostics.has_errors();
  return result;
}

// The artifact's bytes, or nothing when the policy does not check or compile.
std::optional<std::string> artifact_of(const std::string& text) {
  const SourceFile source("p.policy", text);
  const auto analysis = compiler::analyze_policy(source, false);
  if (!analysis.policy) return std::nullopt;
  const auto compiled = compiler::compile_policy(*analysis.policy);
  if (!compiled.ok()) return std::nullopt;
  return runtime::write_artifact(compiled.value());
}

// Checks one text; returns whether it parsed (only those are formatted).
bool check_formatting(const std::string& text, const std::string& what) {
  INFO(what);
  const SourceFile source("p.policy", text);
  const Parsed before = parsed(source);
  if (!before.ok) return false;
  const std::string once = dsl::format_policy(source, before.file);
  INFO("--- formatted ---\n" << once);
  const SourceFile formatted_source("p.policy", once);
  const Parsed after = parsed(formatted_source);
  REQUIRE(after.ok);
  CHECK(after.file.declarations == before.file.declarations);
  CHECK(after.file.comments.size() == before.file.comments.size());
  CHECK(dsl::format_policy(formatted_source, after.file) == once);
  CHECK(artifact_of(once) == artifact_of(text));
  return true;
}

TEST_CASE("fmt: bundled policies are in the canonical layout, and it keeps their meaning") {
  const auto policies = testing::files_ending_with(testing::source_path("policies"), ".policy");
  CHECK(policies.size() >= 4);
  for (const auto& path : policies) {
    const std::string text = testing::read_text(path);
    CHECK(check_formatting(text, path));
    const SourceFile source(path, text);
    INFO(path << " is not fmt-clean; run `usegate fmt " << path << "`");
    CHECK(dsl::format_policy(source, parsed(source).file) == text);
  }
}

TEST_CASE("fmt: every corpus policy that parses keeps its meaning") {
  int formatted = 0;
  for (const char* folder : {"tests/compiler/diagnostics", "tests/dsl/ast", "tests/compiler/stages"}) {
    for (const auto& path : testing::files_ending_with(testing::source_path(folder), ".policy")) {
      formatted += check_formatting(testing::read_text(path), path) ? 1 : 0;
    }
  }
  MESSAGE("fmt: " << formatted << " corpus policies formatted");
  CHECK(formatted >= 40);
}

TEST_CASE("fmt: random policies keep their meaning") {
  const std::uint64_t base = differential::base_seed();
  const int count = testing::reduced_scale() ? 50 : 500;
  MESSAGE("fmt: base seed " << base << " (USEGATE_SEED=" << base << " reproduces this run), " << count << " policies");
  for (int index = 0; index < count; ++index) {
    const std::uint64_t seed = differential::mix_seed(base ^ differential::mix_seed(0xF0F0ULL + std::uint64_t(index)));
    const std::string text = differential::generate_policy(seed).render();
    CHECK(check_formatting(text, "reproduce: USEGATE_SEED=" + std::to_string(base) + " (policy #" +
                                     std::to_string(index) + ", seed " + std::to_string(seed) + ")\n" + text));
  }
}

}  // namespace

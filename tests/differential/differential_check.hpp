#pragma once
// The comparison the differential tests make: one record decided by the reference
// interpreter and by the compiled table (through the runtime's public API, from field
// values), and the shrinking of a disagreement to a small policy and record.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "random_policy.hpp"
#include "usegate/compiler/checked_policy.hpp"
#include "usegate/compiler/interpreter.hpp"
#include "usegate/compiler/lower.hpp"
#include "usegate/usegate.hpp"

namespace usegate::differential {

struct Answer {
  bool allowed = false;
  std::string reason;
  std::string bad_consent;  // the settings whose value was neither on nor off, comma-separated
  bool operator==(const Answer&) const = default;
};

[[nodiscard]] std::string describe_answer(const Answer& answer);

[[nodiscard]] Answer interpreter_answer(const compiler::CheckedPolicy& policy, const compiler::InterpreterInput& input);

// A loaded table and how to fill its variables from an interpreter input: attribute
// variables from the record's fields, `now` from input.now as a number, settings from the
// consent values (a value under a `formerly` name counts when the setting's own name has
// none, as the interpreter does).
class TableUnderTest {
 public:
  TableUnderTest(Policy policy, const compiler::CheckedPolicy& checked);

  [[nodiscard]] Answer decide(const compiler::InterpreterInput& input) const;
  [[nodiscard]] const Policy& policy() const { return policy_; }
  // `dense` or `diagram`.
  [[nodiscard]] std::string layout() const;

 private:
  struct Source {
    enum class Kind { attribute, now, setting };
    Kind kind = Kind::attribute;
    std::vector<std::string> names;  // the attribute; or the setting and its former names
  };
  Policy policy_;
  std::vector<Source> sources_;
  mutable std::vector<FieldValue> fields_;  // scratch: a TableUnderTest is used by one thread
};

// A policy text taken through the whole pipeline in process: parse, check, compile with
// `options`, write the artifact, load it.
struct Pipeline {
  std::optional<compiler::CheckedPolicy> checked;
  std::optional<TableUnderTest> table;
  std::string errors;  // diagnostics or the compile error, when a stage failed
};
[[nodiscard]] Pipeline run_pipeline(const std::string& policy_text, const compiler::CompileOptions& options,
                                    bool run_lints = false);

// What a failing case is reduced to.
struct Disagreement {
  std::string policy_text;
  compiler::InterpreterInput record;
  Answer interpreter;
  Answer table;
  std::string layout;
};

// Whether the table and the interpreter disagree on `record` for `policy` compiled with
// `options`; nothing when they agree or when the policy does not check or compile.
[[nodiscard]] std::optional<Disagreement> find_disagreement(const RandomPolicy& policy,
                                                            const compiler::InterpreterInput& record,
                                                            const compiler::CompileOptions& options);

// Shrinks a failing random policy and record: drops declarations, condition parts and record
// fields while a disagreement persists and the policy still checks.
[[nodiscard]] Disagreement shrink(RandomPolicy policy, compiler::InterpreterInput record,
                                  const compiler::CompileOptions& options);

// Drops record fields (attributes and consent values) while `still_fails` holds.
[[nodiscard]] compiler::InterpreterInput shrink_record(
    compiler::InterpreterInput record, const std::function<bool(const compiler::InterpreterInput&)>& still_fails);

// The failure message: how to reproduce, the policy, the record, both answers.
[[nodiscard]] std::string failure_report(const std::string& reproduce, const Disagreement& disagreement);

// The base seed: USEGATE_SEED (decimal or 0x hex; `random` for a fresh one), else a fixed one.
[[nodiscard]] std::uint64_t base_seed();

}  // namespace usegate::differential

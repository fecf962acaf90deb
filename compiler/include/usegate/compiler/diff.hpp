#pragma once
// The exact difference between two versions of a policy: what `usegate diff OLD NEW` reports.
//
// Semantic part. Both versions are lowered over the union of their partitions into one
// decision diagram, and the diagram of (old cell, new cell) pairs is cut into regions where
// the decision or the reason's name changes. Diagrams are canonical, so the answer is exact:
// every record the two versions decide differently lies in exactly one row, and no record in
// a row is decided alike. Rule indices differ between versions, so reasons are compared by
// name (`train_on_posts`, `optout_grok_sharing`, `default`).
//
// A setting is one variable across versions when it keeps its name or the new version names
// the old one with `formerly`. Its variable is the effective value (on or off), except when
// the two versions give it different defaults: then a user who never chose is decided by the
// default, which is exactly what changed, so the variable tells `unset` apart (see
// DiffVariable).
//
// Structural part: what changed in the declarations, one line each, in words:
//   version: 2024-07-26 → 2024-08-08
//   setting renamed: data_sharing → grok_sharing
//   grok_sharing: now also on ios, android from 2024-09-01
//   rule renamed: train_on_x → train_on_posts
//
// The semantic part needs only each version's decision function, which an artifact keeps:
// diff_decision_functions gives the same rows from two artifacts (or an artifact and a
// source) as diff_policies gives from the sources. The structural part needs the rules'
// conditions, which an artifact does not keep.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "usegate/base/result.hpp"
#include "usegate/compiler/checked_policy.hpp"
#include "usegate/compiler/decision_diagram.hpp"
#include "usegate/compiler/interpreter.hpp"
#include "usegate/compiler/lower.hpp"
#include "usegate/compiler/partition.hpp"
#include "usegate/compiler/regions.hpp"

namespace usegate::compiler {

// A variable the two versions are compared over.
struct DiffVariable {
  Partition partition;
  // Set for a setting whose default differs between the versions. The partition is then
  // categorical with the values `off`, `on`, and its `missing` code means the user never
  // chose (the version's default applies) and `unknown` a recorded value that is neither on
  // nor off (it counts as off, so it always lies in the same rows as `off`). Rendered as
  // `off`, `on`, `unset`.
  bool default_changed = false;
};

// The values of one variable a row is restricted to, as words (`training`, `fine_tuning`;
// `[2024-05-07, 2024-08-01)`; `missing`; `unset`).
struct VariableValues {
  std::string variable;
  std::vector<std::string> values;
};

enum class DiffDirection {
  newly_denied,   // allowed by the old version, denied by the new one
  newly_allowed,  // denied by the old version, allowed by the new one
  reason_only,    // the same decision for another reason
};

struct DiffRow {
  DiffDirection direction = DiffDirection::reason_only;
  Region region;                     // codes per variable of PolicyDiff::variables
  std::vector<VariableValues> when;  // the constrained variables, in variable order
  std::string condition;             // `purpose ∈ {training, fine_tuning} ∧ grok_sharing = off`
  RuleDecision before;               // the old version's decision; `rule` indexes its rules
  RuleDecision after;                // the new version's
};

struct StructuralChange {
  enum class Kind {
    policy_renamed,
    title_changed,
    version_changed,
    source_added,
    source_removed,
    default_changed,  // the policy's `default allow|deny`
    attribute_added,
    attribute_removed,
    values_added,  // enum values
    values_removed,
    setting_added,
    setting_removed,
    setting_renamed,               // through `formerly`
    setting_former_names_changed,  // `formerly` names other than the rename itself
    setting_default_changed,
    setting_label_changed,
    setting_coverage_changed,  // widened, narrowed, or both
    setting_availability_changed,
    rule_added,
    rule_removed,
    rule_renamed,  // same effect and the same condition under a new id
    rule_effect_changed,
    rule_condition_changed,
    rule_description_changed,
    assertion_added,  // `assert ID ...`, matched by id
    assertion_removed,
    assertion_changed,  // the same id: `never`/`always`, the condition or the description
  };
  Kind kind;
  std::string subject;  // the attribute, setting or rule (its new name); empty for the header
  std::string text;     // the whole change as one line: `grok_sharing: default on → off`
};

struct PolicyDiff {
  std::string old_name, old_version;
  std::string new_name, new_version;
  std::vector<DiffVariable> variables;
  // False when a version is known by its decision function alone: then no structural change
  // is known, and `structural_changes` is empty without saying that nothing changed.
  bool structure_known = true;
  std::vector<StructuralChange> structural_changes;  // header, attributes, settings, rules
  // Grouped by direction (newly denied, newly allowed, reason only), then by the new reason
  // and the old reason in source order.
  std::vector<DiffRow> rows;
};

// Two versions that cannot be compared: an attribute whose kind changed, or a diff larger
// than the diagram budget.
struct DiffError {
  std::string message;
  std::string help;
  std::optional<usegate::SourceSpan> span;  // in the new policy, when one declaration is to blame
};

[[nodiscard]] Result<PolicyDiff, DiffError> diff_policies(const CheckedPolicy& old_policy,
                                                          const CheckedPolicy& new_policy,
                                                          const CompileOptions& options = {});

// What the rows read of a version besides its decision: the names it declares, in its order,
// and the rule ids its reasons name. A source and an artifact both hold all of it.
struct VersionDeclarations {
  struct Attribute {
    std::string name;
    AttributeKind kind = AttributeKind::enumeration;
    std::optional<SourceSpan> span;  // from a source only
  };
  struct Setting {
    std::string name;
    std::vector<std::string> formerly;
    bool default_on = false;
  };
  std::string name, version;
  std::vector<Attribute> attributes;  // declaration order, `now` last
  std::vector<Setting> settings;      // declaration order
  std::vector<std::string> rules;     // rule ids in source order: reason r > 0 is rules[r - 1]
};

[[nodiscard]] VersionDeclarations declarations_of(const CheckedPolicy& policy);

// One version as its compiled decision function: what an artifact holds, or a source lowered
// over its own partitions as `usegate build` lowers it.
struct DecisionFunction {
  VersionDeclarations declarations;
  std::vector<Partition> partitions;  // the decision's variables, as partitions_of gives them
  DecisionDiagram diagram;            // over `partitions`
  NodeId root = 0;                    // terminals hold cells (encode_cell)
};

[[nodiscard]] Result<DecisionFunction, DiffError> decision_function_of(const CheckedPolicy& policy,
                                                                       const CompileOptions& options = {});

// The rows of diff_policies, from the decision functions alone: the same variables, rows and
// order, with `structure_known` false. The two versions may split a variable into different
// cells (a constant only one of them compares with) or test different variables: each is
// carried over to the common refinement, where a variable one version does not test is one
// its decision does not depend on.
[[nodiscard]] Result<PolicyDiff, DiffError> diff_decision_functions(const DecisionFunction& old_version,
                                                                    const DecisionFunction& new_version,
                                                                    const CompileOptions& options = {});

// `newly denied`, `newly allowed`, `reason only`.
[[nodiscard]] const char* direction_name(DiffDirection direction);
// `version_changed`, `setting_renamed`, ...: the kind as it appears in JSON.
[[nodiscard]] const char* change_kind_name(StructuralChange::Kind kind);

}  // namespace usegate::compiler

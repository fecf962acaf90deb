#pragma once
// The semantic half of a diff, shared by the diff of two sources (diff.cpp) and the diff of two
// decision functions (diff_decisions.cpp): the variables two versions are compared over, and
// the rows read off both decisions over them. Both diffs go through here, so a source and its
// artifact give the same rows, word for word.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "usegate/compiler/decision_diagram.hpp"
#include "usegate/compiler/diff.hpp"
#include "usegate/compiler/partition.hpp"

namespace usegate::compiler {

// Which old setting each new setting continues: the one of the same name, else the first of
// its `formerly` names that the old version declares and no other setting continues.
struct SettingMatch {
  std::vector<std::optional<std::uint32_t>> old_of_new;
  std::vector<std::optional<std::uint32_t>> new_of_old;
};

// The variables two versions are compared over, and how the old version's settings map to them.
struct Comparison {
  SettingMatch match;
  // The name each old setting's variable goes by: the new name of the setting that continues it.
  std::vector<std::string> old_setting_names;
  // The union of both versions' partitions, settings two-valued (their effective value), in
  // reading order: attributes as the new version declares them (`now` last), then attributes
  // only the old one tests, then settings likewise.
  std::vector<Partition> partitions;
  // The rows' variables: the same, except a setting whose default changed (see DiffVariable).
  std::vector<DiffVariable> variables;
  // Per variable, the default of a setting continued from the old version (else unused).
  std::vector<bool> old_default_on, new_default_on;
};

// Two versions' partitions (each its own, settings under their own names) brought together;
// an error when an attribute changed kind, which no comparison of records survives.
[[nodiscard]] Result<Comparison, DiffError> compare_versions(const VersionDeclarations& old_version,
                                                             const std::vector<Partition>& old_partitions,
                                                             const VersionDeclarations& new_version,
                                                             const std::vector<Partition>& new_partitions);

// The rows where two decisions (cells, both over `comparison.partitions` in `diagram`) differ
// in decision or in reason name, in the order PolicyDiff::rows gives. Throws DiagramTooLarge.
[[nodiscard]] std::vector<DiffRow> changed_rows(const Comparison& comparison, const DecisionDiagram& diagram,
                                                NodeId old_decision, NodeId new_decision,
                                                const VersionDeclarations& old_version,
                                                const VersionDeclarations& new_version, const CompileOptions& options);

// A diff over its budget, naming the variables that hold the most nodes.
[[nodiscard]] DiffError diff_too_large(const std::vector<Partition>& variables, const DiagramTooLarge& error);

// The diff's header (names, versions) and variables, with no row yet.
[[nodiscard]] PolicyDiff empty_diff(const Comparison& comparison, const VersionDeclarations& old_version,
                                    const VersionDeclarations& new_version);

[[nodiscard]] std::string join_words(const std::vector<std::string>& items, std::string_view separator);

}  // namespace usegate::compiler

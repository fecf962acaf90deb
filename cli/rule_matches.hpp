#pragma once
// Which rules of a policy match a record's cell, for `eval --explain`: each rule's condition
// as a decision diagram over the table's variables, evaluated on the record's codes. The
// diagrams are the ones the table itself is built from, so the ids agree with the decision.

#include <span>
#include <string>
#include <vector>

#include "usegate/compiler/checked_policy.hpp"
#include "usegate/compiler/decision_diagram.hpp"
#include "usegate/usegate.hpp"

namespace usegate::cli {

class RuleMatches {
 public:
  explicit RuleMatches(const compiler::CheckedPolicy& policy);

  // Appends the ids of the rules that match the codes (one per table variable), in source
  // order, as a JSON array. Safe to call from several threads at once.
  void append_json(std::span<const Code> codes, std::string& out) const;

 private:
  compiler::DecisionDiagram diagram_;
  std::vector<compiler::NodeId> rules_;
  std::vector<std::string> ids_;
};

}  // namespace usegate::cli

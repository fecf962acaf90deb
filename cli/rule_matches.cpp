#include "rule_matches.hpp"

#include "usegate/base/json_text.hpp"
#include "usegate/compiler/lower.hpp"
#include "usegate/compiler/partition.hpp"

namespace usegate::cli {
namespace {

std::vector<std::uint32_t> domain_sizes(const std::vector<compiler::Partition>& partitions) {
  std::vector<std::uint32_t> sizes;
  for (const auto& partition : partitions) sizes.push_back(partition.cell_count());
  return sizes;
}

}  // namespace

RuleMatches::RuleMatches(const compiler::CheckedPolicy& policy)
    : diagram_(domain_sizes(compiler::partitions_of(policy)), compiler::CompileOptions{}.max_diagram_nodes) {
  const auto partitions = compiler::partitions_of(policy);
  compiler::Lowering lowering(policy, partitions, diagram_);
  for (std::uint32_t r = 0; r < policy.rules.size(); ++r) {
    rules_.push_back(lowering.rule(r));
    ids_.push_back(policy.rules[r].id);
  }
}

void RuleMatches::append_json(std::span<const Code> codes, std::string& out) const {
  // Codes are 16 bits in records and 32 in diagrams; a thread's buffer is reused record after record.
  thread_local std::vector<std::uint32_t> wide;
  wide.assign(codes.begin(), codes.end());
  out += '[';
  bool first = true;
  for (std::size_t r = 0; r < rules_.size(); ++r) {
    if (diagram_.evaluate(rules_[r], wide) != compiler::DecisionDiagram::true_value) continue;
    if (!first) out += ',';
    json::append_string(out, ids_[r]);
    first = false;
  }
  out += ']';
}

}  // namespace usegate::cli

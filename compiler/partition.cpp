#include "usegate/compiler/partition.hpp"

#include <algorithm>
#include <set>
#include <string_view>
#include <unordered_set>

namespace usegate::compiler {
namespace {

void collect_tested(const CheckedCondition& condition, std::vector<bool>& tested,
                    std::vector<std::set<double>>& constants) {
  switch (condition.op) {
    case ConditionOp::all_of:
    case ConditionOp::any_of:
    case ConditionOp::negation:
      for (const auto& operand : condition.operands) collect_tested(operand, tested, constants);
      return;
    case ConditionOp::always_true:
    case ConditionOp::always_false:
    case ConditionOp::consent: return;
    case ConditionOp::compare: constants[condition.subject].insert(condition.key); [[fallthrough]];
    default: tested[condition.subject] = true;
  }
}

}  // namespace

std::uint32_t Partition::cell_count() const {
  switch (kind) {
    case Kind::categorical: return first_value_code + static_cast<std::uint32_t>(values.size());
    case Kind::ordered: return first_value_code + 2 * static_cast<std::uint32_t>(constants.size()) + 1;
    case Kind::setting: return 2;
  }
  return 0;
}

Partition::Interval Partition::interval(std::uint32_t code) const {
  const std::uint32_t position = code - first_value_code;
  Interval interval;
  if (position % 2 == 1) {
    interval.is_point = true;
    interval.point = constants[position / 2];
    return interval;
  }
  const std::uint32_t above = position / 2;  // the number of constants below this interval
  interval.has_low = above > 0;
  if (interval.has_low) interval.low = constants[above - 1];
  interval.has_high = above < constants.size();
  if (interval.has_high) interval.high = constants[above];
  return interval;
}

std::vector<Partition> partitions_of(const CheckedPolicy& policy) {
  std::vector<bool> tested(policy.attributes.size(), false);
  std::vector<std::set<double>> constants(policy.attributes.size());
  for (const auto& rule : policy.rules) collect_tested(rule.condition, tested, constants);

  std::vector<Partition> partitions;
  for (std::size_t i = 0; i < policy.attributes.size(); ++i) {
    if (!tested[i]) continue;
    const Attribute& attribute = policy.attributes[i];
    Partition partition;
    partition.name = attribute.name;
    partition.attribute_kind = attribute.kind;
    if (attribute.is_categorical()) {
      partition.kind = Partition::Kind::categorical;
      partition.values = attribute.values;
    } else {
      partition.kind = Partition::Kind::ordered;
      partition.constants.assign(constants[i].begin(), constants[i].end());
    }
    partitions.push_back(std::move(partition));
  }
  for (const auto& setting : policy.settings) {
    Partition partition;
    partition.kind = Partition::Kind::setting;
    partition.name = setting.name;
    partitions.push_back(std::move(partition));
  }
  return partitions;
}

std::vector<Partition> merge_partitions(const std::vector<Partition>& first, const std::vector<Partition>& second) {
  std::vector<Partition> merged;
  const auto find = [&merged](const Partition& wanted) -> Partition* {
    for (auto& partition : merged) {
      if (partition.name == wanted.name &&
          (partition.kind == Partition::Kind::setting) == (wanted.kind == Partition::Kind::setting)) {
        return &partition;
      }
    }
    return nullptr;
  };
  const auto add_attributes = [&](const std::vector<Partition>& partitions) {
    for (const auto& partition : partitions) {
      if (partition.kind == Partition::Kind::setting) continue;
      Partition* existing = find(partition);
      if (!existing) {
        merged.push_back(partition);
        continue;
      }
      std::unordered_set<std::string_view> known(existing->values.begin(), existing->values.end());
      std::vector<std::string> added;
      for (const auto& value : partition.values) {
        if (known.insert(value).second) added.push_back(value);
      }
      existing->values.insert(existing->values.end(), added.begin(), added.end());
      std::set<double> constants(existing->constants.begin(), existing->constants.end());
      constants.insert(partition.constants.begin(), partition.constants.end());
      existing->constants.assign(constants.begin(), constants.end());
    }
  };
  add_attributes(first);
  add_attributes(second);
  for (const auto* partitions : {&first, &second}) {
    for (const auto& partition : *partitions) {
      if (partition.kind == Partition::Kind::setting && !find(partition)) merged.push_back(partition);
    }
  }
  return merged;
}

}  // namespace usegate::compiler

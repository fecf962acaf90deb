#include "usegate/compiler/assertions.hpp"

#include <algorithm>
#include <stdexcept>

#include "usegate/base/calendar.hpp"

namespace usegate::compiler {
namespace {

// A terminal no cell can be (cells are 16 bits): the records the assertion says nothing about.
constexpr std::uint32_t outside_assertion = 0xFFFFFFFFu;

// When a time attribute's cell bounds nothing, the example uses this instant.
constexpr std::int64_t plain_instant = 1704067200;  // 2024-01-01
constexpr std::int64_t day_seconds = 86400;

// The table's partitions, widened to the attributes and constants the assertions test: the
// rules decide the same on every cell of the wider partition, and the assertion's condition
// is constant on each of its cells.
std::vector<Partition> proof_partitions(const CheckedPolicy& policy) {
  CheckedPolicy widened = policy;
  for (const auto& assertion : policy.assertions) {
    Rule rule;
    rule.condition = assertion.condition;
    widened.rules.push_back(std::move(rule));
  }
  return partitions_of(widened);
}

// A whole second inside an ordered time cell (keys are half-seconds), when there is one.
std::optional<std::int64_t> whole_second_in(const Partition::Interval& interval) {
  if (interval.is_point) return calendar::seconds_of_time_key(interval.point);
  if (!interval.has_low && !interval.has_high) return plain_instant;
  if (!interval.has_low) return calendar::seconds_of_time_key(interval.high) - day_seconds;
  const std::int64_t low = calendar::seconds_of_time_key(interval.low);
  if (!interval.has_high) return low + day_seconds;
  const auto inside = [&](std::int64_t seconds) { return calendar::time_key(seconds, false) < interval.high; };
  if (inside(low + day_seconds)) return low + day_seconds;
  if (inside(low + 1)) return low + 1;
  return std::nullopt;
}

// A value a record can hold in cell `code` of an attribute's partition; none for `missing`.
std::optional<RecordValue> representative(const Partition& partition, std::uint32_t code) {
  if (code == missing_code) return std::nullopt;
  // `unknown` is a reserved word, so it is no enum value, and it reads as no bool, number or
  // time either.
  if (code == unknown_code) return RecordValue::of("unknown");
  if (partition.kind == Partition::Kind::categorical) {
    const std::string& value = partition.values[code - first_value_code];
    if (partition.attribute_kind == AttributeKind::boolean) return RecordValue::of(value == "true");
    return RecordValue::of(value);
  }
  const Partition::Interval interval = partition.interval(code);
  if (partition.attribute_kind == AttributeKind::number) {
    if (interval.is_point) return RecordValue::of(interval.point);
    if (!interval.has_low && !interval.has_high) return RecordValue::of(0.0);
    if (!interval.has_low) return RecordValue::of(interval.high - 1);
    if (!interval.has_high) return RecordValue::of(interval.low + 1);
    return RecordValue::of(interval.low + (interval.high - interval.low) / 2);
  }
  if (const auto seconds = whole_second_in(interval)) return RecordValue::of(describe_time(*seconds));
  // Between two constants one second apart: half a second after the first.
  std::string text = describe_time(calendar::seconds_of_time_key(interval.low));
  text = text.size() == 10 ? text + "T00:00:00" : text.substr(0, text.size() - 1);
  return RecordValue::of(text + ".5Z");
}

class Prover {
 public:
  Prover(const CheckedPolicy& policy, const CompileOptions& options)
      : policy_(policy),
        partitions_(proof_partitions(policy)),
        diagram_(sizes(partitions_), options.max_diagram_nodes, options.max_diagram_links),
        lowering_(policy, partitions_, diagram_) {
    decision_ = lowering_.decision();
    allowed_ = diagram_.map(decision_, [](std::uint32_t cell) {
      return cell_allows(cell) ? DecisionDiagram::true_value : DecisionDiagram::false_value;
    });
    possible_ = possible_now();
  }

  AssertionProof prove(std::uint32_t index) {
    const Assertion& assertion = policy_.assertions[index];
    AssertionProof proof;
    proof.assertion = index;
    proof.partitions = partitions_;
    const NodeId against = assertion.kind == AssertionKind::never_allow ? allowed_ : diagram_.negation(allowed_);
    const NodeId failing = diagram_.conjunction_of({lowering_.condition(assertion.condition), against, possible_});
    if (failing == diagram_.false_node()) return proof;
    proof.holds = false;
    const NodeId labelled = diagram_.select(failing, decision_, diagram_.terminal(outside_assertion));
    proof.failing_regions =
        regions_of(diagram_, labelled, [](std::uint32_t value) { return value != outside_assertion; });
    for (auto& region : proof.failing_regions) widen_now(region);
    proof.example = example_in(proof.failing_regions.front(), proof.example_needs_now);
    if (assertion_holds_for(policy_, assertion, proof.example)) {
      throw std::logic_error("assertion proof: the example record does not fail assertion " + assertion.id);
    }
    return proof;
  }

 private:
  static std::vector<std::uint32_t> sizes(const std::vector<Partition>& partitions) {
    std::vector<std::uint32_t> result;
    for (const auto& partition : partitions) result.push_back(partition.cell_count());
    return result;
  }

  // `now` is always known, and a whole second: its other cells hold no record.
  NodeId possible_now() {
    const auto variable = lowering_.variable_of_attribute(policy_.now_attribute);
    if (!variable) return diagram_.true_node();
    const Partition& partition = partitions_[*variable];
    std::vector<NodeId> children(partition.cell_count(), diagram_.false_node());
    for (std::uint32_t code = first_value_code; code < children.size(); ++code) {
      if (whole_second_in(partition.interval(code))) children[code] = diagram_.true_node();
    }
    return diagram_.node(*variable, children);
  }

  // A region that holds every time `now` can be holds `now` whatever it is: shown as `-`
  // (any), not as the cells no evaluation time falls in.
  void widen_now(Region& region) const {
    const auto variable = lowering_.variable_of_attribute(policy_.now_attribute);
    if (!variable) return;
    auto& codes = region.codes[*variable];
    for (std::uint32_t code = 0; code < codes.size(); ++code) {
      if (!codes[code] && diagram_.evaluate(possible_, point_with(*variable, code)) == DecisionDiagram::true_value) {
        return;
      }
    }
    codes.assign(codes.size(), true);
  }

  std::vector<std::uint32_t> point_with(std::uint32_t variable, std::uint32_t code) const {
    std::vector<std::uint32_t> codes(partitions_.size(), 0);
    codes[variable] = code;
    return codes;
  }

  // One code of every variable in the region: a known value before `missing` and `unknown`,
  // a setting's default before the other value, so that the example reads like a usual record.
  InterpreterInput example_in(const Region& region, bool& needs_now) const {
    InterpreterInput input;
    input.now = plain_instant;
    needs_now = false;
    for (std::uint32_t variable = 0; variable < partitions_.size(); ++variable) {
      const Partition& partition = partitions_[variable];
      const auto& codes = region.codes[variable];
      if (partition.kind == Partition::Kind::setting) {
        const bool default_on = policy_.settings[*policy_.find_setting(partition.name)].default_on;
        const bool on = codes[setting_on_code] && (default_on || !codes[setting_off_code]);
        input.consent[partition.name] = RecordValue::of(on ? "on" : "off");
        continue;
      }
      std::uint32_t code = first_value_code;
      while (code < codes.size() && !codes[code]) ++code;
      if (code == codes.size()) code = codes[missing_code] ? missing_code : unknown_code;
      if (partition.name == policy_.attributes[policy_.now_attribute].name) {
        // Every cell of `now` in a failing region holds a whole second (possible_now()).
        needs_now = std::find(codes.begin(), codes.end(), false) != codes.end();
        if (!needs_now) continue;
        while (!whole_second_in(partition.interval(code))) ++code;
        input.now = *whole_second_in(partition.interval(code));
        continue;
      }
      if (auto value = representative(partition, code)) input.attributes[partition.name] = std::move(*value);
    }
    return input;
  }

  const CheckedPolicy& policy_;
  std::vector<Partition> partitions_;
  DecisionDiagram diagram_;
  Lowering lowering_;
  NodeId decision_ = 0;
  NodeId allowed_ = 0;
  NodeId possible_ = 0;
};

}  // namespace

bool assertion_holds_for(const CheckedPolicy& policy, const Assertion& assertion, const InterpreterInput& input) {
  if (!holds(policy, assertion.condition, input)) return true;
  const bool allowed = interpret(policy, input).decision.effect == Effect::allow;
  return assertion.kind == AssertionKind::never_allow ? !allowed : allowed;
}

std::vector<AssertionProof> prove_assertions(const CheckedPolicy& policy, const CompileOptions& options) {
  std::vector<AssertionProof> proofs;
  if (policy.assertions.empty()) return proofs;
  Prover prover(policy, options);
  for (std::uint32_t index = 0; index < policy.assertions.size(); ++index) proofs.push_back(prover.prove(index));
  return proofs;
}

}  // namespace usegate::compiler

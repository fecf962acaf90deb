#include "usegate/compiler/assertions.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "usegate/base/calendar.hpp"

namespace usegate::compiler {
namespace {

// A terminal no cell can be (cells are 16 bits): the records the assertion says nothing about.
constexpr std::uint32_t outside_assertion = 0xFFFFFFFFu;

// When a time attribute's cell bounds nothing, the example uses this instant.
constexpr std::int64_t plain_instant = 1704067200;  // 2024-01-01
constexpr std::int64_t day_seconds = 86400;

// The instants a record or the evaluation time can name: years 0000 to 9999, as the
// interpreter reads them.
constexpr std::int64_t earliest_second = -62167219200;  // 0000-01-01T00:00:00Z
constexpr std::int64_t latest_second = 253402300799;    // 9999-12-31T23:59:59Z

// A time key inside an ordered time cell that a record can hold (a whole second, or with
// `whole` false also half a second past one), preferring a plain one; none when the cell
// holds no such instant (beyond year 9999, or between two constants one second apart for
// `now`).
std::optional<double> instant_in(const Partition::Interval& interval, bool whole) {
  const double first = calendar::time_key(earliest_second, false);
  const double last = calendar::time_key(latest_second, !whole);
  const auto inside = [&](double key) {
    return key >= first && key <= last && (!interval.has_low || key > interval.low) &&
           (!interval.has_high || key < interval.high);
  };
  if (interval.is_point) return inside(interval.point) ? std::optional(interval.point) : std::nullopt;
  std::vector<double> candidates;
  const auto seconds = [](std::int64_t value) { return calendar::time_key(value, false); };
  if (!interval.has_low && !interval.has_high) candidates.push_back(seconds(plain_instant));
  if (interval.has_high) candidates.push_back(seconds(calendar::seconds_of_time_key(interval.high) - day_seconds));
  if (interval.has_low) {
    const std::int64_t low = calendar::seconds_of_time_key(interval.low);
    candidates.insert(candidates.end(), {seconds(low + day_seconds), seconds(low + 1)});
    if (!whole) candidates.push_back(interval.low + 1);
  }
  candidates.insert(candidates.end(), {first, seconds(latest_second), last});
  for (const double key : candidates) {
    if (inside(key)) return key;
  }
  return std::nullopt;
}

// A finite number inside an ordered number cell, preferring a plain one; none when the cell
// holds no double a record can carry (between two adjacent doubles, or beyond the largest).
std::optional<double> number_in(const Partition::Interval& interval) {
  const auto inside = [&](double value) {
    return std::isfinite(value) && (!interval.has_low || value > interval.low) &&
           (!interval.has_high || value < interval.high);
  };
  if (interval.is_point) return interval.point;
  std::vector<double> candidates;
  if (!interval.has_low && !interval.has_high) candidates.push_back(0.0);
  if (interval.has_low && interval.has_high) candidates.push_back(interval.low + (interval.high - interval.low) / 2);
  if (interval.has_high) {
    candidates.insert(candidates.end(), {interval.high - 1, std::nextafter(interval.high, -HUGE_VAL)});
  }
  if (interval.has_low) candidates.insert(candidates.end(), {interval.low + 1, std::nextafter(interval.low, HUGE_VAL)});
  for (const double value : candidates) {
    if (inside(value)) return value;
  }
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
  // possible_values() keeps only cells that hold a value.
  if (partition.attribute_kind == AttributeKind::number) return RecordValue::of(*number_in(interval));
  const double key = *instant_in(interval, false);
  std::string text = describe_time(calendar::seconds_of_time_key(key));
  if (calendar::time_key(calendar::seconds_of_time_key(key), false) == key) return RecordValue::of(text);
  // Between two constants one second apart: half a second after the first.
  text = text.size() == 10 ? text + "T00:00:00" : text.substr(0, text.size() - 1);
  return RecordValue::of(text + ".5Z");
}

class Prover {
 public:
  Prover(const CheckedPolicy& policy, const CompileOptions& options)
      : policy_(policy),
        partitions_(assertion_partitions(policy)),
        diagram_(sizes(partitions_), options.max_diagram_nodes, options.max_diagram_links),
        lowering_(policy, partitions_, diagram_) {
    decision_ = lowering_.decision();
    allowed_ = diagram_.map(decision_, [](std::uint32_t cell) {
      return cell_allows(cell) ? DecisionDiagram::true_value : DecisionDiagram::false_value;
    });
    possible_ = possible_values();
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

  // The cells records can be in: a time between the years 0000 and 9999, a finite number,
  // and `now` always known and a whole second. The others are in the table but hold no
  // record.
  NodeId possible_values() {
    NodeId possible = diagram_.true_node();
    for (std::uint32_t variable = 0; variable < partitions_.size(); ++variable) {
      const Partition& partition = partitions_[variable];
      if (partition.kind != Partition::Kind::ordered) continue;
      const bool is_now = variable == now_variable();
      const bool is_time = partition.attribute_kind == AttributeKind::time;
      std::vector<NodeId> children(partition.cell_count(), is_now ? diagram_.false_node() : diagram_.true_node());
      for (std::uint32_t code = first_value_code; code < children.size(); ++code) {
        const auto interval = partition.interval(code);
        const bool holds_value = is_time ? instant_in(interval, is_now).has_value() : number_in(interval).has_value();
        children[code] = holds_value ? diagram_.true_node() : diagram_.false_node();
      }
      possible = diagram_.conjunction(possible, diagram_.node(variable, children));
    }
    return possible;
  }

  [[nodiscard]] std::optional<std::uint32_t> now_variable() const {
    return lowering_.variable_of_attribute(policy_.now_attribute);
  }

  // A region that holds every time `now` can be holds `now` whatever it is: shown as `-`
  // (any), not as the cells no evaluation time falls in.
  void widen_now(Region& region) const {
    const auto variable = now_variable();
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
        // Every cell of `now` in a failing region holds a whole second (possible_values()).
        needs_now = std::find(codes.begin(), codes.end(), false) != codes.end();
        if (!needs_now) continue;
        while (!instant_in(partition.interval(code), true)) ++code;
        input.now = calendar::seconds_of_time_key(*instant_in(partition.interval(code), true));
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

// The rules decide the same on every cell of the wider partition, and each assertion's
// condition is constant on each of its cells.
std::vector<Partition> assertion_partitions(const CheckedPolicy& policy) {
  CheckedPolicy widened = policy;
  for (const auto& assertion : policy.assertions) {
    Rule rule;
    rule.condition = assertion.condition;
    widened.rules.push_back(std::move(rule));
  }
  return partitions_of(widened);
}

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

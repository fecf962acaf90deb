// Differential test of the assertion proof: random policies (the differential generator) with
// random assertions, each proof checked against a brute-force enumeration of records with the
// reference interpreter. The enumeration takes, for every attribute a condition tests, its
// missing and unknown values, every constant the conditions compare it with and a value
// between and beyond them; for every setting, on and off; for `now`, the same constants as
// whole seconds. An assertion must fail exactly when some enumerated record breaks it, and the
// proof's example record must break it. See README.md in this folder for seeds.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "differential_check.hpp"
#include "random_policy.hpp"
#include "random_record.hpp"
#include "support.hpp"
#include "usegate/base/calendar.hpp"
#include "usegate/base/source.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/assertions.hpp"
#include "usegate/compiler/interpreter.hpp"

namespace {

using namespace usegate;
using namespace usegate::differential;
using compiler::RecordValue;

// Records enumerated per policy at most; larger products are skipped (and counted).
constexpr std::uint64_t max_points = 60000;
constexpr int assertions_per_policy = 4;

void collect_atoms(const RandomCondition& node, std::vector<std::string>& atoms) {
  if (node.kind == RandomCondition::Kind::atom) atoms.push_back(node.atom);
  for (const auto& operand : node.operands) collect_atoms(operand, atoms);
}

// The atoms an assertion is built from: the policy's own, `consent` of its settings, and
// comparisons with constants no rule uses (so the proof must split cells the table does not).
std::vector<std::string> atom_pool(const RandomPolicy& policy, std::mt19937_64& random) {
  std::vector<std::string> atoms;
  for (const auto& declaration : policy.declarations) {
    if (const auto* rule = std::get_if<RandomRule>(&declaration)) collect_atoms(rule->condition, atoms);
    if (const auto* setting = std::get_if<RandomSetting>(&declaration)) {
      collect_atoms(setting->covers, atoms);
      atoms.push_back("consent " + setting->name);
    }
    if (const auto* attribute = std::get_if<RandomAttribute>(&declaration)) {
      const auto pick = [&](int low, int high) { return std::uniform_int_distribution<int>(low, high)(random); };
      if (attribute->kind == RandomAttribute::Kind::number) {
        atoms.push_back(attribute->name + (pick(0, 1) ? " >= " : " < ") + std::to_string(pick(-5, 60)));
      } else if (attribute->kind == RandomAttribute::Kind::time) {
        atoms.push_back(attribute->name + (pick(0, 1) ? " > " : " <= ") + "2024-0" + std::to_string(pick(5, 9)) + "-1" +
                        std::to_string(pick(0, 9)));
      }
    }
  }
  atoms.emplace_back("now >= 2024-07-15");
  return atoms;
}

std::string random_condition(const std::vector<std::string>& atoms, std::mt19937_64& random) {
  const auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random); };
  const std::size_t count = 1 + pick(3);
  const std::string joiner = pick(3) == 0 ? " or " : " and ";
  std::string text;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string atom =
        pick(4) == 0 ? "not (" + atoms[pick(atoms.size())] + ")" : "(" + atoms[pick(atoms.size())] + ")";
    text += (i == 0 ? "" : joiner) + atom;
  }
  return text;
}

// Every attribute's tested constants, by walking the checked conditions.
void collect_constants(const compiler::CheckedCondition& node, std::vector<std::set<double>>& constants,
                       std::vector<bool>& tested) {
  using compiler::ConditionOp;
  if (node.op != ConditionOp::consent && node.op != ConditionOp::all_of && node.op != ConditionOp::any_of &&
      node.op != ConditionOp::negation && node.op != ConditionOp::always_true && node.op != ConditionOp::always_false) {
    tested[node.subject] = true;
    if (node.op == ConditionOp::compare) constants[node.subject].insert(node.key);
  }
  for (const auto& operand : node.operands) collect_constants(operand, constants, tested);
}

// Values around and between sorted constants (as plain numbers: seconds for times).
std::vector<double> ordered_candidates(const std::vector<double>& sorted, bool whole) {
  if (sorted.empty()) return {0};
  std::vector<double> values{sorted.front() - 1, sorted.back() + 1};
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    values.push_back(sorted[i]);
    if (i + 1 == sorted.size()) continue;
    double between = sorted[i] + (sorted[i + 1] - sorted[i]) / 2;
    if (whole) between = std::floor(between);
    if (between > sorted[i] && between < sorted[i + 1]) values.push_back(between);
  }
  return values;
}

struct Dimension {
  enum class Kind { attribute, now, setting };
  Kind kind = Kind::attribute;
  std::string name;
  std::vector<std::optional<RecordValue>> values;  // none: the field is absent
  std::vector<std::int64_t> nows;
};

std::vector<Dimension> dimensions_of(const compiler::CheckedPolicy& policy) {
  std::vector<std::set<double>> constants(policy.attributes.size());
  std::vector<bool> tested(policy.attributes.size(), false);
  for (const auto& rule : policy.rules) collect_constants(rule.condition, constants, tested);
  for (const auto& assertion : policy.assertions) collect_constants(assertion.condition, constants, tested);
  std::vector<Dimension> dimensions;
  for (std::uint32_t index = 0; index < policy.attributes.size(); ++index) {
    if (!tested[index]) continue;
    const compiler::Attribute& attribute = policy.attributes[index];
    Dimension dimension;
    dimension.name = attribute.name;
    std::vector<double> keys(constants[index].begin(), constants[index].end());
    const bool is_time = attribute.kind == compiler::AttributeKind::time;
    if (is_time) {
      for (double& key : keys) key = static_cast<double>(calendar::seconds_of_time_key(key));
    }
    if (attribute.builtin) {
      // The evaluation time is a whole second of the years 0000 to 9999 (`--now`).
      dimension.kind = Dimension::Kind::now;
      for (const double value : ordered_candidates(keys, true)) {
        if (value >= -62167219200.0 && value <= 253402300799.0)
          dimension.nows.push_back(static_cast<std::int64_t>(value));
      }
      dimensions.push_back(std::move(dimension));
      continue;
    }
    dimension.values = {std::nullopt, RecordValue::of("not a value")};
    switch (attribute.kind) {
      case compiler::AttributeKind::enumeration:
        for (const auto& value : attribute.values) dimension.values.emplace_back(RecordValue::of(value));
        break;
      case compiler::AttributeKind::boolean:
        dimension.values.emplace_back(RecordValue::of(true));
        dimension.values.emplace_back(RecordValue::of(false));
        break;
      case compiler::AttributeKind::number:
      case compiler::AttributeKind::time:
        // Times as epoch seconds: a fraction sorts between two whole seconds.
        for (const double value : ordered_candidates(keys, false))
          dimension.values.emplace_back(RecordValue::of(value));
        // Half a second past the last constant: after 9999-12-31T23:59:59Z, only a fraction is.
        if (is_time && !keys.empty()) dimension.values.emplace_back(RecordValue::of(keys.back() + 0.5));
        break;
    }
    dimensions.push_back(std::move(dimension));
  }
  for (const auto& setting : policy.settings) {
    Dimension dimension;
    dimension.kind = Dimension::Kind::setting;
    dimension.name = setting.name;
    dimension.values = {RecordValue::of("on"), RecordValue::of("off")};
    dimensions.push_back(std::move(dimension));
  }
  return dimensions;
}

std::size_t size_of(const Dimension& dimension) {
  return dimension.kind == Dimension::Kind::now ? dimension.nows.size() : dimension.values.size();
}

TEST_CASE("assertions vs interpreter: random policies and assertions, proved and enumerated") {
  const std::uint64_t base = base_seed();
  const int policies = testing::reduced_scale() ? 40 : 400;
  MESSAGE("assertion proofs: base seed " << base << " (USEGATE_SEED=" << base << " reproduces this run), " << policies
                                         << " policies x " << assertions_per_policy << " assertions");
  int enumerated = 0, skipped = 0, failing = 0, holding = 0;
  for (int index = 0; index < policies; ++index) {
    const std::uint64_t seed = mix_seed(base ^ mix_seed(0xA55E7ULL + static_cast<std::uint64_t>(index)));
    const RandomPolicy random_policy = generate_policy(seed);
    std::mt19937_64 random(seed);
    const std::vector<std::string> atoms = atom_pool(random_policy, random);
    std::string text = random_policy.render();
    for (int a = 0; a < assertions_per_policy; ++a) {
      text += "\nassert promise_" + std::to_string(a) + (a % 2 == 0 ? " never" : " always") + " allow when " +
              random_condition(atoms, random) + "\n";
    }
    std::ostringstream reproduce;
    reproduce << "reproduce: USEGATE_SEED=" << base << " differential_tests -tc='assertions vs interpreter*' (policy #"
              << index << ", seed " << seed << ")\n--- policy ---\n"
              << text;
    INFO(reproduce.str());
    const usegate::SourceFile source("random.policy", text);
    const compiler::PolicyAnalysis analysis = compiler::analyze_policy(source, false);
    REQUIRE(analysis.policy.has_value());
    const compiler::CheckedPolicy& policy = *analysis.policy;
    const auto proofs = compiler::prove_assertions(policy);
    REQUIRE(proofs.size() == assertions_per_policy);
    for (const auto& proof : proofs) {
      if (proof.holds) continue;
      INFO("assertion " << policy.assertions[proof.assertion].id);
      CHECK_FALSE(compiler::assertion_holds_for(policy, policy.assertions[proof.assertion], proof.example));
    }

    const std::vector<Dimension> dimensions = dimensions_of(policy);
    std::uint64_t points = 1;
    for (const auto& dimension : dimensions) points = std::min(points * size_of(dimension), max_points + 1);
    if (points > max_points) {
      ++skipped;
      continue;
    }
    ++enumerated;
    std::vector<bool> broken(policy.assertions.size(), false);
    std::vector<std::string> breaking(policy.assertions.size());
    std::vector<std::size_t> at(dimensions.size(), 0);
    for (std::uint64_t point = 0; point < points; ++point) {
      compiler::InterpreterInput input;
      input.now = 1718000000;
      for (std::size_t d = 0; d < dimensions.size(); ++d) {
        const Dimension& dimension = dimensions[d];
        if (dimension.kind == Dimension::Kind::now) {
          input.now = dimension.nows[at[d]];
        } else if (dimension.values[at[d]]) {
          (dimension.kind == Dimension::Kind::setting ? input.consent : input.attributes)[dimension.name] =
              *dimension.values[at[d]];
        }
      }
      for (std::size_t a = 0; a < policy.assertions.size(); ++a) {
        if (broken[a] || compiler::assertion_holds_for(policy, policy.assertions[a], input)) continue;
        broken[a] = true;
        breaking[a] = describe_record(input);
      }
      for (std::size_t d = 0; d < dimensions.size(); ++d) {
        if (++at[d] < size_of(dimensions[d])) break;
        at[d] = 0;
      }
    }
    for (const auto& proof : proofs) {
      INFO("assertion " << policy.assertions[proof.assertion].id
                        << "; a record that breaks it: " << breaking[proof.assertion]);
      CHECK(proof.holds == !broken[proof.assertion]);
      (proof.holds ? holding : failing) += 1;
    }
  }
  MESSAGE("assertion proofs: " << enumerated << " policies enumerated (" << skipped << " too large to enumerate), "
                               << holding << " assertions hold, " << failing << " fail");
  CHECK(enumerated * 5 >= policies);  // about 40% of them are small enough
  CHECK(holding > 0);
  CHECK(failing > 0);
}

}  // namespace

#pragma once
// What the SQL of every engine must answer: the reference interpreter's decision for a record,
// for the purposes a view is built for, and the values of `now` worth trying for a policy.
// Shared by the SQLite, PostgreSQL and DuckDB tests.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "../differential/differential_check.hpp"
#include "usegate/compiler/interpreter.hpp"

namespace usegate::sql_testing {

// `now` for a policy: each constant it compares `now` with, a second either side, and one far
// later (2030-01-01); at most `limit` of them, drawn at random. `--now` is read within the years
// 0000 to 9999, as every time.
inline std::vector<std::int64_t> nows_for(const compiler::CheckedPolicy& policy, std::mt19937_64& rng,
                                          std::size_t limit) {
  std::set<std::int64_t> nows{1893456000};
  const std::function<void(const compiler::CheckedCondition&)> collect = [&](const compiler::CheckedCondition& c) {
    for (const auto& operand : c.operands) collect(operand);
    if (c.op == compiler::ConditionOp::compare && c.subject == policy.now_attribute) {
      const auto seconds = static_cast<std::int64_t>(c.key / 2);
      for (const std::int64_t now : {seconds - 1, seconds, seconds + 1}) {
        if (now >= -62167219200 && now <= 253402300799) nows.insert(now);
      }
    }
  };
  for (const auto& rule : policy.rules) collect(rule.condition);
  std::vector<std::int64_t> all(nows.begin(), nows.end());
  std::shuffle(all.begin(), all.end(), rng);
  if (all.size() > limit) all.resize(limit);
  return all;
}

// The interpreter's answer for a record decided for `purposes` as `filter --purpose` does:
// allowed only if every purpose allows; the reason of the first that denies, else the first's.
inline differential::Answer expected_answer(const compiler::CheckedPolicy& policy, compiler::InterpreterInput record,
                                            const std::vector<std::string>& purposes) {
  if (purposes.empty()) return differential::interpreter_answer(policy, record);
  differential::Answer first;
  for (std::size_t p = 0; p < purposes.size(); ++p) {
    record.attributes["purpose"] = compiler::RecordValue::of(purposes[p]);
    differential::Answer answer = differential::interpreter_answer(policy, record);
    if (p == 0) first = answer;
    if (!answer.allowed) return answer;
  }
  return first;
}

}  // namespace usegate::sql_testing

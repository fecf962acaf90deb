#pragma once
// Proving a policy's assertions (`assert ID never allow when COND`, `always allow when COND`)
// over its decision diagram: the exact function of every record, not samples. An assertion
// fails when some record where COND holds is decided against it; the proof then says where
// (regions of the table) and gives one concrete record.

#include <cstdint>
#include <vector>

#include "usegate/compiler/checked_policy.hpp"
#include "usegate/compiler/interpreter.hpp"
#include "usegate/compiler/lower.hpp"
#include "usegate/compiler/partition.hpp"
#include "usegate/compiler/regions.hpp"

namespace usegate::compiler {

struct AssertionProof {
  std::uint32_t assertion = 0;  // index into CheckedPolicy::assertions
  bool holds = true;
  // The variables the regions are over: the table's, plus attributes only assertions test
  // and the constants they compare them with.
  std::vector<Partition> partitions;
  // Where the assertion fails, as `usegate table` rows: each region's value is the cell
  // (encode_cell) the policy decides there. Empty when it holds.
  std::vector<Region> failing_regions;
  // One record in the first failing region, as read without bindings: attributes by name,
  // settings' values (`on`/`off`) by name, and the evaluation time. The interpreter decides
  // it against the assertion.
  InterpreterInput example;
  bool example_needs_now = false;  // `now` is tested: the example holds only at example.now
};

// The variables assertions are proved over: the table's partitions, widened to the attributes
// and constants the assertions test.
[[nodiscard]] std::vector<Partition> assertion_partitions(const CheckedPolicy& policy);

// One proof per assertion, in source order. Throws DiagramTooLarge beyond the budgets.
[[nodiscard]] std::vector<AssertionProof> prove_assertions(const CheckedPolicy& policy,
                                                           const CompileOptions& options = {});

// Whether the policy decides a record as the assertion says it must (the reference
// interpreter's answer): false when the condition holds and the decision is the forbidden one.
[[nodiscard]] bool assertion_holds_for(const CheckedPolicy& policy, const Assertion& assertion,
                                       const InterpreterInput& input);

}  // namespace usegate::compiler

#pragma once
// Regions of the input space: boxes (a set of codes per variable) on which a diagram is
// constant. They are what `usegate table` prints as rows and `usegate diff` as conditions.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "usegate/compiler/decision_diagram.hpp"
#include "usegate/compiler/partition.hpp"

namespace usegate::compiler {

struct Region {
  std::vector<std::vector<bool>> codes;  // per variable: which codes are in the box
  std::uint32_t value = 0;               // the diagram's terminal value on the box
};

// Disjoint boxes covering the points whose value `keep` accepts, merged while two boxes
// with the same value differ in one variable only. Sorted by value, then by codes.
[[nodiscard]] std::vector<Region> regions_of(
    const DecisionDiagram& diagram, NodeId root,
    const std::function<bool(std::uint32_t)>& keep = [](std::uint32_t) { return true; });

// Whether `now`'s `missing` and `unknown` are named. People read `now` as never missing nor
// unknown (docs/language.md), so tables and diffs leave them out; the developer's dumps
// (`check --show`) name every code.
enum class NowStates : std::uint8_t { left_out, listed };

// The codes of one variable in words, for a table cell: `training, fine_tuning`,
// `[2024-05-07, 2024-08-01)`, `missing`, `on`; `-` when every code is in.
[[nodiscard]] std::string describe_codes(const Partition& partition, const std::vector<bool>& codes,
                                         NowStates now_states = NowStates::left_out);

// The same as a list (`training`, `fine_tuning`; `[2024-05-07, 2024-08-01)`; `missing`).
[[nodiscard]] std::vector<std::string> describe_code_list(const Partition& partition, const std::vector<bool>& codes,
                                                          NowStates now_states = NowStates::left_out);

// The box as a condition: `purpose ∈ {training, fine_tuning} ∧ region = EU ∧ ts ∈ [...)`;
// `true` when it constrains nothing.
[[nodiscard]] std::string describe_region(const std::vector<Partition>& partitions, const Region& region);

// A constant of an ordered attribute as written in a policy: a date, a date-time, a number.
[[nodiscard]] std::string describe_constant(const Partition& partition, double key);

// A time as a policy writes it: `2024-08-08` at midnight UTC, else `2024-08-08T12:30:00Z`.
[[nodiscard]] std::string describe_time(std::int64_t epoch_seconds);

}  // namespace usegate::compiler

#pragma once
// The cells a decision table splits each variable into.
//
//   categorical attribute (enum, bool): missing, unknown, then one cell per value
//   ordered attribute (time, number):   missing, unknown, then the elementary intervals
//                                       between the constants the policy compares it with:
//                                       (-inf, c0), [c0], (c0, c1), [c1], ..., [ck-1], (ck-1, +inf)
//   setting:                            off, on (the effective value)
//
// Only attributes that some condition tests become variables; settings always do, since
// each adds its opt-out rule.

#include <cstdint>
#include <string>
#include <vector>

#include "usegate/compiler/checked_policy.hpp"
#include "usegate/runtime/encoding.hpp"

namespace usegate::compiler {

// The codes are the runtime's: a table the compiler writes is read by it.
using runtime::first_value_code;
using runtime::missing_code;
using runtime::setting_off_code;
using runtime::setting_on_code;
using runtime::unknown_code;

struct Partition {
  using Kind = runtime::VariableKind;
  Kind kind = Kind::categorical;
  std::string name;  // the attribute's or the setting's
  AttributeKind attribute_kind = AttributeKind::enumeration;
  std::vector<std::string> values;  // categorical: the value of code first_value_code + i
  std::vector<double> constants;    // ordered: sorted and distinct

  [[nodiscard]] std::uint32_t cell_count() const;

  // Ordered cells: a point [c] or an open interval between neighbouring constants.
  struct Interval {
    bool is_point = false;
    double point = 0;
    bool has_low = false, has_high = false;  // an open end is unbounded
    double low = 0, high = 0;
  };
  [[nodiscard]] Interval interval(std::uint32_t code) const;  // code >= first_value_code
};

// The variables of a policy's decision table, attributes in declaration order, then settings.
[[nodiscard]] std::vector<Partition> partitions_of(const CheckedPolicy& policy);

// The variables two policies are compared over: each attribute's values and constants are
// the union of both; variables keep the first policy's order, the second's new ones follow.
// Variables are matched by name; both policies must give a shared attribute the same kind.
[[nodiscard]] std::vector<Partition> merge_partitions(const std::vector<Partition>& first,
                                                      const std::vector<Partition>& second);

}  // namespace usegate::compiler

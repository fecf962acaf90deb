#pragma once
// Records derived from a checked policy, to decide with both the compiled table and the
// reference interpreter: for every attribute, each of its values, `missing` (absent and
// null), `unknown` (a value of the wrong type, or text the policy does not declare), and for
// ordered attributes each constant the policy compares it with, exactly and just either side
// (as epoch numbers, fractions of a second and ISO text for times); for every setting, on,
// off, unset, a bad value and a value under a former name; `now` at and around each constant
// it is compared with.
//
// Each candidate value of each input appears in at least one record; the other inputs of a
// record are mixed by a hash of `seed`, so different inputs meet in different combinations.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "usegate/compiler/checked_policy.hpp"
#include "usegate/compiler/interpreter.hpp"

namespace usegate::fuzz {

[[nodiscard]] std::vector<compiler::InterpreterInput> derived_records(const compiler::CheckedPolicy& policy,
                                                                      std::uint64_t seed, std::size_t limit);

}  // namespace usegate::fuzz

#pragma once
// Edits of a random policy (random_policy.hpp) that make a second version of it, for the diff
// tests. Each returns false, leaving the policy as it was, when the policy has nothing the edit
// applies to; an edited policy may no longer check, and the caller then tries another edit.

#include <random>
#include <string>

#include "random_policy.hpp"

namespace usegate::differential {

// One small edit of the structure: a rule dropped, an effect flipped, a constant shifted, a
// setting's default flipped, an enum value added or dropped, two neighbouring rules or
// settings swapped, a rule renamed, the default changed. `step` says which, for the report.
[[nodiscard]] bool mutate_policy(RandomPolicy& policy, std::mt19937_64& rng, std::string& step);

// One edit of the rules' list: a rule inserted (`inserted_N`, with a condition the policy
// already uses), removed, moved (a rule or a setting, whose opt-out is a rule too) or renamed.
[[nodiscard]] bool edit_rules(RandomPolicy& policy, std::mt19937_64& rng, int& inserted, std::string& step);

// A setting renamed to `NAME_v2`, naming its old name with `formerly`, and every `consent`
// of it renamed too: one control for a diff, whose opt-out rule changes name.
[[nodiscard]] bool rename_setting(RandomPolicy& policy, std::mt19937_64& rng, std::string& step);

}  // namespace usegate::differential

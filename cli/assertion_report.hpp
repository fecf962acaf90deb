#pragma once
// The assertions of a policy source, proved and turned into diagnostics: each failing one is
// an error at its id, with the rows where it fails (as `usegate table` prints them) and one
// record that `usegate eval` decides against it. `check` and `build` prove them.

#include "policy_files.hpp"

namespace usegate::cli {

// Adds an error for every assertion that fails; nothing when the policy did not check.
void add_assertion_errors(LoadedPolicy& loaded);

}  // namespace usegate::cli

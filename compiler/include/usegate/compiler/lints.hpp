#pragma once
// Lints: warnings for policies that compile but probably do not say what their authors
// meant. Each has a name, printed as `[name]`:
//
//   never-matches             a rule whose condition no record satisfies
//   allow-always-denied       an allow rule every record of which a deny rule takes anyway
//   optout-changes-nothing    a setting whose coverage meets nothing that is allowed
//   default-allow             `default allow`: whatever no rule decides is allowed
//   negation-matches-missing  an allow rule that matches unreadable records through `!=`,
//                             `not in` or `not`
//   deny-escaped-by-missing   a deny that an unreadable attribute slips past, after which an
//                             allow rule allows the record
//
// All are exact: they are decided on the policy's decision diagram, not guessed.

#include "usegate/base/diagnostics.hpp"
#include "usegate/compiler/checked_policy.hpp"
#include "usegate/compiler/lower.hpp"

namespace usegate::compiler {

void lint_policy(const CheckedPolicy& policy, usegate::DiagnosticList& diagnostics, const CompileOptions& options = {});

}  // namespace usegate::compiler

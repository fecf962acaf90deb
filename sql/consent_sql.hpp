#pragma once
// Consent as of `now` from a table of changes (`--consent-table`), with the rules of
// records/consent_ledger.hpp: a change counts when its subject is text or a number, its setting
// one of the policy's names (own or former), its time readable and at or before `now`, its
// platform text (or NULL) and, for a setting available only on some platforms and dates, one
// where and when it was available. Per subject and name, the latest change counts (the
// ordering column breaks ties of time: the later row wins), its value 0 unset (NULL),
// 2 on (`on`, true), 1 off (`off`, false, anything else).

#include <string>

#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/sql/lower_sql.hpp"

namespace usegate::sql {

// The CTE `usegate_consent (usegate_subject, usegate_name, usegate_value)` reading `table`
// (a quoted reference) with the columns subject, setting, value, platform, ts and `order_column`;
// `now_seconds` is SQL for `now` in epoch seconds.
[[nodiscard]] std::string consent_cte(const runtime::CompiledPolicy& policy, const std::string& table,
                                      const std::string& order_column, const std::string& now_seconds, Dialect dialect);

}  // namespace usegate::sql

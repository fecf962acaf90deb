#pragma once
// How a row's columns become a variable's code in SQL, exactly as the runtime reads the same
// record's fields (docs/sql.md, "Values"): NULL is missing; a value of another type, text
// outside the enum, an infinite number, a time text the runtime would not read are unknown;
// value maps apply first; times are compared as time keys (twice the epoch seconds, plus one
// for a fraction of a second).

#include <optional>
#include <string>
#include <vector>

#include "usegate/base/result.hpp"
#include "usegate/records/bindings.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/sql/lower_sql.hpp"

namespace usegate::sql {

// A variable read from a row: `key` (optional) is computed first, as `usegate_k<v>`, and
// `code` may use it by that name.
struct ColumnCode {
  std::string key;
  std::string code;
  std::string consent;  // settings with a consent table: the subject's state, `usegate_l<v>`
};

// Where settings read consent changes from (`--consent-table`): the CTE `usegate_consent` of
// consent_sql.hpp, keyed by subject.
struct ConsentSource {
  bool given = false;
};

// `"name"`, with quotes inside doubled.
[[nodiscard]] std::string quote_identifier(const std::string& name);
// `'text'`, with quotes inside doubled.
[[nodiscard]] std::string quote_text(const std::string& text);

// The code of attribute variable `variable` read through `binding` from the row `row` (an
// alias), or an invalid_input error naming the attribute, the column and the dialect.
[[nodiscard]] Result<ColumnCode> attribute_code(const runtime::CompiledPolicy& policy, std::size_t variable,
                                                const records::AttributeBinding& binding, const std::string& row,
                                                Dialect dialect);

// PostgreSQL's reading of typed columns (column_codes_postgres.cpp); `column` is the reference.
[[nodiscard]] Result<ColumnCode> postgres_attribute_code(const runtime::CompiledPolicy& policy, std::size_t variable,
                                                         const records::AttributeBinding& binding,
                                                         const std::string& column, Dialect dialect);
// A setting's code from its text value (NULL: the default), after `from_consent` (WHEN branches).
[[nodiscard]] std::string postgres_setting_code(const std::string& value, const char* default_code,
                                                const std::string& from_consent);
[[nodiscard]] std::string postgres_time_key(const std::string& value, records::TimeFormat format, Dialect dialect);
// PostgreSQL and DuckDB: typed columns, spelled alike but for a few functions.
[[nodiscard]] constexpr bool typed_columns(Dialect dialect) {
  return dialect == Dialect::postgres || dialect == Dialect::duckdb;
}

// The code of an ordered value `key` (never NULL there) among the variable's constants: 2 below
// the first, 3 on it, 4 between it and the next, ... Time keys compare as integers; numbers as
// each dialect spells a double.
[[nodiscard]] std::string ordered_code(const std::string& key, const std::vector<double>& constants, bool integer_keys,
                                       Dialect dialect);
// An ordered column's code: 0 (missing) when the column `column` is NULL, 1 (unknown) when its
// key `key` is, else ordered_code.
[[nodiscard]] std::string ordered_column_code(const std::string& column, const std::string& key,
                                              const std::vector<double>& constants, bool integer_keys, Dialect dialect);

// SQL for `now` in epoch seconds under `--now-param`: sqlite's parameter `:usegate_now`, postgres's
// setting `usegate.now` (`SET usegate.now = '1725148800'`).
[[nodiscard]] std::string now_parameter(Dialect dialect);

// `now` read from the parameter `:usegate_now` (epoch seconds).
[[nodiscard]] ColumnCode now_parameter_code(const runtime::CompiledPolicy& policy, std::size_t variable,
                                            Dialect dialect);

// A setting's code from the row's own value (its column, else its former names' columns in
// order): on, off, NULL for the default, anything else off.
// With a consent table, the subject's state from it wins (docs/sql.md, "Consent"); a row whose
// subject cannot be read then counts as off.
[[nodiscard]] Result<ColumnCode> setting_code(const runtime::CompiledPolicy& policy, std::size_t variable,
                                              const records::SettingBinding& binding, const std::string& row,
                                              Dialect dialect, const ConsentSource& consent);

// A time value as the runtime reads it in `format`: its time key, or NULL when unreadable.
[[nodiscard]] std::string time_key_of(const std::string& value, records::TimeFormat format, Dialect dialect);

// A subject id as records/subject_key.hpp matches it: text as it is, integers (and reals
// with an integral value) as their decimal text, other reals by value; NULL for anything
// else. The first character keeps the kinds apart.
// PostgreSQL: the text of the value (subjects are text or integer columns there).
[[nodiscard]] std::string subject_key_of(const std::string& value, Dialect dialect);

}  // namespace usegate::sql

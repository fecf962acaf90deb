// The consent CTE (consent_sql.hpp).
#include "consent_sql.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "column_codes.hpp"

namespace usegate::sql {
namespace {

// Whether a change to `setting` at whole second `seconds` on `platform` (text here) counts.
std::string available(const runtime::CompiledPolicy& policy, const runtime::SettingInfo& setting,
                      const std::string& platform, const std::string& seconds, Dialect dialect) {
  if (setting.availability.empty()) return "TRUE";
  const auto& values = policy.attributes[static_cast<std::size_t>(policy.platform_attribute)].values;
  std::string any;
  for (const auto& entry : setting.availability) {
    std::string names;
    for (const auto index : entry.platforms) {
      if (!names.empty()) names += ", ";
      names += quote_text(values[index]);
    }
    std::string condition = names.empty() ? "0 = 1" : fmt::format("{} IN ({})", platform, names);
    if (entry.from) condition += fmt::format(" AND {} >= {}", seconds, *entry.from);
    if (entry.until) condition += fmt::format(" AND {} < {}", seconds, *entry.until);
    if (!any.empty()) any += " OR ";
    any += "(" + condition + ")";
  }
  if (typed_columns(dialect)) return fmt::format("({} IS NOT NULL AND ({}))", platform, any);
  return fmt::format("(typeof({}) = 'text' AND ({}))", platform, any);
}

}  // namespace

std::string consent_cte(const runtime::CompiledPolicy& policy, const std::string& table,
                        const std::string& order_column, const std::string& now_seconds, Dialect dialect) {
  const std::string change = "usegate_change";
  const std::string subject = subject_key_of(change + ".\"subject\"", dialect);
  const std::string name = change + ".\"setting\"";
  const std::string value = change + ".\"value\"";
  const std::string platform = change + ".\"platform\"";
  const std::string key = time_key_of(change + ".\"ts\"", records::TimeFormat::automatic, dialect);
  const std::string order = change + "." + quote_identifier(order_column);
  // The whole seconds of a time key (twice the seconds, plus one for a fraction).
  const std::string seconds = dialect == Dialect::duckdb ? "((usegate_key - abs(usegate_key % 2)) // 2)"
                                                         : "((usegate_key - abs(usegate_key % 2)) / 2)";

  // Each name of each setting, the first place of a name listed twice winning.
  std::vector<std::string> seen;
  std::string by_name;
  for (const auto& setting : policy.settings) {
    std::vector<std::string> names{setting.name};
    names.insert(names.end(), setting.formerly.begin(), setting.formerly.end());
    for (const auto& each : names) {
      if (std::find(seen.begin(), seen.end(), each) != seen.end()) continue;
      seen.push_back(each);
      by_name += fmt::format(" WHEN {} THEN {}", quote_text(each),
                             available(policy, setting, "usegate_platform", seconds, dialect));
    }
  }
  if (by_name.empty()) by_name = " WHEN NULL THEN FALSE";
  // SQLite tells the types of values apart; PostgreSQL's columns are text (docs/sql.md).
  const bool postgres = typed_columns(dialect);
  const std::string value_code =
      postgres ? fmt::format("CASE WHEN {0} IS NULL THEN 0 WHEN CAST({0} AS text) = 'on' THEN 2 ELSE 1 END", value)
               : fmt::format(
                     "CASE WHEN {0} IS NULL THEN 0 WHEN (typeof({0}) = 'text' AND {0} = 'on') OR (typeof({0}) = "
                     "'integer' AND {0} = 1) THEN 2 ELSE 1 END",
                     value);
  const std::string typed =
      postgres ? std::string("TRUE")
               : fmt::format("typeof({0}) = 'text' AND ({1} IS NULL OR typeof({1}) = 'text')", name, platform);
  const std::string platform_text = postgres ? fmt::format("CAST({} AS text)", platform) : platform;
  const std::string name_text = postgres ? fmt::format("CAST({} AS text)", name) : name;
  return fmt::format(
      "usegate_consent AS {11}(\n"
      "  SELECT usegate_subject, usegate_name, usegate_value FROM (\n"
      "    SELECT usegate_subject, usegate_name, usegate_value,\n"
      "      row_number() OVER (PARTITION BY usegate_subject, usegate_name ORDER BY usegate_key DESC, usegate_order "
      "DESC)"
      " AS usegate_rank\n"
      "    FROM (SELECT {0} AS usegate_subject, {1} AS usegate_name,\n"
      "        {2} AS usegate_value,\n"
      "        {3} AS usegate_platform, {4} AS usegate_key, {5} AS usegate_order\n"
      "      FROM {6} AS {7}\n"
      "      WHERE {10}) AS usegate_read\n"
      "    WHERE usegate_subject IS NOT NULL AND usegate_key IS NOT NULL AND usegate_key <= 2 * CAST(({8}) AS bigint)\n"
      "      AND CASE usegate_name{9} ELSE FALSE END\n"
      "  ) AS usegate_ranked WHERE usegate_rank = 1)",
      subject, name_text, value_code, platform_text, key, order, table, change, now_seconds, by_name, typed,
      postgres ? "MATERIALIZED " : "");
}

}  // namespace usegate::sql

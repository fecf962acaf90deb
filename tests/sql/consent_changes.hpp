#pragma once
// Random consent changes for the typed engines' consent tests: every kind of subject, setting
// name (former names and unknown ones included), value (good, bad, null), platform and time (at
// and around each availability bound and `now`, in several spellings, and unreadable), written
// both as the JSON Lines `--consent` reads and as the rows of the `changes` table the SQL reads
// (with `seq` in the order of the lines).

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "../differential/civil_time.hpp"
#include "usegate/compiler/checked_policy.hpp"

namespace usegate::sql_testing {

// The subjects changes are made for ("" is NULL); the tests' rows draw their subjects from them.
inline const std::vector<std::string> change_subjects{"u1", "u2", "7", ""};

struct RandomChanges {
  std::string jsonl;       // for `--consent`
  std::string insert_sql;  // INSERT INTO changes VALUES (subject, setting, value, platform, ts, seq), ...
};

inline RandomChanges random_consent_changes(const compiler::CheckedPolicy& checked, std::int64_t now,
                                            std::mt19937_64& rng, std::size_t count) {
  const auto pick = [&rng](const std::vector<std::string>& items) {
    return items[std::uniform_int_distribution<std::size_t>(0, items.size() - 1)(rng)];
  };
  // "" stands for NULL (an absent field; for `value`, null).
  std::vector<std::string> names{"nope", ""};
  std::set<std::int64_t> instants{now - 1, now, now + 1, 1717200000};
  for (const auto& setting : checked.settings) {
    names.push_back(setting.name);
    for (const auto& former : setting.formerly) names.push_back(former);
    for (const auto& entry : setting.availability) {
      for (const auto& bound : {entry.from, entry.until}) {
        if (bound) instants.insert({*bound - 1, *bound, *bound + 1});
      }
    }
  }
  std::vector<std::string> platforms{"mars", ""};
  if (checked.platform_attribute) {
    for (const auto& value : checked.attributes[*checked.platform_attribute].values) platforms.push_back(value);
  }
  const std::vector<std::string> values{"on", "off", "on", "off", "maybe", "OFF", ""};
  const std::vector<std::int64_t> times(instants.begin(), instants.end());
  RandomChanges changes;
  changes.insert_sql = "INSERT INTO changes VALUES ";
  for (std::size_t i = 0; i < count; ++i) {
    const std::int64_t second = times[std::uniform_int_distribution<std::size_t>(0, times.size() - 1)(rng)];
    std::string ts;
    switch (std::uniform_int_distribution<int>(0, 4)(rng)) {
      case 0: ts = differential::datetime_text(second); break;
      case 1: ts = differential::datetime_text(second, ".5Z"); break;
      case 2: ts = differential::datetime_text(second + 3600, "+01:00"); break;
      case 3: ts = "soon"; break;
      default: break;
    }
    const std::string fields[] = {pick(change_subjects), pick(names), pick(values), pick(platforms), ts};
    const char* keys[] = {"user", "setting", "value", "platform", "ts"};
    std::string line = "{";
    changes.insert_sql += i == 0 ? "(" : ", (";
    for (std::size_t f = 0; f < 5; ++f) {
      changes.insert_sql += fields[f].empty() ? "NULL, " : "'" + fields[f] + "', ";
      if (fields[f].empty() && f != 2) continue;
      if (line.size() > 1) line += ", ";
      line += fmt::format("\"{}\": {}", keys[f], fields[f].empty() ? "null" : "\"" + fields[f] + "\"");
    }
    changes.insert_sql += std::to_string(i) + ")";
    changes.jsonl += line + "}\n";
  }

  return changes;
}

}  // namespace usegate::sql_testing

#include "policy_edits.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "civil_time.hpp"

namespace usegate::differential {
namespace {

int uniform(std::mt19937_64& rng, int low, int high) {
  return std::uniform_int_distribution<int>(low, high)(rng);
}

template <typename Declaration>
std::vector<std::size_t> positions_of(const RandomPolicy& policy) {
  std::vector<std::size_t> positions;
  for (std::size_t i = 0; i < policy.declarations.size(); ++i) {
    if (std::holds_alternative<Declaration>(policy.declarations[i])) positions.push_back(i);
  }
  return positions;
}

void collect_atoms(RandomCondition& condition, std::vector<RandomCondition*>& atoms) {
  if (condition.kind == RandomCondition::Kind::atom) atoms.push_back(&condition);
  for (auto& operand : condition.operands) collect_atoms(operand, atoms);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// `-12`, `007`, `1.50`: the number literals the generator writes.
bool is_number_literal(std::string_view text) {
  if (!text.empty() && text.front() == '-') text.remove_prefix(1);
  const auto point = text.find('.');
  const auto digits = [](std::string_view part) {
    return !part.empty() && std::all_of(part.begin(), part.end(), is_digit);
  };
  return point == std::string_view::npos ? digits(text)
                                         : digits(text.substr(0, point)) && digits(text.substr(point + 1));
}

// Epoch seconds of `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ`; nothing for any other text.
std::optional<std::int64_t> seconds_of_time_literal(const std::string& text) {
  const std::string shape = text.size() == 10 ? "dddd-dd-dd" : "dddd-dd-ddTdd:dd:ddZ";
  if (text.size() != shape.size()) return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (shape[i] == 'd' ? !is_digit(text[i]) : text[i] != shape[i]) return std::nullopt;
  }
  const auto number = [&text](std::size_t at, std::size_t length) { return std::stoi(text.substr(at, length)); };
  const std::chrono::year_month_day day{std::chrono::year{number(0, 4)},
                                        std::chrono::month{static_cast<unsigned>(number(5, 2))},
                                        std::chrono::day{static_cast<unsigned>(number(8, 2))}};
  std::int64_t seconds = std::chrono::sys_days{day}.time_since_epoch().count() * std::int64_t{86400};
  if (text.size() > 10) seconds += number(11, 2) * 3600 + number(14, 2) * 60 + number(17, 2);
  return seconds;
}

// `A op literal` with a number, date or date-time literal: the literal moved a little.
std::optional<std::string> shifted_comparison(const std::string& atom, std::mt19937_64& rng) {
  std::size_t at = 0;
  while (at < atom.size() && (std::isalnum(static_cast<unsigned char>(atom[at])) || atom[at] == '_')) ++at;
  const std::string subject = atom.substr(0, at);
  while (at < atom.size() && atom[at] == ' ') ++at;
  std::string op;
  for (const char* candidate : {"==", "!=", "<=", ">=", "<", ">"}) {
    if (atom.compare(at, std::strlen(candidate), candidate) == 0) {
      op = candidate;
      break;
    }
  }
  if (subject.empty() || op.empty()) return std::nullopt;
  at += op.size();
  while (at < atom.size() && atom[at] == ' ') ++at;
  const std::string literal = atom.substr(at);
  const std::string head = subject + " " + op + " ";
  if (is_number_literal(literal)) {
    const double deltas[] = {1, -1, 0.5};
    return head + fmt::format("{:.3f}", std::stod(literal) + deltas[uniform(rng, 0, 2)]);
  }
  const auto seconds = seconds_of_time_literal(literal);
  if (!seconds) return std::nullopt;
  const std::int64_t deltas[] = {86400, -86400, 1, -3600};
  const std::int64_t shifted = *seconds + deltas[uniform(rng, 0, 3)];
  if (!writable_year(shifted)) return std::nullopt;
  return head + (shifted % 86400 == 0 ? date_text(shifted) : datetime_text(shifted));
}

std::size_t pick(std::mt19937_64& rng, const std::vector<std::size_t>& from) {
  return from[static_cast<std::size_t>(uniform(rng, 0, static_cast<int>(from.size()) - 1))];
}

std::vector<std::size_t> rule_positions(const RandomPolicy& policy, bool with_settings) {
  std::vector<std::size_t> positions;
  for (std::size_t i = 0; i < policy.declarations.size(); ++i) {
    const auto& declaration = policy.declarations[i];
    if (std::holds_alternative<RandomRule>(declaration) ||
        (with_settings && std::holds_alternative<RandomSetting>(declaration))) {
      positions.push_back(i);
    }
  }
  return positions;
}

// A condition the policy already uses (a rule's, a part of one, or a setting's coverage), so
// that it checks and matches records the generator aims at.
RandomCondition borrowed_condition(const RandomPolicy& policy, std::mt19937_64& rng) {
  std::vector<const RandomCondition*> conditions;
  for (const auto& declaration : policy.declarations) {
    const RandomCondition* condition = nullptr;
    if (const auto* rule = std::get_if<RandomRule>(&declaration)) condition = &rule->condition;
    if (const auto* setting = std::get_if<RandomSetting>(&declaration)) condition = &setting->covers;
    if (!condition) continue;
    conditions.push_back(condition);
    for (const auto& operand : condition->operands) conditions.push_back(&operand);
  }
  if (conditions.empty()) return RandomCondition{RandomCondition::Kind::atom, "true", {}, false, false};
  return *conditions[static_cast<std::size_t>(uniform(rng, 0, static_cast<int>(conditions.size()) - 1))];
}

void rename_consent(RandomCondition& condition, const std::string& from, const std::string& to) {
  if (condition.kind == RandomCondition::Kind::atom && condition.atom == "consent " + from)
    condition.atom = "consent " + to;
  for (auto& operand : condition.operands) rename_consent(operand, from, to);
}

}  // namespace

bool mutate_policy(RandomPolicy& policy, std::mt19937_64& rng, std::string& step) {
  const auto rules = positions_of<RandomRule>(policy);
  const auto settings = positions_of<RandomSetting>(policy);
  const auto attributes = positions_of<RandomAttribute>(policy);
  const auto pick = [&rng](const std::vector<std::size_t>& from) {
    return from[static_cast<std::size_t>(uniform(rng, 0, static_cast<int>(from.size()) - 1))];
  };
  switch (uniform(rng, 0, 8)) {
    case 0: {
      if (rules.size() < 2) return false;
      const std::size_t at = pick(rules);
      step = "drop rule " + std::get<RandomRule>(policy.declarations[at]).id;
      policy.declarations.erase(policy.declarations.begin() + static_cast<std::ptrdiff_t>(at));
      if (policy.default_position > at) --policy.default_position;
      return true;
    }
    case 1: {
      auto& rule = std::get<RandomRule>(policy.declarations[pick(rules)]);
      rule.allow = !rule.allow;
      step = "flip the effect of rule " + rule.id;
      return true;
    }
    case 2: {
      std::vector<RandomCondition*> atoms;
      for (auto& declaration : policy.declarations) {
        if (auto* rule = std::get_if<RandomRule>(&declaration)) collect_atoms(rule->condition, atoms);
        if (auto* setting = std::get_if<RandomSetting>(&declaration)) collect_atoms(setting->covers, atoms);
      }
      std::shuffle(atoms.begin(), atoms.end(), rng);
      for (RandomCondition* atom : atoms) {
        if (const auto shifted = shifted_comparison(atom->atom, rng)) {
          step = "shift `" + atom->atom + "` to `" + *shifted + "`";
          atom->atom = *shifted;
          return true;
        }
      }
      return false;
    }
    case 3: {
      if (settings.empty()) return false;
      auto& setting = std::get<RandomSetting>(policy.declarations[pick(settings)]);
      setting.default_on = !setting.default_on;
      step = "flip the default of setting " + setting.name;
      return true;
    }
    case 4:
    case 5: {
      std::vector<std::size_t> enums;
      for (const std::size_t at : attributes) {
        if (std::get<RandomAttribute>(policy.declarations[at]).kind == RandomAttribute::Kind::enumeration) {
          enums.push_back(at);
        }
      }
      if (enums.empty()) return false;
      auto& attribute = std::get<RandomAttribute>(policy.declarations[pick(enums)]);
      if (uniform(rng, 0, 1) == 0) {
        if (std::find(attribute.values.begin(), attribute.values.end(), "newcomer") != attribute.values.end())
          return false;
        attribute.values.push_back("newcomer");
        step = "add value newcomer to " + attribute.name;
      } else {
        if (attribute.values.size() < 2) return false;
        const auto at = static_cast<std::size_t>(uniform(rng, 0, static_cast<int>(attribute.values.size()) - 1));
        step = "drop value " + attribute.values[at] + " of " + attribute.name;
        attribute.values.erase(attribute.values.begin() + static_cast<std::ptrdiff_t>(at));
      }
      return true;
    }
    case 6: {
      // Two neighbouring rules or settings swap places: only reasons may change.
      std::vector<std::size_t> neighbours;
      for (std::size_t i = 0; i + 1 < policy.declarations.size(); ++i) {
        if (!std::holds_alternative<RandomAttribute>(policy.declarations[i]) &&
            !std::holds_alternative<RandomAttribute>(policy.declarations[i + 1])) {
          neighbours.push_back(i);
        }
      }
      if (neighbours.empty()) return false;
      const std::size_t at = pick(neighbours);
      std::swap(policy.declarations[at], policy.declarations[at + 1]);
      step = "swap declarations " + std::to_string(at) + " and " + std::to_string(at + 1);
      return true;
    }
    case 7: {
      auto& rule = std::get<RandomRule>(policy.declarations[pick(rules)]);
      step = "rename rule " + rule.id;
      rule.id += "_v2";
      return true;
    }
    default: {
      policy.default_allow = !policy.default_allow   ? std::optional<bool>(true)
                             : *policy.default_allow ? std::optional<bool>(false)
                                                     : std::nullopt;
      step = "change the default";
      return true;
    }
  }
}

bool edit_rules(RandomPolicy& policy, std::mt19937_64& rng, int& inserted, std::string& step) {
  const auto rules = rule_positions(policy, false);
  switch (uniform(rng, 0, 4)) {
    case 0:
    case 1: {
      RandomRule rule;
      rule.allow = uniform(rng, 0, 1) == 0;
      rule.id = "inserted_" + std::to_string(inserted++);
      rule.condition = borrowed_condition(policy, rng);
      const auto at = static_cast<std::size_t>(uniform(rng, 0, static_cast<int>(policy.declarations.size())));
      step = "insert " + std::string(rule.allow ? "allow " : "deny ") + rule.id + " at " + std::to_string(at);
      policy.declarations.insert(policy.declarations.begin() + static_cast<std::ptrdiff_t>(at), std::move(rule));
      return true;
    }
    case 2: {
      if (rules.size() < 2) return false;
      const std::size_t at = pick(rng, rules);
      step = "remove rule " + std::get<RandomRule>(policy.declarations[at]).id;
      policy.declarations.erase(policy.declarations.begin() + static_cast<std::ptrdiff_t>(at));
      return true;
    }
    case 3: {
      // A rule or a setting (whose opt-out is a rule too) to another place.
      const auto movable = rule_positions(policy, true);
      if (movable.size() < 2) return false;
      const std::size_t from = pick(rng, movable);
      RandomDeclaration moved = policy.declarations[from];
      policy.declarations.erase(policy.declarations.begin() + static_cast<std::ptrdiff_t>(from));
      const auto to = static_cast<std::size_t>(uniform(rng, 0, static_cast<int>(policy.declarations.size())));
      policy.declarations.insert(policy.declarations.begin() + static_cast<std::ptrdiff_t>(to), std::move(moved));
      step = "move declaration " + std::to_string(from) + " to " + std::to_string(to);
      return true;
    }
    default: {
      if (rules.empty()) return false;
      auto& rule = std::get<RandomRule>(policy.declarations[pick(rng, rules)]);
      step = "rename rule " + rule.id;
      rule.id += "_v2";
      return true;
    }
  }
}

bool rename_setting(RandomPolicy& policy, std::mt19937_64& rng, std::string& step) {
  const auto settings = positions_of<RandomSetting>(policy);
  if (settings.empty()) return false;
  auto& setting = std::get<RandomSetting>(policy.declarations[pick(rng, settings)]);
  const std::string from = setting.name;
  const std::string to = from + "_v2";
  setting.name = to;
  setting.formerly.insert(setting.formerly.begin(), from);
  for (auto& declaration : policy.declarations) {
    if (auto* rule = std::get_if<RandomRule>(&declaration)) rename_consent(rule->condition, from, to);
    if (auto* other = std::get_if<RandomSetting>(&declaration)) rename_consent(other->covers, from, to);
  }
  step = "rename setting " + from + " to " + to + ", formerly " + from;
  return true;
}

}  // namespace usegate::differential

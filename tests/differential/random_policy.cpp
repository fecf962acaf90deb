#include "random_policy.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <numeric>
#include <set>

#include "civil_time.hpp"

namespace usegate::differential {

std::uint64_t mix_seed(std::uint64_t value) {
  value += 0x9E3779B97F4A7C15ULL;
  value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9ULL;
  value = (value ^ (value >> 27)) * 0x94D049BB133111EBULL;
  return value ^ (value >> 31);
}

namespace {

// ---------------------------------------------------------------------------------------------
// Name pools. None is a reserved word; `platform` is chosen separately.

const std::vector<std::string> enum_names = {"category", "purpose",   "region",        "visibility",
                                             "plan",     "recipient", "content_state", "account_type"};
const std::vector<std::string> time_names = {"ts", "collected_at", "created"};
const std::vector<std::string> number_names = {"age", "score", "amount"};
const std::vector<std::string> bool_names = {"verified", "minor", "is_deleted"};
const std::vector<std::string> setting_names = {"sharing", "grok_sharing", "ads_personalization", "training_opt",
                                                "workspace_toggle"};
// Enough for three settings with three former names each.
const std::vector<std::string> former_names = {
    "old_sharing", "legacy_toggle", "data_sharing_v1", "grok_data",         "personalize_ads_old", "share2023",
    "sharing_v0",  "opt_in_2022",   "ai_training",     "model_improvement", "improve_grok",        "x_data"};
const std::vector<std::string> rule_words = {"train",    "allow_posts", "eu_pause", "minors", "protected",
                                             "Grok_use", "r",           "dm",       "window"};
// Enum values: short and long, shared 16-byte prefixes (the runtime compares the first
// sixteen bytes as integers), upper case, digits, underscores.
const std::vector<std::string> value_words = {"post",
                                              "interaction",
                                              "input",
                                              "result",
                                              "direct_message",
                                              "training",
                                              "fine_tuning",
                                              "realtime_answers",
                                              "ads",
                                              "search",
                                              "US",
                                              "EU",
                                              "UK",
                                              "other_region",
                                              "public",
                                              "protected",
                                              "deleted",
                                              "draft",
                                              "private_message",
                                              "consumer",
                                              "team",
                                              "enterprise",
                                              "API",
                                              "first_party",
                                              "affiliate",
                                              "licensee",
                                              "interaction_with_grok_a",
                                              "interaction_with_grok_b",
                                              "interaction_with_grok_aa",
                                              "a",
                                              "b",
                                              "x1",
                                              "Zeta",
                                              "_under",
                                              "v_9",
                                              "abcdefgh",
                                              "abcdefghi",
                                              "abcdefghijklmnop",
                                              "abcdefghijklmnopq"};
const std::vector<std::string> platform_words = {"web", "ios", "android", "desktop", "api_client"};

// Whole seconds the policies compare times with: the X and Meta dates, leap days, the ends
// of the range a record may name, both sides of the epoch.
const std::vector<std::int64_t> notable_times = {
    1715040000,    // 2024-05-07
    1721952000,    // 2024-07-26
    1722470400,    // 2024-08-01
    1722988800,    // 2024-08-07
    1719405000,    // 2024-06-26T12:30:00Z
    1709251199,    // 2024-02-29T23:59:59Z
    951782400,     // 2000-02-29
    0,             // 1970-01-01
    -1,            // 1969-12-31T23:59:59Z
    -62167219200,  // 0000-01-01
    253402300799,  // 9999-12-31T23:59:59Z
    2147483648,    // 2038-01-19T03:14:08Z
};

const std::vector<std::string> special_numbers = {"0",        "-0",   "007", "1.50",  "1000000",
                                                  "0.1",      "18",   "-1",  "65",    "99999999999",
                                                  "0.000001", "-0.5", "13",  "2.675", "-273.15"};

const char* const comparison_operators[] = {"==", "!=", "<", "<=", ">", ">="};

// The runtime classifies an ordered value by counting the constants below it when there are
// at most eight (runtime/policy.cpp), and by a binary search beyond: a wide pool has more.
constexpr int wide_pool_minimum = 9;
constexpr int wide_pool_maximum = 40;

class Generator {
 public:
  Generator(std::uint64_t seed, PolicyShape shape) : rng_(seed), shape_(shape) { policy_.seed = seed; }

  RandomPolicy run() {
    policy_.name = "p" + std::to_string(policy_.seed % 100000);
    make_header();
    make_attributes();
    uses_now_ = chance(0.5);
    if (uses_now_) now_pool_ = time_pool(chance(0.25) ? uniform(wide_pool_minimum, 20) : uniform(1, 3));
    max_depth_ = uniform(3, 4);

    const int setting_count = shape_.settings_with_availability ? uniform(1, 3) : uniform(0, 3);
    const int rule_count = uniform(1, 10);
    // Setting names first, so that conditions may name settings declared later.
    std::vector<std::string> settings = sample(setting_names, setting_count);
    setting_pool_ = settings;
    std::vector<std::string> formers = former_names;
    std::shuffle(formers.begin(), formers.end(), rng_);

    std::vector<RandomDeclaration> statements;
    for (const auto& name : settings) statements.push_back(make_setting(name, formers));
    for (int i = 0; i < rule_count; ++i) statements.push_back(make_rule(i));
    name_wide_pools(statements);
    std::shuffle(statements.begin(), statements.end(), rng_);

    // Attributes first, except that some are declared further down.
    std::vector<RandomDeclaration> declarations;
    std::vector<RandomDeclaration> late;
    for (auto& attribute : attributes_) {
      if (chance(0.15)) {
        late.push_back(std::move(attribute));
      } else {
        declarations.push_back(std::move(attribute));
      }
    }
    for (auto& statement : statements) declarations.push_back(std::move(statement));
    for (auto& attribute : late) {
      const auto at = static_cast<std::size_t>(uniform(0, static_cast<int>(declarations.size())));
      declarations.insert(declarations.begin() + static_cast<std::ptrdiff_t>(at), std::move(attribute));
    }
    policy_.declarations = std::move(declarations);

    const int default_kind = uniform(0, 2);
    if (default_kind < 2) policy_.default_allow = default_kind == 0;
    policy_.default_position =
        chance(0.85) ? policy_.declarations.size()
                     : static_cast<std::size_t>(uniform(0, static_cast<int>(policy_.declarations.size())));
    return std::move(policy_);
  }

 private:
  // ------------------------------------------------------------------ randomness
  int uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(uniform(0, static_cast<int>(items.size()) - 1))];
  }
  template <typename T>
  std::vector<T> sample(const std::vector<T>& items, int count) {
    std::vector<T> copy = items;
    std::shuffle(copy.begin(), copy.end(), rng_);
    copy.resize(std::min<std::size_t>(copy.size(), static_cast<std::size_t>(count)));
    return copy;
  }

  // ------------------------------------------------------------------ declarations
  void make_header() {
    std::string header = "policy " + policy_.name;
    if (chance(0.8)) header += " \"Random policy " + std::to_string(policy_.seed) + "\"";
    header += "\n";
    if (chance(0.8)) header += chance(0.5) ? "version 2024-07-26\n" : "version 1.2.3\n";
    if (chance(0.3)) header += "source \"generated by the differential tests, \\\"seeded\\\"\"\n";
    policy_.header = std::move(header);
  }

  void make_attributes() {
    const int enum_count = uniform(1, 4);
    const bool has_platform = shape_.settings_with_availability || chance(0.4);
    std::vector<std::string> names = sample(enum_names, enum_count - (has_platform ? 1 : 0));
    if (has_platform) names.insert(names.begin() + uniform(0, static_cast<int>(names.size())), "platform");
    for (const auto& name : names) {
      RandomAttribute attribute;
      attribute.kind = RandomAttribute::Kind::enumeration;
      attribute.name = name;
      // 2 to 5 values; rarely more than 16, where the runtime looks values up by hash.
      const int value_count = name != "platform" && chance(0.04) ? uniform(17, 24) : uniform(2, 5);
      attribute.values = sample(name == "platform" ? platform_words : value_words, value_count);
      if (name != "platform" && chance(0.08)) {
        // Two long values alike in length, first eight and last eight bytes: the runtime's
        // value index cannot tell them apart by its key and must compare the whole text.
        attribute.values.resize(std::max<std::size_t>(attribute.values.size(), 4) - 2);
        for (const char* alike : {"interaction_a_with_grok", "interaction_b_with_grok"}) {
          if (std::find(attribute.values.begin(), attribute.values.end(), alike) == attribute.values.end()) {
            attribute.values.push_back(alike);
          }
        }
      }
      if (name == "platform") platform_values_ = attribute.values;
      add_attribute(std::move(attribute));
    }
    for (const auto& name : sample(time_names, uniform(0, 2))) {
      add_attribute(RandomAttribute{RandomAttribute::Kind::time, name, {}, {}});
    }
    for (const auto& name : sample(number_names, uniform(0, 2))) {
      add_attribute(RandomAttribute{RandomAttribute::Kind::number, name, {}, {}});
    }
    for (const auto& name : sample(bool_names, uniform(0, 2))) {
      add_attribute(RandomAttribute{RandomAttribute::Kind::boolean, name, {}, {}});
    }
    std::shuffle(attributes_.begin(), attributes_.end(), rng_);
    for (auto& attribute : attributes_) {
      if (chance(0.2)) attribute.trailing_comment = "# about " + attribute.name;
      Pool pool;
      const int constants = chance(0.35) ? uniform(wide_pool_minimum, wide_pool_maximum) : uniform(1, 4);
      if (attribute.kind == RandomAttribute::Kind::time) pool = time_pool(constants);
      if (attribute.kind == RandomAttribute::Kind::number) pool = number_pool(constants);
      pools_.push_back(std::move(pool));
    }
  }

  void add_attribute(RandomAttribute attribute) { attributes_.push_back(std::move(attribute)); }

  RandomSetting make_setting(const std::string& name, std::vector<std::string>& formers) {
    RandomSetting setting;
    setting.name = name;
    if (chance(0.6)) {
      setting.label = chance(0.3) ? "\"Allow \\\"" + name + "\\\" to be used \\\\ for training\""
                                  : "\"Allow your data to be used (" + name + ")\"";
    }
    setting.default_on = chance(0.5);
    setting.covers = condition(std::min(max_depth_, 2));
    if (!platform_values_.empty() && chance(shape_.settings_with_availability ? 0.85 : 0.6)) {
      const int count = chance(0.3) ? uniform(2, 3) : 1;
      for (int i = 0; i < count; ++i) setting.availability.push_back(availability());
    }
    // 0 to 3 former names, most often none or one.
    const int former_count = chance(0.55) ? 0 : chance(0.5) ? 1 : uniform(2, 3);
    for (int i = 0; i < former_count && !formers.empty(); ++i) {
      setting.formerly.push_back(formers.back());
      formers.pop_back();
    }
    setting.field_order = {0, 1, 2, 3, 4};
    std::shuffle(setting.field_order.begin(), setting.field_order.end(), rng_);
    setting.semicolons = chance(0.3);
    return setting;
  }

  RandomAvailability availability() {
    RandomAvailability line;
    line.platforms = sample(platform_values_, uniform(1, static_cast<int>(platform_values_.size())));
    line.text = "on {";
    for (std::size_t i = 0; i < line.platforms.size(); ++i) line.text += (i ? ", " : "") + line.platforms[i];
    line.text += "}";
    // From 2024-01-01, on a midnight or any second; a window of a second to about a year.
    std::int64_t from = 1704067200 + static_cast<std::int64_t>(uniform(0, 800)) * 86400;
    if (chance(0.3)) from += uniform(1, 86399);
    static const std::vector<std::int64_t> lengths = {1, 2, 60, 86399, 86400, 86401, 7 * 86400};
    const std::int64_t until =
        from + (chance(0.4) ? pick(lengths) : static_cast<std::int64_t>(uniform(1, 400)) * 86400);
    if (chance(0.6)) line.from = from;
    if (chance(0.45)) line.until = until;
    if (line.from) line.text += " from " + time_literal(*line.from);
    if (line.until) line.text += " until " + time_literal(*line.until);
    return line;
  }

  RandomDeclaration make_rule(int index) {
    RandomRule rule;
    rule.allow = chance(0.55);
    rule.id = pick(rule_words) + "_" + std::to_string(index);
    if (chance(0.5)) {
      rule.description = chance(0.2) ? "\"quotes \\\"inside\\\" and a backslash \\\\\""
                                     : "\"rule " + std::to_string(index) + " of the policy\"";
    }
    rule.condition = condition(max_depth_);
    return rule;
  }

  // ------------------------------------------------------------------ literal pools
  struct Pool {
    std::vector<std::int64_t> times;   // whole seconds
    std::vector<std::string> numbers;  // literal text
  };

  Pool time_pool(int count) {
    Pool pool;
    std::set<std::int64_t> chosen;
    while (static_cast<int>(chosen.size()) < count) {
      if (chance(0.5)) {
        chosen.insert(pick(notable_times));
      } else {
        // A random second between 2020 and 2027, sometimes on midnight.
        std::int64_t seconds = 1577836800 + static_cast<std::int64_t>(uniform(0, 7 * 365)) * 86400;
        if (chance(0.6)) seconds += uniform(0, 86399);
        chosen.insert(seconds);
      }
    }
    pool.times.assign(chosen.begin(), chosen.end());
    return pool;
  }

  Pool number_pool(int count) {
    Pool pool;
    // Distinct by value (`007` and `7`, `-0` and `0` are one constant), so a wide pool really
    // has as many constants as it says.
    std::set<double> values;
    while (static_cast<int>(values.size()) < count) {
      std::string literal;
      const int kind = uniform(0, 2);
      if (kind == 0) {
        literal = pick(special_numbers);
      } else if (kind == 1) {
        literal = std::to_string(uniform(-100, 200));
      } else {
        const int whole = uniform(0, 120);
        const int digits = uniform(1, 3);
        std::string fraction;
        for (int i = 0; i < digits; ++i) fraction += static_cast<char>('0' + uniform(0, 9));
        literal = (chance(0.3) ? "-" : "") + std::to_string(whole) + "." + fraction;
      }
      if (values.insert(std::stod(literal)).second) pool.numbers.push_back(literal);
    }
    return pool;
  }

  std::string time_literal(std::int64_t seconds) {
    if (seconds % 86400 == 0 && chance(0.6)) return date_text(seconds);
    return datetime_text(seconds);
  }

  std::string ordered_literal(const Pool& pool) {
    if (!pool.times.empty()) return time_literal(pick(pool.times));
    return pick(pool.numbers);
  }

  static std::size_t pool_size(const Pool& pool) { return pool.times.size() + pool.numbers.size(); }

  // `subject in {...}` or `not in` with `count` distinct constants of the pool.
  std::string pool_set_atom(const std::string& subject, const Pool& pool, std::size_t count, bool negated) {
    std::vector<std::size_t> order(pool_size(pool));
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::shuffle(order.begin(), order.end(), rng_);
    order.resize(std::min(count, order.size()));
    std::vector<std::string> literals;
    for (const std::size_t i : order) {
      literals.push_back(pool.times.empty() ? pool.numbers[i] : time_literal(pool.times[i]));
    }
    return subject + (negated ? " not in " : " in ") + value_set(literals);
  }

  // Each attribute (and `now`) with a wide pool gets an atom naming at least nine of its
  // constants, or-ed or and-ed into one rule: otherwise the few atoms of a small policy would
  // seldom name more than eight, and the runtime's second way would go untested.
  void name_wide_pools(std::vector<RandomDeclaration>& statements) {
    std::vector<std::pair<std::string, const Pool*>> wide;
    for (std::size_t i = 0; i < attributes_.size(); ++i) {
      if (pool_size(pools_[i]) >= static_cast<std::size_t>(wide_pool_minimum))
        wide.emplace_back(attributes_[i].name, &pools_[i]);
    }
    if (uses_now_ && pool_size(now_pool_) >= static_cast<std::size_t>(wide_pool_minimum))
      wide.emplace_back("now", &now_pool_);
    std::vector<RandomRule*> rules;
    for (auto& statement : statements) {
      if (auto* rule = std::get_if<RandomRule>(&statement)) rules.push_back(rule);
    }
    for (const auto& [subject, pool] : wide) {
      const int count = uniform(wide_pool_minimum, static_cast<int>(pool_size(*pool)));
      RandomCondition atom;
      atom.atom = pool_set_atom(subject, *pool, static_cast<std::size_t>(count), chance(0.3));
      RandomRule& rule = *rules[static_cast<std::size_t>(uniform(0, static_cast<int>(rules.size()) - 1))];
      RandomCondition combined;
      combined.kind = chance(0.6) ? RandomCondition::Kind::disjunction : RandomCondition::Kind::conjunction;
      combined.operands.push_back(std::move(rule.condition));
      combined.operands.push_back(std::move(atom));
      if (chance(0.5)) std::swap(combined.operands.front(), combined.operands.back());
      rule.condition = std::move(combined);
    }
  }

  // ------------------------------------------------------------------ conditions
  RandomCondition condition(int depth) {
    RandomCondition node;
    if (depth <= 1 || chance(0.4)) {
      node.atom = atom();
    } else {
      const int kind = uniform(0, 4);
      if (kind <= 1) {
        node.kind = RandomCondition::Kind::conjunction;
      } else if (kind <= 3) {
        node.kind = RandomCondition::Kind::disjunction;
      } else {
        node.kind = RandomCondition::Kind::negation;
      }
      const int operands = node.kind == RandomCondition::Kind::negation ? 1 : uniform(2, 3);
      for (int i = 0; i < operands; ++i) node.operands.push_back(condition(depth - 1));
      node.multiline = node.kind != RandomCondition::Kind::negation && chance(0.15);
    }
    node.parenthesized = chance(0.1);
    return node;
  }

  std::string value_set(const std::vector<std::string>& values) {
    std::string text = "{";
    const bool tight = chance(0.3);
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i) text += tight ? "," : ", ";
      text += values[i];
    }
    if (chance(0.1)) text += ",";  // a trailing comma
    return text + "}";
  }

  std::string state_test(const std::string& subject) {
    const int which = uniform(0, 2);
    return subject + (which == 0 ? " is missing" : which == 1 ? " is unknown" : " is known");
  }

  std::string ordered_atom(const std::string& subject, const Pool& pool) {
    const int kind = uniform(0, 9);
    if (kind <= 5) {
      const std::string op = comparison_operators[uniform(0, 5)];
      if (chance(0.1)) return subject + op + ordered_literal(pool);  // no spaces
      return subject + " " + op + " " + ordered_literal(pool);
    }
    if (kind <= 7) {
      if (pool_size(pool) >= static_cast<std::size_t>(wide_pool_minimum) && chance(0.5)) {
        return pool_set_atom(subject, pool, static_cast<std::size_t>(uniform(1, static_cast<int>(pool_size(pool)))),
                             kind == 7);
      }
      std::vector<std::string> literals;
      const int count = uniform(1, 3);
      for (int i = 0; i < count; ++i) literals.push_back(ordered_literal(pool));
      return subject + (kind == 6 ? " in " : " not in ") + value_set(literals);
    }
    return state_test(subject);
  }

  std::string atom() {
    const int roll = uniform(0, 99);
    if (roll < 4) return chance(0.7) ? "true" : "false";
    if (roll < 14 && !setting_pool_.empty()) return "consent " + pick(setting_pool_);
    if (roll < 24 && uses_now_) {
      return chance(0.05) ? state_test("now") : ordered_atom("now", now_pool_);
    }
    const auto index = static_cast<std::size_t>(uniform(0, static_cast<int>(attributes_.size()) - 1));
    const RandomAttribute& attribute = attributes_[index];
    const std::string& name = attribute.name;
    switch (attribute.kind) {
      case RandomAttribute::Kind::enumeration: {
        const int kind = uniform(0, 9);
        if (kind <= 2) return name + " == " + pick(attribute.values);
        if (kind <= 3) return name + " != " + pick(attribute.values);
        if (kind <= 7) {
          std::vector<std::string> values =
              sample(attribute.values, uniform(1, static_cast<int>(attribute.values.size())));
          if (chance(0.05)) values.push_back(values.front());  // a duplicate
          return name + (kind <= 5 ? " in " : " not in ") + value_set(values);
        }
        return state_test(name);
      }
      case RandomAttribute::Kind::boolean: {
        const int kind = uniform(0, 9);
        if (kind <= 3) return name;
        if (kind <= 5) return name + (chance(0.5) ? " == " : " != ") + (chance(0.5) ? "true" : "false");
        if (kind <= 7) {
          return name + (chance(0.5) ? " in " : " not in ") + (chance(0.5) ? "{true}" : "{false, true}");
        }
        return state_test(name);
      }
      case RandomAttribute::Kind::time:
      case RandomAttribute::Kind::number: return ordered_atom(name, pools_[index]);
    }
    return "true";
  }

  std::mt19937_64 rng_;
  PolicyShape shape_;
  RandomPolicy policy_;
  std::vector<RandomAttribute> attributes_;
  std::vector<Pool> pools_;  // per attribute
  std::vector<std::string> platform_values_;
  std::vector<std::string> setting_pool_;
  bool uses_now_ = false;
  Pool now_pool_;
  int max_depth_ = 3;
};

// ---------------------------------------------------------------------------------------------
// Rendering

int precedence(const RandomCondition& node) {
  switch (node.kind) {
    case RandomCondition::Kind::disjunction: return 1;
    case RandomCondition::Kind::conjunction: return 2;
    case RandomCondition::Kind::negation: return 3;
    case RandomCondition::Kind::atom: return 4;
  }
  return 4;
}

std::string render_condition(const RandomCondition& node, const std::string& indent) {
  std::string text;
  switch (node.kind) {
    case RandomCondition::Kind::atom: text = node.atom; break;
    case RandomCondition::Kind::negation: {
      const RandomCondition& operand = node.operands.front();
      std::string inner = render_condition(operand, indent);
      if (precedence(operand) < 3 && !operand.parenthesized) inner = "(" + inner + ")";
      text = "not " + inner;
      break;
    }
    case RandomCondition::Kind::conjunction:
    case RandomCondition::Kind::disjunction: {
      const bool conjunction = node.kind == RandomCondition::Kind::conjunction;
      const std::string separator =
          node.multiline ? "\n" + indent + (conjunction ? "and " : "or ") : (conjunction ? " and " : " or ");
      for (std::size_t i = 0; i < node.operands.size(); ++i) {
        const RandomCondition& operand = node.operands[i];
        std::string inner = render_condition(operand, indent + "  ");
        // `or` inside `and` needs parentheses; the rest binds as written.
        if (conjunction && precedence(operand) < 2 && !operand.parenthesized) inner = "(" + inner + ")";
        if (i) text += separator;
        text += inner;
      }
      break;
    }
  }
  if (node.parenthesized) text = "(" + text + ")";
  return text;
}

std::string render_attribute(const RandomAttribute& attribute) {
  std::string text;
  switch (attribute.kind) {
    case RandomAttribute::Kind::enumeration: {
      text = "enum " + attribute.name + " { ";
      for (std::size_t i = 0; i < attribute.values.size(); ++i) text += (i ? ", " : "") + attribute.values[i];
      text += " }";
      break;
    }
    case RandomAttribute::Kind::time: text = "time " + attribute.name; break;
    case RandomAttribute::Kind::number: text = "number " + attribute.name; break;
    case RandomAttribute::Kind::boolean: text = "bool " + attribute.name; break;
  }
  if (!attribute.trailing_comment.empty()) text += "   " + attribute.trailing_comment;
  return text + "\n";
}

std::string render_setting(const RandomSetting& setting) {
  std::vector<std::string> fields;
  for (const int field : setting.field_order) {
    switch (field) {
      case 0:
        if (setting.label) fields.push_back("label " + *setting.label);
        break;
      case 1: fields.push_back(std::string("default ") + (setting.default_on ? "on" : "off")); break;
      case 2: fields.push_back("covers " + render_condition(setting.covers, "      ")); break;
      case 3:
        for (const auto& availability : setting.availability) fields.push_back("available " + availability.text);
        break;
      case 4:
        for (const auto& former : setting.formerly) fields.push_back("formerly " + former);
        break;
      default: break;
    }
  }
  std::string text = "setting " + setting.name + " {";
  if (setting.semicolons) {
    for (std::size_t i = 0; i < fields.size(); ++i) text += (i ? "; " : " ") + fields[i];
    return text + " }\n";
  }
  text += "\n";
  for (const auto& field : fields) text += "  " + field + "\n";
  return text + "}\n";
}

std::string render_rule(const RandomRule& rule) {
  std::string text = std::string(rule.allow ? "allow " : "deny ") + rule.id;
  if (rule.description) text += " " + *rule.description;
  text += "\n  when " + render_condition(rule.condition, "   ") + "\n";
  return text;
}

// Every simplification of one condition: a node replaced by one of its operands, an operand
// dropped, an atom replaced by `true` or `false`.
std::vector<RandomCondition> condition_simplifications(const RandomCondition& node) {
  std::vector<RandomCondition> out;
  if (node.kind == RandomCondition::Kind::atom) {
    for (const char* constant : {"true", "false"}) {
      if (node.atom != constant) {
        RandomCondition replaced;
        replaced.atom = constant;
        out.push_back(std::move(replaced));
      }
    }
    return out;
  }
  for (const auto& operand : node.operands) out.push_back(operand);
  if (node.operands.size() > 2) {
    for (std::size_t i = 0; i < node.operands.size(); ++i) {
      RandomCondition fewer = node;
      fewer.operands.erase(fewer.operands.begin() + static_cast<std::ptrdiff_t>(i));
      out.push_back(std::move(fewer));
    }
  }
  for (std::size_t i = 0; i < node.operands.size(); ++i) {
    for (auto& simpler : condition_simplifications(node.operands[i])) {
      RandomCondition changed = node;
      changed.operands[i] = std::move(simpler);
      out.push_back(std::move(changed));
    }
  }
  return out;
}

}  // namespace

RandomPolicy generate_policy(std::uint64_t seed, PolicyShape shape) {
  return Generator(seed, shape).run();
}

std::string RandomPolicy::render() const {
  std::string text = header;
  const auto render_default = [&] {
    if (default_allow) text += *default_allow ? "default allow\n" : "default deny\n";
  };
  for (std::size_t i = 0; i < declarations.size(); ++i) {
    if (i == default_position) render_default();
    const auto& declaration = declarations[i];
    if (const auto* attribute = std::get_if<RandomAttribute>(&declaration)) text += render_attribute(*attribute);
    if (const auto* setting = std::get_if<RandomSetting>(&declaration)) text += "\n" + render_setting(*setting);
    if (const auto* rule = std::get_if<RandomRule>(&declaration)) text += "\n" + render_rule(*rule);
  }
  if (default_position >= declarations.size()) {
    text += "\n";
    render_default();
  }
  return text;
}

std::size_t RandomPolicy::rule_count() const {
  return static_cast<std::size_t>(std::count_if(declarations.begin(), declarations.end(), [](const auto& d) {
    return !std::holds_alternative<RandomAttribute>(d);
  }));
}

std::vector<RandomPolicy> policy_simplifications(const RandomPolicy& policy) {
  std::vector<RandomPolicy> out;
  // Whole declarations, last first (later rules tend to matter less).
  for (std::size_t i = policy.declarations.size(); i-- > 0;) {
    RandomPolicy smaller = policy;
    smaller.declarations.erase(smaller.declarations.begin() + static_cast<std::ptrdiff_t>(i));
    if (smaller.default_position > i) --smaller.default_position;
    out.push_back(std::move(smaller));
  }
  if (policy.default_allow) {
    RandomPolicy smaller = policy;
    smaller.default_allow.reset();
    out.push_back(std::move(smaller));
  }
  if (policy.default_position < policy.declarations.size()) {
    RandomPolicy moved = policy;
    moved.default_position = policy.declarations.size();
    out.push_back(std::move(moved));
  }
  // Parts of declarations.
  for (std::size_t i = 0; i < policy.declarations.size(); ++i) {
    const auto& declaration = policy.declarations[i];
    const auto changed = [&](auto edit) {
      RandomPolicy smaller = policy;
      edit(smaller.declarations[i]);
      out.push_back(std::move(smaller));
    };
    if (const auto* attribute = std::get_if<RandomAttribute>(&declaration)) {
      if (attribute->values.size() > 1) {
        for (std::size_t v = 0; v < attribute->values.size(); ++v) {
          changed([v](RandomDeclaration& d) {
            auto& values = std::get<RandomAttribute>(d).values;
            values.erase(values.begin() + static_cast<std::ptrdiff_t>(v));
          });
        }
      }
      if (!attribute->trailing_comment.empty()) {
        changed([](RandomDeclaration& d) { std::get<RandomAttribute>(d).trailing_comment.clear(); });
      }
    }
    if (const auto* setting = std::get_if<RandomSetting>(&declaration)) {
      for (std::size_t f = 0; f < setting->formerly.size(); ++f) {
        changed([f](RandomDeclaration& d) {
          auto& formerly = std::get<RandomSetting>(d).formerly;
          formerly.erase(formerly.begin() + static_cast<std::ptrdiff_t>(f));
        });
      }
      for (std::size_t a = 0; a < setting->availability.size(); ++a) {
        changed([a](RandomDeclaration& d) {
          auto& availability = std::get<RandomSetting>(d).availability;
          availability.erase(availability.begin() + static_cast<std::ptrdiff_t>(a));
        });
      }
      if (setting->label) changed([](RandomDeclaration& d) { std::get<RandomSetting>(d).label.reset(); });
      for (auto& simpler : condition_simplifications(setting->covers)) {
        changed([&simpler](RandomDeclaration& d) { std::get<RandomSetting>(d).covers = simpler; });
      }
    }
    if (const auto* rule = std::get_if<RandomRule>(&declaration)) {
      if (rule->description) changed([](RandomDeclaration& d) { std::get<RandomRule>(d).description.reset(); });
      for (auto& simpler : condition_simplifications(rule->condition)) {
        changed([&simpler](RandomDeclaration& d) { std::get<RandomRule>(d).condition = simpler; });
      }
    }
  }
  return out;
}

}  // namespace usegate::differential

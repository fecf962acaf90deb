#include "usegate/review/scenario.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <string_view>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "usegate/base/calendar.hpp"
#include "usegate/base/suggest.hpp"
#include "usegate/records/yaml_diagnostics.hpp"
#include "yaml_reader.hpp"

namespace usegate::review {

using runtime::AttributeInfo;
using runtime::AttributeType;
using runtime::CompiledPolicy;

namespace {

// Shares may be written as decimals that do not add up exactly in binary.
constexpr double share_tolerance = 1e-9;
// Bounds that keep a scenario's figures meaningful and its run finite.
constexpr std::uint64_t max_users = 1'000'000'000;
constexpr std::uint32_t max_records_per_value = 1'000'000;
// Platform usage patterns are bit masks of 32 bits (usegate/review/simulation.hpp).
constexpr std::size_t max_platforms = 32;
// The value key that makes a field absent.
constexpr std::string_view missing_value = "missing";

// The names the policies declare. With `--vs` a scenario runs under two policies; a name
// must be declared by at least one of them (under the other it is simply not read).
class DeclaredNames {
 public:
  explicit DeclaredNames(std::span<const CompiledPolicy* const> policies) : policies_(policies) {}

  // The first declaration of a (non built-in) attribute.
  [[nodiscard]] const AttributeInfo* attribute(const std::string& name) const {
    for (const auto* policy : policies_) {
      for (const auto& attribute : policy->attributes) {
        if (attribute.name == name) return &attribute;
      }
    }
    return nullptr;
  }

  // Whether some policy that declares `attribute` with this type lists `value`.
  [[nodiscard]] bool has_value(const AttributeInfo& attribute, const std::string& value) const {
    for (const auto* policy : policies_) {
      for (const auto& candidate : policy->attributes) {
        if (candidate.name != attribute.name || candidate.type != attribute.type) continue;
        for (const auto& known : candidate.values) {
          if (known == value) return true;
        }
      }
    }
    return false;
  }

  // Every (non built-in) attribute name, for suggestions.
  [[nodiscard]] std::vector<std::string> attribute_names() const {
    std::vector<std::string> names;
    for (const auto* policy : policies_) {
      for (const auto& attribute : policy->attributes) {
        if (!attribute.builtin && std::find(names.begin(), names.end(), attribute.name) == names.end())
          names.push_back(attribute.name);
      }
    }
    return names;
  }

  // Every value any policy lists for `attribute` with its type, for suggestions.
  [[nodiscard]] std::vector<std::string> values_of(const AttributeInfo& attribute) const {
    std::vector<std::string> values;
    for (const auto* policy : policies_) {
      for (const auto& candidate : policy->attributes) {
        if (candidate.name != attribute.name || candidate.type != attribute.type) continue;
        for (const auto& value : candidate.values) {
          if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
        }
      }
    }
    return values;
  }

  [[nodiscard]] std::vector<std::string> setting_names() const {
    std::vector<std::string> names;
    for (const auto* policy : policies_) {
      for (const auto& setting : policy->settings) {
        if (std::find(names.begin(), names.end(), setting.name) == names.end()) names.push_back(setting.name);
      }
    }
    return names;
  }

  [[nodiscard]] bool has_setting(const std::string& name) const {
    for (const auto* policy : policies_) {
      for (const auto& setting : policy->settings) {
        if (setting.name == name) return true;
      }
    }
    return false;
  }

  [[nodiscard]] bool has_platform_enum() const {
    for (const auto* policy : policies_) {
      if (policy->platform_attribute >= 0) return true;
    }
    return false;
  }

  [[nodiscard]] bool has_platform(const std::string& value) const {
    for (const auto* policy : policies_) {
      if (policy->platform_attribute < 0) continue;
      for (const auto& known : policy->attributes[policy->platform_attribute].values) {
        if (known == value) return true;
      }
    }
    return false;
  }

  // Every platform any policy declares, in declaration order.
  [[nodiscard]] std::vector<std::string> platforms() const {
    std::vector<std::string> all;
    for (const auto* policy : policies_) {
      if (policy->platform_attribute < 0) continue;
      for (const auto& value : policy->attributes[policy->platform_attribute].values) {
        if (std::find(all.begin(), all.end(), value) == all.end()) all.push_back(value);
      }
    }
    return all;
  }

  // How messages name the policies: "policy `x_grok`" or "either policy".
  [[nodiscard]] std::string where() const {
    if (policies_.size() == 1) return fmt::format("policy `{}`", policies_.front()->name);
    return policies_.size() == 2 ? "either policy" : "any of the policies";
  }

 private:
  std::span<const CompiledPolicy* const> policies_;
};

std::string_view type_name(AttributeType type) {
  switch (type) {
    case AttributeType::enumeration: return "an enum";
    case AttributeType::boolean: return "a bool";
    case AttributeType::time: return "a time";
    case AttributeType::number: return "a number";
  }
  return "an";
}

// Reads YAML nodes and reports problems at their marks, with a scenario's own kinds of value.
class ScenarioReader : public YamlReader {
 public:
  using YamlReader::YamlReader;

  [[nodiscard]] std::uint64_t whole_number(const YAML::Node& node, const std::string& what, std::uint64_t low,
                                           std::uint64_t high) const {
    const std::string text = scalar(node, what);
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < low || value > high) {
      fail(node, fmt::format("{} must be a whole number from {} to {}, not `{}`", what, low, high, text));
    }
    return value;
  }

  [[nodiscard]] double share(const YAML::Node& node, const std::string& what) const {
    const std::string text = scalar(node, what);
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
      fail(node, fmt::format("{} must be a number, not `{}`", what, text));
    }
    if (value < 0 || value > 1) fail(node, fmt::format("{} is {}, outside [0, 1]", what, text));
    return value;
  }

  [[nodiscard]] std::int64_t time(const YAML::Node& node, const std::string& what) const {
    const std::string text = scalar(node, what);
    const auto seconds = parse_scenario_time(text);
    if (!seconds) {
      fail(node, fmt::format("{} must be a date, not `{}`", what, text),
           "write `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ` (UTC)");
    }
    return *seconds;
  }

  void check_sum(double sum, const YAML::Node& node, const std::string& what) const {
    if (std::fabs(sum - 1.0) > share_tolerance) {
      fail(node, fmt::format("the shares of {} sum to {:.10g}, not 1", what, sum));
    }
  }
};

class ScenarioLoader {
 public:
  ScenarioLoader(const std::string& path, const std::string& text, std::span<const CompiledPolicy* const> policies)
      : reader_(path, text), names_(policies) {
    scenario_.path = path;
  }

  Scenario load() {
    const YAML::Node root = reader_.parse();
    if (!root.IsMap()) reader_.fail(root, "a scenario must be a map of keys such as `users` and `now`");
    const auto values = reader_.fields(root, "the scenario",
                                       {"users", "seed", "now", "purpose_attribute", "purposes", "population",
                                        "platforms", "records", "record_times", "settings"});
    const YAML::Node& users = values[0];
    const YAML::Node& seed = values[1];
    const YAML::Node& now = values[2];
    const YAML::Node& purpose_attribute = values[3];
    const YAML::Node& purposes = values[4];
    const YAML::Node& population = values[5];
    const YAML::Node& platforms = values[6];
    const YAML::Node& records = values[7];
    const YAML::Node& record_times = values[8];
    const YAML::Node& settings = values[9];
    for (const auto& [node, key] :
         {std::pair{users, "users"}, {now, "now"}, {purposes, "purposes"}, {records, "records"}}) {
      reader_.require(node, root, key, "the scenario");
    }
    scenario_.users = reader_.whole_number(users, "`users`", 1, max_users);
    if (!seed.IsNull()) {
      scenario_.seed = reader_.whole_number(seed, "`seed`", 0, UINT64_MAX);
    }
    scenario_.now = reader_.time(now, "`now`");
    scenario_.now_text = now.Scalar();
    if (!purpose_attribute.IsNull()) {
      scenario_.purpose_attribute = reader_.scalar(purpose_attribute, "`purpose_attribute`");
      purpose_node_ = purpose_attribute;
    } else {
      purpose_node_ = root;
    }
    // The records attribute is named inside `records`; it is read first so that the other
    // sections can tell it apart from per-user attributes.
    read_records(records);
    read_purposes(purposes);
    if (!population.IsNull()) read_population(population);
    read_platforms(platforms);
    if (!record_times.IsNull()) read_record_times(record_times);
    if (!settings.IsNull()) read_settings(settings);
    return std::move(scenario_);
  }

 private:
  // An attribute the scenario gives values to, or an error at `node`.
  const AttributeInfo& attribute(const YAML::Node& node, const std::string& name) {
    const AttributeInfo* attribute = names_.attribute(name);
    if (attribute == nullptr) {
      reader_.fail(node, fmt::format("`{}` is not an attribute of {}", name, names_.where()),
                   suggestion(name, names_.attribute_names()));
    }
    if (attribute->builtin) {
      reader_.fail(node, fmt::format("`{}` is the evaluation time", name), "set it with the scenario's `now`");
    }
    return *attribute;
  }

  // A value of a categorical attribute (enum, bool or number), as written in a key.
  void check_value(const YAML::Node& node, const AttributeInfo& attribute) {
    const std::string& value = node.Scalar();
    if (value == missing_value) return;
    switch (attribute.type) {
      case AttributeType::enumeration:
        if (names_.has_value(attribute, value)) return;
        reader_.fail(node, fmt::format("`{}` is not a value of `{}` in {}", value, attribute.name, names_.where()),
                     suggestion(value, names_.values_of(attribute)));
      case AttributeType::boolean:
        if (value == "true" || value == "false") return;
        reader_.fail(node, fmt::format("`{}` is not a value of bool `{}`", value, attribute.name),
                     "write `true`, `false` or `missing`");
      case AttributeType::number: {
        double number = 0;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
        if (error == std::errc() && end == value.data() + value.size() && std::isfinite(number)) return;
        reader_.fail(node, fmt::format("`{}` is not a number for `{}`", value, attribute.name));
      }
      case AttributeType::time: break;
    }
    reader_.fail(node, fmt::format("`{}` is a time attribute", attribute.name),
                 "draw times per record under `record_times`");
  }

  void require_categorical(const YAML::Node& node, const AttributeInfo& attribute) {
    if (attribute.type == AttributeType::time) {
      reader_.fail(node, fmt::format("`{}` is a time attribute", attribute.name),
                   "draw times per record under `record_times`");
    }
  }

  void read_records(const YAML::Node& records) {
    const auto entries = reader_.entries(records, "`records`");
    if (entries.size() != 1) {
      reader_.fail(entries.empty() ? records : entries[1].first,
                   "`records` names exactly one attribute, whose values each user has records of",
                   "for example `records: {category: {post: 20, input: 5}}`");
    }
    const auto& [key, counts] = entries.front();
    const AttributeInfo& records_attribute = attribute(key, key.Scalar());
    require_categorical(key, records_attribute);
    scenario_.records_attribute = records_attribute.name;
    const std::string what = fmt::format("`records.{}`", records_attribute.name);
    for (const auto& [value, count] : reader_.entries(counts, what)) {
      check_value(value, records_attribute);
      scenario_.records.push_back(
          {value.Scalar(), static_cast<std::uint32_t>(reader_.whole_number(
                               count, fmt::format("the count of `{}`", value.Scalar()), 0, max_records_per_value))});
    }
    if (scenario_.records.empty()) reader_.fail(counts, fmt::format("{} needs at least one value", what));
  }

  void read_purposes(const YAML::Node& purposes) {
    const AttributeInfo* purpose = names_.attribute(scenario_.purpose_attribute);
    if (purpose == nullptr || purpose->builtin) {
      reader_.fail(purpose_node_,
                   fmt::format("`{}` is not an attribute of {}", scenario_.purpose_attribute, names_.where()),
                   "name the attribute that holds the purpose with `purpose_attribute`");
    }
    if (purpose->type != AttributeType::enumeration) {
      reader_.fail(purpose_node_, fmt::format("the purpose attribute `{}` is {} attribute, not an enum", purpose->name,
                                              type_name(purpose->type)));
    }
    if (purpose->name == scenario_.records_attribute) {
      reader_.fail(purpose_node_,
                   fmt::format("`{}` cannot be both the purpose and the records attribute", purpose->name));
    }
    if (!purposes.IsSequence() || purposes.size() == 0) {
      reader_.fail(purposes, "`purposes` must be a list of at least one purpose");
    }
    for (const auto& item : purposes) {
      const std::string value = reader_.scalar(item, "a purpose");
      if (!names_.has_value(*purpose, value)) {
        reader_.fail(item, fmt::format("`{}` is not a value of `{}` in {}", value, purpose->name, names_.where()),
                     suggestion(value, names_.values_of(*purpose)));
      }
      if (std::find(scenario_.purposes.begin(), scenario_.purposes.end(), value) != scenario_.purposes.end()) {
        reader_.fail(item, fmt::format("`{}` appears twice in `purposes`", value));
      }
      scenario_.purposes.push_back(value);
    }
  }

  void read_population(const YAML::Node& population) {
    for (const auto& [key, mix] : reader_.entries(population, "`population`")) {
      const AttributeInfo& info = attribute(key, key.Scalar());
      require_categorical(key, info);
      if (info.name == scenario_.purpose_attribute) {
        reader_.fail(key, fmt::format("`{}` is the purpose attribute", info.name),
                     "each record is decided for every purpose listed under `purposes`");
      }
      if (info.name == scenario_.records_attribute) {
        reader_.fail(key, fmt::format("`{}` is the records attribute", info.name),
                     "its values are given per record under `records`");
      }
      PopulationAttribute attribute{info.name, {}};
      const std::string what = fmt::format("`population.{}`", info.name);
      double sum = 0;
      for (const auto& [value, share] : reader_.entries(mix, what)) {
        check_value(value, info);
        attribute.values.push_back(
            {value.Scalar(), reader_.share(share, fmt::format("the share of `{}`", value.Scalar()))});
        sum += attribute.values.back().share;
      }
      reader_.check_sum(sum, mix, what);
      scenario_.population.push_back(std::move(attribute));
    }
  }

  void read_platforms(const YAML::Node& platforms) {
    const bool given = !platforms.IsNull();
    if (!names_.has_platform_enum()) {
      if (given) reader_.fail(platforms, fmt::format("{} declares no `enum platform`", names_.where()));
      return;
    }
    if (!given) {
      // Without a `platforms` section every user uses every platform.
      PlatformPattern everything{names_.platforms(), 1.0, {}};
      for (const auto& platform : everything.uses) {
        if (!everything.label.empty()) everything.label += '+';
        everything.label += platform;
      }
      scenario_.platforms.push_back(std::move(everything));
      return;
    }
    if (!platforms.IsSequence() || platforms.size() == 0) {
      reader_.fail(platforms, "`platforms` must be a list of usage patterns such as `{uses: [web], share: 0.2}`");
    }
    double sum = 0;
    for (const auto& item : platforms) {
      const auto values = reader_.fields(item, "a platform usage pattern", {"uses", "share"});
      reader_.require(values[0], item, "uses", "a platform usage pattern");
      reader_.require(values[1], item, "share", "a platform usage pattern");
      PlatformPattern pattern;
      if (!values[0].IsSequence() || values[0].size() == 0) {
        reader_.fail(values[0], "`uses` must be a list of at least one platform");
      }
      for (const auto& platform : values[0]) {
        const std::string name = reader_.scalar(platform, "a platform");
        if (!names_.has_platform(name)) {
          reader_.fail(platform, fmt::format("`{}` is not a value of `platform` in {}", name, names_.where()),
                       suggestion(name, names_.platforms()));
        }
        if (std::find(pattern.uses.begin(), pattern.uses.end(), name) != pattern.uses.end()) {
          reader_.fail(platform, fmt::format("`{}` appears twice in `uses`", name));
        }
        pattern.uses.push_back(name);
        if (!pattern.label.empty()) pattern.label += '+';
        pattern.label += name;
      }
      for (const auto& other : scenario_.platforms) {
        if (std::set(other.uses.begin(), other.uses.end()) == std::set(pattern.uses.begin(), pattern.uses.end())) {
          reader_.fail(values[0], fmt::format("the platforms `{}` are listed twice", pattern.label),
                       "merge the two patterns and add their shares");
        }
      }
      pattern.share = reader_.share(values[1], "the share");
      sum += pattern.share;
      scenario_.platforms.push_back(std::move(pattern));
    }
    reader_.check_sum(sum, platforms, "`platforms`");
    std::set<std::string> used;
    for (const auto& pattern : scenario_.platforms) used.insert(pattern.uses.begin(), pattern.uses.end());
    if (used.size() > max_platforms) {
      reader_.fail(platforms,
                   fmt::format("the patterns use {} platforms; at most {} are supported", used.size(), max_platforms));
    }
  }

  void read_record_times(const YAML::Node& record_times) {
    for (const auto& [key, range] : reader_.entries(record_times, "`record_times`")) {
      const AttributeInfo& info = attribute(key, key.Scalar());
      if (info.type != AttributeType::time) {
        reader_.fail(key, fmt::format("`{}` is {} attribute, not a time", info.name, type_name(info.type)));
      }
      const std::string what = fmt::format("`record_times.{}`", info.name);
      const auto values = reader_.fields(range, what, {"from", "until"});
      reader_.require(values[0], range, "from", what);
      reader_.require(values[1], range, "until", what);
      RecordTimes times{info.name, reader_.time(values[0], "`from`"), reader_.time(values[1], "`until`")};
      if (times.until <= times.from) reader_.fail(values[1], "`until` must be after `from`");
      scenario_.record_times.push_back(times);
    }
  }

  void read_settings(const YAML::Node& settings) {
    for (const auto& [key, behaviour] : reader_.entries(settings, "`settings`")) {
      const std::string& name = key.Scalar();
      if (!names_.has_setting(name)) {
        reader_.fail(key, fmt::format("`{}` is not a setting of {}", name, names_.where()),
                     suggestion(name, names_.setting_names()));
      }
      const std::string what = fmt::format("`settings.{}`", name);
      const auto values = reader_.fields(behaviour, what, {"switch_off", "acts"});
      reader_.require(values[0], behaviour, "switch_off", what);
      SettingBehaviour setting{name, reader_.share(values[0], "`switch_off`"), scenario_.now};
      if (!values[1].IsNull()) {
        setting.acts = reader_.time(values[1], "`acts`");
        if (setting.acts > scenario_.now) {
          reader_.fail(values[1], "`acts` is after `now`", "users cannot have acted yet at the evaluation time");
        }
      }
      scenario_.settings.push_back(std::move(setting));
    }
  }

  ScenarioReader reader_;
  DeclaredNames names_;
  Scenario scenario_;
  YAML::Node purpose_node_;
};

}  // namespace

std::uint64_t Scenario::records_per_user() const {
  std::uint64_t total = 0;
  for (const auto& record : records) total += record.count;
  return total;
}

std::optional<std::int64_t> parse_scenario_time(const std::string& text) {
  const auto digits = [&](std::size_t at, std::size_t count) -> std::optional<unsigned> {
    unsigned value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
      if (i >= text.size() || text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + static_cast<unsigned>(text[i] - '0');
    }
    return value;
  };
  if (text.size() != 10 && text.size() != 20) return std::nullopt;
  const auto year = digits(0, 4);
  const auto month = digits(5, 2);
  const auto day = digits(8, 2);
  if (!year || !month || !day || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!calendar::is_valid_date(*year, *month, *day)) return std::nullopt;
  std::int64_t seconds = calendar::days_from_civil(*year, *month, *day) * 86400;
  if (text.size() == 10) return seconds;
  const auto hour = digits(11, 2);
  const auto minute = digits(14, 2);
  const auto second = digits(17, 2);
  if (text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z' || !hour || !minute || !second ||
      *hour > 23 || *minute > 59 || *second > 59) {
    return std::nullopt;
  }
  return seconds + *hour * 3600 + *minute * 60 + *second;
}

Result<Scenario> load_scenario(const std::string& path, const std::string& text,
                               std::span<const CompiledPolicy* const> policies) {
  try {
    return ScenarioLoader(path, text, policies).load();
  } catch (const YamlInputError& problem) {
    return problem.error;
  }
}

}  // namespace usegate::review

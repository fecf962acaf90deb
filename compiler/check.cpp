#include "usegate/compiler/check.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "table_limits.hpp"
#include "usegate/base/calendar.hpp"
#include "usegate/base/suggest.hpp"

namespace usegate::compiler {
namespace {

using dsl::ConditionKind;
using dsl::LiteralKind;

std::string quoted(std::string_view name) {
  return fmt::format("`{}`", name);
}

bool is_ordering(ComparisonOperator comparison) {
  return comparison != ComparisonOperator::equal && comparison != ComparisonOperator::not_equal;
}

// At most the first 20 names: a help line that lists a huge enum helps nobody.
std::string join_names(const std::vector<std::string>& names) {
  constexpr std::size_t shown = 20;
  std::string joined;
  for (std::size_t i = 0; i < names.size() && i < shown; ++i) {
    if (!joined.empty()) joined += ", ";
    joined += names[i];
  }
  if (names.size() > shown) joined += fmt::format(" and {} more", names.size() - shown);
  return joined;
}

// The depth of a condition tree, without recursion: the tree may not come from the parser.
std::size_t depth_of(const dsl::Condition& root) {
  std::size_t deepest = 0;
  std::vector<std::pair<const dsl::Condition*, std::size_t>> pending{{&root, 1}};
  while (!pending.empty()) {
    const auto [condition, depth] = pending.back();
    pending.pop_back();
    deepest = std::max(deepest, depth);
    for (const auto& operand : condition->operands) pending.emplace_back(&operand, depth + 1);
  }
  return deepest;
}

class Checker {
 public:
  Checker(const dsl::PolicyFile& file, usegate::DiagnosticList& diagnostics, const CompileOptions& options)
      : file_(file), diagnostics_(diagnostics), options_(options) {}

  std::optional<CheckedPolicy> run() {
    const std::size_t errors_before = diagnostics_.error_count();
    check_header();
    declare_attributes();
    declare_settings();
    declare_rule_ids();
    for (const auto& declaration : file_.declarations) {
      if (const auto* setting = std::get_if<dsl::SettingDecl>(&declaration)) check_setting(*setting);
      if (const auto* rule = std::get_if<dsl::RuleDecl>(&declaration)) check_rule(*rule);
      if (const auto* assertion = std::get_if<dsl::AssertionDecl>(&declaration)) check_assertion(*assertion);
    }
    if (diagnostics_.error_count() > errors_before) return std::nullopt;
    // Only a policy that checks has all its rules and constants to count.
    for (auto& error : table_limit_errors(policy_, options_)) {
      diagnostics_.error(error.span, std::move(error.message), std::move(error.help));
    }
    if (diagnostics_.error_count() > errors_before) return std::nullopt;
    return std::move(policy_);
  }

 private:
  // ------------------------------------------------------------ declarations
  void check_header() {
    const dsl::PolicyHeader* header = nullptr;
    const dsl::VersionDecl* version = nullptr;
    for (const auto& declaration : file_.declarations) {
      if (const auto* node = std::get_if<dsl::PolicyHeader>(&declaration)) {
        if (header) {
          diagnostics_.error(node->span, "`policy` given twice",
                             fmt::format("the policy is named at line {}", header->span.begin.line));
          continue;
        }
        header = node;
        policy_.name = node->name.text;
        if (node->title) policy_.title = node->title->value;
      } else if (const auto* version_node = std::get_if<dsl::VersionDecl>(&declaration)) {
        if (version) {
          diagnostics_.error(version_node->span, "`version` given twice",
                             fmt::format("the version is given at line {}", version->span.begin.line));
          continue;
        }
        version = version_node;
        policy_.version = version_node->text;
      } else if (const auto* source = std::get_if<dsl::SourceDecl>(&declaration)) {
        policy_.sources.push_back(source->text.value);
      } else if (const auto* default_node = std::get_if<dsl::DefaultDecl>(&declaration)) {
        if (policy_.default_span) {
          diagnostics_.error(default_node->span, "`default` given twice",
                             fmt::format("the default is given at line {}", policy_.default_span->begin.line));
          continue;
        }
        policy_.default_effect = default_node->effect;
        policy_.default_span = default_node->span;
      }
    }
    if (!header) {
      diagnostics_.error(usegate::SourceSpan{}, "missing `policy` declaration",
                         "a policy file starts with `policy NAME \"title\"`");
    }
  }

  // Attributes and settings share one namespace, formerly-names included.
  bool declare_name(const dsl::Name& name) {
    const auto [existing, inserted] = names_.emplace(name.text, name.span);
    if (!inserted) {
      diagnostics_.error(
          name.span, fmt::format("duplicate name {}", quoted(name.text)),
          fmt::format("{} is first declared at line {}", quoted(name.text), existing->second.begin.line));
    }
    return inserted;
  }

  void declare_attributes() {
    for (const auto& declaration : file_.declarations) {
      const auto* node = std::get_if<dsl::AttributeDecl>(&declaration);
      if (!node || !declare_name(node->name)) continue;
      Attribute attribute;
      attribute.name = node->name.text;
      attribute.kind = node->kind;
      attribute.span = node->name.span;
      const auto index = static_cast<std::uint32_t>(policy_.attributes.size());
      attribute_indices_.emplace(attribute.name, index);
      auto& value_index = value_indices_[index];
      if (node->kind == AttributeKind::boolean) attribute.values = {"false", "true"};
      if (node->kind == AttributeKind::enumeration) {
        std::vector<const dsl::Name*> first_listed;  // by value index
        value_index.reserve(node->values.size());
        for (const auto& value : node->values) {
          const auto next = static_cast<std::uint32_t>(attribute.values.size());
          if (const auto [first, inserted] = value_index.emplace(value.text, next); !inserted) {
            const usegate::SourceSpan& first_span = first_listed[first->second]->span;
            diagnostics_.error(value.span,
                               fmt::format("duplicate value {} in enum {}", quoted(value.text), quoted(attribute.name)),
                               fmt::format("{} is first listed at line {}, column {}", quoted(value.text),
                                           first_span.begin.line, first_span.begin.column));
            continue;
          }
          first_listed.push_back(&value);
          attribute.values.push_back(value.text);
        }
        if (node->values.empty()) {
          diagnostics_.error(node->name.span, fmt::format("enum {} has no values", quoted(attribute.name)),
                             "list its values: `enum NAME { a, b, c }`");
        }
      }
      if (attribute.name == "platform" && attribute.kind == AttributeKind::enumeration) {
        policy_.platform_attribute = static_cast<std::uint32_t>(policy_.attributes.size());
      }
      policy_.attributes.push_back(std::move(attribute));
    }
    attribute_indices_.emplace("now", static_cast<std::uint32_t>(policy_.attributes.size()));
    Attribute now;
    now.name = "now";
    now.kind = AttributeKind::time;
    now.builtin = true;
    policy_.now_attribute = static_cast<std::uint32_t>(policy_.attributes.size());
    policy_.attributes.push_back(std::move(now));
  }

  void declare_settings() {
    for (const auto& declaration : file_.declarations) {
      const auto* node = std::get_if<dsl::SettingDecl>(&declaration);
      if (!node) continue;
      const bool declared = declare_name(node->name);
      for (const auto& former : node->formerly) {
        if (declare_name(former)) former_names_.emplace(former.text, node->name.text);
      }
      if (declared) setting_indices_.emplace(node->name.text, setting_indices_.size());
    }
  }

  void declare_rule_ids() {
    for (const auto& declaration : file_.declarations) {
      if (const auto* node = std::get_if<dsl::SettingDecl>(&declaration)) {
        rule_ids_.emplace(optout_rule_id(node->name.text), node->name.span);
      }
    }
    for (const auto& declaration : file_.declarations) {
      const auto* node = std::get_if<dsl::RuleDecl>(&declaration);
      if (!node) continue;
      const auto [existing, inserted] = rule_ids_.emplace(node->id.text, node->id.span);
      if (inserted) continue;
      const bool is_optout =
          node->id.text.starts_with("optout_") && setting_indices_.count(node->id.text.substr(7)) > 0;
      if (is_optout) {
        diagnostics_.error(node->id.span,
                           fmt::format("rule id {} is taken by the opt-out of setting {}", quoted(node->id.text),
                                       quoted(node->id.text.substr(7))),
                           "every setting adds a deny rule named `optout_<setting>`");
      } else {
        diagnostics_.error(
            node->id.span, fmt::format("duplicate rule id {}", quoted(node->id.text)),
            fmt::format("{} is first used at line {}", quoted(node->id.text), existing->second.begin.line));
      }
      duplicate_rules_.insert(&node->id);
    }
  }

  void check_setting(const dsl::SettingDecl& node) {
    Setting setting;
    setting.name = node.name.text;
    setting.span = node.name.span;
    if (node.label) setting.label = node.label->value;
    if (node.default_value) {
      setting.default_on = node.default_value->on;
    } else {
      diagnostics_.error(node.name.span, fmt::format("setting {} has no `default`", quoted(setting.name)),
                         "say what applies when the user has not chosen: `default on` or `default off`");
    }
    std::optional<CheckedCondition> covers;
    if (node.covers) {
      if (nested_too_deeply(*node.covers)) return;
      covers = check_condition(*node.covers);
    } else {
      diagnostics_.error(node.name.span, fmt::format("setting {} has no `covers`", quoted(setting.name)),
                         "say which uses the setting controls, e.g. `covers purpose == training`");
    }
    for (const auto& availability : node.availability) {
      if (auto checked = check_availability(availability)) {
        setting.availability.push_back(std::move(*checked));
      }
    }
    for (const auto& former : node.formerly) setting.formerly.push_back(former.text);
    if (!covers) return;
    setting.covers = *covers;

    const auto index = static_cast<std::uint32_t>(policy_.settings.size());
    // A setting is binding: deny what it covers unless the user consents.
    Rule optout;
    optout.effect = Effect::deny;
    optout.id = optout_rule_id(setting.name);
    optout.description = setting.label.empty() ? fmt::format("the user switched off {}", setting.name) : setting.label;
    optout.setting = index;
    optout.span = setting.span;
    CheckedCondition no_consent;
    no_consent.op = ConditionOp::negation;
    no_consent.span = setting.span;
    CheckedCondition consent;
    consent.op = ConditionOp::consent;
    consent.subject = index;
    consent.span = setting.span;
    no_consent.operands.push_back(std::move(consent));
    optout.condition.op = ConditionOp::all_of;
    optout.condition.span = setting.span;
    optout.condition.operands.push_back(setting.covers);
    optout.condition.operands.push_back(std::move(no_consent));
    policy_.settings.push_back(std::move(setting));
    policy_.rules.push_back(std::move(optout));
  }

  std::optional<Availability> check_availability(const dsl::Availability& node) {
    if (!policy_.platform_attribute) {
      diagnostics_.error(node.span, "`available` needs an `enum platform`",
                         "declare the platforms a setting can be changed on, e.g. "
                         "`enum platform { web, ios, android }`");
      return std::nullopt;
    }
    const Attribute& platform = policy_.attributes[*policy_.platform_attribute];
    Availability availability;
    availability.span = node.span;
    bool ok = true;
    for (const auto& name : node.platforms) {
      if (const auto value = find_value(*policy_.platform_attribute, name.text)) {
        availability.platforms.push_back(*value);
      } else {
        report_unknown_value(name.text, name.span, platform);
        ok = false;
      }
    }
    const auto read_date = [&](const std::optional<dsl::Literal>& literal,
                               const char* keyword) -> std::optional<std::int64_t> {
      if (!literal) return std::nullopt;
      if (literal->kind != LiteralKind::date && literal->kind != LiteralKind::datetime) {
        if (literal->well_formed) {  // else the parser reported it
          diagnostics_.error(literal->span,
                             fmt::format("expected a date after `{}`, found `{}`", keyword, literal->text),
                             "write dates as `YYYY-MM-DD`");
        }
        ok = false;
        return std::nullopt;
      }
      return literal->epoch_seconds;
    };
    availability.from = read_date(node.from, "from");
    availability.until = read_date(node.until, "until");
    if (availability.from && availability.until && *availability.until <= *availability.from) {
      diagnostics_.error(node.until->span,
                         fmt::format("`until {}` is not after `from {}`", node.until->text, node.from->text),
                         "a setting is available from its `from` date up to, not including, its `until` date");
      ok = false;
    }
    if (!ok) return std::nullopt;
    return availability;
  }

  void check_rule(const dsl::RuleDecl& node) {
    if (nested_too_deeply(node.condition)) return;
    auto condition = check_condition(node.condition);
    if (!condition || duplicate_rules_.count(&node.id) > 0) return;
    Rule rule;
    rule.effect = node.effect;
    rule.id = node.id.text;
    if (node.description) rule.description = node.description->value;
    rule.condition = std::move(*condition);
    rule.span = node.id.span;
    policy_.rules.push_back(std::move(rule));
  }

  // Assertion ids have their own namespace: they never show as a decision's reason.
  void check_assertion(const dsl::AssertionDecl& node) {
    const auto [existing, inserted] = assertion_ids_.emplace(node.id.text, node.id.span);
    if (!inserted) {
      diagnostics_.error(node.id.span, fmt::format("duplicate assertion id {}", quoted(node.id.text)),
                         fmt::format("{} is first used at line {}", quoted(node.id.text), existing->second.begin.line));
    }
    if (nested_too_deeply(node.condition)) return;
    auto condition = check_condition(node.condition);
    if (!condition || !inserted) return;
    Assertion assertion;
    assertion.id = node.id.text;
    if (node.description) assertion.description = node.description->value;
    assertion.kind = node.kind;
    assertion.condition = std::move(*condition);
    assertion.span = node.id.span;
    policy_.assertions.push_back(std::move(assertion));
  }

  // ------------------------------------------------------------ conditions
  // The parser stops at options_.max_nesting_depth levels of `(` and `not`, which makes at
  // most two tree levels each (an `or`, then an `and`) plus three. A tree built some other way
  // is held to the same bound, so checking and every later stage recurse only so deep.
  bool nested_too_deeply(const dsl::Condition& node) {
    const std::size_t limit = 2 * std::size_t{options_.max_nesting_depth} + 3;
    if (depth_of(node) <= limit) return false;
    diagnostics_.error(node.span, fmt::format("condition nested more than {} levels deep", options_.max_nesting_depth),
                       fmt::format("every `(` and every `not` opens a level, and a policy may "
                                   "nest {} of them; split the condition into several rules",
                                   options_.max_nesting_depth));
    return true;
  }

  std::optional<CheckedCondition> check_condition(const dsl::Condition& node) {
    CheckedCondition checked;
    checked.span = node.span;
    switch (node.kind) {
      case ConditionKind::always_true: checked.op = ConditionOp::always_true; return checked;
      case ConditionKind::always_false: checked.op = ConditionOp::always_false; return checked;
      case ConditionKind::all_of:
      case ConditionKind::any_of:
      case ConditionKind::negation: {
        checked.op = node.kind == ConditionKind::all_of   ? ConditionOp::all_of
                     : node.kind == ConditionKind::any_of ? ConditionOp::any_of
                                                          : ConditionOp::negation;
        bool ok = true;
        for (const auto& operand : node.operands) {
          // Check every operand, so that all their errors are reported in one run.
          if (auto checked_operand = check_condition(operand)) {
            checked.operands.push_back(std::move(*checked_operand));
          } else {
            ok = false;
          }
        }
        if (!ok) return std::nullopt;
        return checked;
      }
      case ConditionKind::consent: {
        const auto setting = resolve_setting(node.subject);
        if (!setting) return std::nullopt;
        checked.op = ConditionOp::consent;
        checked.subject = *setting;
        return checked;
      }
      case ConditionKind::state_test: {
        const auto attribute = resolve_attribute(node.subject);
        if (!attribute) return std::nullopt;
        checked.subject = *attribute;
        checked.op = node.state == dsl::AttributeState::missing   ? ConditionOp::is_missing
                     : node.state == dsl::AttributeState::unknown ? ConditionOp::is_unknown
                                                                  : ConditionOp::is_known;
        return checked;
      }
      case ConditionKind::bool_attribute: {
        const auto attribute = resolve_attribute(node.subject);
        if (!attribute) return std::nullopt;
        const Attribute& declared = policy_.attributes[*attribute];
        if (declared.kind != AttributeKind::boolean) {
          diagnostics_.error(
              node.subject.span,
              fmt::format("{} is {}, not a bool", quoted(declared.name), attribute_kind_phrase(declared.kind)),
              declared.kind == AttributeKind::enumeration
                  ? fmt::format("compare it with a value, e.g. `{} == {}`", declared.name,
                                declared.values.empty() ? "..." : declared.values.front())
                  : fmt::format("compare it, e.g. `{} >= ...`", declared.name));
          return std::nullopt;
        }
        checked.op = ConditionOp::value_in;
        checked.subject = *attribute;
        checked.values = {1};
        return checked;
      }
      case ConditionKind::comparison: return check_comparison(node);
      case ConditionKind::membership: return check_membership(node);
    }
    return std::nullopt;
  }

  std::optional<CheckedCondition> check_comparison(const dsl::Condition& node) {
    const auto attribute = resolve_attribute(node.subject);
    if (!attribute) return std::nullopt;
    const Attribute& declared = policy_.attributes[*attribute];
    CheckedCondition checked;
    checked.span = node.span;
    checked.subject = *attribute;
    if (declared.is_categorical()) {
      if (is_ordering(node.comparison)) {
        const bool is_enum = declared.kind == AttributeKind::enumeration;
        diagnostics_.error(
            node.operator_span,
            fmt::format("ordered comparison `{}` on {} {}", dsl::operator_text(node.comparison),
                        is_enum ? "enum" : "bool", quoted(declared.name)),
            is_enum ? "`<`, `<=`, `>` and `>=` compare `time` and `number` attributes; enum values have no order"
                    : fmt::format("`<`, `<=`, `>` and `>=` compare `time` and `number` attributes; test a bool "
                                  "as `{0}` or `not {0}`",
                                  declared.name));
        return std::nullopt;
      }
      const auto value = resolve_categorical_value(declared, node.values.front());
      if (!value) return std::nullopt;
      checked.op = node.comparison == ComparisonOperator::equal ? ConditionOp::value_in : ConditionOp::value_not_in;
      checked.values = {*value};
      return checked;
    }
    const auto key = resolve_ordered_value(declared, node.values.front());
    if (!key) return std::nullopt;
    checked.op = ConditionOp::compare;
    checked.comparison = node.comparison;
    checked.key = *key;
    return checked;
  }

  std::optional<CheckedCondition> check_membership(const dsl::Condition& node) {
    const auto attribute = resolve_attribute(node.subject);
    if (!attribute) return std::nullopt;
    const Attribute& declared = policy_.attributes[*attribute];
    if (node.values.empty()) {
      diagnostics_.error(node.set_span, "empty value set",
                         node.negated_membership ? "`not in {}` is always true; list the values to exclude"
                                                 : "`in {}` is never true; list the values to match");
      return std::nullopt;
    }
    CheckedCondition checked;
    checked.span = node.span;
    checked.subject = *attribute;
    bool ok = true;
    if (declared.is_categorical()) {
      for (const auto& literal : node.values) {
        if (const auto value = resolve_categorical_value(declared, literal)) {
          checked.values.push_back(*value);
        } else {
          ok = false;
        }
      }
      if (!ok) return std::nullopt;
      std::sort(checked.values.begin(), checked.values.end());
      checked.values.erase(std::unique(checked.values.begin(), checked.values.end()), checked.values.end());
      checked.op = node.negated_membership ? ConditionOp::value_not_in : ConditionOp::value_in;
      return checked;
    }
    // An ordered attribute in a set: one equality per value (`!=` for `not in`).
    checked.op = node.negated_membership ? ConditionOp::all_of : ConditionOp::any_of;
    for (const auto& literal : node.values) {
      const auto key = resolve_ordered_value(declared, literal);
      if (!key) {
        ok = false;
        continue;
      }
      CheckedCondition equality;
      equality.op = ConditionOp::compare;
      equality.subject = *attribute;
      equality.comparison = node.negated_membership ? ComparisonOperator::not_equal : ComparisonOperator::equal;
      equality.key = *key;
      equality.span = literal.span;
      checked.operands.push_back(std::move(equality));
    }
    if (!ok) return std::nullopt;
    return checked;
  }

  // ------------------------------------------------------------ names and values
  std::optional<std::uint32_t> find_attribute(const std::string& name) const {
    const auto found = attribute_indices_.find(name);
    if (found == attribute_indices_.end()) return std::nullopt;
    return found->second;
  }

  std::optional<std::uint32_t> find_value(std::uint32_t attribute, const std::string& value) const {
    const auto index = value_indices_.find(attribute);
    if (index == value_indices_.end()) return std::nullopt;
    const auto found = index->second.find(value);
    if (found == index->second.end()) return std::nullopt;
    return found->second;
  }

  std::optional<std::uint32_t> resolve_attribute(const dsl::Name& name) {
    if (const auto index = find_attribute(name.text)) return index;
    if (setting_indices_.count(name.text) > 0) {
      diagnostics_.error(name.span, fmt::format("{} is a setting, not an attribute", quoted(name.text)),
                         fmt::format("test the user's choice with `consent {}`", name.text));
      return std::nullopt;
    }
    std::vector<std::string> candidates;
    for (const auto& attribute : policy_.attributes) candidates.push_back(attribute.name);
    std::string help = dsl::keyword_case_help(name.text);
    if (help.empty()) help = did_you_mean(name.text, candidates);
    diagnostics_.error(name.span, fmt::format("unknown attribute {}", quoted(name.text)), help);
    return std::nullopt;
  }

  std::optional<std::uint32_t> resolve_setting(const dsl::Name& name) {
    if (const auto found = setting_indices_.find(name.text); found != setting_indices_.end()) {
      return static_cast<std::uint32_t>(found->second);
    }
    if (const auto former = former_names_.find(name.text); former != former_names_.end()) {
      diagnostics_.error(name.span,
                         fmt::format("{} is the former name of setting {}", quoted(name.text), quoted(former->second)),
                         fmt::format("write `consent {}`", former->second));
      return std::nullopt;
    }
    if (find_attribute(name.text)) {
      diagnostics_.error(name.span, fmt::format("{} is an attribute, not a setting", quoted(name.text)),
                         "`consent` takes the name of a `setting`");
      return std::nullopt;
    }
    std::vector<std::string> candidates;
    for (const auto& [setting, index] : setting_indices_) candidates.push_back(setting);
    diagnostics_.error(name.span, fmt::format("unknown setting {}", quoted(name.text)),
                       did_you_mean(name.text, candidates));
    return std::nullopt;
  }

  void report_missing_word(const dsl::Literal& literal, const Attribute& attribute) {
    diagnostics_.error(literal.span, fmt::format("{} is not a value", quoted(literal.text)),
                       fmt::format("test it with `{} is {}`", attribute.name, literal.text));
  }

  // `region == category`: the right side reads as a value name, but names an attribute.
  bool report_attribute_as_value(const std::string& value, usegate::SourceSpan span, const Attribute& attribute) {
    if (!find_attribute(value)) return false;
    diagnostics_.error(span,
                       fmt::format("{} is an attribute, not a value of {}", quoted(value), quoted(attribute.name)),
                       "compare an attribute with a literal; two attributes cannot be compared "
                       "with each other");
    return true;
  }

  void report_unknown_value(const std::string& value, usegate::SourceSpan span, const Attribute& attribute) {
    if (report_attribute_as_value(value, span, attribute)) return;
    for (std::uint32_t index = 0; index < policy_.attributes.size(); ++index) {
      const Attribute& other = policy_.attributes[index];
      if (&other == &attribute || other.kind != AttributeKind::enumeration) continue;
      if (find_value(index, value)) {
        diagnostics_.error(
            span,
            fmt::format("{} is a value of {}, not of {}", quoted(value), quoted(other.name), quoted(attribute.name)),
            fmt::format("values of {}: {}", quoted(attribute.name), join_names(attribute.values)));
        return;
      }
    }
    std::string help = did_you_mean(value, attribute.values);
    if (help.empty()) {
      help = fmt::format("values of {}: {}", quoted(attribute.name), join_names(attribute.values));
    }
    diagnostics_.error(span, fmt::format("{} is not a value of {}", quoted(value), quoted(attribute.name)), help);
  }

  std::optional<std::uint32_t> resolve_categorical_value(const Attribute& attribute, const dsl::Literal& literal) {
    if (literal.kind == LiteralKind::missing_word || literal.kind == LiteralKind::unknown_word) {
      report_missing_word(literal, attribute);
      return std::nullopt;
    }
    if (attribute.kind == AttributeKind::boolean) {
      if (literal.kind == LiteralKind::boolean) return literal.boolean ? 1U : 0U;
      diagnostics_.error(literal.span, fmt::format("{} is not a bool value", quoted(literal.text)),
                         fmt::format("{} is a bool: compare it with `true` or `false`", quoted(attribute.name)));
      return std::nullopt;
    }
    if (const auto value = find_value(*find_attribute(attribute.name), literal.text);
        value && literal.kind == LiteralKind::value_name) {
      return value;
    }
    report_unknown_value(literal.text, literal.span, attribute);
    return std::nullopt;
  }

  std::optional<double> resolve_ordered_value(const Attribute& attribute, const dsl::Literal& literal) {
    if (literal.kind == LiteralKind::missing_word || literal.kind == LiteralKind::unknown_word) {
      report_missing_word(literal, attribute);
      return std::nullopt;
    }
    const bool is_time = attribute.kind == AttributeKind::time;
    if (is_time && (literal.kind == LiteralKind::date || literal.kind == LiteralKind::datetime)) {
      return calendar::time_key(literal.epoch_seconds, false);
    }
    if (!is_time && literal.kind == LiteralKind::number) return literal.number;
    if (!literal.well_formed) return std::nullopt;  // the parser reported it
    if (literal.kind == LiteralKind::value_name && report_attribute_as_value(literal.text, literal.span, attribute)) {
      return std::nullopt;
    }
    const char* found = literal.kind == LiteralKind::number     ? "a number"
                        : literal.kind == LiteralKind::date     ? "a date"
                        : literal.kind == LiteralKind::datetime ? "a date-time"
                        : literal.kind == LiteralKind::boolean  ? "a bool"
                                                                : "a name";
    diagnostics_.error(literal.span,
                       fmt::format("{} is {}, but {} is {}", quoted(literal.text), found, quoted(attribute.name),
                                   attribute_kind_phrase(attribute.kind)),
                       is_time ? "compare a time with a date `YYYY-MM-DD` or a date-time "
                                 "`YYYY-MM-DDTHH:MM:SSZ`"
                               : "compare a number with a decimal literal such as `18`");
    return std::nullopt;
  }

  const dsl::PolicyFile& file_;
  usegate::DiagnosticList& diagnostics_;
  const CompileOptions& options_;
  CheckedPolicy policy_;
  // Lookups by name, so that a policy with a million enum values checks in linear time.
  std::unordered_map<std::string, std::uint32_t> attribute_indices_;
  std::unordered_map<std::uint32_t, std::unordered_map<std::string, std::uint32_t>> value_indices_;
  std::map<std::string, usegate::SourceSpan> names_;
  std::map<std::string, std::size_t> setting_indices_;
  std::map<std::string, std::string> former_names_;  // former name -> current setting name
  std::map<std::string, usegate::SourceSpan> rule_ids_;
  std::set<const dsl::Name*> duplicate_rules_;
  std::map<std::string, usegate::SourceSpan> assertion_ids_;
};

}  // namespace

std::optional<CheckedPolicy> check_policy(const dsl::PolicyFile& file, usegate::DiagnosticList& diagnostics,
                                          const CompileOptions& options) {
  return Checker(file, diagnostics, options).run();
}

}  // namespace usegate::compiler

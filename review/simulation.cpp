#include "usegate/review/simulation.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <random>

#include "usegate/runtime/compiled_policy.hpp"

namespace usegate::review {

using runtime::AttributeType;

namespace {

// Users between two progress reports.
constexpr std::uint64_t progress_interval = 1U << 14;

// A value label as the field value a record would carry for this attribute type.
FieldValue field_value(const std::string& label, AttributeType type) {
  if (label == "missing") return FieldValue::absent();
  switch (type) {
    case AttributeType::boolean:
      if (label == "true") return FieldValue::from_bool(true);
      if (label == "false") return FieldValue::from_bool(false);
      break;
    case AttributeType::number: {
      double number = 0;
      const auto [end, error] = std::from_chars(label.data(), label.data() + label.size(), number);
      if (error == std::errc() && end == label.data() + label.size()) return FieldValue::from_number(number);
      break;
    }
    case AttributeType::enumeration:
    case AttributeType::time: break;
  }
  return FieldValue::from_string(label);  // an enum value, or (for another type) unknown
}

const runtime::AttributeInfo* attribute_named(const runtime::CompiledPolicy& policy, const std::string& name) {
  for (const auto& attribute : policy.attributes) {
    if (attribute.name == name && !attribute.builtin) return &attribute;
  }
  return nullptr;
}

std::int32_t variable_of(const Policy& policy, const std::string& name) {
  const auto variable = policy.find_variable(name);
  return variable ? static_cast<std::int32_t>(*variable) : -1;
}

}  // namespace

PolicySimulation::PolicySimulation(Policy policy, const SimulationSchema& schema)
    : policy_(std::move(policy)), schema_(&schema) {
  const runtime::CompiledPolicy& compiled = runtime::compiled_of(policy_);
  codes_.assign(policy_.variable_count(), runtime::missing_code);
  if (const auto now = policy_.find_variable("now")) codes_[*now] = policy_.encode_time(*now, schema.now);

  std::size_t breakdown_slots = 0;
  for (std::size_t index = 0; index < schema.fields.size(); ++index) {
    const SimulationField& field = schema.fields[index];
    FieldPlan plan;
    plan.per_user = field.per_user;
    plan.is_time = field.is_time;
    const runtime::AttributeInfo* attribute = field.attribute ? attribute_named(compiled, field.name) : nullptr;
    // A policy that does not test an attribute has no variable for it: the field is not read.
    if (attribute != nullptr) plan.variable = variable_of(policy_, field.name);
    if (field.is_time && plan.variable >= 0) {
      time_codes(plan, compiled.variables[static_cast<std::size_t>(plan.variable)].constants);
    } else if (!field.is_time) {
      for (const auto& value : field.values) {
        plan.codes.push_back(plan.variable < 0 ? runtime::missing_code
                                               : policy_.encode(static_cast<std::size_t>(plan.variable),
                                                                field_value(value, attribute->type)));
      }
    }
    if (field.breakdown) {
      plan.slot = static_cast<std::int32_t>(breakdown_fields_.size());
      plan.breakdown = static_cast<std::int32_t>(1 + breakdown_slots);
      breakdown_slots += field.values.size();
      breakdown_fields_.push_back(index);
    }
    if (!field.per_user) record_fields_.push_back(index);
    // The platform pattern is the one per-user field the policies do not read (schema_of).
    if (field.per_user && !field.attribute && !field.is_time) pattern_field_ = static_cast<std::int32_t>(index);
    fields_.push_back(std::move(plan));
  }
  slots_.assign(breakdown_fields_.size(), 0);

  purpose_variable_ = variable_of(policy_, schema.purpose_attribute);
  for (const auto& purpose : schema.purposes) {
    purpose_codes_.push_back(purpose_variable_ < 0 ? runtime::missing_code
                                                   : policy_.encode(static_cast<std::size_t>(purpose_variable_),
                                                                    FieldValue::from_string(purpose)));
  }

  // A setting takes the actions of the schema setting of its own name, else of a former name.
  const runtime::AttributeInfo* platform =
      compiled.platform_attribute >= 0 ? &compiled.attributes[compiled.platform_attribute] : nullptr;
  for (const auto& setting : compiled.settings) {
    SettingPlan plan;
    plan.variable = setting.variable;
    plan.default_on = setting.default_on;
    const auto action_named = [&](const std::string& name) {
      const auto found = std::find(schema.settings.begin(), schema.settings.end(), name);
      return found == schema.settings.end() ? -1 : static_cast<std::int32_t>(found - schema.settings.begin());
    };
    plan.action = action_named(setting.name);
    for (std::size_t i = 0; plan.action < 0 && i < setting.formerly.size(); ++i)
      plan.action = action_named(setting.formerly[i]);
    for (const auto& availability : setting.availability) {
      Window window;
      for (const auto value : availability.platforms) {
        if (platform == nullptr || value >= platform->values.size()) continue;
        const auto found = std::find(schema.platforms.begin(), schema.platforms.end(), platform->values[value]);
        if (found != schema.platforms.end()) window.platforms |= 1U << (found - schema.platforms.begin());
      }
      if (availability.from) window.from = *availability.from;
      if (availability.until) window.until = *availability.until;
      plan.availability.push_back(window);
    }
    settings_.push_back(std::move(plan));
  }
  reached_.assign(settings_.size(), 0);
  switched_off_.assign(settings_.size(), 0);
  if (pattern_field_ >= 0) {
    const std::size_t patterns = schema.fields[static_cast<std::size_t>(pattern_field_)].values.size();
    users_by_pattern_.assign(patterns, 0);
    reached_by_pattern_.assign(settings_.size(), std::vector<std::uint64_t>(patterns, 0));
  }

  tally_ = DecisionTally(policy_, schema.purposes.size(), breakdown_slots);
}

void PolicySimulation::time_codes(FieldPlan& plan, const std::vector<double>& constants) const {
  // A time's code changes only where a policy constant is: for a constant of key k (see
  // base/calendar.hpp) at the whole seconds floor(k / 2) and the one after. Each span between
  // cuts takes the code the runtime gives one of its seconds, so the table is the runtime's
  // encoding, read with one search instead of a parse per record.
  for (const double key : constants) {
    const auto second = static_cast<std::int64_t>(std::floor(key / 2));
    for (const std::int64_t cut : {second, second + 1}) {
      if (plan.cuts.empty() || plan.cuts.back() < cut) plan.cuts.push_back(cut);
    }
  }
  const auto variable = static_cast<std::size_t>(plan.variable);
  if (plan.cuts.empty()) {
    plan.codes.push_back(policy_.encode_time(variable, 0));
    return;
  }
  plan.codes.push_back(policy_.encode_time(variable, plan.cuts.front() - 1));
  for (const std::int64_t cut : plan.cuts) plan.codes.push_back(policy_.encode_time(variable, cut));
}

bool PolicySimulation::reachable(const SettingPlan& setting, const SettingAction& action) const {
  if (setting.availability.empty()) return true;
  for (const Window& window : setting.availability) {
    if ((window.platforms & action.platforms) != 0 && action.time >= window.from && action.time < window.until) {
      return true;
    }
  }
  return false;
}

void PolicySimulation::begin_user(const SimulatedUser& user) {
  ++users_;
  const std::size_t pattern =
      pattern_field_ >= 0 ? static_cast<std::size_t>(user.values[static_cast<std::size_t>(pattern_field_)]) : 0;
  if (pattern_field_ >= 0) ++users_by_pattern_[pattern];
  for (std::size_t index = 0; index < fields_.size(); ++index) {
    const FieldPlan& field = fields_[index];
    if (!field.per_user) continue;
    const auto value = static_cast<std::size_t>(user.values[index]);
    if (field.variable >= 0) codes_[static_cast<std::size_t>(field.variable)] = field.codes[value];
    if (field.slot >= 0)
      slots_[static_cast<std::size_t>(field.slot)] =
          static_cast<std::uint32_t>(field.breakdown + static_cast<std::int32_t>(value));
  }
  for (std::size_t index = 0; index < settings_.size(); ++index) {
    SettingPlan& setting = settings_[index];
    setting.on = setting.default_on;
    if (setting.action >= 0) {
      const SettingAction& action = user.actions[static_cast<std::size_t>(setting.action)];
      if (reachable(setting, action)) {
        ++reached_[index];
        if (pattern_field_ >= 0) ++reached_by_pattern_[index][pattern];
        if (action.switch_off) {
          ++switched_off_[index];
          setting.on = false;
        }
      }
    }
    if (setting.variable >= 0) {
      codes_[static_cast<std::size_t>(setting.variable)] =
          setting.on ? runtime::setting_on_code : runtime::setting_off_code;
    }
  }
}

void PolicySimulation::add_record(std::span<const std::int64_t> values) {
  ++records_;
  for (const std::size_t index : record_fields_) {
    const FieldPlan& field = fields_[index];
    const std::int64_t value = values[index];
    if (field.variable >= 0) {
      const auto variable = static_cast<std::size_t>(field.variable);
      if (field.is_time) {
        const auto span = std::upper_bound(field.cuts.begin(), field.cuts.end(), value) - field.cuts.begin();
        codes_[variable] = field.codes[static_cast<std::size_t>(span)];
      } else {
        codes_[variable] = field.codes[static_cast<std::size_t>(value)];
      }
    }
    if (field.slot >= 0)
      slots_[static_cast<std::size_t>(field.slot)] = static_cast<std::uint32_t>(field.breakdown + value);
  }
  for (std::size_t purpose = 0; purpose < purpose_codes_.size(); ++purpose) {
    if (purpose_variable_ >= 0) codes_[static_cast<std::size_t>(purpose_variable_)] = purpose_codes_[purpose];
    tally_.add(purpose, policy_.decide(codes_), slots_);
  }
}

bool PolicySimulation::consents(std::size_t setting) const {
  return settings_[setting].on;
}

DecisionTally::DecisionTally(const Policy& policy, std::size_t purposes, std::size_t breakdown_slots)
    : purposes_(purposes),
      slots_per_purpose_(1 + breakdown_slots),
      tallies_(purposes * slots_per_purpose_),
      reasons_per_purpose_(policy.reason_count() + 1),
      reason_tallies_(purposes * reasons_per_purpose_, 0) {}

std::vector<ReasonCount> DecisionTally::reasons(const Policy& policy, std::size_t purpose) const {
  const runtime::CompiledPolicy& compiled = runtime::compiled_of(policy);
  std::vector<ReasonCount> counts;
  for (std::size_t reason = 0; reason < reasons_per_purpose_; ++reason) {
    const auto code =
        reason + 1 == reasons_per_purpose_ ? Policy::invalid_input_reason : static_cast<std::uint16_t>(reason);
    ReasonCount count{std::string(policy.reason_name(code)), std::string(policy.reason_description(code)), 0, 0};
    const std::uint64_t decided = reason_tallies_[purpose * reasons_per_purpose_ + reason];
    const bool allows =
        reason == 0 ? compiled.default_allow : reason <= compiled.rules.size() && compiled.rules[reason - 1].allow;
    (allows ? count.allowed : count.denied) = decided;
    counts.push_back(std::move(count));
  }
  return counts;
}

std::uint64_t DecisionTally::removed_by_opt_out(const Policy& policy, const std::string& setting) const {
  std::uint64_t removed = 0;
  if (const auto reason = policy.find_reason("optout_" + setting)) {
    for (std::size_t purpose = 0; purpose < purposes_; ++purpose) {
      removed += reason_tallies_[purpose * reasons_per_purpose_ + *reason];
    }
  }
  return removed;
}

SimulationReport PolicySimulation::report() const {
  const runtime::CompiledPolicy& compiled = runtime::compiled_of(policy_);
  SimulationReport report;
  report.policy_name = policy_.name();
  report.policy_version = policy_.version();
  report.users = users_;
  report.records = records_;
  for (std::size_t purpose = 0; purpose < schema_->purposes.size(); ++purpose) {
    PurposeReport out;
    out.purpose = schema_->purposes[purpose];
    out.all = tally_.usable(purpose, 0);
    for (const std::size_t index : breakdown_fields_) {
      const SimulationField& field = schema_->fields[index];
      Breakdown breakdown{field.name, field.values, {}};
      for (std::size_t value = 0; value < field.values.size(); ++value) {
        breakdown.counts.push_back(tally_.usable(purpose, static_cast<std::size_t>(fields_[index].breakdown) + value));
      }
      out.breakdowns.push_back(std::move(breakdown));
    }
    out.reasons = tally_.reasons(policy_, purpose);
    report.purposes.push_back(std::move(out));
  }
  for (std::size_t index = 0; index < compiled.settings.size(); ++index) {
    const auto& setting = compiled.settings[index];
    SettingReport out;
    out.name = setting.name;
    out.formerly = setting.formerly;
    out.default_on = setting.default_on;
    if (settings_[index].action >= 0)
      out.acts_as = schema_->settings[static_cast<std::size_t>(settings_[index].action)];
    out.users_reached = reached_[index];
    out.users_switched_off = switched_off_[index];
    out.records_removed = tally_.removed_by_opt_out(policy_, setting.name);
    if (pattern_field_ >= 0) {
      const auto& labels = schema_->fields[static_cast<std::size_t>(pattern_field_)].values;
      for (std::size_t pattern = 0; pattern < labels.size(); ++pattern) {
        out.reach_by_platforms.push_back(
            {labels[pattern], users_by_pattern_[pattern], reached_by_pattern_[index][pattern]});
      }
    }
    report.settings.push_back(std::move(out));
  }
  return report;
}

// ---- the synthetic population

SimulationSchema schema_of(const Scenario& scenario, std::span<const Policy> policies) {
  SimulationSchema schema;
  schema.purpose_attribute = scenario.purpose_attribute;
  schema.purposes = scenario.purposes;
  schema.now = scenario.now;
  SimulationField records{scenario.records_attribute, false, false, true, true, {}};
  for (const auto& record : scenario.records) records.values.push_back(record.value);
  schema.fields.push_back(std::move(records));
  for (const auto& attribute : scenario.population) {
    SimulationField field{attribute.name, true, false, true, true, {}};
    for (const auto& value : attribute.values) field.values.push_back(value.value);
    schema.fields.push_back(std::move(field));
  }
  if (!scenario.platforms.empty()) {
    SimulationField field{"platforms", true, false, false, true, {}};
    for (const auto& pattern : scenario.platforms) {
      field.values.push_back(pattern.label);
      for (const auto& platform : pattern.uses) {
        if (std::find(schema.platforms.begin(), schema.platforms.end(), platform) == schema.platforms.end()) {
          schema.platforms.push_back(platform);
        }
      }
    }
    schema.fields.push_back(std::move(field));
  }
  for (const auto& times : scenario.record_times) {
    schema.fields.push_back(SimulationField{times.attribute, false, true, true, false, {}});
  }
  for (const auto& setting : scenario.settings) schema.settings.push_back(setting.name);
  for (const auto& policy : policies) {
    for (const auto& setting : runtime::compiled_of(policy).settings) {
      const auto named = [&](const std::string& name) {
        return std::find(schema.settings.begin(), schema.settings.end(), name) != schema.settings.end();
      };
      if (named(setting.name) || std::any_of(setting.formerly.begin(), setting.formerly.end(), named)) continue;
      schema.settings.push_back(setting.name);
    }
  }
  return schema;
}

namespace {

// A uniform draw from [0, 1) with the top 53 bits of the engine's output: exact in a double
// and the same on every standard library (std::uniform_real_distribution is not).
double uniform(std::mt19937_64& engine) {
  return static_cast<double>(engine() >> 11) * 0x1.0p-53;
}

// Cumulative shares for drawing one value of a mix. The last value with a share is given
// an upper bound above 1 so that rounding in the sum never leaves a draw without a value;
// values with share 0 are never drawn.
std::vector<double> cumulative(const std::vector<double>& shares) {
  std::vector<double> bounds;
  double sum = 0;
  for (const double share : shares) bounds.push_back(sum += share);
  for (std::size_t index = shares.size(); index-- > 0;) {
    if (shares[index] > 0) {
      bounds[index] = 2.0;
      break;
    }
  }
  return bounds;
}

std::int64_t pick(const std::vector<double>& bounds, double draw) {
  std::size_t index = 0;
  while (index + 1 < bounds.size() && !(draw < bounds[index])) ++index;
  return static_cast<std::int64_t>(index);
}

}  // namespace

void run_population(const Scenario& scenario, const SimulationSchema& schema, std::span<PolicySimulation> simulations,
                    RecordObserver* observer, const std::function<void(std::uint64_t users_done)>& progress) {
  // Where each scenario part lives in the schema's field order (see schema_of).
  constexpr std::size_t records_field = 0;
  constexpr std::size_t first_population_field = 1;
  const std::size_t population_fields = scenario.population.size();
  const bool has_platforms = !scenario.platforms.empty();
  const std::size_t platform_field = first_population_field + population_fields;
  const std::size_t first_time_field = platform_field + (has_platforms ? 1 : 0);

  std::vector<std::vector<double>> population_bounds;
  for (const auto& attribute : scenario.population) {
    std::vector<double> shares;
    for (const auto& value : attribute.values) shares.push_back(value.share);
    population_bounds.push_back(cumulative(shares));
  }
  std::vector<double> platform_shares;
  std::vector<std::uint32_t> platform_masks;
  for (const auto& pattern : scenario.platforms) {
    platform_shares.push_back(pattern.share);
    std::uint32_t mask = 0;
    for (const auto& platform : pattern.uses) {
      mask |= 1U << (std::find(schema.platforms.begin(), schema.platforms.end(), platform) - schema.platforms.begin());
    }
    platform_masks.push_back(mask);
  }
  const std::vector<double> platform_bounds = cumulative(platform_shares);

  std::vector<std::int64_t> values(schema.fields.size(), 0);
  // Settings that users never act on are looked at, at `now`, on every platform the user uses.
  std::vector<SettingAction> actions(schema.settings.size(), SettingAction{0, scenario.now, false});
  std::mt19937_64 engine(scenario.seed);

  for (std::uint64_t user = 0; user < scenario.users; ++user) {
    for (std::size_t index = 0; index < population_fields; ++index) {
      values[first_population_field + index] = pick(population_bounds[index], uniform(engine));
    }
    const double platform_draw = uniform(engine);
    std::uint32_t platforms = 0;
    if (has_platforms) {
      values[platform_field] = pick(platform_bounds, platform_draw);
      platforms = platform_masks[static_cast<std::size_t>(values[platform_field])];
    }
    for (std::size_t index = 0; index < actions.size(); ++index) {
      actions[index].platforms = platforms;
      if (index < scenario.settings.size()) {
        const SettingBehaviour& behaviour = scenario.settings[index];
        actions[index].time = behaviour.acts;
        actions[index].switch_off = uniform(engine) < behaviour.switch_off;
      }
    }
    const SimulatedUser simulated{user, values, actions};
    for (auto& simulation : simulations) simulation.begin_user(simulated);
    if (observer != nullptr) observer->user(simulated);

    for (std::size_t kind = 0; kind < scenario.records.size(); ++kind) {
      values[records_field] = static_cast<std::int64_t>(kind);
      for (std::uint32_t count = 0; count < scenario.records[kind].count; ++count) {
        for (std::size_t index = 0; index < scenario.record_times.size(); ++index) {
          const RecordTimes& times = scenario.record_times[index];
          const std::int64_t span = times.until - times.from;
          const auto offset = static_cast<std::int64_t>(uniform(engine) * static_cast<double>(span));
          values[first_time_field + index] = times.from + std::min(offset, span - 1);
        }
        for (auto& simulation : simulations) simulation.add_record(values);
        if (observer != nullptr) observer->record(values);
      }
    }
    if (progress && (user + 1) % progress_interval == 0) progress(user + 1);
  }
  if (progress) progress(scenario.users);
}

}  // namespace usegate::review

#include "derived_records.hpp"

#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <utility>

#include "civil_time.hpp"

namespace usegate::fuzz {
namespace {

using compiler::AttributeKind;
using compiler::CheckedCondition;
using compiler::ConditionOp;
using compiler::RecordValue;

// One way to fill one input of a record: the fields it sets (none: absent), or a `now`.
struct Choice {
  std::vector<std::pair<std::string, RecordValue>> fields;
  std::int64_t now = 0;
};

struct Input {
  enum class Target { attributes, consent, now };
  Target target = Target::attributes;
  std::vector<Choice> choices;
};

Choice set(const std::string& name, RecordValue value) {
  return Choice{{{name, std::move(value)}}, 0};
}

void collect_constants(const CheckedCondition& condition, std::vector<std::set<double>>& constants) {
  if (condition.op == ConditionOp::compare && condition.subject < constants.size()) {
    constants[condition.subject].insert(condition.key);
  }
  for (const auto& operand : condition.operands) collect_constants(operand, constants);
}

// Whole seconds of a constant's time key (twice the seconds, plus one for a fraction).
std::int64_t seconds_of_key(double key) {
  return static_cast<std::int64_t>(std::floor(key / 2));
}

std::vector<Choice> enum_choices(const compiler::Attribute& attribute) {
  std::vector<Choice> choices{Choice{}, set(attribute.name, RecordValue::null())};
  for (const auto& value : attribute.values) choices.push_back(set(attribute.name, RecordValue::of(value)));
  choices.push_back(set(attribute.name, RecordValue::of(std::string("zz_not_declared"))));
  choices.push_back(set(attribute.name, RecordValue::of(1.0)));
  choices.push_back(set(attribute.name, RecordValue::composite()));
  return choices;
}

std::vector<Choice> bool_choices(const compiler::Attribute& attribute) {
  return {Choice{},
          set(attribute.name, RecordValue::null()),
          set(attribute.name, RecordValue::of(true)),
          set(attribute.name, RecordValue::of(false)),
          set(attribute.name, RecordValue::of(std::string("true"))),
          set(attribute.name, RecordValue::of(0.0))};
}

std::vector<Choice> number_choices(const compiler::Attribute& attribute, const std::set<double>& constants) {
  constexpr double infinity = std::numeric_limits<double>::infinity();
  std::vector<Choice> choices{Choice{},
                              set(attribute.name, RecordValue::null()),
                              set(attribute.name, RecordValue::of(std::string("12"))),
                              set(attribute.name, RecordValue::of(true)),
                              set(attribute.name, RecordValue::of(-1e300)),
                              set(attribute.name, RecordValue::of(1e300))};
  for (const double c : constants) {
    for (const double value : {c, std::nextafter(c, -infinity), std::nextafter(c, infinity), c - 1, c + 1}) {
      choices.push_back(set(attribute.name, RecordValue::of(value)));
    }
  }
  return choices;
}

// A time at and around `seconds`, in the forms a record may give it.
void add_times_around(const std::string& name, std::int64_t seconds, std::vector<Choice>& choices) {
  for (const std::int64_t at : {seconds - 1, seconds, seconds + 1}) {
    choices.push_back(set(name, RecordValue::of(static_cast<double>(at))));
  }
  choices.push_back(set(name, RecordValue::of(static_cast<double>(seconds) + 0.5)));
  choices.push_back(set(name, RecordValue::of(static_cast<double>(seconds) - 0.5)));
  if (differential::writable_year(seconds)) {
    choices.push_back(set(name, RecordValue::of(differential::datetime_text(seconds, "Z"))));
    choices.push_back(set(name, RecordValue::of(differential::datetime_text(seconds, ".5Z"))));
    choices.push_back(set(name, RecordValue::of(differential::date_text(seconds))));
  }
  if (differential::writable_year(seconds + 7200)) {
    choices.push_back(set(name, RecordValue::of(differential::datetime_text(seconds + 7200, "+02:00"))));
  }
}

std::vector<Choice> time_choices(const compiler::Attribute& attribute, const std::set<double>& constants) {
  std::vector<Choice> choices{Choice{},
                              set(attribute.name, RecordValue::null()),
                              set(attribute.name, RecordValue::of(std::string("2024-02-30"))),
                              set(attribute.name, RecordValue::of(std::string("not a time"))),
                              set(attribute.name, RecordValue::of(false)),
                              set(attribute.name, RecordValue::of(1e13))};
  for (const double key : constants) add_times_around(attribute.name, seconds_of_key(key), choices);
  return choices;
}

std::vector<Choice> now_choices(const std::set<double>& constants) {
  std::vector<Choice> choices{Choice{{}, 1722470400}};  // 2024-08-01, when no constant says otherwise
  for (const double key : constants) {
    const std::int64_t seconds = seconds_of_key(key);
    for (const std::int64_t at : {seconds - 1, seconds, seconds + 1}) choices.push_back(Choice{{}, at});
  }
  return choices;
}

std::vector<Choice> consent_choices(const compiler::Setting& setting) {
  const std::string& name = setting.name;
  std::vector<Choice> choices{Choice{},
                              set(name, RecordValue::of(std::string("on"))),
                              set(name, RecordValue::of(std::string("off"))),
                              set(name, RecordValue::null()),
                              set(name, RecordValue::of(false)),
                              set(name, RecordValue::of(std::string("maybe"))),
                              set(name, RecordValue::of(1.0))};
  for (const auto& former : setting.formerly) {
    choices.push_back(set(former, RecordValue::of(std::string("off"))));
    choices.push_back(set(former, RecordValue::of(std::string("on"))));
    choices.push_back(Choice{{{name, RecordValue::null()}, {former, RecordValue::of(std::string("off"))}}, 0});
    choices.push_back(
        Choice{{{name, RecordValue::of(std::string("on"))}, {former, RecordValue::of(std::string("off"))}}, 0});
  }
  return choices;
}

std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

void apply(const Input& input, const Choice& choice, compiler::InterpreterInput& record) {
  switch (input.target) {
    case Input::Target::attributes:
      for (const auto& [name, value] : choice.fields) record.attributes[name] = value;
      break;
    case Input::Target::consent:
      for (const auto& [name, value] : choice.fields) record.consent[name] = value;
      break;
    case Input::Target::now: record.now = choice.now; break;
  }
}

}  // namespace

std::vector<compiler::InterpreterInput> derived_records(const compiler::CheckedPolicy& policy, std::uint64_t seed,
                                                        std::size_t limit) {
  std::vector<std::set<double>> constants(policy.attributes.size());
  for (const auto& rule : policy.rules) collect_constants(rule.condition, constants);

  std::vector<Input> inputs;
  for (std::size_t i = 0; i < policy.attributes.size(); ++i) {
    const auto& attribute = policy.attributes[i];
    if (attribute.builtin) {
      inputs.push_back(Input{Input::Target::now, now_choices(constants[i])});
      continue;
    }
    switch (attribute.kind) {
      case AttributeKind::enumeration:
        inputs.push_back(Input{Input::Target::attributes, enum_choices(attribute)});
        break;
      case AttributeKind::boolean: inputs.push_back(Input{Input::Target::attributes, bool_choices(attribute)}); break;
      case AttributeKind::number:
        inputs.push_back(Input{Input::Target::attributes, number_choices(attribute, constants[i])});
        break;
      case AttributeKind::time:
        inputs.push_back(Input{Input::Target::attributes, time_choices(attribute, constants[i])});
        break;
    }
  }
  for (const auto& setting : policy.settings) inputs.push_back(Input{Input::Target::consent, consent_choices(setting)});

  std::vector<compiler::InterpreterInput> records;
  const auto add_record = [&](std::size_t fixed_input, std::size_t fixed_choice) {
    compiler::InterpreterInput record;
    const std::uint64_t row = mix(seed ^ mix(records.size()));
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const auto& choices = inputs[i].choices;
      const std::size_t choice = i == fixed_input ? fixed_choice : mix(row + i) % choices.size();
      apply(inputs[i], choices[choice], record);
    }
    records.push_back(std::move(record));
  };
  // Every choice of every input at least once, the others mixed.
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    for (std::size_t c = 0; c < inputs[i].choices.size() && records.size() < limit; ++c) add_record(i, c);
  }
  // And some records with everything mixed.
  for (int extra = 0; extra < 32 && records.size() < limit; ++extra) add_record(inputs.size(), 0);
  return records;
}

}  // namespace usegate::fuzz

#include "record_explanation.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <stdexcept>

#include <fmt/format.h>

#include "record_inputs.hpp"
#include "usegate/base/json_text.hpp"
#include "usegate/compiler/interpreter.hpp"
#include "usegate/compiler/regions.hpp"
#include "usegate/records/purposes.hpp"
#include "usegate/records/record_fields.hpp"
#include "usegate/records/subject_key.hpp"

namespace usegate::cli {
namespace {

using compiler::AttributeKind;
using compiler::Effect;
using compiler::RecordValue;
using records::FieldReading;

std::string raw_text(const FieldReading& reading) {
  switch (reading.kind) {
    case FieldReading::Kind::absent: return "absent";
    case FieldReading::Kind::null: return "null";
    case FieldReading::Kind::string: return json::quote(reading.text);
    default: return reading.text;
  }
}

RecordValue value_of_reading(const FieldReading& reading) {
  switch (reading.kind) {
    case FieldReading::Kind::absent:
    case FieldReading::Kind::null: return RecordValue::null();
    case FieldReading::Kind::boolean: return RecordValue::of(reading.boolean);
    case FieldReading::Kind::number: return RecordValue::of(reading.number);
    case FieldReading::Kind::string: return RecordValue::of(reading.text);
    case FieldReading::Kind::composite: return RecordValue::composite();
  }
  return RecordValue::null();
}

// A binding's constant as the decoder reads it: typed by the attribute.
RecordValue constant_value(const compiler::Attribute& attribute, const std::string& text) {
  if (attribute.kind == AttributeKind::boolean) return RecordValue::of(text == "true");
  if (attribute.is_ordered()) {
    double number = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error == std::errc() && end == text.data() + text.size()) return RecordValue::of(number);
  }
  return RecordValue::of(text);
}

// Why a value read as missing or unknown, in words.
std::string why_unreadable(const compiler::Attribute& attribute, const records::AttributeBinding& binding,
                           const RecordValue& value, Code code) {
  if (code == runtime::missing_code) return value.kind == RecordValue::Kind::null ? "null" : "absent";
  if (code != runtime::unknown_code) return "";
  switch (attribute.kind) {
    case AttributeKind::enumeration:
      return value.kind == RecordValue::Kind::string ? "not one of the enum's values" : "not a string";
    case AttributeKind::boolean: return "not true or false";
    case AttributeKind::number: return "not a number";
    case AttributeKind::time:
      switch (binding.time_format) {
        case records::TimeFormat::iso8601: return "not ISO-8601 text, the bindings' time format";
        case records::TimeFormat::epoch_seconds: return "not epoch seconds, the bindings' time format";
        case records::TimeFormat::epoch_milliseconds: return "not epoch milliseconds, the bindings' time format";
        case records::TimeFormat::automatic: break;
      }
      return "not a time (ISO-8601 text or epoch seconds)";
  }
  return "";
}

std::string cell_text(const compiler::Partition& partition, Code code) {
  std::vector<bool> one(partition.cell_count(), false);
  if (code < one.size()) one[code] = true;
  return compiler::describe_codes(partition, one);
}

void collect_subjects(const compiler::CheckedCondition& condition, std::vector<std::pair<bool, std::uint32_t>>& out) {
  using compiler::ConditionOp;
  switch (condition.op) {
    case ConditionOp::all_of:
    case ConditionOp::any_of:
    case ConditionOp::negation:
      for (const auto& operand : condition.operands) collect_subjects(operand, out);
      return;
    case ConditionOp::always_true:
    case ConditionOp::always_false: return;
    case ConditionOp::consent: break;
    default: break;
  }
  const std::pair<bool, std::uint32_t> subject{condition.op == ConditionOp::consent, condition.subject};
  if (std::find(out.begin(), out.end(), subject) == out.end()) out.push_back(subject);
}

// A condition as written. A span ends with its last operand, so the parentheses that open
// inside it are closed from the text that follows.
std::string condition_text(const std::string& text, const SourceSpan& span) {
  std::string written = text.substr(span.begin.offset, span.length());
  std::size_t open = 0;
  for (const char c : written) {
    if (c == '(') ++open;
    if (c == ')' && open > 0) --open;
  }
  for (std::size_t at = span.end_offset; open > 0 && at < text.size(); ++at) {
    if (text[at] == ' ') continue;
    if (text[at] != ')') break;
    written += ')';
    --open;
  }
  return written;
}

}  // namespace

Explanation explain_record(const ExplainInputs& inputs, std::string_view line) {
  const compiler::CheckedPolicy& checked = inputs.checked;
  const Policy& policy = inputs.policy;
  Explanation out;
  out.policy = checked.name;
  out.version = checked.version;
  out.now = inputs.now;

  // The decision, exactly as eval makes it.
  records::RecordDecoder decoder(policy, inputs.bindings, inputs.ledger, inputs.now);
  std::string padded(line);
  padded.append(records::parse_padding, '\0');
  records::InputLine input_line{std::string_view(padded.data(), line.size()),
                                std::string_view(padded.data(), line.size()), 1, padded.size(), false};
  std::vector<Code> codes(policy.variable_count(), 0);
  if (const auto cause = decoder.decode(input_line, codes.data()); cause != records::RejectCause::none) {
    out.rejected = records::reject_cause_name(cause);
    return out;
  }
  std::optional<std::size_t> purpose_variable;
  if (inputs.purpose) {
    purpose_variable = policy.find_variable(records::purpose_attribute);
    if (purpose_variable)
      codes[*purpose_variable] = policy.encode(*purpose_variable, FieldValue::from_string(*inputs.purpose));
  }
  const Decision decision = policy.decide(codes);
  out.codes = codes;

  // The same record for the reference interpreter, field by field.
  auto fields = records::read_record_fields(line, inputs.bindings);
  if (!fields) throw std::logic_error("a record the decoder read is not a JSON object");
  compiler::InterpreterInput interpreter_input;
  interpreter_input.now = inputs.now;
  std::vector<std::string> raw_by_attribute(checked.attributes.size(), "absent");
  std::vector<FieldExplanation> by_variable(codes.size());
  for (std::size_t b = 0; b < inputs.bindings.attributes.size(); ++b) {
    const records::AttributeBinding& binding = inputs.bindings.attributes[b];
    const auto attribute_index = checked.find_attribute(binding.attribute);
    if (!attribute_index) continue;
    const compiler::Attribute& attribute = checked.attributes[*attribute_index];
    const FieldReading& reading = fields.value().attributes[b];
    FieldExplanation field{binding.attribute, binding.constant ? "constant" : "field " + reading.path,
                           binding.constant ? json::quote(*binding.constant) : raw_text(reading), "", ""};
    RecordValue value = binding.constant ? constant_value(attribute, *binding.constant) : value_of_reading(reading);
    if (!binding.constant && !binding.value_map.empty() &&
        (reading.kind == FieldReading::Kind::string || reading.kind == FieldReading::Kind::number ||
         reading.kind == FieldReading::Kind::boolean)) {
      for (const auto& [from, to] : binding.value_map) {
        if (from != reading.text) continue;
        value = attribute.kind == AttributeKind::boolean ? RecordValue::of(to == "true") : RecordValue::of(to);
        field.why = fmt::format("value map: `{}` reads as `{}`", from, to);
        break;
      }
    }
    if (attribute.kind == AttributeKind::time) {
      const bool is_text = value.kind == RecordValue::Kind::string;
      const bool is_number = value.kind == RecordValue::Kind::number;
      switch (binding.time_format) {
        case records::TimeFormat::automatic: break;
        case records::TimeFormat::iso8601:
          if (is_number) value = RecordValue::composite();
          break;
        case records::TimeFormat::epoch_seconds:
          if (is_text) value = RecordValue::composite();
          break;
        case records::TimeFormat::epoch_milliseconds:
          if (is_number) value = RecordValue::of(value.number / 1000.0);
          if (is_text) value = RecordValue::composite();
          break;
      }
    }
    if (inputs.purpose && binding.attribute == records::purpose_attribute) {
      value = RecordValue::of(*inputs.purpose);
      field.source = "--purpose";
      field.raw = json::quote(*inputs.purpose);
      field.why.clear();
    }
    if (reading.kind != FieldReading::Kind::absent || binding.constant || field.source == "--purpose") {
      interpreter_input.attributes[binding.attribute] = value;
    }
    raw_by_attribute[*attribute_index] = field.raw;
    if (!binding.variable || *binding.variable >= codes.size()) continue;
    const Code code = codes[*binding.variable];
    field.read_as = cell_text(inputs.rows.partitions[*binding.variable], code);
    if (code < runtime::first_value_code) field.why = why_unreadable(attribute, binding, value, code);
    by_variable[*binding.variable] = std::move(field);
  }
  if (const auto now_variable = policy.find_variable("now")) {
    raw_by_attribute[checked.now_attribute] = utc_time_text(inputs.now);
    by_variable[*now_variable] =
        FieldExplanation{"now", "the evaluation time", utc_time_text(inputs.now),
                         cell_text(inputs.rows.partitions[*now_variable], codes[*now_variable]), ""};
  }

  // Settings: the consent stream's value for the subject first, then the record's own.
  for (std::size_t s = 0; s < checked.settings.size() && s < inputs.bindings.settings.size(); ++s) {
    const compiler::Setting& setting = checked.settings[s];
    const records::SettingBinding& binding = inputs.bindings.settings[s];
    SettingExplanation explained{setting.name, false, ""};
    bool decided = false;
    if (inputs.ledger) {
      const FieldReading& subject = fields.value().subjects[s];
      std::string key;
      bool readable = false;
      if (subject.kind == FieldReading::Kind::string) {
        records::subject_key_from_string(subject.text, key);
        readable = true;
      } else if (subject.kind == FieldReading::Kind::number) {
        readable = records::subject_key_from_number(subject.text, key);
      }
      if (!readable) {
        interpreter_input.consent[setting.name] = RecordValue::of("off");
        explained.source =
            fmt::format("off: the record's subject (field {}) cannot be read, so an opt-out cannot be ruled out",
                        records::path_text(binding.key_path));
        decided = true;
      } else if (const auto change = inputs.ledger->source(s, key)) {
        interpreter_input.consent[setting.name] = RecordValue::of(change->on ? "on" : "off");
        explained.source = change->line > 0 ? fmt::format("consent change at line {}", change->line) : "consent change";
        decided = true;
      }
    }
    if (!decided) {
      const auto& readings = fields.value().settings[s];
      for (std::size_t i = 0; i < readings.size(); ++i) {
        const FieldReading& reading = readings[i];
        if (reading.kind == FieldReading::Kind::absent || reading.kind == FieldReading::Kind::null) continue;
        interpreter_input.consent[setting.name] = value_of_reading(reading);
        explained.source = fmt::format("record field {} = {}{}", reading.path, raw_text(reading),
                                       i == 0 ? "" : fmt::format(" (the former name `{}`)", setting.formerly[i - 1]));
        decided = true;
        break;
      }
    }
    bool bad = false;
    explained.on = compiler::consents(checked, static_cast<std::uint32_t>(s), interpreter_input, &bad);
    if (!decided) explained.source = inputs.ledger ? "the default; no consent change for this subject" : "the default";
    if (bad) explained.source += ", neither on nor off: read as off";
    out.settings.push_back(std::move(explained));
  }
  for (std::size_t v = 0; v < codes.size(); ++v) {
    if (policy.variable(v).kind == VariableDescription::Kind::setting) continue;
    out.fields.push_back(std::move(by_variable[v]));
  }

  // The rules, by the reference interpreter, which must agree with the table.
  const compiler::Interpretation interpretation = compiler::interpret(checked, interpreter_input);
  const std::string_view runtime_reason = policy.reason_name(decision.reason);
  if ((interpretation.decision.effect == compiler::Effect::allow) != decision.allowed ||
      interpretation.decision.reason != runtime_reason) {
    throw std::logic_error(fmt::format("the reference interpreter decides {} by {} where the table decides {} by {}",
                                       interpretation.decision.effect == compiler::Effect::allow ? "allow" : "deny",
                                       interpretation.decision.reason, decision.allowed ? "allow" : "deny",
                                       runtime_reason));
  }
  const auto describe_subject = [&](const std::pair<bool, std::uint32_t>& subject) {
    if (subject.first) {
      const SettingExplanation& setting = out.settings[subject.second];
      return fmt::format("`{}` is {} ({})", setting.setting, setting.on ? "on" : "off", setting.source);
    }
    const compiler::Attribute& attribute = checked.attributes[subject.second];
    const compiler::ExtendedValue value = compiler::extended_value(checked, subject.second, interpreter_input);
    const std::string& raw = raw_by_attribute[subject.second];
    switch (value.state) {
      case compiler::ExtendedValue::State::missing: return fmt::format("`{}` is missing ({})", attribute.name, raw);
      case compiler::ExtendedValue::State::unknown: return fmt::format("`{}` is unknown ({})", attribute.name, raw);
      case compiler::ExtendedValue::State::known: break;
    }
    if (attribute.is_categorical()) return fmt::format("`{}` is {}", attribute.name, attribute.values[value.value]);
    return fmt::format("`{}` is {}", attribute.name, raw);
  };
  const std::function<const compiler::CheckedCondition*(const compiler::CheckedCondition&)> first_false =
      [&](const compiler::CheckedCondition& condition) -> const compiler::CheckedCondition* {
    if (condition.op == compiler::ConditionOp::all_of) {
      for (const auto& operand : condition.operands) {
        if (!compiler::holds(checked, operand, interpreter_input)) return first_false(operand);
      }
    }
    return &condition;
  };
  for (std::uint32_t r = 0; r < checked.rules.size(); ++r) {
    const compiler::Rule& rule = checked.rules[r];
    RuleExplanation explained{
        rule.id, rule.effect == compiler::Effect::allow, rule.setting.has_value(), rule.span.begin.line, false, "", ""};
    explained.matched = std::find(interpretation.matched_rules.begin(), interpretation.matched_rules.end(), r) !=
                        interpretation.matched_rules.end();
    if (explained.matched) out.matched.push_back(rule.id);
    if (!explained.matched) {
      const compiler::CheckedCondition& failed = *first_false(rule.condition);
      if (rule.setting && &failed == &rule.condition) {
        explained.failed_condition =
            fmt::format("covers of `{}` and not consent {}", checked.settings[*rule.setting].name,
                        checked.settings[*rule.setting].name);
      } else if (failed.op == compiler::ConditionOp::negation && rule.setting && failed.operands.size() == 1 &&
                 failed.operands.front().op == compiler::ConditionOp::consent) {
        explained.failed_condition = fmt::format("not consent {}", checked.settings[*rule.setting].name);
      } else {
        explained.failed_condition = condition_text(inputs.source.text(), failed.span);
      }
      std::vector<std::pair<bool, std::uint32_t>> subjects;
      collect_subjects(failed, subjects);
      for (const auto& subject : subjects) {
        explained.saw += (explained.saw.empty() ? "" : ", ") + describe_subject(subject);
      }
    }
    out.rules.push_back(std::move(explained));
  }

  out.allowed = decision.allowed;
  out.reason = std::string(runtime_reason);
  std::size_t matching_allows = 0;
  for (const auto& rule : out.rules) matching_allows += rule.matched && rule.allow ? 1 : 0;
  if (!interpretation.decision.rule) {
    out.why = fmt::format("no rule matched: the policy's default, {}", decision.allowed ? "allow" : "deny");
  } else if (!decision.allowed) {
    out.why =
        matching_allows > 0
            ? fmt::format("deny overrides allow: `{}` is the first matching deny in source order ({} also matched)",
                          out.reason,
                          matching_allows == 1 ? "1 allow rule" : fmt::format("{} allow rules", matching_allows))
            : fmt::format("`{}` is the first matching deny in source order", out.reason);
  } else {
    out.why = fmt::format("no deny matched; `{}` is the first matching allow in source order", out.reason);
  }

  if (const auto row = inputs.rows.row_of(codes)) {
    out.row = *row;
    out.row_cells = row_cells(inputs.rows, *row);
    out.row_header = row_header(inputs.rows);
    out.row_table = render_rows(inputs.rows, {*row});
  } else {
    throw std::logic_error("the record's codes fall in no row of the table");
  }
  return out;
}

std::string explanation_text(const Explanation& explanation) {
  std::string out =
      fmt::format("policy {} version {}, now {}\n", explanation.policy,
                  explanation.version.empty() ? "-" : explanation.version, utc_time_text(explanation.now));
  if (explanation.rejected) {
    return out + fmt::format("decision: reject ({}): the record cannot be read, so it is never allowed\n",
                             *explanation.rejected);
  }
  out += "fields:\n";
  for (const auto& field : explanation.fields) {
    out += fmt::format("  {}: {} from {} -> {}{}\n", field.attribute, field.raw, field.source, field.read_as,
                       field.why.empty() ? "" : " (" + field.why + ")");
  }
  if (!explanation.settings.empty()) out += "settings:\n";
  for (const auto& setting : explanation.settings) {
    out += fmt::format("  {}: {} ({})\n", setting.setting, setting.on ? "on" : "off", setting.source);
  }
  out += "rules:\n";
  for (const auto& rule : explanation.rules) {
    out += fmt::format("  {} {} {} (line {}): ", rule.matched ? "*" : " ", rule.allow ? "allow" : "deny ", rule.id,
                       rule.line);
    if (rule.matched) {
      out += "matched\n";
    } else {
      out += fmt::format("no: `{}` is false{}\n", rule.failed_condition, rule.saw.empty() ? "" : "; " + rule.saw);
    }
  }
  out += fmt::format("decision: {} by {}: {}\n", explanation.allowed ? "allow" : "deny", explanation.reason,
                     explanation.why);
  return out + fmt::format("the row of `usegate table` it falls in:\n{}", explanation.row_table);
}

std::string explanation_json(const Explanation& explanation) {
  std::string out = fmt::format("{{\"policy\":{},\"version\":{},\"now\":{}", json::quote(explanation.policy),
                                json::quote(explanation.version), json::quote(utc_time_text(explanation.now)));
  if (explanation.rejected) {
    return out + fmt::format(",\"decision\":\"reject\",\"reason\":{}}}", json::quote(*explanation.rejected));
  }
  out += ",\"fields\":[";
  for (std::size_t i = 0; i < explanation.fields.size(); ++i) {
    const auto& field = explanation.fields[i];
    out += fmt::format("{}{{\"attribute\":{},\"source\":{},\"raw\":{},\"read_as\":{},\"why\":{}}}", i ? "," : "",
                       json::quote(field.attribute), json::quote(field.source), json::quote(field.raw),
                       json::quote(field.read_as), json::quote(field.why));
  }
  out += "],\"settings\":[";
  for (std::size_t i = 0; i < explanation.settings.size(); ++i) {
    const auto& setting = explanation.settings[i];
    out += fmt::format("{}{{\"setting\":{},\"value\":\"{}\",\"source\":{}}}", i ? "," : "",
                       json::quote(setting.setting), setting.on ? "on" : "off", json::quote(setting.source));
  }
  out += "],\"rules\":[";
  for (std::size_t i = 0; i < explanation.rules.size(); ++i) {
    const auto& rule = explanation.rules[i];
    out += fmt::format("{}{{\"id\":{},\"effect\":\"{}\",\"implicit\":{},\"line\":{},\"matched\":{}", i ? "," : "",
                       json::quote(rule.id), rule.allow ? "allow" : "deny", rule.implicit, rule.line, rule.matched);
    if (!rule.matched) {
      out +=
          fmt::format(",\"failed_condition\":{},\"saw\":{}", json::quote(rule.failed_condition), json::quote(rule.saw));
    }
    out += "}";
  }
  out += fmt::format("],\"decision\":\"{}\",\"reason\":{},\"why\":{},\"row\":{{\"number\":{}",
                     explanation.allowed ? "allow" : "deny", json::quote(explanation.reason),
                     json::quote(explanation.why), explanation.row + 1);
  for (std::size_t i = 1; i < explanation.row_cells.size(); ++i) {
    out += fmt::format(",{}:{}", json::quote(explanation.row_header[i]), json::quote(explanation.row_cells[i]));
  }
  return out + "}}";
}

}  // namespace usegate::cli

#include "artifact_check.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "support.hpp"
#include "usegate/base/json_text.hpp"
#include "usegate/records/bindings.hpp"
#include "usegate/records/consent_ledger.hpp"
#include "usegate/records/record_decoder.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace usegate::fuzz {
namespace {

using runtime::AttributeType;
using runtime::CompiledPolicy;

// Bounds on the work per input, whatever the artifact declares.
constexpr std::size_t swept_variables = 64;
constexpr std::size_t swept_codes = 16;
constexpr std::size_t consent_settings = 8;

// A decision on codes that are all in range must be the effect of its reason.
void expect_valid(const Policy& policy, const Decision& decision, std::string_view where) {
  const CompiledPolicy& model = runtime::compiled_of(policy);
  if (decision.reason >= policy.reason_count()) {
    property_failed(
        fmt::format("{}: reason {} of {} on codes in range", where, decision.reason, policy.reason_count()));
  }
  const bool effect = decision.reason == 0 ? model.default_allow : model.rules[decision.reason - 1].allow;
  if (decision.allowed != effect) property_failed(fmt::format("{}: the decision is not its reason's effect", where));
}

void expect_invalid(const Decision& decision, std::string_view where) {
  if (decision != Decision{false, Policy::invalid_input_reason}) {
    property_failed(
        fmt::format("{}: codes out of range were decided ({}, reason {})", where, decision.allowed, decision.reason));
  }
}

// Code rows: all zeros, then each swept variable through its codes (and past them), the
// others at zero.
std::vector<std::vector<Code>> code_rows(const std::vector<Code>& limits) {
  std::vector<std::vector<Code>> rows{std::vector<Code>(limits.size(), 0)};
  for (std::size_t v = 0; v < std::min(limits.size(), swept_variables); ++v) {
    std::vector<Code> codes;
    for (std::size_t c = 0; c < std::min<std::size_t>(limits[v], swept_codes); ++c)
      codes.push_back(static_cast<Code>(c));
    for (const std::uint32_t c : {limits[v] - 1U, std::uint32_t{limits[v]}, limits[v] + 1U, 0xFFFFU}) {
      if (c <= 0xFFFF) codes.push_back(static_cast<Code>(c));
    }
    for (const Code code : codes) {
      rows.push_back(rows.front());
      rows.back()[v] = code;
    }
  }
  return rows;
}

void check_decisions(const Policy& policy) {
  const std::size_t count = policy.variable_count();
  std::vector<Code> limits;
  for (std::size_t v = 0; v < count; ++v) limits.push_back(static_cast<Code>(policy.variable(v).code_count));
  const auto rows = code_rows(limits);
  std::vector<Decision> one_by_one;
  for (const auto& row : rows) {
    const Decision decision = policy.decide(std::span<const Code>(row));
    bool in_range = true;
    for (std::size_t v = 0; v < count; ++v) in_range = in_range && row[v] < limits[v];
    if (in_range) {
      expect_valid(policy, decision, "decide");
    } else {
      expect_invalid(decision, "decide");
    }
    one_by_one.push_back(decision);
  }
  // The same rows column by column.
  std::vector<std::vector<Code>> columns(count, std::vector<Code>(rows.size()));
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t v = 0; v < count; ++v) columns[v][r] = rows[r][v];
  }
  std::vector<const Code*> column_pointers;
  for (const auto& column : columns) column_pointers.push_back(column.data());
  std::vector<Decision> batch(rows.size());
  policy.decide_batch(column_pointers, rows.size(), batch.data());
  if (batch != one_by_one) property_failed("decide_batch and decide disagree");
  // The wrong number of codes.
  std::vector<Code> longer(count + 1, 0);
  expect_invalid(policy.decide(std::span<const Code>(longer)), "decide with one code too many");
  if (count > 0)
    expect_invalid(policy.decide(std::span<const Code>(longer.data(), count - 1)), "decide with one code too few");
}

void check_encoding(const Policy& policy) {
  const CompiledPolicy& model = runtime::compiled_of(policy);
  const std::size_t count = policy.variable_count();
  for (std::size_t v = 0; v < count; ++v) {
    const VariableDescription description = policy.variable(v);
    if (policy.find_variable(description.name) != v)
      property_failed(fmt::format("variable {} is not found by its name", v));
  }
  for (std::size_t v = 0; v < std::min(count, swept_variables); ++v) {
    const std::size_t limit = policy.variable(v).code_count;
    std::vector<FieldValue> values{FieldValue::absent(),
                                   FieldValue::null(),
                                   FieldValue::from_bool(true),
                                   FieldValue::from_number(0),
                                   FieldValue::from_number(-1e300),
                                   FieldValue::from_string("2024-08-01"),
                                   FieldValue::from_string("on"),
                                   FieldValue::from_string(""),
                                   FieldValue::other()};
    const auto& variable = model.variables[v];
    if (variable.kind != runtime::VariableKind::setting) {
      const auto& attribute = model.attributes[variable.source];
      if (!attribute.values.empty()) values.push_back(FieldValue::from_string(attribute.values.back()));
      if (!variable.constants.empty()) values.push_back(FieldValue::from_number(variable.constants.front()));
    }
    for (const FieldValue& value : values) {
      if (policy.encode(v, value) >= limit)
        property_failed(fmt::format("encode gave variable {} a code out of range", v));
      bool bad = false;
      if (variable.kind == runtime::VariableKind::setting && policy.encode_consent(v, value, &bad) >= limit) {
        property_failed(fmt::format("encode_consent gave variable {} a code out of range", v));
      }
    }
    for (const std::int64_t time : {std::int64_t{0}, std::int64_t{1722470400}, std::int64_t{-62167219200}}) {
      if (policy.encode_time(v, time) >= limit)
        property_failed(fmt::format("encode_time gave variable {} a code out of range", v));
    }
  }
  // Deciding from fields: every encoding is in range, so no decision is invalid.
  for (std::size_t shift = 0; shift < 3; ++shift) {
    std::vector<FieldValue> fields(count, FieldValue::absent());
    for (std::size_t v = 0; v < count; ++v) {
      if ((v + shift) % 3 == 1) fields[v] = FieldValue::from_string("on");
      if ((v + shift) % 3 == 2) fields[v] = FieldValue::from_number(1722470400);
    }
    expect_valid(policy, policy.decide(std::span<const FieldValue>(fields)), "decide from fields");
  }
  for (std::uint16_t reason = 0; reason < policy.reason_count() && reason < 64; ++reason) {
    (void)policy.reason_name(reason);
    (void)policy.reason_description(reason);
  }
  (void)policy.reason_name(Policy::invalid_input_reason);
}

// Records with every attribute the artifact declares set to one of its values, and some
// with nothing or the wrong types, decoded with the default bindings (and a consent stream
// that switches each setting off): every decoded record's codes are in range.
void check_records(const Policy& policy, MemoryFile& consent_file) {
  const CompiledPolicy& model = runtime::compiled_of(policy);
  std::string consent;
  const std::optional<std::string> platform =
      model.platform_attribute >= 0 && !model.attributes[model.platform_attribute].values.empty()
          ? std::optional(model.attributes[model.platform_attribute].values.front())
          : std::nullopt;
  for (std::size_t s = 0; s < std::min(model.settings.size(), consent_settings); ++s) {
    consent += R"({"user":"u1","setting":)" + json::quote(model.settings[s].name) + R"(,"value":"off",)" +
               (platform ? R"("platform":)" + json::quote(*platform) + "," : std::string()) + R"("ts":"2024-07-30"})" +
               "\n";
  }
  const records::ConsentLedger ledger = records::ConsentLedger::read(
      consent_file.hold(reinterpret_cast<const std::uint8_t*>(consent.data()), consent.size()), policy, fixed_now);

  std::string record = R"({"user":"u1")";
  std::string wrong_types = R"({"user":["u1"])";
  for (std::size_t a = 0; a < std::min(model.attributes.size(), swept_variables); ++a) {
    const auto& attribute = model.attributes[a];
    std::string value = "null";
    if (attribute.type == AttributeType::boolean) value = "true";
    if (attribute.type == AttributeType::number) value = "12.5";
    if (attribute.type == AttributeType::time) value = R"("2024-06-01T00:00:00Z")";
    if (attribute.type == AttributeType::enumeration && !attribute.values.empty())
      value = json::quote(attribute.values.front());
    record += "," + json::quote(attribute.name) + ":" + value;
    wrong_types += "," + json::quote(attribute.name) + ":{\"a\":[1]}";
  }
  record += "}\n";
  wrong_types += "}\n";
  const std::string lines = record + wrong_types + "{}\n[]\n";
  const auto block = block_of(reinterpret_cast<const std::uint8_t*>(lines.data()), lines.size());
  const records::Bindings bindings = records::default_bindings(policy);
  for (const records::ConsentLedger* events : {static_cast<const records::ConsentLedger*>(nullptr), &ledger}) {
    records::RecordDecoder decoder(policy, bindings, events, fixed_now);
    records::BlockLines reader(block);
    records::InputLine line;
    std::vector<Code> codes(policy.variable_count(), 0);
    while (reader.next(line)) {
      if (decoder.decode(line, codes.data()) != records::RejectCause::none) continue;
      expect_valid(policy, policy.decide(std::span<const Code>(codes)), "a decoded record");
    }
  }
}

}  // namespace

void check_artifact_bytes(const std::uint8_t* data, std::size_t size) {
  if (size > max_input_size) return;
  const auto loaded = Policy::from_bytes(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!loaded) {
    if (loaded.error().code != Error::Code::invalid_artifact || loaded.error().message.empty()) {
      property_failed("a refused artifact has no message");
    }
    return;
  }
  const Policy& policy = *loaded;
  // What loaded writes back to bytes that load (flags and absent times are normalised, so
  // the bytes may differ from the input) and that stay the same from then on.
  const std::string rewritten = runtime::write_artifact(runtime::compiled_of(policy));
  const auto reloaded = Policy::from_bytes(rewritten);
  if (!reloaded) property_failed("a loaded artifact, written again, does not load: " + reloaded.error().message);
  if (runtime::write_artifact(runtime::compiled_of(*reloaded)) != rewritten)
    property_failed("writing a loaded artifact is not stable");

  check_decisions(policy);
  check_encoding(policy);
  static MemoryFile consent_file;
  check_records(policy, consent_file);
}

}  // namespace usegate::fuzz

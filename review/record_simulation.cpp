#include "usegate/review/record_simulation.hpp"

#include <algorithm>

#include "usegate/records/purposes.hpp"
#include "usegate/records/record_decoder.hpp"
#include "usegate/records/record_lines.hpp"
#include "usegate/records/record_stream.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace usegate::review {

struct RecordSimulation::PolicyState {
  PolicyState(const RecordSimulationPolicy& input, const std::vector<std::string>& purposes, std::int64_t now,
              std::size_t breakdown_slots)
      : policy(input.policy),
        decoder(input.policy, input.bindings, input.ledger ? &*input.ledger : nullptr, now),
        codes(input.policy.variable_count(), 0),
        purpose_codes(records::purposes_as_read_by(input.policy, purposes)),
        tally(input.policy, purposes.size(), breakdown_slots) {}

  const Policy& policy;
  records::RecordDecoder decoder;
  std::vector<Code> codes;  // the current record's
  records::PurposeCodes purpose_codes;
  DecisionTally tally;
};

// An enum attribute the report breaks the usable share down by. Each policy that tests it
// reads a record's value as a code of its own; `value_of_code` turns that into a row.
struct RecordSimulation::BreakdownField {
  std::string attribute;
  std::vector<std::string> values;  // declared by any policy, in order; then missing, unknown
  std::uint32_t first_slot = 0;     // the tally slot of values[0]
  struct Reading {
    std::int32_t variable = -1;                // -1: the policy does not test the attribute
    std::vector<std::uint32_t> value_of_code;  // code to index into `values`
  };
  std::vector<Reading> readings;  // one per policy

  [[nodiscard]] std::size_t declared() const { return values.size() - 2; }
};

namespace {

// The policy's enum attribute of that name, if it declares one.
const runtime::AttributeInfo* enum_named(const runtime::CompiledPolicy& policy, const std::string& name) {
  for (const auto& attribute : policy.attributes) {
    if (attribute.name == name && attribute.type == runtime::AttributeType::enumeration) return &attribute;
  }
  return nullptr;
}

}  // namespace

RecordSimulation::RecordSimulation(std::span<const RecordSimulationPolicy> policies,
                                   const std::vector<std::string>& purposes, std::int64_t now)
    : policies_(policies), purposes_(purposes) {
  // The breakdowns: enum attributes some policy tests, in the order the first policy declares
  // them, then the others' new ones (an attribute one policy declares without testing it keeps
  // its place).
  const auto tested_somewhere = [&](const std::string& name) {
    return std::any_of(policies.begin(), policies.end(), [&](const RecordSimulationPolicy& input) {
      const runtime::AttributeInfo* attribute = enum_named(runtime::compiled_of(input.policy), name);
      return attribute != nullptr && attribute->variable >= 0;
    });
  };
  std::vector<std::string> attributes;
  for (const auto& input : policies) {
    for (const auto& attribute : runtime::compiled_of(input.policy).attributes) {
      // The report is per purpose: the purpose is no breakdown.
      if (attribute.builtin || attribute.name == records::purpose_attribute || !tested_somewhere(attribute.name) ||
          std::find(attributes.begin(), attributes.end(), attribute.name) != attributes.end()) {
        continue;
      }
      attributes.push_back(attribute.name);
    }
  }
  std::uint32_t next_slot = 1;  // slot 0 counts every record
  for (const auto& name : attributes) {
    BreakdownField field;
    field.attribute = name;
    for (const auto& input : policies) {
      const runtime::AttributeInfo* attribute = enum_named(runtime::compiled_of(input.policy), name);
      if (attribute == nullptr) continue;
      for (const auto& value : attribute->values) {
        if (std::find(field.values.begin(), field.values.end(), value) == field.values.end()) {
          field.values.push_back(value);
        }
      }
    }
    const auto missing = static_cast<std::uint32_t>(field.values.size());
    field.values.insert(field.values.end(), {"missing", "unknown"});
    for (const auto& input : policies) {
      const runtime::AttributeInfo* attribute = enum_named(runtime::compiled_of(input.policy), name);
      BreakdownField::Reading reading;
      if (attribute != nullptr && attribute->variable >= 0) {
        reading.variable = attribute->variable;
        reading.value_of_code = {missing, missing + 1};
        for (const auto& value : attribute->values) {
          const auto row = std::find(field.values.begin(), field.values.end(), value) - field.values.begin();
          reading.value_of_code.push_back(static_cast<std::uint32_t>(row));
        }
      }
      field.readings.push_back(std::move(reading));
    }
    field.first_slot = next_slot;
    next_slot += static_cast<std::uint32_t>(field.values.size());
    fields_.push_back(std::move(field));
  }
  slots_.assign(fields_.size(), 0);
  states_.reserve(policies.size());
  for (const auto& input : policies) states_.emplace_back(input, purposes_, now, next_slot - 1);
}

RecordSimulation::~RecordSimulation() = default;

void RecordSimulation::run(int descriptor, std::size_t max_line, const records::ReadProgress& progress) {
  const records::RecordLineCounts counts = records::for_each_record(
      descriptor, [this](const records::InputLine& line) { add(line); }, progress, max_line);
  counts_.read = counts.records;
  counts_.empty_lines = counts.empty_lines;
}

void RecordSimulation::add(const records::InputLine& line) {
  if (line.too_long) {
    ++counts_.rejected;
    return;
  }
  for (auto& state : states_) {
    if (state.decoder.decode(line, state.codes.data()) != records::RejectCause::none) {
      ++counts_.rejected;
      return;
    }
  }
  ++counts_.decided;
  // A record's row: its value as named by a policy that declares it (a value only one policy
  // declares is `unknown` to the other), else `missing` or `unknown` as the first policy
  // testing the attribute reads it.
  for (std::size_t f = 0; f < fields_.size(); ++f) {
    const BreakdownField& field = fields_[f];
    std::optional<std::uint32_t> value;
    for (std::size_t p = 0; p < states_.size(); ++p) {
      const BreakdownField::Reading& reading = field.readings[p];
      if (reading.variable < 0) continue;
      const std::uint32_t read = reading.value_of_code[states_[p].codes[static_cast<std::size_t>(reading.variable)]];
      if (!value || read < field.declared()) value = read;
      if (read < field.declared()) break;
    }
    slots_[f] = field.first_slot + *value;
  }
  for (auto& state : states_) {
    for (std::size_t purpose = 0; purpose < purposes_.size(); ++purpose) {
      // One purpose at a time, put in place of the record's own (as `eval --purpose` does).
      const std::span<const Code> code = state.purpose_codes.codes.empty()
                                             ? std::span<const Code>()
                                             : std::span<const Code>(&state.purpose_codes.codes[purpose], 1);
      state.tally.add(
          purpose, records::decide_for_purposes(state.policy, state.codes, state.purpose_codes.variable, code), slots_);
    }
  }
}

std::vector<RecordPolicyReport> RecordSimulation::reports() const {
  std::vector<RecordPolicyReport> reports;
  for (std::size_t p = 0; p < states_.size(); ++p) {
    const PolicyState& state = states_[p];
    const runtime::CompiledPolicy& compiled = runtime::compiled_of(state.policy);
    RecordPolicyReport report;
    report.policy_name = state.policy.name();
    report.policy_version = state.policy.version();
    report.records = counts_.decided;
    for (std::size_t purpose = 0; purpose < purposes_.size(); ++purpose) {
      PurposeReport out;
      out.purpose = purposes_[purpose];
      out.all = state.tally.usable(purpose, 0);
      for (const auto& field : fields_) {
        Breakdown breakdown{field.attribute, {}, {}};
        for (std::size_t value = 0; value < field.values.size(); ++value) {
          // Every declared value has a row; missing and unknown only where records have them.
          // The first tally stands for all: every policy and purpose counts the same records.
          const bool present = states_.front().tally.usable(0, field.first_slot + value).records > 0;
          if (value >= field.declared() && !present) continue;
          breakdown.values.push_back(field.values[value]);
          breakdown.counts.push_back(state.tally.usable(purpose, field.first_slot + value));
        }
        out.breakdowns.push_back(std::move(breakdown));
      }
      out.reasons = state.tally.reasons(state.policy, purpose);
      report.purposes.push_back(std::move(out));
    }
    const auto& ledger = policies_[p].ledger;
    for (std::size_t index = 0; index < compiled.settings.size(); ++index) {
      const auto& setting = compiled.settings[index];
      RecordSettingReport out{setting.name,
                              setting.formerly,
                              setting.default_on,
                              state.tally.removed_by_opt_out(state.policy, setting.name),
                              0,
                              0};
      if (ledger) {
        out.subjects_switched_off = ledger->subjects_with_value(index, false);
        out.changes_rejected = ledger->rejected_by_setting()[index];
      }
      report.settings.push_back(std::move(out));
    }
    if (ledger) report.consent = ConsentTotals{ledger->applied(), ledger->rejected(), ledger->after_now()};
    reports.push_back(std::move(report));
  }
  return reports;
}

}  // namespace usegate::review

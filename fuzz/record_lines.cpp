// Record lines through the record decoder, as `usegate eval` and `filter` read them: each
// input is a block of JSON Lines, decoded under every fixed setup (two policies, each with
// the default bindings and with a bindings file of nested paths; with and without a consent
// stream) and decided. Every line must end in exactly one place: a decision whose codes are
// in range, or a reject cause; and a decided line must be strict JSON.
//
// What is checked of each line is a list of properties (`line_properties` below): a new
// oracle is one more function there, given the line, the decoder's verdict and the decision.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "support.hpp"
#include "usegate/records/consent_ledger.hpp"
#include "usegate/records/record_decoder.hpp"

namespace {

using namespace usegate;

// One decoder setup.
struct Setup {
  const char* name;
  const fuzz::FixedPolicy* policy;
  records::Bindings bindings;
  const records::ConsentLedger* ledger;
};

// What became of one line under one setup.
struct LineOutcome {
  const Setup& setup;
  const records::InputLine& line;
  records::RejectCause cause = records::RejectCause::none;
  std::span<const Code> codes;       // when decoded
  std::optional<Decision> decision;  // when decoded
};

std::string describe(const LineOutcome& outcome) {
  return fmt::format("setup `{}`, line {}: {}", outcome.setup.name, outcome.line.number, outcome.line.text);
}

// Decoded and decided, or rejected with a cause; never both, never neither.
void decided_or_rejected(const LineOutcome& outcome) {
  const bool rejected = outcome.cause != records::RejectCause::none;
  if (rejected == outcome.decision.has_value())
    fuzz::property_failed("neither decided nor rejected: " + describe(outcome));
  if (rejected && static_cast<std::size_t>(outcome.cause) >= records::reject_cause_count) {
    fuzz::property_failed("an unknown reject cause: " + describe(outcome));
  }
}

// The decoder gives every variable a code in its range, so the table decides the record
// (an out-of-range code would be denied as `invalid_input`, hiding the decoder's mistake).
void codes_in_range(const LineOutcome& outcome) {
  if (!outcome.decision) return;
  const Policy& policy = outcome.setup.policy->policy;
  for (std::size_t v = 0; v < outcome.codes.size(); ++v) {
    if (outcome.codes[v] >= policy.variable(v).code_count) {
      fuzz::property_failed(fmt::format("variable {} got code {} of {}: {}", v, outcome.codes[v],
                                        policy.variable(v).code_count, describe(outcome)));
    }
  }
  if (outcome.decision->reason >= policy.reason_count())
    fuzz::property_failed("an undecidable record: " + describe(outcome));
}

// A decided line is strict JSON (docs/reliability.md): an independent parser, simdjson's DOM
// parser rather than the On-Demand one the decoder uses, reads it as an object.
void decided_lines_are_strict_json(const LineOutcome& outcome) {
  if (!outcome.decision) return;
  static simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::object object;
  if (parser.parse(outcome.line.text.data(), outcome.line.text.size()).get(root) || root.get_object().get(object)) {
    fuzz::property_failed("a line that is not a strict JSON object was decided: " + describe(outcome));
  }
}

using LineProperty = void (*)(const LineOutcome&);
constexpr LineProperty line_properties[] = {&decided_or_rejected, &codes_in_range, &decided_lines_are_strict_json};

const records::ConsentLedger& fixed_ledger(const fuzz::FixedPolicy& policy, const std::string& relative) {
  static fuzz::MemoryFile file;
  const std::string text = fuzz::source_text(relative);
  static std::vector<std::unique_ptr<records::ConsentLedger>> ledgers;
  ledgers.push_back(std::make_unique<records::ConsentLedger>(records::ConsentLedger::read(
      file.hold(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), policy.policy, fuzz::fixed_now)));
  return *ledgers.back();
}

const std::vector<Setup>& setups() {
  static const std::vector<Setup> all = [] {
    const auto& august = fuzz::august_policy();
    const auto& renamed = fuzz::renamed_policy();
    const auto& august_consent = fixed_ledger(august, "fuzz/fixtures/x-grok.changes.jsonl");
    const auto& renamed_consent = fixed_ledger(renamed, "fuzz/fixtures/renamed-setting.changes.jsonl");
    std::vector<Setup> out;
    out.push_back({"x-grok-2024-08, default bindings", &august, records::default_bindings(august.policy), nullptr});
    out.push_back({"x-grok-2024-08, nested bindings, consent stream", &august,
                   fuzz::fixed_bindings("fuzz/fixtures/x-grok-nested.bindings.yaml", august.policy), &august_consent});
    out.push_back({"renamed-setting, default bindings, consent stream", &renamed,
                   records::default_bindings(renamed.policy), &renamed_consent});
    out.push_back({"renamed-setting, nested bindings", &renamed,
                   fuzz::fixed_bindings("fuzz/fixtures/renamed-setting-nested.bindings.yaml", renamed.policy),
                   nullptr});
    return out;
  }();
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > fuzz::max_input_size) return -1;
  const records::InputBlock block = fuzz::block_of(data, size);
  for (const Setup& setup : setups()) {
    const Policy& policy = setup.policy->policy;
    records::RecordDecoder decoder(policy, setup.bindings, setup.ledger, fuzz::fixed_now);
    std::vector<Code> codes(policy.variable_count(), 0);
    records::BlockLines lines(block);
    records::InputLine line;
    while (lines.next(line)) {
      if (records::is_blank(line.text)) continue;
      LineOutcome outcome{setup, line, records::RejectCause::none, {}, std::nullopt};
      outcome.cause = decoder.decode(line, codes.data());
      if (outcome.cause == records::RejectCause::none) {
        outcome.codes = codes;
        outcome.decision = policy.decide(std::span<const Code>(codes));
      }
      for (const LineProperty property : line_properties) property(outcome);
    }
  }
  return 0;
}

#include "differential_check.hpp"

#include <cstdlib>
#include <random>
#include <stdexcept>
#include <variant>

#include "random_record.hpp"
#include "usegate/base/diagnostics.hpp"
#include "usegate/base/source.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace usegate::differential {

std::string describe_answer(const Answer& answer) {
  std::string text = std::string(answer.allowed ? "allow" : "deny") + " (reason `" + answer.reason + "`)";
  if (!answer.bad_consent.empty()) text += ", bad consent values for " + answer.bad_consent;
  return text;
}

Answer interpreter_answer(const compiler::CheckedPolicy& policy, const compiler::InterpreterInput& input) {
  const compiler::Interpretation result = compiler::interpret(policy, input);
  Answer answer{result.decision.effect == compiler::Effect::allow, result.decision.reason, {}};
  for (const std::uint32_t setting : result.bad_consent_values) {
    if (!answer.bad_consent.empty()) answer.bad_consent += ", ";
    answer.bad_consent += policy.settings[setting].name;
  }
  return answer;
}

TableUnderTest::TableUnderTest(Policy policy, const compiler::CheckedPolicy& checked) : policy_(std::move(policy)) {
  for (std::size_t v = 0; v < policy_.variable_count(); ++v) {
    const VariableDescription description = policy_.variable(v);
    Source source;
    const std::string name(description.name);
    if (description.kind == VariableDescription::Kind::setting) {
      source.kind = Source::Kind::setting;
      source.names.push_back(name);
      const auto setting = checked.find_setting(name);
      if (!setting) throw std::logic_error("table variable for an unknown setting " + name);
      for (const auto& former : checked.settings[*setting].formerly) source.names.push_back(former);
    } else if (name == "now") {  // reserved: no attribute can have this name
      source.kind = Source::Kind::now;
    } else {
      source.names.push_back(name);
    }
    sources_.push_back(std::move(source));
  }
  fields_.resize(sources_.size());
}

namespace {

FieldValue runtime_field(const compiler::RecordValue& value) {
  switch (value.kind) {
    case compiler::RecordValue::Kind::null: return FieldValue::null();
    case compiler::RecordValue::Kind::boolean: return FieldValue::from_bool(value.boolean);
    case compiler::RecordValue::Kind::number: return FieldValue::from_number(value.number);
    case compiler::RecordValue::Kind::string: return FieldValue::from_string(value.text);
    case compiler::RecordValue::Kind::composite: return FieldValue::other();
  }
  return FieldValue::absent();
}

}  // namespace

Answer TableUnderTest::decide(const compiler::InterpreterInput& input) const {
  for (std::size_t v = 0; v < sources_.size(); ++v) {
    const Source& source = sources_[v];
    FieldValue field = FieldValue::absent();
    switch (source.kind) {
      case Source::Kind::attribute:
        if (const auto found = input.attributes.find(source.names.front()); found != input.attributes.end()) {
          field = runtime_field(found->second);
        }
        break;
      case Source::Kind::now: field = FieldValue::from_number(static_cast<double>(input.now)); break;
      case Source::Kind::setting:
        // The first value that is set, under the setting's name or else a former one; a
        // null is passed on as null when nothing is set (the runtime reads it as unset).
        for (const auto& name : source.names) {
          const auto found = input.consent.find(name);
          if (found == input.consent.end()) continue;
          if (found->second.kind == compiler::RecordValue::Kind::null) {
            if (field.kind == FieldValue::Kind::absent) field = FieldValue::null();
            continue;
          }
          field = runtime_field(found->second);
          break;
        }
        break;
    }
    fields_[v] = field;
  }
  const Decision decision = policy_.decide(std::span<const FieldValue>(fields_));
  Answer answer{decision.allowed, std::string(policy_.reason_name(decision.reason)), {}};
  // Bad consent values, as the runtime reports them (settings come in declaration order).
  for (std::size_t v = 0; v < sources_.size(); ++v) {
    if (sources_[v].kind != Source::Kind::setting) continue;
    bool bad = false;
    (void)policy_.encode_consent(v, fields_[v], &bad);
    if (!bad) continue;
    if (!answer.bad_consent.empty()) answer.bad_consent += ", ";
    answer.bad_consent += sources_[v].names.front();
  }
  return answer;
}

std::string TableUnderTest::layout() const {
  return runtime::compiled_of(policy_).table.layout == runtime::DecisionTable::Layout::dense ? "dense" : "diagram";
}

Pipeline run_pipeline(const std::string& policy_text, const compiler::CompileOptions& options, bool run_lints) {
  Pipeline pipeline;
  const usegate::SourceFile source("random.policy", policy_text);
  compiler::PolicyAnalysis analysis = compiler::analyze_policy(source, run_lints);
  if (!analysis.policy || analysis.diagnostics.has_errors()) {
    for (const auto& diagnostic : analysis.diagnostics.all()) {
      pipeline.errors += usegate::format_diagnostic(source, diagnostic);
    }
    if (pipeline.errors.empty()) pipeline.errors = "the policy did not check, with no diagnostic";
    return pipeline;
  }
  pipeline.checked = std::move(*analysis.policy);
  auto compiled = compiler::compile_policy(*pipeline.checked, options);
  if (const auto* error = compiled.error_if()) {
    pipeline.errors = "compile error: " + error->message + "\nhelp: " + error->help;
    return pipeline;
  }
  auto loaded = Policy::from_bytes(runtime::write_artifact(compiled.value()));
  if (!loaded) {
    pipeline.errors = "the artifact does not load: " + loaded.error().message;
    return pipeline;
  }
  pipeline.table.emplace(std::move(*loaded), *pipeline.checked);
  return pipeline;
}

std::optional<Disagreement> find_disagreement(const RandomPolicy& policy, const compiler::InterpreterInput& record,
                                              const compiler::CompileOptions& options) {
  const std::string text = policy.render();
  const Pipeline pipeline = run_pipeline(text, options);
  if (!pipeline.table) return std::nullopt;
  const Answer expected = interpreter_answer(*pipeline.checked, record);
  const Answer actual = pipeline.table->decide(record);
  if (expected == actual) return std::nullopt;
  return Disagreement{text, record, expected, actual, pipeline.table->layout()};
}

compiler::InterpreterInput shrink_record(compiler::InterpreterInput record,
                                         const std::function<bool(const compiler::InterpreterInput&)>& still_fails) {
  bool changed = true;
  while (changed) {
    changed = false;
    for (const bool consent : {false, true}) {
      std::vector<std::string> names;
      for (const auto& [name, value] : consent ? record.consent : record.attributes) names.push_back(name);
      for (const auto& name : names) {
        compiler::InterpreterInput smaller = record;
        (consent ? smaller.consent : smaller.attributes).erase(name);
        if (still_fails(smaller)) {
          record = std::move(smaller);
          changed = true;
        }
      }
    }
  }
  return record;
}

Disagreement shrink(RandomPolicy policy, compiler::InterpreterInput record, const compiler::CompileOptions& options) {
  std::optional<Disagreement> current = find_disagreement(policy, record, options);
  if (!current) throw std::logic_error("shrink: the case does not fail");
  // Bounded, in case some simplification cycle never settles.
  for (int round = 0; round < 500; ++round) {
    bool changed = false;
    for (auto& candidate : policy_simplifications(policy)) {
      if (auto found = find_disagreement(candidate, record, options)) {
        policy = std::move(candidate);
        current = std::move(found);
        changed = true;
        break;
      }
    }
    const compiler::InterpreterInput smaller = shrink_record(
        record, [&](const compiler::InterpreterInput& r) { return find_disagreement(policy, r, options).has_value(); });
    if (smaller.attributes.size() != record.attributes.size() || smaller.consent.size() != record.consent.size()) {
      record = smaller;
      current = find_disagreement(policy, record, options);
      changed = true;
    }
    if (!changed) break;
  }
  return *current;
}

std::string failure_report(const std::string& reproduce, const Disagreement& disagreement) {
  return "the compiled table and the reference interpreter disagree\n" + reproduce + "\n--- minimal policy ---\n" +
         disagreement.policy_text + "--- minimal record ---\n" + describe_record(disagreement.record) +
         "\n--- answers ---\ninterpreter: " + describe_answer(disagreement.interpreter) + "\ntable (" +
         disagreement.layout + " layout, runtime decide from fields): " + describe_answer(disagreement.table) + "\n";
}

std::uint64_t base_seed() {
  static const std::uint64_t seed = [] {
    const char* text = std::getenv("USEGATE_SEED");
    if (text == nullptr || *text == '\0') return std::uint64_t{20240726};
    if (std::string(text) == "random") return std::uint64_t{std::random_device{}()} << 32 ^ std::random_device{}();
    return static_cast<std::uint64_t>(std::stoull(text, nullptr, 0));
  }();
  return seed;
}

}  // namespace usegate::differential

// `usegate sim POLICY --scenario S.yaml [--vs OTHER]`: what a policy does to a population.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "arguments.hpp"
#include "commands.hpp"
#include "decision_policy.hpp"
#include "policy_files.hpp"
#include "scenario.hpp"
#include "sim_report.hpp"
#include "simulation.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace usegate::cli {
namespace {

constexpr const char* help =
    R"(usage: usegate sim POLICY --scenario S.yaml [--vs OTHER] [--format text|json]

Simulates a synthetic population under a policy: every user's records are decided for every
purpose of the scenario, and the report gives the share of records usable, overall and by
record kind, population attribute and platform usage; the denials by reason; and for each
setting the users who could reach it, those who switched it off and the records their
opt-outs removed. The scenario format is described in docs/sim.md.

POLICY and OTHER are `.policy` files or artifacts built with `usegate build`.

options:
  --scenario FILE        the population (required)
  --vs OTHER             the same users under a second policy, side by side, with the
                         difference in percentage points
  --format json          the report for machines
  --write-records FILE   also write every simulated record as a JSON line, with the user's
                         consent under POLICY (for checking the report, or as input to
                         `usegate eval` and `filter`)

The same scenario and seed give the same report, byte for byte. A progress line is shown on
stderr when it is a terminal.

exit status: 0 simulated, 2 usage error or a scenario that cannot be used,
             3 a policy that does not check or cannot be loaded
)";

// Exit status for a policy that cannot be used.
constexpr int policy_error = 3;

std::string label_of(const std::string& path) {
  return std::filesystem::path(path).stem().string();
}

// The progress line on a terminal, redrawn at most twice a second.
class SimulationProgress {
 public:
  SimulationProgress(bool enabled, std::uint64_t users) : enabled_(enabled), users_(users) {}
  void update(std::uint64_t done) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (done < users_ && now - last_ < std::chrono::milliseconds(500)) return;
    last_ = now;
    std::fprintf(stderr, "\rsim: %llu of %llu users (%.0f%%) ",
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(users_),
                 100.0 * static_cast<double>(done) / static_cast<double>(users_));
    drawn_ = true;
  }
  ~SimulationProgress() {
    if (drawn_) std::fprintf(stderr, "\r%*s\r", 60, "");
  }
  SimulationProgress(const SimulationProgress&) = delete;
  SimulationProgress& operator=(const SimulationProgress&) = delete;

 private:
  bool enabled_;
  std::uint64_t users_;
  std::chrono::steady_clock::time_point last_{};
  bool drawn_ = false;
};

// `--write-records`: one JSON object per record, with the fields a policy reads (an absent
// value is left out), the user's id and platform usage, and the user's consent under the
// first policy.
class RecordWriter final : public RecordObserver {
 public:
  RecordWriter(const std::string& path, const SimulationSchema& schema,
               const PolicySimulation& simulation)
      : file_(path, std::ios::binary), schema_(schema), simulation_(simulation) {
    if (!file_) throw UsageError(fmt::format("sim: cannot write `{}`", path));
    const auto& compiled = simulation.policy().compiled();
    for (const auto& field : schema.fields) {
      runtime::AttributeType type = runtime::AttributeType::enumeration;
      for (const auto& attribute : compiled.attributes) {
        if (attribute.name == field.name && field.attribute) type = attribute.type;
      }
      types_.push_back(type);
    }
  }

  void user(const SimulatedUser& user) override {
    user_fields_ = fmt::format("{{\"user\":{}", user.id);
    for (std::size_t index = 0; index < schema_.fields.size(); ++index) {
      if (schema_.fields[index].per_user) user_fields_ += field(index, user.values[index]);
    }
    consent_ = ",\"consent\":{";
    const auto& settings = simulation_.policy().compiled().settings;
    for (std::size_t index = 0; index < settings.size(); ++index) {
      consent_ += fmt::format("{}\"{}\":\"{}\"", index ? "," : "", settings[index].name,
                              simulation_.consents(index) ? "on" : "off");
    }
    consent_ += "}}\n";
  }

  void record(std::span<const std::int64_t> values) override {
    line_ = user_fields_;
    for (std::size_t index = 0; index < schema_.fields.size(); ++index) {
      if (!schema_.fields[index].per_user) line_ += field(index, values[index]);
    }
    line_ += consent_;
    file_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
  }

  void finish() {
    file_.close();
    if (!file_) throw UsageError("sim: cannot write the records file");
  }

 private:
  // `,"name":value`, or nothing for an absent value. Names and values are policy names and
  // numbers, which need no escaping.
  std::string field(std::size_t index, std::int64_t value) const {
    const SimulationField& field = schema_.fields[index];
    if (field.is_time) return fmt::format(",\"{}\":{}", field.name, value);
    const std::string& text = field.values[static_cast<std::size_t>(value)];
    if (text == "missing") return {};
    const bool bare = types_[index] == runtime::AttributeType::boolean ||
                      types_[index] == runtime::AttributeType::number;
    return bare ? fmt::format(",\"{}\":{}", field.name, text)
                : fmt::format(",\"{}\":\"{}\"", field.name, text);
  }

  std::ofstream file_;
  const SimulationSchema& schema_;
  const PolicySimulation& simulation_;
  std::vector<runtime::AttributeType> types_;
  std::string user_fields_;
  std::string consent_;
  std::string line_;
};

}  // namespace

int run_sim(const Words& words) {
  const Arguments arguments("sim", words, {"--help"},
                            {"--scenario", "--vs", "--format", "--write-records", "--records",
                             "--consent", "--bindings"});
  if (arguments.flag("--help")) {
    std::cout << help;
    return 0;
  }
  const std::string format = arguments.format({"text", "json"});
  if (arguments.option("--records") || arguments.option("--consent") ||
      arguments.option("--bindings")) {
    throw UsageError(
        "sim: simulating over record files (`--records`, `--consent`, `--bindings`) is not "
        "available yet; "
        "describe the population with `--scenario`");
  }
  if (arguments.positionals().size() != 1) throw UsageError("sim: name exactly one policy");
  const std::string scenario_path = arguments.required("--scenario");

  std::vector<std::string> paths{arguments.positionals().front()};
  if (const auto other = arguments.option("--vs")) paths.push_back(*other);
  std::vector<Policy> policies;
  for (const auto& path : paths) {
    auto policy = load_decision_policy(path);
    if (!policy) return policy_error;
    policies.push_back(std::move(*policy));
  }

  std::vector<const runtime::CompiledPolicy*> compiled;
  for (const auto& policy : policies) compiled.push_back(&policy.compiled());
  Scenario scenario;
  try {
    scenario = load_scenario(scenario_path, read_file(scenario_path), compiled);
  } catch (const ScenarioError& error) {
    std::cerr << error.what();
    return 2;
  }

  const SimulationSchema schema = schema_of(scenario, policies);
  std::vector<PolicySimulation> simulations;
  simulations.reserve(policies.size());
  for (const auto& policy : policies) simulations.emplace_back(policy, schema);
  std::optional<RecordWriter> writer;
  if (const auto path = arguments.option("--write-records"))
    writer.emplace(*path, schema, simulations.front());
  {
    SimulationProgress progress(::isatty(2) != 0, scenario.users);
    run_population(scenario, schema, simulations, writer ? &*writer : nullptr,
                   [&](std::uint64_t done) { progress.update(done); });
  }
  if (writer) writer->finish();

  std::vector<LabeledReport> reports;
  for (std::size_t index = 0; index < simulations.size(); ++index) {
    reports.push_back({label_of(paths[index]), paths[index], simulations[index].report()});
  }
  if (reports.size() == 2 && reports[0].label == reports[1].label) {
    reports[0].label = "A";
    reports[1].label = "B";
  }
  std::cout << (format == "json" ? render_sim_json(scenario, reports)
                                 : render_sim_text(scenario, reports));
  return 0;
}

}  // namespace usegate::cli

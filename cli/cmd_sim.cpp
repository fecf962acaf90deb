// `usegate sim POLICY --scenario S.yaml [--vs OTHER]`: what a policy does to a population;
// `usegate sim POLICY --records FILE [--vs OTHER]`: the same report over real records.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "arguments.hpp"
#include "commands.hpp"
#include "decision_policy.hpp"
#include "exit_codes.hpp"
#include "key_files.hpp"
#include "policy_files.hpp"
#include "record_inputs.hpp"
#include "report_output.hpp"
#include "sim_report.hpp"
#include "text_input.hpp"
#include "usegate/compiler/regions.hpp"
#include "usegate/review/record_simulation.hpp"
#include "usegate/review/scenario.hpp"
#include "usegate/review/simulation.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace usegate::cli {
namespace {

constexpr const char* help =
    R"(usage: usegate sim POLICY --scenario S.yaml [--vs OTHER] [--format F] [-o FILE] [--write-records FILE]
       usegate sim POLICY --records FILE [--bindings B] [--consent C] [--now T] [--purpose P[,P]]
                   [--vs OTHER] [--format F] [-o FILE]

Simulates a synthetic population under a policy: every user's records are decided for every
purpose of the scenario, and the report gives the share of records usable, overall and by
record kind, population attribute and platform usage; the denials by reason; and for each
setting the users who could reach it, those who switched it off and the records their
opt-outs removed. The scenario format is described in docs/sim.md.

With --records instead of --scenario, the records of a JSON Lines file are read and decided
as `usegate eval` decides them, once for each purpose, and the report gives the share usable
overall and by the value of each enum attribute the policies test; the denials by reason; and
for each setting the records its opt-out removed and, from the consent file, who switched it
off and which changes were rejected. Reach is not measured: records do not say where or when
their users could have changed a setting.

POLICY and OTHER are `.policy` files or artifacts built with `usegate build` (told apart by
their first bytes).

options:
  --scenario FILE        the synthetic population
  --records FILE         real records instead (JSON Lines; `-`: standard input)
  --vs OTHER             the same users or records under a second policy, side by side, with
                         the difference in percentage points
  --format FORMAT        text (the default), json (for machines), markdown (a pull request's
                         comment: GitHub tables, details collapsed) or html (one self-contained
                         page with charts, each beside the table of its numbers)
  -o, --output FILE      write the report to FILE instead of standard output
  --werror               refuse a policy with lint warnings (they are printed either way)
  --verify-key FILE      load only artifacts signed by this public key (docs/artifact.md)
  --write-records FILE   with --scenario: also write every simulated record as a JSON line,
                         with the user's consent under POLICY (for checking the report, or as
                         input to `usegate eval` and `filter`)
with --records:
  --bindings FILE        where attributes and settings come from in records (YAML); with --vs
                         it must fit one policy, and the other skips what it does not declare
  --consent FILE         setting changes as JSON Lines, read once for every policy
  --now TIME             evaluation time, ISO-8601 or epoch seconds (default: now)
  --max-line BYTES       reject longer record lines as line_too_long (default 64M; K, M, G)
  --purpose P[,P...]     the purposes to report (default: every value of `enum purpose`)

The same scenario and seed, or the same records and --now, give the same report, byte for
byte. A progress line is shown on stderr when it is a terminal.

exit status (docs/cli.md, "Exit status"): 0 simulated, 2 usage error or a file that cannot
             be read (records, consent changes), 3 a policy that does not check (or has lint
             warnings, with --werror) or cannot be loaded, or a scenario or bindings that cannot be used
)";

// Exit status for a policy that cannot be used.
constexpr int policy_error = exit_code::broken_input;

// The policies of POLICY and `--vs`, each file read (and its lint warnings printed) once, so
// `sim P --vs P` says what is wrong with P once. Fewer policies than paths when one cannot be
// used (its problems are printed).
std::vector<Policy> load_policies(const std::vector<std::string>& paths, bool werror, const VerifyKey& verify_key) {
  std::vector<Policy> policies;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (i > 0 && paths[i] == paths.front()) {
      policies.push_back(policies.front());
      continue;
    }
    auto policy = load_decision_policy(paths[i], werror, verify_key);
    if (!policy) return policies;
    policies.push_back(std::move(*policy));
  }
  return policies;
}

std::string label_of(const std::string& path) {
  return std::filesystem::path(path).stem().string();
}

// `--write-records`: one JSON object per record, with the fields a policy reads (an absent
// value is left out), the user's id and platform usage, and the user's consent under the
// first policy.
class RecordWriter final : public review::RecordObserver {
 public:
  RecordWriter(const std::string& path, const review::SimulationSchema& schema,
               const review::PolicySimulation& simulation)
      : file_(path, std::ios::binary), schema_(schema), simulation_(simulation) {
    if (!file_) throw UsageError(fmt::format("sim: cannot write `{}`", path));
    const auto& compiled = runtime::compiled_of(simulation.policy());
    for (const auto& field : schema.fields) {
      runtime::AttributeType type = runtime::AttributeType::enumeration;
      for (const auto& attribute : compiled.attributes) {
        if (attribute.name == field.name && field.attribute) type = attribute.type;
      }
      types_.push_back(type);
    }
  }

  void user(const review::SimulatedUser& user) override {
    user_fields_ = fmt::format("{{\"user\":{}", user.id);
    for (std::size_t index = 0; index < schema_.fields.size(); ++index) {
      if (schema_.fields[index].per_user) user_fields_ += field(index, user.values[index]);
    }
    consent_ = ",\"consent\":{";
    const auto& settings = runtime::compiled_of(simulation_.policy()).settings;
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
    const review::SimulationField& field = schema_.fields[index];
    if (field.is_time) return fmt::format(",\"{}\":{}", field.name, value);
    const std::string& text = field.values[static_cast<std::size_t>(value)];
    if (text == "missing") return {};
    const bool bare =
        types_[index] == runtime::AttributeType::boolean || types_[index] == runtime::AttributeType::number;
    return bare ? fmt::format(",\"{}\":{}", field.name, text) : fmt::format(",\"{}\":\"{}\"", field.name, text);
  }

  std::ofstream file_;
  const review::SimulationSchema& schema_;
  const review::PolicySimulation& simulation_;
  std::vector<runtime::AttributeType> types_;
  std::string user_fields_;
  std::string consent_;
  std::string line_;
};

// The reports of the policies at `paths`, labelled by their files' names (`A` and `B` when
// the names are the same).
template <typename Report>
std::vector<Labeled<Report>> labeled_reports(const std::vector<std::string>& paths, std::vector<Report> reports) {
  std::vector<Labeled<Report>> labeled;
  for (std::size_t index = 0; index < reports.size(); ++index) {
    labeled.push_back({label_of(paths[index]), paths[index], std::move(reports[index])});
  }
  if (labeled.size() == 2 && labeled[0].label == labeled[1].label) {
    labeled[0].label = "A";
    labeled[1].label = "B";
  }
  return labeled;
}

int simulate_scenario(const Arguments& arguments, const std::string& format, const std::string& scenario_path,
                      const std::vector<std::string>& paths) {
  for (const char* option : {"--bindings", "--consent", "--now", "--purpose", "--max-line"}) {
    if (arguments.option(option)) {
      throw UsageError(
          fmt::format("sim: `{}` applies to `--records FILE`; a scenario sets the time, the purposes "
                      "and the settings itself",
                      option));
    }
  }
  const VerifyKey verify_key = read_verify_key(arguments);
  std::vector<Policy> policies = load_policies(paths, arguments.flag("--werror"), verify_key);
  if (policies.size() != paths.size()) return policy_error;

  std::vector<const runtime::CompiledPolicy*> compiled;
  for (const auto& policy : policies) compiled.push_back(&runtime::compiled_of(policy));
  const std::string text = read_file(scenario_path, scenario_file_limit);
  if (const auto where = find_non_text_byte(text)) {
    std::cerr << non_text_message(scenario_path, *where, "scenario file", "a scenario is YAML, which is text");
    return exit_code::broken_input;
  }
  auto loaded = review::load_scenario(scenario_path, text, compiled);
  if (!loaded) {
    std::cerr << printable(loaded.error().message);
    return exit_code::broken_input;
  }
  const review::Scenario& scenario = *loaded;

  const review::SimulationSchema schema = review::schema_of(scenario, policies);
  std::vector<review::PolicySimulation> simulations;
  simulations.reserve(policies.size());
  for (const auto& policy : policies) simulations.emplace_back(policy, schema);
  std::optional<RecordWriter> writer;
  if (const auto path = arguments.option("--write-records")) writer.emplace(*path, schema, simulations.front());
  {
    ProgressLine progress;
    review::run_population(scenario, schema, simulations, writer ? &*writer : nullptr,
                           [&](std::uint64_t done) { progress.update_users(done, scenario.users); });
  }
  if (writer) writer->finish();

  std::vector<review::SimulationReport> reports;
  for (const auto& simulation : simulations) reports.push_back(simulation.report());
  const auto labeled = labeled_reports(paths, std::move(reports));
  const std::string report = format == "json"       ? render_sim_json(scenario, labeled)
                             : format == "markdown" ? render_sim_markdown(scenario, labeled)
                             : format == "html"     ? render_sim_html(scenario, labeled)
                                                    : render_sim_text(scenario, labeled);
  write_report(report, output_path(arguments), "sim");
  return 0;
}

// The purposes of `--purpose`, or every value of `enum purpose` (the first policy's, then the
// other's new ones). Each must be a value of some policy's `enum purpose`.
std::vector<std::string> record_purposes(const Arguments& arguments,
                                         std::span<const review::RecordSimulationPolicy> policies) {
  std::vector<std::string> declared;
  for (const auto& input : policies) {
    for (const auto& attribute : runtime::compiled_of(input.policy).attributes) {
      if (attribute.name != records::purpose_attribute || attribute.type != runtime::AttributeType::enumeration)
        continue;
      for (const auto& value : attribute.values) {
        if (std::find(declared.begin(), declared.end(), value) == declared.end()) declared.push_back(value);
      }
    }
  }
  if (declared.empty()) {
    throw UsageError("sim: `--records` reports per purpose, and no policy declares an enum `purpose`");
  }
  const auto list = arguments.option("--purpose");
  if (!list) return declared;
  std::vector<std::string> purposes = split_purposes(*list);
  for (std::size_t index = 0; index < purposes.size(); ++index) {
    const std::string& purpose = purposes[index];
    if (std::find(declared.begin(), declared.end(), purpose) == declared.end()) {
      throw UsageError(fmt::format("sim: unknown purpose `{}` (the purposes: {})", purpose, fmt::join(declared, ", ")));
    }
    if (std::find(purposes.begin(), purposes.begin() + static_cast<std::ptrdiff_t>(index), purpose) !=
        purposes.begin() + static_cast<std::ptrdiff_t>(index)) {
      throw UsageError(fmt::format("sim: purpose `{}` is given twice", purpose));
    }
  }
  return purposes;
}

// `--bindings` for every policy. It must fit one policy in full, as eval checks it (the first
// that it fits is taken); the others skip the entries naming what they do not declare. Prints
// the error and returns false when it fits none (the first policy's error is shown).
bool read_record_bindings(const Arguments& arguments, std::vector<review::RecordSimulationPolicy>& inputs) {
  const auto file = read_bindings_file(arguments.option("--bindings"));
  std::optional<Error> first_error;
  std::optional<std::size_t> fitting;
  for (std::size_t index = 0; index < inputs.size() && !fitting; ++index) {
    auto read = bindings_for(file, inputs[index].policy);
    if (read) {
      inputs[index].bindings = std::move(*read);
      fitting = index;
    } else if (!first_error) {
      first_error = read.error();
    }
  }
  if (!fitting) {
    std::cerr << first_error->message;
    return false;
  }
  for (std::size_t index = 0; index < inputs.size(); ++index) {
    if (index == *fitting) continue;
    auto read = bindings_for(file, inputs[index].policy, records::BindingsMode::skip_unknown_names);
    if (!read) {
      std::cerr << read.error().message;
      return false;
    }
    inputs[index].bindings = std::move(*read);
  }
  return true;
}

int simulate_records(const Arguments& arguments, const std::string& format, const std::string& records_path,
                     const std::vector<std::string>& paths) {
  if (arguments.option("--write-records")) {
    throw UsageError("sim: `--write-records` writes the records of a scenario; with `--records` they exist already");
  }
  const auto consent_path = arguments.option("--consent");
  require_one_standard_input({{"POLICY", paths.front()},
                              {"--vs", arguments.option("--vs")},
                              {"--records", records_path},
                              {"--bindings", arguments.option("--bindings")},
                              {"--consent", consent_path},
                              {"--verify-key", arguments.option("--verify-key")}},
                             "sim");
  const VerifyKey verify_key = read_verify_key(arguments);
  const std::int64_t now = read_now(arguments, "sim");
  const std::size_t max_line = read_max_line(arguments, "sim");
  const int input = open_for_reading(records_path, "records file");

  std::vector<Policy> loaded = load_policies(paths, arguments.flag("--werror"), verify_key);
  if (loaded.size() != paths.size()) return policy_error;
  std::vector<review::RecordSimulationPolicy> inputs;
  for (auto& policy : loaded) {
    records::Bindings bindings = records::default_bindings(policy);
    inputs.push_back({std::move(policy), std::move(bindings), std::nullopt});
  }
  const std::vector<std::string> purposes = record_purposes(arguments, inputs);
  if (!read_record_bindings(arguments, inputs)) return policy_error;
  if (consent_path) {
    std::vector<const Policy*> policies;
    for (const auto& policy_input : inputs) policies.push_back(&policy_input.policy);
    auto ledgers = read_consent_option(*consent_path, policies, now, "sim");
    if (ledgers.empty()) return exit_code::usage;
    for (std::size_t index = 0; index < inputs.size(); ++index) inputs[index].ledger = std::move(ledgers[index]);
  }

  review::RecordSimulation simulation(inputs, purposes, now);
  try {
    ProgressLine progress;
    simulation.run(input, max_line,
                   [&progress](std::uint64_t read, std::uint64_t bytes) { progress.update(read, bytes); });
  } catch (const std::runtime_error& error) {
    std::cerr << fmt::format("usegate sim: {}: {}\n", records_path, error.what());
    return 2;
  }
  if (input > 0) ::close(input);

  const RecordsRun run{records_path, utc_time_text(now), purposes, consent_path, simulation.counts()};
  const auto labeled = labeled_reports(paths, simulation.reports());
  const std::string report = format == "json"       ? render_records_sim_json(run, labeled)
                             : format == "markdown" ? render_records_sim_markdown(run, labeled)
                             : format == "html"     ? render_records_sim_html(run, labeled)
                                                    : render_records_sim_text(run, labeled);
  write_report(report, output_path(arguments), "sim");
  return 0;
}

}  // namespace

int run_sim(const Words& words) {
  const Arguments arguments("sim", words, {"--help", "--werror"},
                            {"--scenario", "--records", "--vs", "--format", "--write-records", "--bindings",
                             "--consent", "--now", "--purpose", "--max-line", "-o", "--output", "--verify-key"});
  if (arguments.flag("--help")) {
    std::cout << help;
    return 0;
  }
  const std::string format = arguments.format({"text", "json", "markdown", "html"});
  if (arguments.positionals().size() != 1) throw UsageError("sim: name exactly one policy");
  const auto scenario_path = arguments.option("--scenario");
  const auto records_path = arguments.option("--records");
  if (scenario_path && records_path) {
    throw UsageError(
        "sim: `--scenario` and `--records` exclude each other: simulate a synthetic population or real "
        "records");
  }
  if (!scenario_path && !records_path) {
    throw UsageError("sim: give `--scenario S.yaml` (a synthetic population) or `--records FILE` (real records)");
  }
  std::vector<std::string> paths{arguments.positionals().front()};
  if (const auto other = arguments.option("--vs")) paths.push_back(*other);
  return records_path ? simulate_records(arguments, format, *records_path, paths)
                      : simulate_scenario(arguments, format, *scenario_path, paths);
}

}  // namespace usegate::cli

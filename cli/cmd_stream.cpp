// `usegate eval` and `usegate filter`: a policy over a stream of JSON Lines records.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include "arguments.hpp"
#include "commands.hpp"
#include "decision_policy.hpp"
#include "exit_codes.hpp"
#include "key_files.hpp"
#include "record_inputs.hpp"
#include "rule_matches.hpp"
#include "stream_summary.hpp"
#include "usegate/records/bindings.hpp"
#include "usegate/records/consent_ledger.hpp"
#include "usegate/records/record_stream.hpp"

namespace usegate::cli {
namespace {

constexpr const char* eval_help = R"(usage: usegate eval --policy POLICY [options] [FILE|-]

Decides every record of a JSON Lines stream and writes one JSON object per record, in input
order: {"line": N, "decision": "allow"|"deny"|"reject", "reason": "..."}. The reason is the
deciding rule's id, `optout_<setting>`, `default`, or, for a record that cannot be read, its
cause (invalid_json, invalid_utf8, not_an_object, too_deep, duplicate_key,
number_out_of_range, line_too_long). A line is decided only if it is strict JSON throughout
with no key twice in an object the bindings read. Empty lines are no records. Decisions are
written as soon as the input pauses, so a slow pipe gets each one without waiting for more
input.
)";

constexpr const char* filter_help = R"(usage: usegate filter --policy POLICY [options] [FILE|-]

Writes the records the policy allows, byte for byte as they came; denied and unreadable
records go to --denied and --rejects when given, and are dropped otherwise. A line longer
than --max-line is not kept: --rejects gets {"line": N, "decision": "reject", "reason":
"line_too_long"} in its place. Records are written as soon as the input pauses.
)";

constexpr const char* common_help = R"(
options:
  --policy FILE       a .policy file or an artifact built with `usegate build` (required)
  --verify-key FILE   load only an artifact signed by this public key (docs/artifact.md)
  --bindings FILE     where attributes and settings come from in records (YAML; see docs/cli.md)
  --consent FILE      setting changes as JSON Lines {user, setting, value, platform, ts}
  --now TIME          evaluation time, ISO-8601 or epoch seconds (default: now)
  --purpose P[,P...]  decide for these purposes (a record must be allowed for all of them)
  --summary FILE      also write the summary as JSON
  --strict            exit 1 when any record was rejected
  --werror            refuse a policy with lint warnings (they are printed either way)
  --max-line BYTES    reject longer lines as line_too_long, unread (default 64M; K, M, G)
  -j N                split the stream across N threads (output order is kept)
)";

constexpr const char* eval_options =
    "  --keep              include each record in its decision object\n"
    "  --explain           add \"matched\": the ids of every rule that matches the record, in source\n"
    "                      order (needs a policy source, and at most one purpose)\n";
constexpr const char* filter_options =
    "  --denied FILE       write denied records there\n"
    "  --rejects FILE      write records that cannot be read there\n";

constexpr const char* exit_help = R"(
exit status (docs/cli.md, "Exit status"): 0 done, 1 done with rejected records under
             --strict, 2 usage error or a file that cannot be read (or is larger than its
             limit, consent changes included), 3 the policy or the bindings cannot be used (or the policy has
             lint warnings, with --werror)
)";

int open_for_writing(const std::string& path) {
  const int descriptor = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (descriptor < 0) throw UsageError(fmt::format("cannot write `{}`", path));
  return descriptor;
}

int run_stream_command(const Words& words, bool eval) {
  const char* command = eval ? "eval" : "filter";
  std::set<std::string> flags{"--help", "--strict", "--werror"};
  std::set<std::string> options{"--policy",  "--bindings", "--consent", "--now",       "--purpose",
                                "--summary", "--max-line", "-j",        "--verify-key"};
  if (eval) {
    flags.insert({"--keep", "--explain"});
  } else {
    options.insert({"--denied", "--rejects"});
  }
  const Arguments arguments(command, words, flags, options);
  if (arguments.flag("--help")) {
    std::cout << (eval ? eval_help : filter_help) << common_help << (eval ? eval_options : filter_options) << exit_help;
    return 0;
  }
  if (arguments.positionals().size() > 1) throw UsageError(fmt::format("{}: name at most one input file", command));
  const std::string policy_path = arguments.required("--policy");
  const std::int64_t now = read_now(arguments, command);
  unsigned threads = 1;
  if (const auto text = arguments.option("-j")) {
    const int parsed = std::atoi(text->c_str());
    if (parsed < 1 || parsed > 256)
      throw UsageError(fmt::format("{}: `-j` takes a number of threads from 1 to 256", command));
    threads = static_cast<unsigned>(parsed);
  }
  const std::size_t max_line = read_max_line(arguments, command);
  const std::string input_path = arguments.positionals().empty() ? "-" : arguments.positionals().front();
  require_one_standard_input({{"--policy", policy_path},
                              {"--bindings", arguments.option("--bindings")},
                              {"--consent", arguments.option("--consent")},
                              {"the input", input_path},
                              {"--verify-key", arguments.option("--verify-key")}},
                             command);
  const VerifyKey verify_key = read_verify_key(arguments);
  const int input = open_for_reading(input_path, "input");

  const PolicyFile policy_file = read_policy_file(policy_path, true, verify_key);
  print_policy_errors(policy_file);
  if (refuse_for_lints(policy_file, arguments.flag("--werror"))) return exit_code::broken_input;
  const auto policy = decision_policy_of(policy_file);
  if (!policy) return exit_code::broken_input;
  std::optional<RuleMatches> matches;
  if (arguments.flag("--explain")) {
    if (policy_file.is_artifact()) {
      std::cerr << fmt::format(
          "{}: error: `--explain` needs a policy source; an artifact keeps no conditions\n = help: give the "
          ".policy file the artifact was built from\n",
          policy_path);
      return exit_code::broken_input;
    }
    if (const auto list = arguments.option("--purpose"); list && split_purposes(*list).size() > 1) {
      throw UsageError("eval: `--explain` lists the rules that match one purpose; give at most one to `--purpose`");
    }
    matches.emplace(*policy_file.source->analysis.policy);
  }

  auto bindings = bindings_for(read_bindings_file(arguments.option("--bindings")), *policy);
  if (!bindings) {
    std::cerr << bindings.error().message;
    return exit_code::broken_input;
  }

  std::optional<records::ConsentLedger> ledger;
  if (const auto path = arguments.option("--consent")) {
    auto ledgers = read_consent_option(*path, {&*policy}, now, command);
    if (ledgers.empty()) return exit_code::usage;
    ledger = std::move(ledgers.front());
    report_consent_rejections(*path, *ledger);
  }

  records::StreamOptions stream_options;
  stream_options.output = eval ? records::StreamOptions::Output::decisions : records::StreamOptions::Output::records;
  stream_options.keep_records = arguments.flag("--keep");
  if (matches) {
    stream_options.append_matched = [&matches](std::span<const Code> codes, std::string& out) {
      matches->append_json(codes, out);
    };
  }
  stream_options.threads = threads;
  stream_options.max_line = max_line;
  if (const auto list = arguments.option("--purpose")) {
    auto purposes = required_purposes(*policy, split_purposes(*list), command);
    stream_options.purpose_variable = purposes.variable;
    stream_options.purposes = std::move(purposes.codes);
  }

  records::StreamSinks sinks;
  if (const auto path = arguments.option("--denied")) sinks.denied = open_for_writing(*path);
  if (const auto path = arguments.option("--rejects")) sinks.rejects = open_for_writing(*path);

  ProgressLine progress;
  records::StreamCounts counts;
  try {
    counts = records::run_stream(
        input, sinks, *policy, *bindings, ledger ? &*ledger : nullptr, now, stream_options,
        [&progress](const records::StreamCounts& so_far) { progress.update(so_far.read, so_far.bytes); });
  } catch (const std::runtime_error& error) {
    progress.clear();
    std::cerr << fmt::format("usegate {}: {}\n", command, error.what());
    return 2;
  }
  progress.clear();
  for (const int descriptor : {sinks.denied, sinks.rejects, input}) {
    if (descriptor > 2) ::close(descriptor);
  }

  const StreamSummary summary{*policy, counts, ledger ? &*ledger : nullptr, now};
  std::cerr << summary_text(command, summary);
  if (const auto path = arguments.option("--summary")) {
    const int descriptor = open_for_writing(*path);
    const std::string json = summary_json(summary);
    if (::write(descriptor, json.data(), json.size()) != static_cast<ssize_t>(json.size())) {
      ::close(descriptor);
      throw UsageError(fmt::format("cannot write `{}`", *path));
    }
    ::close(descriptor);
  }
  return arguments.flag("--strict") && counts.rejected > 0 ? 1 : 0;
}

}  // namespace

int run_eval(const Words& words) {
  return run_stream_command(words, true);
}
int run_filter(const Words& words) {
  return run_stream_command(words, false);
}

}  // namespace usegate::cli

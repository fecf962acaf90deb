// Every input file is read exactly once, so a FIFO or `<(…)` works wherever a file does; and
// every command that takes a policy takes an artifact, told apart by its first bytes.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "child_process.hpp"
#include "x_records.hpp"

namespace {

using usegate::testing::august_policy;
using usegate::testing::july_policy;
using usegate::testing::read_text;
using usegate::testing::run_bash;
using usegate::testing::run_usegate;
using usegate::testing::scratch_directory;
using usegate::testing::scratch_file;
using usegate::testing::source_path;
using usegate::testing::ten_x_records;
using usegate::testing::write_text;

const std::string consent_text =
    R"({"user":"u1","setting":"grok_sharing","value":"off","platform":"web","ts":"2024-08-01"})"
    "\n"
    R"({"user":"u3","setting":"grok_sharing","value":"off","platform":"ios","ts":"2024-08-01"})"
    "\n";
const std::string bindings_text = "attributes:\n  visibility: {field: visibility, values: {open: public}}\n";

// A FIFO whose write end is opened once a reader has opened the read end, then fed `text` and
// closed. A reader that opens the FIFO a second time finds no writer and waits: the command's
// time limit ends it, and its test fails. The writer gives up after the same time.
class FedFifo {
 public:
  FedFifo(const std::string& path, std::string text) : path_(path) {
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
    writer_ = std::thread([path, text = std::move(text)] {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      int descriptor = -1;
      while (descriptor < 0 && std::chrono::steady_clock::now() < deadline) {
        descriptor = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);  // ENXIO until a reader comes
        if (descriptor < 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      if (descriptor < 0) return;
      ::fcntl(descriptor, F_SETFL, 0);
      std::size_t written = 0;
      while (written < text.size()) {
        const ssize_t done = ::write(descriptor, text.data() + written, text.size() - written);
        if (done <= 0) break;
        written += static_cast<std::size_t>(done);
      }
      ::close(descriptor);
    });
  }
  ~FedFifo() {
    writer_.join();
    ::unlink(path_.c_str());
  }
  FedFifo(const FedFifo&) = delete;
  FedFifo& operator=(const FedFifo&) = delete;

 private:
  std::string path_;
  std::thread writer_;
};

std::string eval_script(const std::string& policy, const std::string& bindings, const std::string& consent,
                        const std::string& records) {
  return "\"$USEGATE\" eval --policy " + policy + " --bindings " + bindings + " --consent " + consent +
         " --now 2024-09-01 " + records + "\n";
}

}  // namespace

TEST_CASE("inputs as FIFOs: policy, bindings, consent and records are each opened and read once") {
  const std::string directory = scratch_directory("fifo-inputs");
  scratch_file(directory, "b.yaml", bindings_text);
  scratch_file(directory, "c.jsonl", consent_text);
  scratch_file(directory, "r.jsonl", ten_x_records);
  const auto from_files = run_bash(directory, eval_script("'" + august_policy + "'", "b.yaml", "c.jsonl", "r.jsonl"));
  REQUIRE(from_files.exit_code == 0);
  CHECK(from_files.out.find("optout_grok_sharing") != std::string::npos);
  {
    const FedFifo policy(directory + "/p.fifo", read_text(august_policy));
    const FedFifo bindings(directory + "/b.fifo", bindings_text);
    const FedFifo consent(directory + "/c.fifo", consent_text);
    const FedFifo records(directory + "/r.fifo", ten_x_records);
    const auto result = run_bash(directory, eval_script("p.fifo", "b.fifo", "c.fifo", "r.fifo"), 20);
    CHECK(result.exit_code == 0);
    CHECK(result.out == from_files.out);
    std::string expected_err = from_files.err;
    expected_err.replace(expected_err.find("c.jsonl"), 7, "c.fifo");
    CHECK(result.err == expected_err);
  }
  {
    const FedFifo policy(directory + "/p.fifo", read_text(august_policy));
    const auto check = run_bash(directory, "\"$USEGATE\" check p.fifo\n", 20);
    CHECK(check.exit_code == 0);
    CHECK(check.out == "p.fifo: ok: policy x_grok version 2024-08-08, 7 rules, 1 setting, 5 assertions proved\n");
  }
  {
    // diff reads the consent changes once for both versions.
    const FedFifo old_policy(directory + "/old.fifo", read_text(july_policy));
    const FedFifo new_policy(directory + "/new.fifo", read_text(august_policy));
    const FedFifo consent(directory + "/c.fifo", consent_text);
    const auto diff = run_bash(
        directory, "\"$USEGATE\" diff old.fifo new.fifo --records r.jsonl --consent c.fifo --now 2024-09-01\n", 20);
    CHECK(diff.exit_code == 1);
    CHECK(diff.out.find("  consent changes (c.fifo): old 1 applied, 1 rejected, 0 after --now; new 1 applied, 1 "
                        "rejected, 0 after --now\n") != std::string::npos);
  }
}

TEST_CASE("inputs as /dev/fd paths (`<(…)`): every command reads them as it reads files") {
  const std::string directory = scratch_directory("dev-fd-inputs");
  scratch_file(directory, "b.yaml", bindings_text);
  scratch_file(directory, "c.jsonl", consent_text);
  scratch_file(directory, "r.jsonl", ten_x_records);
  const std::string august = "'" + august_policy + "'";
  const std::string july = "'" + july_policy + "'";
  const auto from_files = run_bash(directory, eval_script(august, "b.yaml", "c.jsonl", "r.jsonl"));
  const auto substituted =
      run_bash(directory, eval_script("<(cat " + august + ")", "<(cat b.yaml)", "<(cat c.jsonl)", "<(cat r.jsonl)"));
  CHECK(substituted.exit_code == 0);
  CHECK(substituted.out == from_files.out);

  const auto check = run_bash(directory, "\"$USEGATE\" check <(cat " + august + ") | sed 's|/dev/fd/[0-9]*|FD|'\n");
  CHECK(check.out == "FD: ok: policy x_grok version 2024-08-08, 7 rules, 1 setting, 5 assertions proved\n");
  const auto table = run_bash(directory, "diff <(\"$USEGATE\" table <(cat " + august + ")) <(\"$USEGATE\" table " +
                                             august + ") && echo same\n");
  CHECK(table.out == "same\n");
  const auto diff = run_bash(directory, "\"$USEGATE\" diff <(cat " + july + ") <(cat " + august +
                                            ") --records <(cat r.jsonl) --consent <(cat c.jsonl) --now 2024-09-01 "
                                            "| grep -c 'newly denied: 3 records'\n");
  CHECK(diff.out == "1\n");
  const auto sim = run_bash(directory, "\"$USEGATE\" sim <(cat " + august + ") --vs <(cat " + july +
                                           ") --records <(cat r.jsonl) --consent <(cat c.jsonl) --now 2024-09-01 "
                                           "--purpose training --format json | grep -c '\"decided\":10'\n");
  CHECK(sim.out == "1\n");
  const auto scenario = run_bash(directory, "\"$USEGATE\" sim " + august + " --scenario <(cat '" +
                                                source_path("policies/scenarios/x-grok-2024-08-15.yaml") +
                                                "') --format json | head -c 1\n");
  CHECK(scenario.out == "{");
}

TEST_CASE("standard input can be named once") {
  const auto twice = run_usegate({"eval", "--policy", "-", "-"}, read_text(august_policy));
  CHECK(twice.exit_code == 2);
  CHECK(twice.err == "usegate eval: --policy and the input both name standard input (`-`), which can be read once\n");
  const auto policy_from_stdin =
      run_usegate({"eval", "--policy", "-", "--now", "2024-09-01", "/dev/null"}, read_text(august_policy));
  CHECK(policy_from_stdin.exit_code == 0);
}

// ------------------------------------------------------------------ artifacts

TEST_CASE("artifacts are accepted wherever a policy is, by their first bytes, whatever their name") {
  const std::string directory = scratch_directory("artifacts-everywhere");
  // The names are swapped on purpose: the bytes decide.
  const std::string artifact = directory + "/august.policy";
  const std::string july_artifact = directory + "/july.policy";
  const std::string source = scratch_file(directory, "august.ugt", read_text(august_policy));
  REQUIRE(run_usegate({"build", august_policy, "-o", artifact}).exit_code == 0);
  REQUIRE(run_usegate({"build", july_policy, "-o", july_artifact}).exit_code == 0);
  const std::string records = scratch_file(directory, "r.jsonl", ten_x_records);

  SUBCASE("check verifies an artifact") {
    const auto result = run_usegate({"check", artifact, source});
    CHECK(result.exit_code == 0);
    CHECK(result.out == artifact + ": ok: artifact of policy x_grok version 2024-08-08, 7 rules, 1 setting\n" + source +
                            ": ok: policy x_grok version 2024-08-08, 7 rules, 1 setting, 5 assertions proved\n");
    std::string bytes = read_text(artifact);
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x40);
    const std::string broken = scratch_file(directory, "broken.ugt", bytes);
    const auto bad = run_usegate({"check", broken});
    CHECK(bad.exit_code == 1);
    CHECK(bad.err == broken +
                         ": error: corrupted artifact: checksum fd10149f does not match the content (61b1fbbc)\n"
                         "1 error, 0 warnings\n");
    const auto json = run_usegate({"check", "--format", "json", broken});
    CHECK(json.out == R"x({"file":")x" + broken +
                          R"x(","severity":"error","message":"corrupted artifact: checksum fd10149f does not match )x"
                          R"x(the content (61b1fbbc)"})x"
                          "\n");
  }
  SUBCASE("table prints an artifact's rows as it prints the source's") {
    const auto from_artifact = run_usegate({"table", artifact});
    CHECK(from_artifact.exit_code == 0);
    CHECK(from_artifact.out == run_usegate({"table", august_policy}).out);
    const auto yaml = run_usegate({"table", "--format", "yaml", artifact});
    CHECK(yaml.out == run_usegate({"table", "--format", "yaml", august_policy}).out);
  }
  SUBCASE("build writes an artifact again, byte for byte") {
    const auto result = run_usegate({"build", artifact, "-o", directory + "/again.ugt"});
    CHECK(result.exit_code == 0);
    CHECK(read_text(directory + "/again.ugt") == read_text(artifact));
  }
  SUBCASE("diff finds the rows from artifacts as from sources, and compares them on records") {
    // The rows and the records as from the sources; in place of the structural changes, a line
    // that says they need the sources.
    const auto rows_of = [](const std::string& out) { return out.substr(out.find("\n\nnewly denied")); };
    const auto from_sources = run_usegate({"diff", july_policy, august_policy});
    const auto mixed = run_usegate({"diff", july_artifact, august_policy});
    CHECK(mixed.exit_code == 1);
    CHECK(mixed.out ==
          "diff x_grok 2024-07-26 → 2024-08-08\n\nstructural changes: not available for artifacts (OLD "
          "is an artifact)" +
              rows_of(from_sources.out));
    const auto records_from_sources =
        run_usegate({"diff", july_policy, august_policy, "--records", records, "--now", "2024-09-01"});
    const auto records_from_artifacts =
        run_usegate({"diff", july_artifact, artifact, "--records", records, "--now", "2024-09-01"});
    CHECK(records_from_artifacts.exit_code == 1);
    CHECK(records_from_artifacts.out ==
          "diff x_grok 2024-07-26 → 2024-08-08\n\nstructural changes: not available for artifacts (OLD and NEW are "
          "artifacts)" +
              rows_of(records_from_sources.out));
    const auto json =
        run_usegate({"diff", "--format", "json", july_artifact, artifact, "--records", records, "--now", "2024-09-01"});
    const auto json_from_sources = run_usegate(
        {"diff", "--format", "json", july_policy, august_policy, "--records", records, "--now", "2024-09-01"});
    CHECK(
        json.out.starts_with("{\n  \"old\": {\"policy\": \"x_grok\", \"version\": \"2024-07-26\"},\n  \"new\": "
                             "{\"policy\": \"x_grok\", \"version\": \"2024-08-08\"},\n  \"semantic_change\": "
                             "true,\n  \"structural_changes\": null,\n  \"rows\": [\n"));
    CHECK(json.out.substr(json.out.find("  \"rows\": ")) ==
          json_from_sources.out.substr(json_from_sources.out.find("  \"rows\": ")));
  }
  SUBCASE("eval, filter and sim decide with an artifact as with its source") {
    for (const char* command : {"eval", "filter"}) {
      const auto with_source = run_usegate({command, "--policy", source, "--now", "2024-09-01", records});
      const auto with_artifact = run_usegate({command, "--policy", artifact, "--now", "2024-09-01", records});
      CHECK(with_artifact.exit_code == 0);
      CHECK(with_artifact.out == with_source.out);
      CHECK(with_artifact.err == with_source.err);
    }
    const auto sim = run_usegate({"sim", artifact, "--records", records, "--now", "2024-09-01", "--format", "json"});
    CHECK(sim.exit_code == 0);
    const auto sim_source =
        run_usegate({"sim", source, "--records", records, "--now", "2024-09-01", "--format", "json"});
    CHECK(sim.out.substr(sim.out.find("\"name\"")) == sim_source.out.substr(sim_source.out.find("\"name\"")));
  }
}

#include "record_inputs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <iostream>
#include <limits>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "policy_files.hpp"
#include "text_input.hpp"
#include "usegate/base/diagnostics.hpp"
#include "usegate/base/format_text.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/runtime/time_text.hpp"

namespace usegate::cli {

int open_for_reading(const std::string& path, const char* what) {
  if (path == "-") return 0;
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) throw UsageError(fmt::format("cannot read {} `{}`", what, path));
  return descriptor;
}

std::int64_t read_now(const Arguments& arguments, const char* command) {
  const auto text = arguments.option("--now");
  if (!text) return static_cast<std::int64_t>(std::time(nullptr));
  const auto seconds = runtime::epoch_seconds_from_text(*text);
  if (!seconds) {
    throw UsageError(
        fmt::format("{}: `--now {}` is not a time (write `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SSZ` or "
                    "epoch seconds)",
                    command, *text));
  }
  return *seconds;
}

std::string utc_time_text(std::int64_t epoch_seconds) {
  const auto seconds = static_cast<std::time_t>(epoch_seconds);
  std::tm parts{};
  char text[64];
  if (::gmtime_r(&seconds, &parts) == nullptr || std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts) == 0) {
    return std::to_string(epoch_seconds);
  }
  return text;
}

std::vector<std::string> split_purposes(const std::string& list) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = list.find(',', start);
    names.push_back(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return names;
    start = comma + 1;
  }
}

records::PurposeCodes required_purposes(const Policy& policy, const std::vector<std::string>& names,
                                        const char* command) {
  const auto variable = policy.find_variable(records::purpose_attribute);
  if (!variable || policy.variable(*variable).kind != VariableDescription::Kind::enumeration) {
    throw UsageError(fmt::format("{}: `--purpose` needs a policy that tests an enum `purpose`", command));
  }
  records::PurposeCodes purposes{variable, {}};
  for (const auto& name : names) {
    const Code code = policy.encode(*variable, FieldValue::from_string(name));
    if (code < runtime::first_value_code) {
      const auto& values =
          runtime::compiled_of(policy).attributes[runtime::compiled_of(policy).variables[*variable].source].values;
      std::string list;
      for (const auto& value : values) list += (list.empty() ? "" : ", ") + value;
      throw UsageError(fmt::format("{}: unknown purpose `{}` (the policy's purposes: {})", command, name, list));
    }
    purposes.codes.push_back(code);
  }
  return purposes;
}

std::size_t read_max_line(const Arguments& arguments, const char* command) {
  const auto text = arguments.option("--max-line");
  if (!text) return records::default_max_line;
  const std::string& written = *text;
  std::size_t digits = 0;
  while (digits < written.size() && written[digits] >= '0' && written[digits] <= '9') ++digits;
  int shift = -1;
  if (digits > 0 && digits <= 13 && digits == written.size()) shift = 0;
  if (digits > 0 && digits <= 13 && digits + 1 == written.size()) {
    switch (written[digits]) {
      case 'K': shift = 10; break;
      case 'M': shift = 20; break;
      case 'G': shift = 30; break;
      default: break;
    }
  }
  const std::size_t value = shift < 0 ? 0 : std::stoull(written.substr(0, digits));
  // Lines are held in memory whole: more than 1 TiB is a typo, not a limit.
  constexpr std::size_t largest = std::size_t{1} << 40;
  if (shift < 0 || value == 0 || value > (largest >> shift)) {
    throw UsageError(
        fmt::format("{}: `--max-line {}` is not a line length (write bytes, or a number followed by K, "
                    "M or G, from 1 to 1024G)",
                    command, printable(*text)));
  }
  return value << shift;
}

void require_one_standard_input(const std::vector<std::pair<std::string, std::optional<std::string>>>& inputs,
                                const char* command) {
  std::vector<std::string> readers;
  for (const auto& [name, value] : inputs) {
    if (value && *value == "-") readers.push_back(name);
  }
  if (readers.size() < 2) return;
  std::string list;
  for (std::size_t i = 0; i < readers.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == readers.size() ? " and " : ", ") + readers[i];
  }
  throw UsageError(fmt::format("{}: {} {} name standard input (`-`), which can be read once", command, list,
                               readers.size() == 2 ? "both" : "all"));
}

std::optional<BindingsFile> read_bindings_file(const std::optional<std::string>& path) {
  if (!path) return std::nullopt;
  return BindingsFile{*path, read_file(*path, bindings_file_limit)};
}

Result<records::Bindings> bindings_for(const std::optional<BindingsFile>& file, const Policy& policy,
                                       records::BindingsMode mode) {
  if (!file) return records::default_bindings(policy);
  if (const auto where = find_non_text_byte(file->text)) {
    return Error{Error::Code::invalid_input,
                 non_text_message(file->path, *where, "bindings file", "bindings are YAML, which is text"), 0};
  }
  auto read = records::read_bindings(printable(file->path), file->text, policy, mode);
  // YAML escapes (`"\e[2J"`) can put control characters in names the message quotes.
  if (!read) return Error{read.error().code, printable(read.error().message), 0};
  return read;
}

namespace {

void write_all(int descriptor, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t done = ::write(descriptor, data, size);
    if (done < 0 && errno == EINTR) continue;
    if (done < 0) throw std::runtime_error(std::string("cannot pass consent changes on: ") + std::strerror(errno));
    data += done;
    size -= static_cast<std::size_t>(done);
  }
}

// One policy's ledger, read from a pipe the file's bytes are copied into.
struct LedgerBranch {
  int read_end = -1;
  int write_end = -1;
  std::optional<records::ConsentLedger> ledger;
  std::string failure;
  std::thread reader;
};

}  // namespace

std::vector<records::ConsentLedger> read_consent_option(const std::string& path,
                                                        const std::vector<const Policy*>& policies, std::int64_t now,
                                                        const char* command) {
  const int descriptor = open_for_reading(path, "consent file");
  std::string failure;
  std::vector<records::ConsentLedger> ledgers;
  if (policies.size() == 1) {
    try {
      ledgers.push_back(records::ConsentLedger::read(descriptor, *policies.front(), now));
    } catch (const std::runtime_error& error) {
      failure = error.what();
    }
  } else {
    // Each ledger reads its own pipe; this thread reads the file once and feeds them all.
    std::vector<LedgerBranch> branches(policies.size());
    for (auto& branch : branches) {
      int ends[2];
      if (::pipe2(ends, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
      branch.read_end = ends[0];
      branch.write_end = ends[1];
    }
    for (std::size_t i = 0; i < branches.size(); ++i) {
      LedgerBranch& branch = branches[i];
      const Policy& policy = *policies[i];
      branch.reader = std::thread([&branch, &policy, now] {
        try {
          branch.ledger = records::ConsentLedger::read(branch.read_end, policy, now);
        } catch (const std::exception& error) {
          branch.failure = error.what();
        }
        // Drained to the end, so that the feeding thread never waits on a reader that left.
        char sink[65536];
        while (true) {
          const ssize_t got = ::read(branch.read_end, sink, sizeof sink);
          if (got == 0 || (got < 0 && errno != EINTR)) break;
        }
      });
    }
    std::vector<char> buffer(std::size_t{1} << 20);
    try {
      while (true) {
        const ssize_t got = ::read(descriptor, buffer.data(), buffer.size());
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) throw std::runtime_error(std::string("cannot read input: ") + std::strerror(errno));
        if (got == 0) break;
        for (auto& branch : branches) write_all(branch.write_end, buffer.data(), static_cast<std::size_t>(got));
      }
    } catch (const std::runtime_error& error) {
      failure = error.what();
    }
    for (auto& branch : branches) ::close(branch.write_end);
    for (auto& branch : branches) {
      branch.reader.join();
      ::close(branch.read_end);
      if (failure.empty() && !branch.failure.empty()) failure = branch.failure;
      if (branch.ledger) ledgers.push_back(std::move(*branch.ledger));
    }
  }
  if (descriptor != 0) ::close(descriptor);
  if (!failure.empty()) {
    std::cerr << fmt::format("usegate {}: {}: {}\n", command, printable(path), failure);
    return {};
  }
  return ledgers;
}

void report_consent_rejections(const std::string& path, const records::ConsentLedger& ledger) {
  std::uint64_t rejections_shown = 0;
  for (const auto& note : ledger.notes()) {
    // Neither stops the command, so both are warnings; the cause is named as a lint is.
    Diagnostic diagnostic;
    diagnostic.severity = Severity::warning;
    diagnostic.message = fmt::format("consent change {}: {}", note.applied ? "read as off" : "rejected", note.message);
    diagnostic.lint = note.cause;
    if (note.line > std::numeric_limits<std::uint32_t>::max()) {
      std::cerr << fmt::format("{}:{}: warning: {} [{}]\n", printable(path), note.line, printable(diagnostic.message),
                               note.cause);
      rejections_shown += note.applied ? 0 : 1;
      continue;
    }
    diagnostic.span.begin.line = static_cast<std::uint32_t>(note.line);
    diagnostic.span.begin.column = note.column;
    diagnostic.span.begin.offset = note.column;
    diagnostic.span.end_offset = note.column + note.length;
    std::cerr << printable(format_line_diagnostic(path, note.text, diagnostic));
    rejections_shown += note.applied ? 0 : 1;
  }
  const std::uint64_t bad_values_shown = ledger.notes().size() - rejections_shown;
  if (ledger.rejected() > rejections_shown) {
    std::cerr << fmt::format("{}: {} rejected\n", printable(path),
                             counted(ledger.rejected() - rejections_shown, "more consent change"));
  }
  if (ledger.bad_values_read_as_off() > bad_values_shown) {
    std::cerr << fmt::format("{}: {} read as off\n", printable(path),
                             counted(ledger.bad_values_read_as_off() - bad_values_shown, "more consent change"));
  }
}

ProgressLine::ProgressLine() : enabled_(::isatty(2) != 0), start_(std::chrono::steady_clock::now()) {}

bool ProgressLine::due(bool final) {
  if (!enabled_) return false;
  const auto now = std::chrono::steady_clock::now();
  if (!final && now - last_ < std::chrono::milliseconds(500)) return false;
  last_ = now;
  return true;
}

void ProgressLine::draw(const std::string& text) {
  std::fprintf(stderr, "\r%s", text.c_str());
  drawn_width_ = std::max(drawn_width_, text.size());
}

void ProgressLine::update(std::uint64_t records, std::uint64_t bytes) {
  if (!due(false)) return;
  const double seconds = std::chrono::duration<double>(last_ - start_).count();
  const double megabytes = static_cast<double>(bytes) / 1e6;
  draw(fmt::format("{:>12} {:<7}  {:>10.1f} MB  {:>8.1f} MB/s  {:>6.1f} s ", records,
                   records == 1 ? "record" : "records", megabytes, seconds > 0 ? megabytes / seconds : 0.0, seconds));
}

void ProgressLine::update_users(std::uint64_t done, std::uint64_t total) {
  if (!due(done >= total)) return;
  draw(fmt::format("sim: {} of {} {} ({:.0f}%) ", done, total, total == 1 ? "user" : "users",
                   total > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0));
}

void ProgressLine::clear() {
  if (drawn_width_ > 0) std::fprintf(stderr, "\r%*s\r", static_cast<int>(drawn_width_), "");
  drawn_width_ = 0;
}

}  // namespace usegate::cli

#include "record_inputs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <stdexcept>

#include <fmt/format.h>

#include "policy_files.hpp"
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
    throw UsageError(fmt::format("{}: `--now {}` is not a time (write `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SSZ` or "
                                 "epoch seconds)",
                                 command, *text));
  }
  return *seconds;
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

PurposeCodes required_purposes(const Policy& policy, const std::vector<std::string>& names, const char* command) {
  const auto variable = policy.find_variable(purpose_attribute);
  if (!variable || policy.variable(*variable).kind != VariableDescription::Kind::enumeration) {
    throw UsageError(fmt::format("{}: `--purpose` needs a policy that tests an enum `purpose`", command));
  }
  PurposeCodes purposes{variable, {}};
  for (const auto& name : names) {
    const Code code = policy.encode(*variable, FieldValue::from_string(name));
    if (code < runtime::first_value_code) {
      const auto& values = policy.compiled().attributes[policy.compiled().variables[*variable].source].values;
      std::string list;
      for (const auto& value : values) list += (list.empty() ? "" : ", ") + value;
      throw UsageError(fmt::format("{}: unknown purpose `{}` (the policy's purposes: {})", command, name, list));
    }
    purposes.codes.push_back(code);
  }
  return purposes;
}

PurposeCodes purposes_as_read_by(const Policy& policy, const std::vector<std::string>& names) {
  const auto variable = policy.find_variable(purpose_attribute);
  if (!variable || policy.variable(*variable).kind != VariableDescription::Kind::enumeration) return {};
  PurposeCodes purposes{variable, {}};
  for (const auto& name : names) purposes.codes.push_back(policy.encode(*variable, FieldValue::from_string(name)));
  return purposes;
}

std::variant<runtime::Bindings, runtime::BindingsError> read_bindings_option(const std::optional<std::string>& path,
                                                                             const Policy& policy,
                                                                             runtime::BindingsMode mode) {
  if (!path) return runtime::default_bindings(policy);
  return runtime::read_bindings(*path, read_file(*path), policy, mode);
}

std::optional<runtime::ConsentLedger> read_consent_option(const std::string& path, const Policy& policy,
                                                          std::int64_t now, const char* command) {
  const int descriptor = open_for_reading(path, "consent file");
  std::optional<runtime::ConsentLedger> ledger;
  try {
    ledger = runtime::ConsentLedger::read(descriptor, policy, now);
  } catch (const std::runtime_error& error) {
    std::cerr << fmt::format("usegate {}: {}: {}\n", command, path, error.what());
  }
  if (descriptor != 0) ::close(descriptor);
  return ledger;
}

ProgressLine::ProgressLine() : enabled_(::isatty(2) != 0), start_(std::chrono::steady_clock::now()) {}

void ProgressLine::update(std::uint64_t records, std::uint64_t bytes) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(500)) return;
  last_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  std::fprintf(stderr, "\r%12llu records  %10.1f MB  %8.1f MB/s  %6.1f s ", static_cast<unsigned long long>(records),
               static_cast<double>(bytes) / 1e6, seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0.0,
               seconds);
  drawn_ = true;
}

void ProgressLine::clear() {
  if (drawn_) std::fprintf(stderr, "\r%*s\r", 60, "");
  drawn_ = false;
}

RecordInputCounts for_each_record(int descriptor, const std::function<void(const runtime::InputLine&)>& record,
                                  ProgressLine& progress) {
  RecordInputCounts counts;
  runtime::BlockReader reader(descriptor);
  runtime::InputBlock block;
  runtime::InputLine line;
  while (reader.next(block)) {
    runtime::BlockLines lines(block);
    while (lines.next(line)) {
      if (runtime::is_blank(line.text)) {
        ++counts.empty_lines;
        continue;
      }
      ++counts.records;
      record(line);
    }
    progress.update(counts.records, reader.bytes_read());
  }
  progress.clear();
  return counts;
}

}  // namespace usegate::cli

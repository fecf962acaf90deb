#include "decision_run.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pybind11/numpy.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "column_decisions.hpp"
#include "column_specs.hpp"
#include "object_cells.hpp"
#include "usegate/records/block_reader.hpp"
#include "usegate/records/purposes.hpp"
#include "usegate/runtime/encoding.hpp"

namespace py = pybind11;

namespace usegate::python {
namespace {

// A descriptor reading `text`, for the consent ledger, which reads from descriptors: an
// anonymous in-memory file.
class TextDescriptor {
 public:
  explicit TextDescriptor(const std::string& text) : descriptor_(::memfd_create("usegate-consent", MFD_CLOEXEC)) {
    if (descriptor_ < 0)
      throw std::runtime_error(std::string("cannot hold the consent changes: ") + std::strerror(errno));
    std::size_t written = 0;
    while (written < text.size()) {
      const ssize_t done = ::write(descriptor_, text.data() + written, text.size() - written);
      if (done < 0 && errno == EINTR) continue;
      if (done < 0) throw std::runtime_error(std::string("cannot hold the consent changes: ") + std::strerror(errno));
      written += static_cast<std::size_t>(done);
    }
    ::lseek(descriptor_, 0, SEEK_SET);
  }
  ~TextDescriptor() { ::close(descriptor_); }
  TextDescriptor(const TextDescriptor&) = delete;
  TextDescriptor& operator=(const TextDescriptor&) = delete;
  [[nodiscard]] int get() const { return descriptor_; }

 private:
  int descriptor_;
};

// `now` as the summary states it: ISO-8601 in UTC, to the second.
std::string utc_time_text(std::int64_t epoch_seconds) {
  const auto seconds = static_cast<std::time_t>(epoch_seconds);
  std::tm parts{};
  char text[64];
  if (::gmtime_r(&seconds, &parts) == nullptr || std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts) == 0) {
    return std::to_string(epoch_seconds);
  }
  return text;
}

}  // namespace

Run::Run(const Policy& policy, const std::optional<std::string>& bindings_text, const std::string& bindings_name,
         const std::optional<std::string>& consent_text, std::int64_t now, const std::vector<std::string>& purposes)
    : policy_(policy), bindings_(records::default_bindings(policy)), now_(now) {
  if (bindings_text) {
    auto read = records::read_bindings(bindings_name, *bindings_text, policy);
    if (!read) throw InputError(read.error().message);
    bindings_ = std::move(*read);
  }
  if (consent_text) {
    const TextDescriptor input(*consent_text);
    ledger_ = std::make_unique<records::ConsentLedger>(records::ConsentLedger::read(input.get(), policy, now));
  }
  if (!purposes.empty()) {
    purpose_variable_ = policy.find_variable(records::purpose_attribute);
    if (!purpose_variable_ || policy.variable(*purpose_variable_).kind != VariableDescription::Kind::enumeration) {
      throw InputError("purposes need a policy that tests an enum `purpose`");
    }
    for (const auto& name : purposes) {
      const Code code = policy.encode(*purpose_variable_, FieldValue::from_string(name));
      if (code < runtime::first_value_code) throw InputError("the policy declares no purpose `" + name + "`");
      purpose_codes_.push_back(code);
    }
  }
}

// One JSON record, as `eval` decides a line: (decision, reason).
py::tuple Run::decide_json(const py::bytes& line_bytes) {
  const std::string_view json(line_bytes);
  if (!decoder_) decoder_.emplace(policy_, bindings_, ledger_.get(), now_);
  codes_.assign(policy_.variable_count(), 0);
  records::RejectCause cause = records::RejectCause::none;
  if (json.size() > records::default_max_line) {
    cause = records::RejectCause::line_too_long;
  } else if (json.find('\n') != std::string_view::npos) {
    cause = records::RejectCause::invalid_json;
  } else {
    padded_.assign(json.size() + records::parse_padding, '\0');
    std::memcpy(padded_.data(), json.data(), json.size());
    records::InputLine line;
    line.text = std::string_view(padded_.data(), json.size());
    line.raw = line.text;
    line.number = 1;
    line.readable = padded_.size();
    cause = decoder_->decode(line, codes_.data());
  }
  if (cause != records::RejectCause::none) return py::make_tuple("reject", records::reject_cause_name(cause));
  const Decision decided = records::decide_for_purposes(policy_, codes_, purpose_variable_, purpose_codes_);
  return py::make_tuple(decided.allowed ? "allow" : "deny", std::string(policy_.reason_name(decided.reason)));
}

std::vector<std::string> Run::field_names() const {
  return ColumnDecider::field_names(bindings_);
}

// The consent changes rejected or read as off, as `--consent` reports them: (line, applied,
// cause, message), the first ConsentLedger::kept_notes of them; and the counts of all.
py::tuple Run::consent_notes() const {
  py::list notes;
  if (!ledger_) return py::make_tuple(notes, 0, 0);
  for (const auto& note : ledger_->notes())
    notes.append(py::make_tuple(note.line, note.applied, note.cause, note.message));
  return py::make_tuple(notes, ledger_->rejected(), ledger_->bad_values_read_as_off());
}

// Columns by layout: (name, kind, data, extra) as usegate/__init__.py lays them out.
py::tuple Run::decide_columns(const py::list& specs, std::size_t rows, unsigned threads) {
  std::vector<InputColumn> columns = read_column_specs(specs, rows);
  const ColumnDecider decider(policy_, bindings_, ledger_.get(), now_, purpose_variable_, purpose_codes_, columns);
  py::array_t<bool> allowed(static_cast<py::ssize_t>(rows));
  py::array_t<std::uint16_t> reasons(static_cast<py::ssize_t>(rows));
  auto* allowed_data = reinterpret_cast<std::uint8_t*>(allowed.mutable_data());
  auto* reason_data = reasons.mutable_data();
  // Python objects are read a block at a time with the lock held; everything else without it.
  // A block's values stay in the cache between the two (16,384 rows a thread).
  const std::size_t block = (std::size_t{1} << 14) * std::max(1U, threads);
  for (std::size_t first = 0; first < rows; first += block) {
    const std::size_t last = std::min(rows, first + block);
    for (auto& column : columns) {
      if (column.kind != InputColumn::Kind::cells) continue;
      column.cells_first_row = first;
      read_object_cells(static_cast<PyObject* const*>(column.data), first, last, column.name, column.cells);
    }
    py::gil_scoped_release unlocked;
    decider.decide_rows(first, last, threads, allowed_data, reason_data);
  }
  return py::make_tuple(allowed, reasons);
}

// `usegate filter` on descriptors: the summary's counts.
py::dict Run::filter(int input, int output, int denied, int rejects, unsigned threads, std::size_t max_line) {
  records::StreamOptions options;
  options.output = records::StreamOptions::Output::records;
  options.threads = threads;
  options.max_line = max_line;
  options.purpose_variable = purpose_variable_;
  options.purposes = purpose_codes_;
  records::StreamSinks sinks;
  sinks.output = output;
  sinks.denied = denied;
  sinks.rejects = rejects;
  records::StreamCounts counts;
  {
    py::gil_scoped_release unlocked;
    counts = records::run_stream(input, sinks, policy_, bindings_, ledger_.get(), now_, options);
  }
  return summary(counts);
}

// The keys and values of `usegate filter --summary` (docs/cli.md).
py::dict Run::summary(const records::StreamCounts& counts) const {
  py::dict result;
  result["policy"] = policy_.name();
  result["version"] = policy_.version();
  result["now"] = utc_time_text(now_);
  result["read"] = counts.read;
  result["allowed"] = counts.allowed;
  result["denied"] = counts.denied;
  result["rejected"] = counts.rejected;
  result["empty_lines"] = counts.empty_lines;
  py::dict denied_by_reason;
  for (std::size_t reason = 0; reason < counts.denied_by_reason.size(); ++reason) {
    if (counts.denied_by_reason[reason] == 0) continue;
    const auto code =
        reason < policy_.reason_count() ? static_cast<std::uint16_t>(reason) : Policy::invalid_input_reason;
    denied_by_reason[py::str(std::string(policy_.reason_name(code)))] = counts.denied_by_reason[reason];
  }
  result["denied_by_reason"] = denied_by_reason;
  py::dict rejected_by_cause;
  for (std::size_t cause = 1; cause < records::reject_cause_count; ++cause) {
    if (counts.rejected_by_cause[cause] == 0) continue;
    rejected_by_cause[records::reject_cause_name(static_cast<records::RejectCause>(cause))] =
        counts.rejected_by_cause[cause];
  }
  result["rejected_by_cause"] = rejected_by_cause;
  py::dict consent_causes;
  if (ledger_) {
    for (const auto& [cause, count] : ledger_->rejected_by_cause()) consent_causes[py::str(cause)] = count;
  }
  result["consent_applied"] = ledger_ ? ledger_->applied() : 0;
  result["consent_rejected"] = ledger_ ? ledger_->rejected() : 0;
  result["consent_rejected_by_cause"] = consent_causes;
  result["consent_after_now"] = ledger_ ? ledger_->after_now() : 0;
  result["consent_bad_value_read_as_off"] = ledger_ ? ledger_->bad_values_read_as_off() : 0;
  result["bad_consent_values"] = counts.bad_consent_values;
  result["subject_unreadable"] = counts.subject_unreadable;
  return result;
}

}  // namespace usegate::python

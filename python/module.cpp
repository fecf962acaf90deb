// The `usegate` Python module's native part (`usegate._usegate`): compiling and loading
// policies, and deciding records, columns and JSON Lines files with the library `eval` and
// `filter` run. The Python layer (usegate/__init__.py) turns Python values into what these
// functions take: texts, JSON lines, arrays by layout.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <limits>
#include <memory>
#include <stdexcept>

#include "column_decisions.hpp"
#include "object_cells.hpp"
#include "usegate/base/diagnostics.hpp"
#include "usegate/base/source.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/records/bindings.hpp"
#include "usegate/records/block_reader.hpp"
#include "usegate/records/consent_ledger.hpp"
#include "usegate/records/purposes.hpp"
#include "usegate/records/record_decoder.hpp"
#include "usegate/records/record_stream.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/runtime/encoding.hpp"
#include "usegate/runtime/time_text.hpp"

namespace py = pybind11;
namespace records = usegate::records;

namespace usegate::python {
namespace {

std::string utc_time_text(std::int64_t epoch_seconds);

// Raised for inputs that cannot be used (bindings, purposes, consent); the Python layer
// turns it into usegate.PolicyError or ValueError.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

py::dict diagnostic_dict(const SourceFile& source, const Diagnostic& diagnostic) {
  py::dict entry;
  entry["file"] = source.name();
  entry["line"] = diagnostic.span.begin.line;
  entry["column"] = diagnostic.span.begin.column;
  entry["severity"] = diagnostic.severity == Severity::error ? "error" : "warning";
  entry["message"] = diagnostic.message;
  entry["help"] = diagnostic.help;
  entry["rendered"] = format_diagnostic(source, diagnostic);
  return entry;
}

// A policy's source to a Policy: (policy or None, diagnostics as dicts in source order).
py::tuple compile_source(const std::string& text, const std::string& name) {
  const SourceFile source(name, text);
  const compiler::PolicyAnalysis analysis = compiler::analyze_policy(source);
  py::list diagnostics;
  for (const auto& diagnostic : analysis.diagnostics.all()) diagnostics.append(diagnostic_dict(source, diagnostic));
  if (!analysis.policy || analysis.diagnostics.has_errors()) return py::make_tuple(py::none(), diagnostics);
  auto compiled = compiler::compile_policy(*analysis.policy);
  if (const auto* error = compiled.error_if()) {
    py::dict entry;
    entry["file"] = name;
    entry["line"] = 0;
    entry["column"] = 0;
    entry["severity"] = "error";
    entry["message"] = error->message;
    entry["help"] = error->help;
    entry["rendered"] = name + ": error: " + error->message + "\n = help: " + error->help + "\n";
    diagnostics.append(entry);
    return py::make_tuple(py::none(), diagnostics);
  }
  auto loaded = Policy::from_bytes(runtime::write_artifact(compiled.value()));
  if (!loaded) throw std::runtime_error("internal error: " + loaded.error().message);
  return py::make_tuple(py::cast(std::move(*loaded)), diagnostics);
}

// An artifact's bytes to a Policy, or the reason it cannot be loaded.
py::tuple load_artifact(const py::bytes& bytes) {
  const std::string_view view(bytes);
  auto loaded = Policy::from_bytes(view);
  if (!loaded) return py::make_tuple(py::none(), loaded.error().message);
  return py::make_tuple(py::cast(std::move(*loaded)), py::none());
}

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

// Everything one call decides with: the bindings, the consent changes as of `now`, the purposes.
class Run {
 public:
  Run(const Policy& policy, const std::optional<std::string>& bindings_text, const std::string& bindings_name,
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
  py::tuple decide_json(const py::bytes& line_bytes) {
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

  [[nodiscard]] std::vector<std::string> field_names() const { return ColumnDecider::field_names(bindings_); }

  // The consent changes rejected or read as off, as `--consent` reports them: (line, applied,
  // cause, message), the first ConsentLedger::kept_notes of them; and the counts of all.
  [[nodiscard]] py::tuple consent_notes() const {
    py::list notes;
    if (!ledger_) return py::make_tuple(notes, 0, 0);
    for (const auto& note : ledger_->notes())
      notes.append(py::make_tuple(note.line, note.applied, note.cause, note.message));
    return py::make_tuple(notes, ledger_->rejected(), ledger_->bad_values_read_as_off());
  }

  // Columns by layout: (name, kind, data, extra) as usegate/__init__.py lays them out.
  py::tuple decide_columns(const py::list& specs, std::size_t rows, unsigned threads) {
    std::vector<InputColumn> columns;
    std::vector<py::object> keep;  // the arrays the columns point into
    for (const auto& item : specs) {
      const auto spec = item.cast<py::tuple>();
      InputColumn column;
      column.name = spec[0].cast<std::string>();
      const auto kind = spec[1].cast<std::string>();
      const py::object data = spec[2];
      const py::object extra = spec[3];
      keep.push_back(data);
      keep.push_back(extra);
      const auto check_rows = [&](const py::array& array) {
        if (array.ndim() != 1 || static_cast<std::size_t>(array.shape(0)) != rows ||
            !(array.flags() & py::array::c_style)) {
          throw py::value_error("column `" + column.name + "` is not a flat array of " + std::to_string(rows) +
                                " rows");
        }
      };
      if (kind == "object") {
        column.kind = InputColumn::Kind::cells;
        check_rows(data.cast<py::array>());
        column.data = data.cast<py::array>().data();
      } else if (kind == "category") {
        column.kind = InputColumn::Kind::category;
        const auto codes = data.cast<py::array>();
        check_rows(codes);
        column.data = codes.data();
        column.code_bytes = static_cast<int>(codes.itemsize());
        const auto categories = extra.cast<py::array>();
        const auto* objects = static_cast<PyObject* const*>(categories.data());
        for (py::ssize_t i = 0; i < categories.shape(0); ++i) {
          column.category_cells.push_back(read_object_cell(objects[i], column.name, static_cast<std::size_t>(i)));
        }
      } else {
        const auto array = data.cast<py::array>();
        check_rows(array);
        column.data = array.data();
        if (kind == "float")
          column.kind = InputColumn::Kind::floating;
        else if (kind == "int")
          column.kind = InputColumn::Kind::integer;
        else if (kind == "bool")
          column.kind = InputColumn::Kind::boolean;
        else if (kind == "datetime")
          column.kind = InputColumn::Kind::datetime;
        else
          throw py::value_error("unknown column layout `" + kind + "`");
        if (!extra.is_none()) {
          const auto mask = extra.cast<py::array>();
          check_rows(mask);
          column.mask = static_cast<const std::uint8_t*>(mask.data());
        }
      }
      columns.push_back(std::move(column));
    }
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
  py::dict filter(int input, int output, int denied, int rejects, unsigned threads, std::size_t max_line) {
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

 private:
  // The keys and values of `usegate filter --summary` (docs/cli.md).
  py::dict summary(const records::StreamCounts& counts) const {
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

  Policy policy_;
  records::Bindings bindings_;
  std::unique_ptr<records::ConsentLedger> ledger_;
  std::int64_t now_;
  std::optional<std::size_t> purpose_variable_;
  std::vector<Code> purpose_codes_;
  std::optional<records::RecordDecoder> decoder_;
  std::vector<Code> codes_;
  std::vector<char> padded_;
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

std::vector<std::string> reason_names(const Policy& policy) {
  std::vector<std::string> names;
  for (std::size_t reason = 0; reason < policy.reason_count(); ++reason) {
    names.emplace_back(policy.reason_name(static_cast<std::uint16_t>(reason)));
  }
  return names;
}

}  // namespace
}  // namespace usegate::python

PYBIND11_MODULE(_usegate, module) {
  using namespace usegate::python;
  module.doc() = "usegate's native part; use the `usegate` package";
  py::register_exception<InputError>(module, "InputError", PyExc_ValueError);
  py::class_<usegate::Policy>(module, "Policy")
      .def_property_readonly("name", &usegate::Policy::name)
      .def_property_readonly("title", &usegate::Policy::title)
      .def_property_readonly("version", &usegate::Policy::version)
      .def_property_readonly("reason_names", &reason_names)
      .def_property_readonly("variables", [](const usegate::Policy& policy) {
        std::vector<std::string> names;
        for (std::size_t v = 0; v < policy.variable_count(); ++v) names.emplace_back(policy.variable(v).name);
        return names;
      });
  py::class_<Run>(module, "Run")
      .def(py::init<const usegate::Policy&, const std::optional<std::string>&, const std::string&,
                    const std::optional<std::string>&, std::int64_t, const std::vector<std::string>&>())
      .def("decide_json", &Run::decide_json)
      .def("field_names", &Run::field_names)
      .def("consent_notes", &Run::consent_notes)
      .def("decide_columns", &Run::decide_columns)
      .def("filter", &Run::filter);
  module.def("compile_source", &compile_source);
  module.def("load_artifact", &load_artifact);
  module.def("epoch_seconds_from_text", [](const std::string& text) -> std::optional<std::int64_t> {
    return usegate::runtime::epoch_seconds_from_text(text);
  });
}

#pragma once
// One call's way of deciding: a policy with its bindings, the consent changes as of `now`, and
// the purposes; then records as JSON, columns, or a JSON Lines file through `filter`.

#include <pybind11/pybind11.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "usegate/records/bindings.hpp"
#include "usegate/records/consent_ledger.hpp"
#include "usegate/records/record_decoder.hpp"
#include "usegate/records/record_stream.hpp"
#include "usegate/usegate.hpp"

namespace usegate::python {

// Raised for inputs that cannot be used (bindings, purposes, consent); the Python layer
// turns it into usegate.PolicyError or ValueError.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Run {
 public:
  Run(const Policy& policy, const std::optional<std::string>& bindings_text, const std::string& bindings_name,
      const std::optional<std::string>& consent_text, std::int64_t now, const std::vector<std::string>& purposes);

  // One JSON record, as `eval` decides a line: (decision, reason).
  [[nodiscard]] pybind11::tuple decide_json(const pybind11::bytes& line_bytes);
  // The field names the bindings read: what columns must be named.
  [[nodiscard]] std::vector<std::string> field_names() const;
  // The consent changes rejected or read as off, as `--consent` reports them: ([(line,
  // applied, cause, message)] for the first ConsentLedger::kept_notes of them, rejected
  // count, read-as-off count).
  [[nodiscard]] pybind11::tuple consent_notes() const;
  // Columns by layout, [(name, kind, data, extra)] as column_specs.hpp reads them: (allowed,
  // reasons) as numpy arrays.
  [[nodiscard]] pybind11::tuple decide_columns(const pybind11::list& specs, std::size_t rows, unsigned threads);
  // `usegate filter` on descriptors (-1: none): the summary `--summary` writes, as a dict.
  [[nodiscard]] pybind11::dict filter(int input, int output, int denied, int rejects, unsigned threads,
                                      std::size_t max_line);

 private:
  [[nodiscard]] pybind11::dict summary(const records::StreamCounts& counts) const;

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

}  // namespace usegate::python

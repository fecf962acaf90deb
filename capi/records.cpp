// Consent ledgers and record readers: one JSON record decided as `usegate eval` decides a line.
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "handles.hpp"
#include "usegate/records/block_reader.hpp"
#include "usegate/records/purposes.hpp"
#include "usegate/records/record_stream.hpp"
#include "usegate/runtime/encoding.hpp"

using usegate::capi::fail;
using usegate::capi::guarded;
namespace records = usegate::records;

usegate_reader::usegate_reader(usegate::Policy policy_in, records::Bindings bindings_in,
                               std::shared_ptr<const records::ConsentLedger> ledger_in, std::int64_t now)
    : policy(std::move(policy_in)),
      bindings(std::move(bindings_in)),
      ledger(std::move(ledger_in)),
      decoder(policy, bindings, ledger.get(), now),
      codes(policy.variable_count(), 0) {}

namespace {

// A descriptor reading `text`, for the ledger, which reads consent changes from descriptors.
// An anonymous in-memory file: no thread to feed a pipe, nothing on disk.
class TextDescriptor {
 public:
  TextDescriptor(const char* text, std::size_t size) : descriptor_(::memfd_create("usegate-consent", MFD_CLOEXEC)) {
    if (descriptor_ < 0)
      throw std::runtime_error(std::string("cannot hold the consent changes: ") + std::strerror(errno));
    std::size_t written = 0;
    while (written < size) {
      const ssize_t done = ::write(descriptor_, text + written, size - written);
      if (done < 0 && errno == EINTR) continue;
      if (done < 0) throw std::runtime_error(std::string("cannot hold the consent changes: ") + std::strerror(errno));
      written += static_cast<std::size_t>(done);
    }
    if (::lseek(descriptor_, 0, SEEK_SET) != 0) {
      throw std::runtime_error(std::string("cannot read the consent changes: ") + std::strerror(errno));
    }
  }
  ~TextDescriptor() {
    if (descriptor_ >= 0) ::close(descriptor_);
  }
  TextDescriptor(const TextDescriptor&) = delete;
  TextDescriptor& operator=(const TextDescriptor&) = delete;
  [[nodiscard]] int get() const { return descriptor_; }

 private:
  int descriptor_;
};

// Whether two policies are one loaded artifact: a ledger's setting indices mean nothing to
// another policy. Copies share their tables, and with them these strings.
bool same_policy(const usegate::Policy& a, const usegate::Policy& b) {
  return &a.name() == &b.name();
}

const char* reject_description(records::RejectCause cause) {
  switch (cause) {
    case records::RejectCause::none: return "";
    case records::RejectCause::invalid_json: return "the text is not one line of one JSON value";
    case records::RejectCause::invalid_utf8: return "the text holds bytes that are not UTF-8";
    case records::RejectCause::not_an_object: return "the record is JSON but not an object";
    case records::RejectCause::too_deep: return "the record nests deeper than 1024 levels";
    case records::RejectCause::duplicate_key: return "a key occurs twice in an object the bindings read";
    case records::RejectCause::number_out_of_range:
      return "a number does not fit a double (or, as an integer, 64 bits)";
    case records::RejectCause::line_too_long: return "the record is longer than 64 MiB";
  }
  return "";
}

usegate_status reject(usegate_error** error, usegate_record_decision* decision, records::RejectCause cause) {
  decision->allowed = 0;
  decision->rejected = 1;
  decision->reason = USEGATE_INVALID_INPUT_REASON;
  decision->cause = static_cast<std::int32_t>(cause);
  return fail(
      error, USEGATE_ERROR_INVALID_RECORD,
      std::string("record rejected as ") + records::reject_cause_name(cause) + ": " + reject_description(cause));
}

}  // namespace

extern "C" {

usegate_status usegate_ledger_from_jsonl(const usegate_policy* policy, const char* text, size_t size, int64_t now,
                                         usegate_ledger** ledger, usegate_error** error) {
  return guarded(error, [&] {
    if (ledger == nullptr)
      return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "no place for the ledger (`ledger` is NULL)");
    *ledger = nullptr;
    if (policy == nullptr || (text == nullptr && size != 0)) {
      return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "`policy` and `text` must not be NULL");
    }
    std::shared_ptr<const records::ConsentLedger> read;
    try {
      const TextDescriptor input(text, size);
      read = std::make_shared<const records::ConsentLedger>(
          records::ConsentLedger::read(input.get(), policy->policy, now));
    } catch (const std::runtime_error& failure) {
      return fail(error, USEGATE_ERROR_IO, failure.what());
    }
    *ledger = new usegate_ledger{policy->policy, std::move(read)};
    return USEGATE_OK;
  });
}

void usegate_ledger_free(usegate_ledger* ledger) {
  delete ledger;
}

usegate_status usegate_ledger_get_counts(const usegate_ledger* ledger, usegate_ledger_counts* counts,
                                         usegate_error** error) {
  return guarded(error, [&] {
    if (ledger == nullptr || counts == nullptr) {
      return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "`ledger` and `counts` must not be NULL");
    }
    counts->applied = ledger->ledger->applied();
    counts->bad_values_read_as_off = ledger->ledger->bad_values_read_as_off();
    counts->rejected = ledger->ledger->rejected();
    counts->after_now = ledger->ledger->after_now();
    return USEGATE_OK;
  });
}

usegate_status usegate_reader_new(const usegate_policy* policy, const char* bindings, size_t bindings_size,
                                  const usegate_ledger* ledger, int64_t now, const usegate_string* purposes,
                                  size_t purpose_count, usegate_reader** reader, usegate_error** error) {
  return guarded(error, [&] {
    if (reader == nullptr)
      return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "no place for the reader (`reader` is NULL)");
    *reader = nullptr;
    if (policy == nullptr || (bindings == nullptr && bindings_size != 0) ||
        (purposes == nullptr && purpose_count != 0)) {
      return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "`policy`, `bindings` and `purposes` must not be NULL");
    }
    const usegate::Policy& decider = policy->policy;
    if (ledger != nullptr && !same_policy(ledger->policy, decider)) {
      return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "the ledger was read for another policy handle");
    }
    records::Bindings read_bindings = records::default_bindings(decider);
    if (bindings != nullptr) {
      auto parsed = records::read_bindings("bindings", std::string(bindings, bindings_size), decider);
      if (!parsed) return fail(error, USEGATE_ERROR_INVALID_BINDINGS, parsed.error().message);
      read_bindings = std::move(*parsed);
    }
    std::optional<std::size_t> purpose_variable;
    std::vector<usegate::Code> purpose_codes;
    if (purpose_count > 0) {
      purpose_variable = decider.find_variable(records::purpose_attribute);
      if (!purpose_variable ||
          decider.variable(*purpose_variable).kind != usegate::VariableDescription::Kind::enumeration) {
        return fail(error, USEGATE_ERROR_NOT_FOUND, "purposes need a policy that tests an enum `purpose`");
      }
      for (std::size_t i = 0; i < purpose_count; ++i) {
        const std::string_view name = usegate::capi::view(purposes[i]);
        const usegate::Code code = decider.encode(*purpose_variable, usegate::FieldValue::from_string(name));
        if (code < usegate::runtime::first_value_code) {
          return fail(error, USEGATE_ERROR_NOT_FOUND, "the policy declares no purpose `" + std::string(name) + "`");
        }
        purpose_codes.push_back(code);
      }
    }
    auto made =
        std::make_unique<usegate_reader>(decider, std::move(read_bindings), ledger ? ledger->ledger : nullptr, now);
    made->purpose_variable = purpose_variable;
    made->purposes = std::move(purpose_codes);
    *reader = made.release();
    return USEGATE_OK;
  });
}

void usegate_reader_free(usegate_reader* reader) {
  delete reader;
}

const char* usegate_reject_cause_name(int cause) {
  if (cause < 0 || static_cast<std::size_t>(cause) >= records::reject_cause_count) return "unknown";
  return records::reject_cause_name(static_cast<records::RejectCause>(cause));
}

usegate_status usegate_reader_decide(usegate_reader* reader, const char* json, size_t size,
                                     usegate_record_decision* decision, usegate_error** error) {
  return guarded(error, [&] {
    if (decision == nullptr) return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "no place for the decision");
    *decision = {0, 0, USEGATE_INVALID_INPUT_REASON, USEGATE_REJECT_NONE};
    if (reader == nullptr || (json == nullptr && size != 0)) {
      return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "`reader` and `json` must not be NULL");
    }
    // eval reads lines: a longer one is not parsed, and a newline would end the record there.
    if (size > records::default_max_line) return reject(error, decision, records::RejectCause::line_too_long);
    if (size > 0 && std::memchr(json, '\n', size) != nullptr) {
      return reject(error, decision, records::RejectCause::invalid_json);
    }
    // The parser reads past the end of the text: a copy with zeroed padding after it.
    std::vector<char>& padded = reader->padded;
    padded.resize(size + records::parse_padding);
    if (size > 0) std::memcpy(padded.data(), json, size);
    std::memset(padded.data() + size, 0, records::parse_padding);
    records::InputLine line;
    line.text = std::string_view(padded.data(), size);
    line.raw = line.text;
    line.number = 1;
    line.readable = padded.size();
    const records::RejectCause cause = reader->decoder.decode(line, reader->codes.data());
    if (cause != records::RejectCause::none) return reject(error, decision, cause);
    const usegate::Decision decided =
        records::decide_for_purposes(reader->policy, reader->codes, reader->purpose_variable, reader->purposes);
    decision->allowed = decided.allowed ? 1 : 0;
    decision->reason = decided.reason;
    return USEGATE_OK;
  });
}

}  // extern "C"

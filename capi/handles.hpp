#pragma once
// What the opaque handles of usegate.h hold, and the one way every entry point turns C++
// failures into a status: no exception may unwind into a C caller.

#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "usegate.h"
#include "usegate/records/bindings.hpp"
#include "usegate/records/consent_ledger.hpp"
#include "usegate/records/record_decoder.hpp"
#include "usegate/usegate.hpp"

struct usegate_error {
  usegate_status code = USEGATE_OK;
  std::string message;
};

struct usegate_policy {
  explicit usegate_policy(usegate::Policy loaded);
  usegate::Policy policy;
  // NUL-terminated copies: the C++ API hands out string_views.
  std::vector<std::string> variable_names;
  std::vector<std::string> reason_names;
};

struct usegate_ledger {
  // The policy it was read for; its settings are what the ledger's indices mean.
  usegate::Policy policy;
  std::shared_ptr<const usegate::records::ConsentLedger> ledger;
};

struct usegate_reader {
  usegate_reader(usegate::Policy policy_in, usegate::records::Bindings bindings_in,
                 std::shared_ptr<const usegate::records::ConsentLedger> ledger_in, std::int64_t now);
  // The decoder refers to these three, so they live here, in place, for as long as it does.
  usegate::Policy policy;
  usegate::records::Bindings bindings;
  std::shared_ptr<const usegate::records::ConsentLedger> ledger;
  usegate::records::RecordDecoder decoder;
  std::optional<std::size_t> purpose_variable;
  std::vector<usegate::Code> purposes;
  std::vector<usegate::Code> codes;
  std::vector<char> padded;  // the record and the parser's padding, reused from call to call
};

namespace usegate::capi {

// Stores a new error in `*error` when `error` is not null, and returns `code`. Never throws:
// without memory for the error, the shared out-of-memory error stands in.
usegate_status fail(usegate_error** error, usegate_status code, std::string_view message) noexcept;

// Runs `body` (which returns a usegate_status), turning every exception into a status.
template <typename Body>
usegate_status guarded(usegate_error** error, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return fail(error, USEGATE_ERROR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& exception) {
    try {
      return fail(error, USEGATE_ERROR_INTERNAL, std::string("internal error: ") + exception.what());
    } catch (...) {
      return fail(error, USEGATE_ERROR_OUT_OF_MEMORY, "out of memory");
    }
  } catch (...) {
    return fail(error, USEGATE_ERROR_INTERNAL, "internal error: an unknown exception");
  }
}

// A string of the C API as the C++ API views it.
inline std::string_view view(const usegate_string& text) {
  return {text.data, text.data ? text.size : 0};
}

}  // namespace usegate::capi

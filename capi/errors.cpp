// Errors and statuses: the small part of the API every other call relies on.
#include "handles.hpp"

namespace {

// Handed out when there is no memory to make an error; never freed.
usegate_error out_of_memory_error{USEGATE_ERROR_OUT_OF_MEMORY, "out of memory"};

}  // namespace

namespace usegate::capi {

usegate_status fail(usegate_error** error, usegate_status code, std::string_view message) noexcept {
  if (error == nullptr) return code;
  try {
    *error = new usegate_error{code, std::string(message)};
  } catch (...) {
    *error = &out_of_memory_error;
  }
  return code;
}

}  // namespace usegate::capi

extern "C" {

const char* usegate_status_name(int status) {
  switch (status) {
    case USEGATE_OK: return "ok";
    case USEGATE_ERROR_INVALID_ARGUMENT: return "invalid_argument";
    case USEGATE_ERROR_NOT_FOUND: return "not_found";
    case USEGATE_ERROR_IO: return "io";
    case USEGATE_ERROR_INVALID_ARTIFACT: return "invalid_artifact";
    case USEGATE_ERROR_INVALID_BINDINGS: return "invalid_bindings";
    case USEGATE_ERROR_INVALID_RECORD: return "invalid_record";
    case USEGATE_ERROR_OUT_OF_MEMORY: return "out_of_memory";
    case USEGATE_ERROR_INTERNAL: return "internal";
    case USEGATE_ERROR_UNTRUSTED_ARTIFACT: return "untrusted_artifact";
    default: return "unknown";
  }
}

usegate_status usegate_error_code(const usegate_error* error) {
  return error == nullptr ? USEGATE_ERROR_INVALID_ARGUMENT : error->code;
}

const char* usegate_error_message(const usegate_error* error) {
  return error == nullptr ? "" : error->message.c_str();
}

void usegate_error_free(usegate_error* error) {
  if (error != &out_of_memory_error) delete error;
}

const char* usegate_version(void) {
  return USEGATE_C_VERSION;
}

}  // extern "C"

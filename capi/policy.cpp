// Loading artifacts, names, and decisions from fields, strings and codes.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <type_traits>

#include "handles.hpp"
#include "usegate/signing/signed_artifact.hpp"

using usegate::capi::fail;
using usegate::capi::guarded;

usegate_policy::usegate_policy(usegate::Policy loaded) : policy(std::move(loaded)) {
  for (std::size_t v = 0; v < policy.variable_count(); ++v) variable_names.emplace_back(policy.variable(v).name);
  for (std::size_t r = 0; r < policy.reason_count(); ++r) {
    reason_names.emplace_back(policy.reason_name(static_cast<std::uint16_t>(r)));
  }
}

namespace {

using usegate::Code;
using usegate::Decision;
using usegate::FieldValue;

// The C decision has the C++ one's layout, so batches are copied out whole.
static_assert(sizeof(usegate_decision) == sizeof(Decision));
static_assert(offsetof(usegate_decision, reason) == offsetof(Decision, reason));
static_assert(std::is_trivially_copyable_v<Decision> && sizeof(bool) == 1);

constexpr usegate_decision denied_invalid{0, 0, USEGATE_INVALID_INPUT_REASON};

// Rows decided per step of a batch: the codes of one step stay in the first-level cache.
constexpr std::size_t batch_chunk = 1024;
// Up to this many variables, a single decision encodes into the stack.
constexpr std::size_t stack_variables = 64;

// What a failed batch leaves in every row (the caller may read them whatever the status).
void deny_all(usegate_decision* decisions, std::size_t rows) {
  if (decisions != nullptr) std::fill(decisions, decisions + rows, denied_invalid);
}

usegate_decision to_c(Decision decision) {
  return {decision.allowed ? std::uint8_t{1} : std::uint8_t{0}, 0, decision.reason};
}

FieldValue to_field(const usegate_field& field) {
  switch (field.kind) {
    case USEGATE_FIELD_ABSENT: return FieldValue::absent();
    case USEGATE_FIELD_NULL: return FieldValue::null();
    case USEGATE_FIELD_BOOL: return FieldValue::from_bool(field.boolean != 0);
    case USEGATE_FIELD_NUMBER: return FieldValue::from_number(field.number);
    case USEGATE_FIELD_STRING:
      // A string without bytes to point at is the empty string, not an absent field.
      return FieldValue::from_string(field.text.data ? std::string_view(field.text.data, field.text.size) : "");
    default: return FieldValue::other();
  }
}

FieldValue string_field(const usegate_string& text) {
  return text.data == nullptr ? FieldValue::absent() : FieldValue::from_string({text.data, text.size});
}

usegate_status load(usegate::Result<usegate::Policy> loaded, usegate_policy** policy, usegate_error** error) {
  if (!loaded) {
    const auto code = [&] {
      switch (loaded.error().code) {
        case usegate::Error::Code::io: return USEGATE_ERROR_IO;
        case usegate::Error::Code::untrusted_artifact: return USEGATE_ERROR_UNTRUSTED_ARTIFACT;
        default: return USEGATE_ERROR_INVALID_ARTIFACT;
      }
    }();
    return fail(error, code, loaded.error().message);
  }
  *policy = new usegate_policy(std::move(*loaded));
  return USEGATE_OK;
}

usegate_status check_public_key(const uint8_t* public_key, size_t size, usegate_error** error) {
  if (public_key == nullptr) return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "no public key (`public_key` is NULL)");
  if (size != USEGATE_PUBLIC_KEY_SIZE) {
    return fail(error, USEGATE_ERROR_INVALID_ARGUMENT,
                "a public key is " + std::to_string(USEGATE_PUBLIC_KEY_SIZE) + " bytes, got " + std::to_string(size));
  }
  return USEGATE_OK;
}

std::span<const std::uint8_t, usegate::signing::public_key_size> public_key_span(const uint8_t* public_key) {
  return std::span<const std::uint8_t, usegate::signing::public_key_size>(public_key,
                                                                          usegate::signing::public_key_size);
}

usegate_status count_mismatch(usegate_error** error, const usegate_policy& policy, std::size_t count,
                              const char* what) {
  return fail(error, USEGATE_ERROR_INVALID_ARGUMENT,
              "expected " + std::to_string(policy.policy.variable_count()) + " " + what + " (one per variable), got " +
                  std::to_string(count));
}

usegate_status bad_variable(usegate_error** error, const usegate_policy& policy, std::size_t variable) {
  return fail(error, USEGATE_ERROR_INVALID_ARGUMENT,
              "variable " + std::to_string(variable) + " is out of range (the policy has " +
                  std::to_string(policy.policy.variable_count()) + ")");
}

// One decision from a code per variable, the codes made by `encode(v)`.
template <typename Encode>
Decision decide_encoded(const usegate::Policy& policy, std::size_t count, Encode&& encode) {
  std::array<Code, stack_variables> stack_codes;
  std::vector<Code> heap_codes;
  Code* codes = stack_codes.data();
  if (count > stack_variables) {
    heap_codes.resize(count);
    codes = heap_codes.data();
  }
  for (std::size_t v = 0; v < count; ++v) codes[v] = encode(v);
  return policy.decide(std::span<const Code>(codes, count));
}

// The arguments both column calls take, checked alike: somewhere to write, a policy, and one
// column per variable. USEGATE_OK when they are usable.
template <typename Column>
usegate_status check_columns(const usegate_policy* policy, const Column* const* columns, size_t column_count,
                             size_t rows, const usegate_decision* decisions, usegate_error** error) {
  if (rows > 0 && decisions == nullptr)
    return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "no place for the decisions");
  if (policy == nullptr || (columns == nullptr && column_count != 0)) {
    return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "`policy` and `columns` must not be NULL");
  }
  if (column_count != policy->policy.variable_count()) return count_mismatch(error, *policy, column_count, "columns");
  return USEGATE_OK;
}

}  // namespace

extern "C" {

usegate_status usegate_policy_load_file(const char* path, usegate_policy** policy, usegate_error** error) {
  return guarded(error, [&] {
    if (policy == nullptr)
      return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "no place for the policy (`policy` is NULL)");
    *policy = nullptr;
    if (path == nullptr) return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "no path (`path` is NULL)");
    return load(usegate::Policy::load_file(path), policy, error);
  });
}

usegate_status usegate_policy_load_bytes(const void* bytes, size_t size, usegate_policy** policy,
                                         usegate_error** error) {
  return guarded(error, [&] {
    if (policy == nullptr)
      return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "no place for the policy (`policy` is NULL)");
    *policy = nullptr;
    if (bytes == nullptr && size != 0) return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "no bytes (`bytes` is NULL)");
    const std::string_view view(static_cast<const char*>(bytes), bytes == nullptr ? 0 : size);
    return load(usegate::Policy::from_bytes(view), policy, error);
  });
}

usegate_status usegate_policy_load_file_verified(const char* path, const uint8_t* public_key, size_t public_key_size,
                                                 usegate_policy** policy, usegate_error** error) {
  return guarded(error, [&] {
    if (policy == nullptr)
      return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "no place for the policy (`policy` is NULL)");
    *policy = nullptr;
    if (path == nullptr) return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "no path (`path` is NULL)");
    if (const auto status = check_public_key(public_key, public_key_size, error); status != USEGATE_OK) return status;
    return load(usegate::signing::load_verified_file(path, public_key_span(public_key)), policy, error);
  });
}

usegate_status usegate_policy_load_bytes_verified(const void* bytes, size_t size, const uint8_t* public_key,
                                                  size_t public_key_size, usegate_policy** policy,
                                                  usegate_error** error) {
  return guarded(error, [&] {
    if (policy == nullptr)
      return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "no place for the policy (`policy` is NULL)");
    *policy = nullptr;
    if (bytes == nullptr && size != 0) return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "no bytes (`bytes` is NULL)");
    if (const auto status = check_public_key(public_key, public_key_size, error); status != USEGATE_OK) return status;
    const std::string_view view(static_cast<const char*>(bytes), bytes == nullptr ? 0 : size);
    return load(usegate::signing::load_verified(view, public_key_span(public_key)), policy, error);
  });
}

void usegate_policy_free(usegate_policy* policy) {
  delete policy;
}

const char* usegate_policy_name(const usegate_policy* policy) {
  return policy ? policy->policy.name().c_str() : "";
}
const char* usegate_policy_title(const usegate_policy* policy) {
  return policy ? policy->policy.title().c_str() : "";
}
const char* usegate_policy_version(const usegate_policy* policy) {
  return policy ? policy->policy.version().c_str() : "";
}

size_t usegate_variable_count(const usegate_policy* policy) {
  return policy ? policy->variable_names.size() : 0;
}

const char* usegate_variable_name(const usegate_policy* policy, size_t index) {
  if (policy == nullptr || index >= policy->variable_names.size()) return nullptr;
  return policy->variable_names[index].c_str();
}

usegate_status usegate_find_variable(const usegate_policy* policy, const char* name, size_t name_size, size_t* index,
                                     usegate_error** error) {
  return guarded(error, [&] {
    if (policy == nullptr || index == nullptr || (name == nullptr && name_size != 0)) {
      return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "`policy`, `name` and `index` must not be NULL");
    }
    const std::string_view wanted(name == nullptr ? "" : name, name_size);
    const auto found = policy->policy.find_variable(wanted);
    if (!found) {
      return fail(error, USEGATE_ERROR_NOT_FOUND, "the policy has no variable `" + std::string(wanted) + "`");
    }
    *index = *found;
    return USEGATE_OK;
  });
}

size_t usegate_reason_count(const usegate_policy* policy) {
  return policy ? policy->reason_names.size() : 0;
}

const char* usegate_reason_name(const usegate_policy* policy, uint16_t reason) {
  if (policy == nullptr || reason >= policy->reason_names.size()) return "invalid_input";
  return policy->reason_names[reason].c_str();
}

usegate_status usegate_decide_fields(const usegate_policy* policy, const usegate_field* fields, size_t count,
                                     usegate_decision* decision, usegate_error** error) {
  return guarded(error, [&] {
    if (decision == nullptr) return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "no place for the decision");
    *decision = denied_invalid;
    if (policy == nullptr || (fields == nullptr && count != 0)) {
      return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "`policy` and `fields` must not be NULL");
    }
    if (count != policy->policy.variable_count()) return count_mismatch(error, *policy, count, "fields");
    *decision = to_c(decide_encoded(policy->policy, count,
                                    [&](std::size_t v) { return policy->policy.encode(v, to_field(fields[v])); }));
    return USEGATE_OK;
  });
}

usegate_status usegate_decide_strings(const usegate_policy* policy, const usegate_string* values, size_t count,
                                      usegate_decision* decision, usegate_error** error) {
  return guarded(error, [&] {
    if (decision == nullptr) return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "no place for the decision");
    *decision = denied_invalid;
    if (policy == nullptr || (values == nullptr && count != 0)) {
      return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "`policy` and `values` must not be NULL");
    }
    if (count != policy->policy.variable_count()) return count_mismatch(error, *policy, count, "strings");
    *decision = to_c(decide_encoded(policy->policy, count,
                                    [&](std::size_t v) { return policy->policy.encode(v, string_field(values[v])); }));
    return USEGATE_OK;
  });
}

usegate_status usegate_encode_field(const usegate_policy* policy, size_t variable, const usegate_field* field,
                                    usegate_code* code, usegate_error** error) {
  return guarded(error, [&] {
    if (policy == nullptr || field == nullptr || code == nullptr) {
      return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "`policy`, `field` and `code` must not be NULL");
    }
    if (variable >= policy->policy.variable_count()) return bad_variable(error, *policy, variable);
    *code = policy->policy.encode(variable, to_field(*field));
    return USEGATE_OK;
  });
}

usegate_status usegate_encode_time(const usegate_policy* policy, size_t variable, int64_t epoch_seconds,
                                   usegate_code* code, usegate_error** error) {
  return guarded(error, [&] {
    if (policy == nullptr || code == nullptr) {
      return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "`policy` and `code` must not be NULL");
    }
    if (variable >= policy->policy.variable_count()) return bad_variable(error, *policy, variable);
    if (policy->policy.variable(variable).kind != usegate::VariableDescription::Kind::time) {
      return fail(error, USEGATE_ERROR_INVALID_ARGUMENT,
                  "variable `" + policy->variable_names[variable] + "` is not a time");
    }
    *code = policy->policy.encode_time(variable, epoch_seconds);
    return USEGATE_OK;
  });
}

usegate_status usegate_decide_codes(const usegate_policy* policy, const usegate_code* codes, size_t count,
                                    usegate_decision* decision, usegate_error** error) {
  return guarded(error, [&] {
    if (decision == nullptr) return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "no place for the decision");
    *decision = denied_invalid;
    if (policy == nullptr || (codes == nullptr && count != 0)) {
      return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "`policy` and `codes` must not be NULL");
    }
    if (count != policy->policy.variable_count()) return count_mismatch(error, *policy, count, "codes");
    *decision = to_c(policy->policy.decide(std::span<const Code>(codes, count)));
    return USEGATE_OK;
  });
}

usegate_status usegate_decide_code_columns(const usegate_policy* policy, const usegate_code* const* columns,
                                           size_t column_count, size_t rows, usegate_decision* decisions,
                                           usegate_error** error) {
  const usegate_status status = guarded(error, [&] {
    if (const usegate_status invalid = check_columns(policy, columns, column_count, rows, decisions, error)) {
      return invalid;
    }
    if (rows > 0 && std::find(columns, columns + column_count, nullptr) != columns + column_count) {
      return fail(error, USEGATE_ERROR_INVALID_ARGUMENT, "a column of codes is NULL");
    }
    const std::span<const Code* const> all(columns, column_count);
    std::array<Decision, batch_chunk> decided;
    std::vector<const Code*> shifted(column_count);
    for (std::size_t first = 0; first < rows; first += batch_chunk) {
      const std::size_t count = std::min(batch_chunk, rows - first);
      for (std::size_t v = 0; v < column_count; ++v) shifted[v] = all[v] + first;
      policy->policy.decide_batch(shifted, count, decided.data());
      std::memcpy(decisions + first, decided.data(), count * sizeof(Decision));
    }
    return USEGATE_OK;
  });
  // Filled after the fact, so that a batch that succeeds writes each decision once.
  if (status != USEGATE_OK) deny_all(decisions, rows);
  return status;
}

usegate_status usegate_decide_string_columns(const usegate_policy* policy, const usegate_string* const* columns,
                                             size_t column_count, size_t rows, usegate_decision* decisions,
                                             usegate_error** error) {
  const usegate_status status = guarded(error, [&] {
    if (const usegate_status invalid = check_columns(policy, columns, column_count, rows, decisions, error)) {
      return invalid;
    }
    const usegate::Policy& decider = policy->policy;
    const std::size_t stride = std::min(rows, batch_chunk);
    std::vector<Code> codes(column_count * stride);
    std::vector<const Code*> code_columns(column_count);
    std::array<Decision, batch_chunk> decided;
    for (std::size_t first = 0; first < rows; first += batch_chunk) {
      const std::size_t count = std::min(batch_chunk, rows - first);
      for (std::size_t v = 0; v < column_count; ++v) {
        Code* column = codes.data() + v * stride;
        code_columns[v] = column;
        if (columns[v] == nullptr) {
          std::fill(column, column + count, decider.encode(v, FieldValue::absent()));
          continue;
        }
        const usegate_string* values = columns[v] + first;
        for (std::size_t row = 0; row < count; ++row) column[row] = decider.encode(v, string_field(values[row]));
      }
      decider.decide_batch(code_columns, count, decided.data());
      std::memcpy(decisions + first, decided.data(), count * sizeof(Decision));
    }
    return USEGATE_OK;
  });
  // Filled after the fact, so that a batch that succeeds writes each decision once.
  if (status != USEGATE_OK) deny_all(decisions, rows);
  return status;
}

}  // extern "C"

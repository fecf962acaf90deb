// usegate::Policy: a loaded artifact, its name lookups, classification and decisions.
#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <unordered_map>
#include <utility>

#include "usegate/base/format_text.hpp"

#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/runtime/time_text.hpp"
#include "usegate/runtime/value_index.hpp"
#include "usegate/usegate.hpp"

namespace usegate {

using runtime::AttributeType;
using runtime::VariableKind;

namespace {

// Variables per decision kept on the stack when deciding from field values.
constexpr std::size_t stack_variables = 64;

}  // namespace

// How one variable turns field values into codes.
struct VariableClassifier {
  VariableKind kind = VariableKind::categorical;
  AttributeType type = AttributeType::enumeration;
  Code code_count = 0;
  bool default_on = false;        // settings
  runtime::ValueIndex values;     // categorical: code = 2 + index
  std::vector<double> constants;  // ordered

  Code value_code(std::string_view text) const {
    const int index = values.find(text);
    return index < 0 ? runtime::unknown_code : static_cast<Code>(runtime::first_value_code + index);
  }

  // Policies compare an attribute with a few constants; counting them without branches beats
  // a binary search, whose branches depend on the value and mispredict.
  static constexpr std::size_t counted_constants = 8;

  Code ordered_code(double key) const {
    if (constants.size() <= counted_constants) {
      unsigned below = 0;
      unsigned equal = 0;
      for (const double constant : constants) {
        below += constant < key ? 1U : 0U;
        equal |= constant == key ? 1U : 0U;
      }
      return static_cast<Code>(runtime::first_value_code + 2 * below + equal);
    }
    const auto above = std::lower_bound(constants.begin(), constants.end(), key);
    const auto position = static_cast<Code>(above - constants.begin());
    const bool on_constant = above != constants.end() && *above == key;
    return static_cast<Code>(runtime::first_value_code + 2 * position + (on_constant ? 1 : 0));
  }

  Code consent_code(const FieldValue& value, bool* bad_value) const {
    switch (value.kind) {
      case FieldValue::Kind::absent:
      case FieldValue::Kind::null: return default_on ? runtime::setting_on_code : runtime::setting_off_code;
      case FieldValue::Kind::boolean: return value.boolean ? runtime::setting_on_code : runtime::setting_off_code;
      case FieldValue::Kind::string:
        if (value.text == "on") return runtime::setting_on_code;
        if (value.text == "off") return runtime::setting_off_code;
        break;
      default: break;
    }
    // Neither on nor off: never consent the user did not give.
    if (bad_value) *bad_value = true;
    return runtime::setting_off_code;
  }

  Code code(const FieldValue& value) const {
    if (kind == VariableKind::setting) return consent_code(value, nullptr);
    if (value.kind == FieldValue::Kind::absent || value.kind == FieldValue::Kind::null) return runtime::missing_code;
    switch (type) {
      case AttributeType::enumeration:
        return value.kind == FieldValue::Kind::string ? value_code(value.text) : runtime::unknown_code;
      case AttributeType::boolean:
        if (value.kind != FieldValue::Kind::boolean) return runtime::unknown_code;
        return static_cast<Code>(runtime::first_value_code + (value.boolean ? 1 : 0));
      case AttributeType::number:
        if (value.kind != FieldValue::Kind::number || !std::isfinite(value.number)) return runtime::unknown_code;
        return ordered_code(value.number);
      case AttributeType::time: {
        std::optional<double> key;
        if (value.kind == FieldValue::Kind::string) key = runtime::time_key_from_text(value.text);
        if (value.kind == FieldValue::Kind::number) key = runtime::time_key_from_epoch(value.number);
        return key ? ordered_code(*key) : runtime::unknown_code;
      }
    }
    return runtime::unknown_code;
  }
};

struct Policy::Impl {
  runtime::CompiledPolicy model;
  // What every decision reads, kept in small contiguous arrays.
  std::size_t variable_count = 0;
  bool dense = true;
  std::vector<Code> limits;            // per variable: its number of codes
  std::vector<std::uint32_t> strides;  // dense layout
  const runtime::Cell* cells = nullptr;
  const std::uint32_t* words = nullptr;
  std::uint32_t root = 0;

  std::vector<VariableClassifier> classifiers;
  std::unordered_map<std::string, std::size_t> variable_by_name;
  std::vector<std::string> variable_names;

  static Decision decode(runtime::Cell cell) {
    return Decision{runtime::cell_allows(cell), static_cast<std::uint16_t>(runtime::cell_reason(cell))};
  }
};

namespace {

std::shared_ptr<const Policy::Impl> build_impl(runtime::CompiledPolicy model) {
  auto impl = std::make_shared<Policy::Impl>();
  impl->model = std::move(model);
  const auto& policy = impl->model;
  for (std::size_t index = 0; index < policy.variables.size(); ++index) {
    const auto& variable = policy.variables[index];
    VariableClassifier classifier;
    classifier.kind = variable.kind;
    classifier.code_count = static_cast<Code>(variable.cell_count);
    std::string name;
    if (variable.kind == VariableKind::setting) {
      const auto& setting = policy.settings[variable.source];
      name = setting.name;
      classifier.default_on = setting.default_on;
    } else {
      const auto& attribute = policy.attributes[variable.source];
      name = attribute.name;
      classifier.type = attribute.type;
      classifier.values = runtime::ValueIndex(attribute.values);
      classifier.constants = variable.constants;
    }
    impl->variable_by_name.emplace(name, index);
    impl->variable_names.push_back(std::move(name));
    impl->classifiers.push_back(std::move(classifier));
  }
  for (const auto& classifier : impl->classifiers) impl->limits.push_back(classifier.code_count);
  impl->variable_count = impl->limits.size();
  impl->dense = policy.table.layout == runtime::DecisionTable::Layout::dense;
  if (impl->dense) {
    impl->strides.assign(policy.variables.size(), 1);
    for (std::size_t index = policy.variables.size(); index-- > 1;) {
      impl->strides[index - 1] = impl->strides[index] * policy.variables[index].cell_count;
    }
  }
  impl->cells = policy.table.cells.data();
  impl->words = policy.table.words.data();
  impl->root = policy.table.root;
  return impl;
}

}  // namespace

Result<Policy> Policy::from_bytes(std::string_view bytes) {
  auto model = runtime::read_artifact(bytes);
  if (!model) return model.error();
  return Policy(build_impl(std::move(*model)));
}

Result<Policy> Policy::load_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error{Error::Code::io, format_text("cannot read `{}`: {}", path, std::strerror(errno)), 0};
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  auto loaded = from_bytes(bytes);
  if (!loaded) {
    Error error = loaded.error();
    error.message = format_text("`{}`: {}", path, error.message);
    return error;
  }
  return loaded;
}

const std::string& Policy::name() const {
  return impl_->model.name;
}
const std::string& Policy::title() const {
  return impl_->model.title;
}
const std::string& Policy::version() const {
  return impl_->model.version;
}
namespace runtime {

const CompiledPolicy& PolicyAccess::compiled(const Policy& policy) {
  return policy.impl_->model;
}

const CompiledPolicy& compiled_of(const Policy& policy) {
  return PolicyAccess::compiled(policy);
}

}  // namespace runtime

std::size_t Policy::variable_count() const {
  return impl_->classifiers.size();
}

VariableDescription Policy::variable(std::size_t index) const {
  const VariableClassifier& classifier = impl_->classifiers[index];
  VariableDescription description;
  description.name = impl_->variable_names[index];
  description.code_count = classifier.code_count;
  if (classifier.kind == VariableKind::setting) {
    description.kind = VariableDescription::Kind::setting;
  } else {
    switch (classifier.type) {
      case AttributeType::enumeration: description.kind = VariableDescription::Kind::enumeration; break;
      case AttributeType::boolean: description.kind = VariableDescription::Kind::boolean; break;
      case AttributeType::time: description.kind = VariableDescription::Kind::time; break;
      case AttributeType::number: description.kind = VariableDescription::Kind::number; break;
    }
  }
  return description;
}

std::optional<std::size_t> Policy::find_variable(std::string_view name) const {
  const auto found = impl_->variable_by_name.find(std::string(name));
  if (found == impl_->variable_by_name.end()) return std::nullopt;
  return found->second;
}

std::size_t Policy::reason_count() const {
  return impl_->model.rules.size() + 1;
}

std::string_view Policy::reason_name(std::uint16_t reason) const {
  if (reason == 0) return "default";
  if (reason <= impl_->model.rules.size()) return impl_->model.rules[reason - 1].id;
  return "invalid_input";
}

std::string_view Policy::reason_description(std::uint16_t reason) const {
  if (reason == 0) return impl_->model.default_allow ? "default allow" : "default deny";
  if (reason <= impl_->model.rules.size()) return impl_->model.rules[reason - 1].description;
  return "the input could not be decided";
}

std::optional<std::uint16_t> Policy::find_reason(std::string_view name) const {
  for (std::uint16_t reason = 0; reason < reason_count(); ++reason) {
    if (reason_name(reason) == name) return reason;
  }
  return std::nullopt;
}

Code Policy::encode(std::size_t variable, const FieldValue& value) const {
  return impl_->classifiers[variable].code(value);
}

Code Policy::encode_consent(std::size_t variable, const FieldValue& value, bool* bad_value) const {
  return impl_->classifiers[variable].consent_code(value, bad_value);
}

Code Policy::encode_time(std::size_t variable, std::int64_t epoch_seconds) const {
  return encode(variable, FieldValue::from_number(static_cast<double>(epoch_seconds)));
}

void Policy::encode_instants(std::size_t variable, std::span<const std::int64_t> nanoseconds, Code* out) const {
  constexpr std::int64_t per_second = 1'000'000'000;
  const VariableClassifier& classifier = impl_->classifiers[variable];
  const bool time = classifier.kind != VariableKind::setting && classifier.type == AttributeType::time;
  for (std::size_t i = 0; i < nanoseconds.size(); ++i) {
    const std::int64_t instant = nanoseconds[i];
    if (instant == missing_instant) {
      out[i] = classifier.code(FieldValue::absent());
      continue;
    }
    std::int64_t seconds = instant / per_second;
    const std::int64_t fraction = instant % per_second;
    if (fraction < 0) --seconds;  // the second it falls in, before the epoch too
    if (!time) {
      out[i] = classifier.code(FieldValue::from_number(static_cast<double>(seconds) + (fraction != 0 ? 0.5 : 0.0)));
      continue;
    }
    // The time key of time_key_from_epoch: twice the second, plus one within it. No range
    // test: int64 nanoseconds span the years 1677 to 2262, inside the 0000 to 9999 read.
    out[i] = classifier.ordered_code(static_cast<double>(seconds * 2 + (fraction != 0 ? 1 : 0)));
  }
}

namespace {

// The dense index with the number of variables known at compile time, so that the loop
// unrolls into straight-line code. Every code's range is checked without a branch: a code
// out of range is the caller's mistake and must deny, never read another cell.
template <std::size_t Count>
[[gnu::always_inline]] inline bool dense_index(const Code* codes, const Code* limits, const std::uint32_t* strides,
                                               std::size_t count, std::uint32_t& index) {
  const std::size_t n = Count == 0 ? count : Count;  // 0: any count, as a loop
  bool in_range = true;
  std::uint32_t sum = 0;
  for (std::size_t v = 0; v < n; ++v) {
    in_range &= codes[v] < limits[v];
    sum += codes[v] * strides[v];
  }
  index = sum;
  return in_range;
}

}  // namespace

Decision Policy::decide(std::span<const Code> codes) const {
  const Impl& impl = *impl_;
  const Decision invalid{false, invalid_input_reason};
  const std::size_t count = impl.variable_count;
  if (codes.size() != count) [[unlikely]]
    return invalid;
  const Code* limits = impl.limits.data();
  if (impl.dense) [[likely]] {
    const std::uint32_t* strides = impl.strides.data();
    std::uint32_t index = 0;
    bool in_range = false;
    switch (count) {
      case 1: in_range = dense_index<1>(codes.data(), limits, strides, count, index); break;
      case 2: in_range = dense_index<2>(codes.data(), limits, strides, count, index); break;
      case 3: in_range = dense_index<3>(codes.data(), limits, strides, count, index); break;
      case 4: in_range = dense_index<4>(codes.data(), limits, strides, count, index); break;
      case 5: in_range = dense_index<5>(codes.data(), limits, strides, count, index); break;
      case 6: in_range = dense_index<6>(codes.data(), limits, strides, count, index); break;
      case 7: in_range = dense_index<7>(codes.data(), limits, strides, count, index); break;
      case 8: in_range = dense_index<8>(codes.data(), limits, strides, count, index); break;
      default: in_range = dense_index<0>(codes.data(), limits, strides, count, index); break;
    }
    return in_range ? Impl::decode(impl.cells[index]) : invalid;
  }
  // Every code, not only those on the walk's path: a code out of range is denied on either
  // layout, whichever variables the record's path happens to test.
  bool in_range = true;
  for (std::size_t v = 0; v < count; ++v) in_range &= codes[v] < limits[v];
  if (!in_range) return invalid;
  std::uint32_t at = impl.root;
  const std::uint32_t* words = impl.words;
  while ((at & runtime::terminal_bit) == 0) at = words[at + 1 + codes[words[at]]];
  return Impl::decode(static_cast<runtime::Cell>(at & 0xFFFF));
}

Decision Policy::decide(std::span<const FieldValue> fields) const {
  const std::size_t count = impl_->classifiers.size();
  if (fields.size() != count) return Decision{false, invalid_input_reason};
  Code stack_codes[stack_variables];
  std::vector<Code> heap_codes;
  Code* codes = stack_codes;
  if (count > stack_variables) {
    heap_codes.resize(count);
    codes = heap_codes.data();
  }
  const VariableClassifier* classifiers = impl_->classifiers.data();
  for (std::size_t v = 0; v < count; ++v) codes[v] = classifiers[v].code(fields[v]);
  return decide(std::span<const Code>(codes, count));
}

namespace {

void accumulate_column(const Code* __restrict column, std::size_t count, std::uint32_t stride, Code limit,
                       std::uint32_t* __restrict indices, std::uint32_t* __restrict out_of_range) {
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t code = column[i];
    out_of_range[i] |= code >= limit ? 1U : 0U;
    indices[i] += code * stride;
  }
}

}  // namespace

void Policy::decide_batch(std::span<const Code* const> columns, std::size_t rows, Decision* decisions) const {
  const Impl& impl = *impl_;
  if (columns.size() != impl.classifiers.size()) {
    std::fill(decisions, decisions + rows, Decision{false, invalid_input_reason});
    return;
  }
  if (!impl.dense) {
    Code stack_codes[stack_variables];
    std::vector<Code> codes(columns.size());
    Code* row_codes = columns.size() <= stack_variables ? stack_codes : codes.data();
    for (std::size_t row = 0; row < rows; ++row) {
      for (std::size_t v = 0; v < columns.size(); ++v) row_codes[v] = columns[v][row];
      decisions[row] = decide(std::span<const Code>(row_codes, columns.size()));
    }
    return;
  }
  // Dense: accumulate each row's index column by column, which streams through memory and
  // vectorizes (both arrays 32-bit wide, the inner loop free of branches); a row with a code
  // out of range is marked and decided as invalid input.
  constexpr std::size_t chunk = 256;
  alignas(64) std::uint32_t indices[chunk];
  alignas(64) std::uint32_t out_of_range[chunk];
  const runtime::Cell* cells = impl.cells;
  for (std::size_t first = 0; first < rows; first += chunk) {
    const std::size_t count = std::min(chunk, rows - first);
    std::fill(indices, indices + count, 0U);
    std::fill(out_of_range, out_of_range + count, 0U);
    for (std::size_t v = 0; v < columns.size(); ++v) {
      accumulate_column(columns[v] + first, count, impl.strides[v], impl.limits[v], indices, out_of_range);
    }
    for (std::size_t i = 0; i < count; ++i) {
      decisions[first + i] =
          out_of_range[i] != 0 ? Decision{false, invalid_input_reason} : Impl::decode(cells[indices[i]]);
    }
  }
}

}  // namespace usegate

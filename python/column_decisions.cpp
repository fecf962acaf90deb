#include "column_decisions.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <limits>
#include <thread>

#include "usegate/records/purposes.hpp"
#include "usegate/records/record_stream.hpp"
#include "usegate/records/subject_key.hpp"
#include "usegate/runtime/encoding.hpp"

namespace usegate::python {
namespace {

constexpr std::int64_t nanoseconds_per_second = 1'000'000'000;

template <typename Integer>
std::int64_t category_code_at(const void* data, std::size_t row) {
  return static_cast<std::int64_t>(static_cast<const Integer*>(data)[row]);
}

std::int64_t category_code(const InputColumn& column, std::size_t row) {
  switch (column.code_bytes) {
    case 1: return category_code_at<std::int8_t>(column.data, row);
    case 2: return category_code_at<std::int16_t>(column.data, row);
    case 4: return category_code_at<std::int32_t>(column.data, row);
    default: return category_code_at<std::int64_t>(column.data, row);
  }
}

bool masked(const InputColumn& column, std::size_t row) {
  return column.mask != nullptr && column.mask[row] != 0;
}

// An instant as ISO-8601 text, as a JSON Lines writer gives a datetime (`date_format="iso"`).
std::string_view instant_text(std::int64_t nanoseconds, std::string& buffer) {
  std::int64_t seconds = nanoseconds / nanoseconds_per_second;
  std::int64_t fraction = nanoseconds % nanoseconds_per_second;
  if (fraction < 0) {
    fraction += nanoseconds_per_second;
    --seconds;
  }
  const auto time = static_cast<std::time_t>(seconds);
  std::tm parts{};
  char text[64];
  std::size_t size = 0;
  if (::gmtime_r(&time, &parts) != nullptr) size = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
  buffer.assign(text, size);
  if (fraction != 0) {
    char digits[16];
    std::snprintf(digits, sizeof digits, ".%09lld", static_cast<long long>(fraction));
    buffer += digits;
  }
  buffer += 'Z';
  return buffer;
}

// An instant as epoch seconds for a time variable: whole seconds exactly; a fraction of a
// second counts as after its second (`.5` stands for any fraction, as the time key does).
double instant_key(std::int64_t nanoseconds) {
  std::int64_t seconds = nanoseconds / nanoseconds_per_second;
  std::int64_t fraction = nanoseconds % nanoseconds_per_second;
  if (fraction < 0) {
    fraction += nanoseconds_per_second;
    --seconds;
  }
  return static_cast<double>(seconds) + (fraction != 0 ? 0.5 : 0.0);
}

// A cell as a field value. An instant reads as text here, which for a setting's value is all
// that matters: neither `on` nor `off`.
FieldValue field_of(const Cell& cell) {
  switch (cell.type) {
    case records::ValueType::null: return FieldValue::null();
    case records::ValueType::boolean: return FieldValue::from_bool(cell.boolean);
    case records::ValueType::number: return FieldValue::from_number(cell.number);
    case records::ValueType::string: return FieldValue::from_string(cell.text);
    case records::ValueType::composite: return FieldValue::other();
  }
  return FieldValue::other();
}

// A subject id's key, as the record decoder keys the field it reads it from.
bool subject_key_of(const Cell& cell, std::string& key, std::string& buffer) {
  if (cell.instant) {
    records::subject_key_from_string(instant_text(cell.whole, buffer), key);
    return true;
  }
  if (cell.type == records::ValueType::string) {
    records::subject_key_from_string(cell.text, key);
    return true;
  }
  return cell.type == records::ValueType::number && records::subject_key_from_number(number_token(cell, buffer), key);
}

}  // namespace

Cell cell_at(const InputColumn& column, std::size_t row) {
  Cell cell;
  switch (column.kind) {
    case InputColumn::Kind::cells: return column.cells[row - column.cells_first_row];
    case InputColumn::Kind::category: {
      const std::int64_t code = category_code(column, row);
      if (code < 0 || static_cast<std::size_t>(code) >= column.category_cells.size()) return cell;
      return column.category_cells[static_cast<std::size_t>(code)];
    }
    case InputColumn::Kind::floating: {
      const double value = static_cast<const double*>(column.data)[row];
      if (std::isnan(value)) return cell;
      cell.type = records::ValueType::number;
      cell.number = value;
      return cell;
    }
    case InputColumn::Kind::integer: {
      if (masked(column, row)) return cell;
      cell.type = records::ValueType::number;
      cell.integer = true;
      cell.whole = static_cast<const std::int64_t*>(column.data)[row];
      cell.number = static_cast<double>(cell.whole);
      return cell;
    }
    case InputColumn::Kind::boolean: {
      if (masked(column, row)) return cell;
      cell.type = records::ValueType::boolean;
      cell.boolean = static_cast<const std::uint8_t*>(column.data)[row] != 0;
      return cell;
    }
    case InputColumn::Kind::datetime: {
      // Read as its ISO-8601 text would be; the attribute reader turns it into text when it
      // must (a value map, or a variable that is not a time).
      const std::int64_t nanoseconds = static_cast<const std::int64_t*>(column.data)[row];
      if (nanoseconds == std::numeric_limits<std::int64_t>::min()) return cell;
      cell.type = records::ValueType::string;
      cell.instant = true;
      cell.whole = nanoseconds;
      return cell;
    }
  }
  return cell;
}

std::string_view number_token(const Cell& cell, std::string& buffer) {
  char text[64];
  if (cell.integer) {
    const auto end = std::to_chars(text, text + sizeof text, cell.whole).ptr;
    buffer.assign(text, end);
    return buffer;
  }
  const auto end = std::to_chars(text, text + sizeof text, cell.number).ptr;
  buffer.assign(text, end);
  // Python writes a whole float with `.0`; to_chars leaves it out.
  if (buffer.find_first_of(".en") == std::string::npos) buffer += ".0";
  // Python writes exponents with at least two digits (`1e-05`), as to_chars does.
  return buffer;
}

ColumnDecider::ColumnDecider(const Policy& policy, const records::Bindings& bindings,
                             const records::ConsentLedger* ledger, std::int64_t now,
                             std::optional<std::size_t> purpose_variable, std::vector<Code> purposes,
                             std::vector<InputColumn>& columns)
    : policy_(policy),
      ledger_(ledger),
      purpose_variable_(purpose_variable),
      purposes_(std::move(purposes)),
      fixed_codes_(policy.variable_count(), runtime::missing_code) {
  const auto column_named = [&columns](const records::FieldPath& path) -> const InputColumn* {
    if (path.empty()) return nullptr;
    std::string name;
    for (const auto& key : path) name += (name.empty() ? "" : ".") + key;
    for (const auto& column : columns) {
      if (column.name == name) return &column;
    }
    return nullptr;
  };
  if (const auto now_variable = policy.find_variable("now")) {
    fixed_codes_[*now_variable] = policy.encode_time(*now_variable, now);
  }
  for (const auto& binding : bindings.attributes) {
    if (!binding.variable) continue;  // the policy never tests it
    if (binding.constant) {
      fixed_codes_[*binding.variable] = records::constant_code(policy, binding);
      continue;
    }
    AttributeInput input{records::AttributeReader(policy, binding), column_named(binding.path), {}, 0};
    if (input.column == nullptr) continue;  // no such column: missing, as an absent field
    input.missing_code = attribute_code(input.reader, Cell{});
    if (input.column->kind == InputColumn::Kind::category) {
      for (const Cell& category : input.column->category_cells) {
        input.category_codes.push_back(attribute_code(input.reader, category));
      }
    }
    attributes_.push_back(std::move(input));
  }
  for (std::size_t index = 0; index < bindings.settings.size(); ++index) {
    const auto& binding = bindings.settings[index];
    SettingInput input{index, binding.variable, {}, column_named(binding.key_path), {}, 0};
    if (!binding.path.empty()) {
      input.recorded.push_back(column_named(binding.path));
      for (const auto& former : binding.former_paths) input.recorded.push_back(column_named(former));
    }
    const bool recorded_nowhere =
        std::all_of(input.recorded.begin(), input.recorded.end(), [](const InputColumn* c) { return c == nullptr; });
    if (ledger == nullptr && recorded_nowhere) {
      // The same for every row: the setting's default.
      fixed_codes_[binding.variable] = records::setting_code(policy, index, binding.variable, {}).code;
      continue;
    }
    if (ledger == nullptr && input.recorded.size() == 1 && input.recorded[0] != nullptr &&
        input.recorded[0]->kind == InputColumn::Kind::category) {
      const auto code_of = [&](const Cell& cell) {
        const FieldValue value = field_of(cell);
        records::SettingInputs inputs;
        inputs.recorded = std::span<const FieldValue>(&value, 1);
        return records::setting_code(policy, index, binding.variable, inputs).code;
      };
      input.missing_code = code_of(Cell{});
      for (const Cell& category : input.recorded[0]->category_cells) input.category_codes.push_back(code_of(category));
    }
    settings_.push_back(std::move(input));
  }
}

std::vector<std::string> ColumnDecider::field_names(const records::Bindings& bindings) {
  std::vector<std::string> names;
  const auto add = [&names](const records::FieldPath& path) {
    if (path.empty()) return;
    std::string name;
    for (const auto& key : path) name += (name.empty() ? "" : ".") + key;
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
  };
  for (const auto& binding : bindings.attributes) {
    if (binding.variable && !binding.constant) add(binding.path);
  }
  for (const auto& binding : bindings.settings) {
    add(binding.path);
    for (const auto& former : binding.former_paths) add(former);
    add(binding.key_path);
  }
  return names;
}

Code ColumnDecider::attribute_code(const records::AttributeReader& reader, const Cell& cell) {
  std::string buffer;
  if (cell.instant) {
    // An instant. A time variable reads it as the instant its text names, unless the binding
    // reads only numbers; anything else reads its text.
    if (reader.kind() == VariableDescription::Kind::time && !reader.maps_values()) {
      const auto format = reader.time_format();
      if (format == records::TimeFormat::epoch_seconds || format == records::TimeFormat::epoch_milliseconds) {
        return reader.read(records::ValueType::string, FieldValue::other());
      }
      return reader.read(records::ValueType::number, FieldValue::from_number(instant_key(cell.whole)));
    }
    const std::string_view text = instant_text(cell.whole, buffer);
    return reader.read(records::ValueType::string, FieldValue::from_string(text));
  }
  if (cell.type == records::ValueType::number && reader.maps_values()) {
    return reader.read(cell.type, field_of(cell), number_token(cell, buffer));
  }
  return reader.read(cell.type, field_of(cell));
}

namespace {

// Category codes to variable codes through a table, a code width at a time.
template <typename Integer>
void look_up(const void* data, std::size_t first, std::size_t count, const std::vector<Code>& table, Code missing,
             Code* out) {
  const Integer* codes = static_cast<const Integer*>(data) + first;
  const auto size = static_cast<std::int64_t>(table.size());
  for (std::size_t i = 0; i < count; ++i) {
    const auto code = static_cast<std::int64_t>(codes[i]);
    out[i] = code >= 0 && code < size ? table[static_cast<std::size_t>(code)] : missing;
  }
}

void look_up_categories(const InputColumn& column, std::size_t first, std::size_t count, const std::vector<Code>& table,
                        Code missing, Code* out) {
  switch (column.code_bytes) {
    case 1: look_up<std::int8_t>(column.data, first, count, table, missing, out); break;
    case 2: look_up<std::int16_t>(column.data, first, count, table, missing, out); break;
    case 4: look_up<std::int32_t>(column.data, first, count, table, missing, out); break;
    default: look_up<std::int64_t>(column.data, first, count, table, missing, out); break;
  }
}

}  // namespace

void ColumnDecider::attribute_codes(const AttributeInput& input, std::size_t first, std::size_t count, Code* out,
                                    TextCodeCache& cache) const {
  const InputColumn& column = *input.column;
  if (column.kind == InputColumn::Kind::category) {
    look_up_categories(column, first, count, input.category_codes, input.missing_code, out);
    return;
  }
  if (column.kind == InputColumn::Kind::cells) {
    const Cell* cells = column.cells.data() + (first - column.cells_first_row);
    for (std::size_t i = 0; i < count; ++i) {
      const Cell& cell = cells[i];
      if (cell.type != records::ValueType::string || cell.instant) {
        out[i] = attribute_code(input.reader, cell);
        continue;
      }
      out[i] = cache.find_or_add(cell.text, [&] { return attribute_code(input.reader, cell); });
    }
    return;
  }
  const auto format = input.reader.time_format();
  if (column.kind == InputColumn::Kind::datetime && input.reader.kind() == VariableDescription::Kind::time &&
      !input.reader.maps_values() &&
      (format == records::TimeFormat::automatic || format == records::TimeFormat::iso8601)) {
    // Instants straight to their codes in one call, as attribute_code reads each one; NaT reads
    // as missing, which is what such a binding (no value map) reads for an absent field.
    const auto* nanoseconds = static_cast<const std::int64_t*>(column.data) + first;
    policy_.encode_instants(input.reader.variable(), std::span(nanoseconds, count), out);
    return;
  }
  for (std::size_t i = 0; i < count; ++i) out[i] = attribute_code(input.reader, cell_at(column, first + i));
}

void ColumnDecider::setting_codes(const SettingInput& setting, std::size_t first, std::size_t count, Code* out,
                                  TextCodeCache& cache) const {
  if (!setting.category_codes.empty()) {
    look_up_categories(*setting.recorded[0], first, count, setting.category_codes, setting.missing_code, out);
    return;
  }
  if (ledger_ == nullptr && setting.recorded.size() == 1 && setting.recorded[0] != nullptr &&
      setting.recorded[0]->kind == InputColumn::Kind::cells) {
    // One column of Python values and no consent changes: strings remembered by address.
    const InputColumn& column = *setting.recorded[0];
    const Cell* cells = column.cells.data() + (first - column.cells_first_row);
    const auto code_of = [&](const Cell& cell) {
      const FieldValue value = field_of(cell);
      records::SettingInputs inputs;
      inputs.recorded = std::span<const FieldValue>(&value, 1);
      return records::setting_code(policy_, setting.setting, setting.variable, inputs).code;
    };
    for (std::size_t i = 0; i < count; ++i) {
      const Cell& cell = cells[i];
      if (cell.type != records::ValueType::string) {
        out[i] = code_of(cell);
        continue;
      }
      out[i] = cache.find_or_add(cell.text, [&] { return code_of(cell); });
    }
    return;
  }
  std::vector<FieldValue> recorded(setting.recorded.size());
  std::string key;
  std::string buffer;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t row = first + i;
    for (std::size_t slot = 0; slot < recorded.size(); ++slot) {
      const InputColumn* source = setting.recorded[slot];
      recorded[slot] = source != nullptr ? field_of(cell_at(*source, row)) : FieldValue::absent();
    }
    records::SettingInputs inputs;
    inputs.ledger = ledger_;
    inputs.recorded = recorded;
    if (ledger_ != nullptr && setting.subject != nullptr &&
        subject_key_of(cell_at(*setting.subject, row), key, buffer)) {
      inputs.subject_key = &key;
    }
    out[i] = records::setting_code(policy_, setting.setting, setting.variable, inputs).code;
  }
}

void ColumnDecider::decide_range(std::size_t first, std::size_t last, std::uint8_t* allowed,
                                 std::uint16_t* reasons) const {
  // A chunk at a time, column by column: the codes stay in the cache and decide_batch reads
  // them as it is made to.
  constexpr std::size_t chunk = 4096;
  const std::size_t variables = policy_.variable_count();
  std::vector<Code> codes(variables * chunk);
  std::vector<const Code*> columns(variables);
  std::vector<Decision> decisions(chunk);
  std::vector<Code> row_codes(variables);
  std::vector<TextCodeCache> caches(attributes_.size() + settings_.size());
  for (std::size_t start = first; start < last; start += chunk) {
    const std::size_t count = std::min(chunk, last - start);
    for (std::size_t v = 0; v < variables; ++v) {
      columns[v] = codes.data() + v * chunk;
      std::fill_n(codes.data() + v * chunk, count, fixed_codes_[v]);
    }
    for (std::size_t index = 0; index < attributes_.size(); ++index) {
      const AttributeInput& input = attributes_[index];
      attribute_codes(input, start, count, codes.data() + input.reader.variable() * chunk, caches[index]);
    }
    for (std::size_t index = 0; index < settings_.size(); ++index) {
      const SettingInput& setting = settings_[index];
      setting_codes(setting, start, count, codes.data() + setting.variable * chunk, caches[attributes_.size() + index]);
    }
    if (purposes_.empty() || !purpose_variable_) {
      policy_.decide_batch(columns, count, decisions.data());
    } else {
      for (std::size_t i = 0; i < count; ++i) {
        for (std::size_t v = 0; v < variables; ++v) row_codes[v] = codes[v * chunk + i];
        decisions[i] = records::decide_for_purposes(policy_, row_codes, purpose_variable_, purposes_);
      }
    }
    const auto reason_count = static_cast<std::uint16_t>(policy_.reason_count());
    for (std::size_t i = 0; i < count; ++i) {
      allowed[start + i] = decisions[i].allowed ? 1 : 0;
      reasons[start + i] = decisions[i].reason == Policy::invalid_input_reason ? reason_count : decisions[i].reason;
    }
  }
}

void ColumnDecider::decide_rows(std::size_t first, std::size_t last, unsigned threads, std::uint8_t* allowed,
                                std::uint16_t* reasons) const {
  const std::size_t rows = last - first;
  // A thread gets at least this many rows: fewer would cost more to start than they save.
  constexpr std::size_t least_rows_per_thread = 8192;
  const auto used =
      static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(threads, rows / least_rows_per_thread)));
  if (used <= 1) {
    decide_range(first, last, allowed, reasons);
    return;
  }
  std::vector<std::thread> workers;
  const std::size_t share = (rows + used - 1) / used;
  for (unsigned t = 1; t < used; ++t) {
    const std::size_t begin = first + t * share;
    const std::size_t end = std::min(last, begin + share);
    if (begin >= end) break;
    workers.emplace_back([this, begin, end, allowed, reasons] { decide_range(begin, end, allowed, reasons); });
  }
  decide_range(first, std::min(last, first + share), allowed, reasons);
  for (auto& worker : workers) worker.join();
}

}  // namespace usegate::python

#pragma once
// Deciding columns of records (a DataFrame, or arrays by field name) as `eval` decides the
// same records written as JSON Lines: each column feeds the bindings' field of its name, and
// every value is read by the shared field rules (usegate/records/field_rules.hpp).
//
// Nothing here touches Python: the module reads Python objects into cells beforehand, holding
// the interpreter lock, and calls decide_rows without it.

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "usegate/records/bindings.hpp"
#include "usegate/records/consent_ledger.hpp"
#include "usegate/records/field_rules.hpp"
#include "usegate/usegate.hpp"

namespace usegate::python {

// One value of a record, as JSON would hold it.
struct Cell {
  records::ValueType type = records::ValueType::null;
  bool boolean = false;
  bool integer = false;  // a number that is an integer: `whole` holds it exactly
  // A datetime (type string: it reads as its ISO-8601 text would): `whole` holds its
  // nanoseconds since the epoch, UTC.
  bool instant = false;
  std::int64_t whole = 0;
  double number = 0;
  std::string_view text;  // strings: UTF-8, owned by the Python object
};

// A column in one of the layouts arrays come in.
struct InputColumn {
  enum class Kind : std::uint8_t {
    cells,     // Python objects, read into `cells` a block at a time
    category,  // `category_codes` (-1: missing) into `category_cells`
    floating,  // float64; NaN is missing
    integer,   // int64, `mask` marks missing rows
    boolean,   // one byte per row, `mask` marks missing rows
    datetime,  // int64 nanoseconds since the epoch, UTC; INT64_MIN (NaT) is missing
  };
  std::string name;
  Kind kind = Kind::cells;
  const void* data = nullptr;
  const std::uint8_t* mask = nullptr;
  std::vector<Cell> cells;  // Kind::cells: the current block, from its first row
  std::size_t cells_first_row = 0;
  std::vector<Cell> category_cells;  // Kind::category: one per category
  int code_bytes = 8;                // Kind::category: the width of a code
};

// The value of a column at a row.
[[nodiscard]] Cell cell_at(const InputColumn& column, std::size_t row);

// A number as JSON writes it (a value map matches on it, a subject id keys by it): an integer
// in decimal, any other number as Python's `json.dumps` writes it (`1.5`, `1e-05`, `2.0`).
[[nodiscard]] std::string_view number_token(const Cell& cell, std::string& buffer);

// How a policy reads columns, made once per call: which column feeds which variable.
class ColumnDecider {
 public:
  ColumnDecider(const Policy& policy, const records::Bindings& bindings, const records::ConsentLedger* ledger,
                std::int64_t now, std::optional<std::size_t> purpose_variable, std::vector<Code> purposes,
                std::vector<InputColumn>& columns);

  // The field names the bindings read, each once: what a column must be named to be read.
  [[nodiscard]] static std::vector<std::string> field_names(const records::Bindings& bindings);

  // Decides rows [first, last) into `allowed` and `reasons` (indexed by row), on `threads`
  // threads. Reasons are Policy reason numbers, invalid_input as reason_count().
  void decide_rows(std::size_t first, std::size_t last, unsigned threads, std::uint8_t* allowed,
                   std::uint16_t* reasons) const;

 private:
  struct AttributeInput {
    records::AttributeReader reader;
    const InputColumn* column;
    std::vector<Code> category_codes;  // per category, classified once
    Code missing_code = 0;             // of a missing value
  };
  struct SettingInput {
    std::size_t setting;
    std::size_t variable;
    std::vector<const InputColumn*> recorded;  // own name, then former names; null when absent
    const InputColumn* subject;                // null when absent
    // Without consent changes, a setting read from one category column: its code per
    // category, classified once, and of a missing value. Empty otherwise.
    std::vector<Code> category_codes;
    Code missing_code = 0;
  };
  // The codes of strings seen last. First by where their text lies: a Python string's UTF-8
  // text stays put while the string lives, so the same address is the same string, and
  // DataFrames often share one string object among equal values (pyarrow's to_pandas
  // deduplicates them). Then by content, for equal values held by distinct objects. Either
  // way a code is a function of the text alone, so a remembered one is exact.
  struct TextCodeCache {
    static constexpr std::size_t size = 256;
    static constexpr std::size_t longest = 30;  // longer texts are classified every time
    struct ByContent {
      std::array<char, longest> text{};
      std::uint8_t length = 0xFF;  // none yet
      Code code = 0;
    };
    std::array<const char*, size> addresses{};
    std::array<std::size_t, size> address_lengths{};
    std::array<Code, size> address_codes{};
    std::array<ByContent, size> contents{};

    template <typename Compute>
    Code find_or_add(std::string_view text, const Compute& compute) {
      const std::size_t slot = (reinterpret_cast<std::uintptr_t>(text.data()) * 0x9E3779B97F4A7C15ULL) >> 56;
      if (addresses[slot] == text.data() && address_lengths[slot] == text.size()) return address_codes[slot];
      Code code = 0;
      if (text.size() <= longest) {
        ByContent& entry = contents[std::hash<std::string_view>{}(text) % size];
        if (entry.length == text.size() && std::memcmp(entry.text.data(), text.data(), text.size()) == 0) {
          code = entry.code;
        } else {
          code = compute();
          std::memcpy(entry.text.data(), text.data(), text.size());
          entry.length = static_cast<std::uint8_t>(text.size());
          entry.code = code;
        }
      } else {
        code = compute();
      }
      addresses[slot] = text.data();
      address_lengths[slot] = text.size();
      address_codes[slot] = code;
      return code;
    }
  };

  void decide_range(std::size_t first, std::size_t last, std::uint8_t* allowed, std::uint16_t* reasons) const;
  void attribute_codes(const AttributeInput& input, std::size_t first, std::size_t count, Code* out,
                       TextCodeCache& cache) const;
  void setting_codes(const SettingInput& input, std::size_t first, std::size_t count, Code* out,
                     TextCodeCache& cache) const;
  [[nodiscard]] static Code attribute_code(const records::AttributeReader& reader, const Cell& cell);

  const Policy& policy_;
  const records::ConsentLedger* ledger_;
  std::optional<std::size_t> purpose_variable_;
  std::vector<Code> purposes_;
  std::vector<Code> fixed_codes_;  // per variable: the code of rows no column changes
  std::vector<AttributeInput> attributes_;
  std::vector<SettingInput> settings_;
};

}  // namespace usegate::python

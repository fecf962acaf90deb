#pragma once
// Text that YAML readers must read back as text. A YAML 1.1 reader (PyYAML, the YAML of many
// CI systems) turns plain `on`, `off`, `yes`, `no`, `y`, `n`, `true` into booleans,
// `2024-08-08` into a date, `1e3`, `0x1F`, `1:20` or `.5` into numbers and `~` or `null`
// into nothing; a YAML 1.2 reader reads some of them the same way. Such a value, a setting's
// `on` or a policy's version, must be written in quotes.

#include <string_view>

namespace usegate::cli {

// True when a plain (unquoted) `text` could be read as anything but that text: a boolean,
// null, a number, a date or time, a merge or value key, or the empty string. Errs on the side
// of quoting: anything that starts like a number is quoted.
[[nodiscard]] bool yaml_needs_quotes(std::string_view text);

}  // namespace usegate::cli

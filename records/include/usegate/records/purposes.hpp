#pragma once
// Deciding a record for other purposes than its own (`--purpose training,fine_tuning`): the
// purposes as codes of one policy, which records::decide_for_purposes decides for.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "usegate/usegate.hpp"

namespace usegate::records {

// The enum attribute whose values `--purpose` names, in every command that takes it.
inline constexpr const char* purpose_attribute = "purpose";

// No codes: the record's own purpose.
struct PurposeCodes {
  std::optional<std::size_t> variable;
  std::vector<Code> codes;
};

// For a policy compared with one the names were checked against: a name the policy does not
// declare reads as `unknown`, and a policy that does not test the purpose ignores it.
[[nodiscard]] PurposeCodes purposes_as_read_by(const Policy& policy, const std::vector<std::string>& names);

}  // namespace usegate::records

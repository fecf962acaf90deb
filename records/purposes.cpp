#include "usegate/records/purposes.hpp"

namespace usegate::records {

PurposeCodes purposes_as_read_by(const Policy& policy, const std::vector<std::string>& names) {
  const auto variable = policy.find_variable(purpose_attribute);
  if (!variable || policy.variable(*variable).kind != VariableDescription::Kind::enumeration) return {};
  PurposeCodes purposes{variable, {}};
  for (const auto& name : names) purposes.codes.push_back(policy.encode(*variable, FieldValue::from_string(name)));
  return purposes;
}

}  // namespace usegate::records

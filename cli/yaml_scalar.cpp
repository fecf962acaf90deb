#include "yaml_scalar.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace usegate::cli {

bool yaml_needs_quotes(std::string_view text) {
  if (text.empty()) return true;
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // YAML 1.1 booleans and nulls (any case: the specification lists three spellings of each,
  // readers differ in which they accept), and the merge and value keys.
  for (const char* word : {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~", "<<", "="}) {
    if (lower == word) return true;
  }
  // Numbers, dates and times in any notation start with a digit, or with a sign or a dot
  // before one; and `.inf`, `-.inf`, `.nan`.
  const auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  if (digit(text[0])) return true;
  if ((text[0] == '+' || text[0] == '-' || text[0] == '.') && text.size() > 1 && (digit(text[1]) || text[1] == '.')) {
    return true;
  }
  for (const char* special : {".inf", "+.inf", "-.inf", ".nan"}) {
    if (lower == special) return true;
  }
  return false;
}

}  // namespace usegate::cli

#pragma once
// One message for every place the grammar insists on something (`must<>` and `raise<>`).
// The parser appends what it found instead (", found `purpose`").

#include "grammar.hpp"

namespace usegate::dsl::grammar {

template <typename Rule>
inline constexpr const char* error_message = nullptr;

// Where the message already says everything, the parser does not add what it found.
template <typename Rule>
inline constexpr bool shows_found_token = true;

// Help text printed under the diagnostic, for the few errors that need one.
template <typename Rule>
inline constexpr const char* error_help = nullptr;

// clang-format off
template <> inline constexpr const char* error_message<string_end> = "unterminated string";
template <> inline constexpr bool shows_found_token<string_end> = false;
template <> inline constexpr const char* error_help<string_end> = "a string ends with `\"` on the line it starts";
template <> inline constexpr const char* error_message<bad_string_escape> = "unknown escape sequence in string";
template <> inline constexpr bool shows_found_token<bad_string_escape> = false;
template <> inline constexpr const char* error_help<bad_string_escape> = "the only escapes are `\\\"` and `\\\\`";

template <> inline constexpr const char* error_message<set_value> = "expected a value after `,`";
template <> inline constexpr const char* error_message<set_close> = "expected `,` or `}` in the value set";
template <> inline constexpr const char* error_message<compared_value> = "expected a value after the comparison operator";
template <> inline constexpr const char* error_message<single_equals> = "`=` is not an operator";
template <> inline constexpr bool shows_found_token<single_equals> = false;
template <> inline constexpr const char* error_help<single_equals> = "write `==` to compare";
template <> inline constexpr const char* error_message<membership_set> = "expected `{` and a list of values after `in`";
template <> inline constexpr const char* error_message<in_after_not> = "expected `in` after `not`";
template <> inline constexpr const char* error_message<state_word> = "expected `missing`, `unknown` or `known` after `is`";
template <> inline constexpr const char* error_message<consent_setting_name> = "expected a setting name after `consent`";
template <> inline constexpr const char* error_message<parenthesized_condition> = "expected a condition after `(`";
template <> inline constexpr const char* error_message<parenthesis_close> = "expected `)`";
template <> inline constexpr const char* error_message<negated_operand> = "expected a condition after `not`";
template <> inline constexpr const char* error_message<and_operand> = "expected a condition after `and`";
template <> inline constexpr const char* error_message<or_operand> = "expected a condition after `or`";

template <> inline constexpr const char* error_message<policy_name> = "expected a policy name after `policy`";
template <> inline constexpr const char* error_message<version_text> = "expected a version after `version`";
template <> inline constexpr const char* error_message<source_text> = "expected a quoted source after `source`";
template <> inline constexpr const char* error_message<enum_name> = "expected an enum name after `enum`";
template <> inline constexpr const char* error_message<enum_open> = "expected `{` after the enum name";
template <> inline constexpr const char* error_message<enum_value> = "expected an enum value";
template <> inline constexpr const char* error_message<enum_close> = "expected `,` or `}` in the enum values";
template <> inline constexpr const char* error_message<attribute_name> = "expected an attribute name";

template <> inline constexpr const char* error_message<setting_name> = "expected a setting name after `setting`";
template <> inline constexpr const char* error_message<setting_open> = "expected `{` after the setting name";
template <> inline constexpr const char* error_message<setting_close> = "expected a setting field (`label`, `default`, `covers`, `available`, `formerly`) or `}`";
template <> inline constexpr const char* error_message<label_text> = "expected a quoted label after `label`";
template <> inline constexpr const char* error_message<switch_value> = "expected `on` or `off` after `default`";
template <> inline constexpr const char* error_message<covers_condition> = "expected a condition after `covers`";
template <> inline constexpr const char* error_message<covers_end> = "expected `and`, `or`, `;` or the next setting field after the condition";
template <> inline constexpr const char* error_message<on_after_available> = "expected `on` after `available`";
template <> inline constexpr const char* error_message<platform_set> = "expected `{` and a list of platforms after `available on`";
template <> inline constexpr const char* error_message<platform_name> = "expected a platform after `,`";
template <> inline constexpr const char* error_message<platform_close> = "expected `,` or `}` in the platform list";
template <> inline constexpr const char* error_message<from_date> = "expected a date after `from`";
template <> inline constexpr const char* error_message<until_date> = "expected a date after `until`";
template <> inline constexpr const char* error_message<former_name> = "expected the setting's former name after `formerly`";

template <> inline constexpr const char* error_message<rule_id> = "expected a rule id after `allow` or `deny`";
template <> inline constexpr const char* error_message<when_keyword> = "expected `when` after rule id";
template <> inline constexpr const char* error_message<when_condition> = "expected a condition after `when`";
template <> inline constexpr const char* error_message<rule_end> = "expected `and`, `or` or a new declaration after the condition";
template <> inline constexpr const char* error_message<default_effect> = "expected `allow` or `deny` after `default`";
template <> inline constexpr const char* error_message<assertion_id> = "expected an assertion id after `assert`";
template <> inline constexpr const char* error_message<assertion_kind> = "expected `never` or `always` after the assertion id";
template <> inline constexpr const char* error_help<assertion_kind> = "an assertion reads `assert ID \"description\" never allow when CONDITION`, or `always allow`";
template <> inline constexpr const char* error_message<allow_after_kind> = "expected `allow` after `never` or `always`";
template <> inline constexpr const char* error_message<assertion_when> = "expected `when` after `never allow` or `always allow`";
template <> inline constexpr const char* error_message<assertion_condition> = "expected a condition after `when`";
template <> inline constexpr const char* error_message<assertion_end> = "expected `and`, `or` or a new declaration after the condition";
template <> inline constexpr const char* error_message<declaration> = "expected a declaration (`policy`, `version`, `source`, `enum`, `time`, `number`, `bool`, `setting`, `allow`, `deny`, `default`, `assert`)";
// clang-format on

}  // namespace usegate::dsl::grammar

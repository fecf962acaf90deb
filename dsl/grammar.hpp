#pragma once
// The grammar of `.policy` files (language v1), as PEGTL rules. It reads top-down like the
// language reference in docs/language.md. Every `must<>` point has an entry in
// dsl/syntax_errors.hpp; a missing one fails to compile, so no syntax error ever shows a
// rule's name to a policy author.
//
// Rules that only give a place its own error message ("expected a rule id after `allow`")
// derive from a shared rule; the parser's actions are attached to those context rules.

#include <tao/pegtl.hpp>

namespace usegate::dsl::grammar {

using namespace tao::pegtl;

// ---------------------------------------------------------------- lexical
struct comment : seq<one<'#'>, until<at<eolf>>> {};
struct blank : sor<space, comment> {};
struct ws : star<blank> {};
struct inline_space : star<one<' ', '\t'>> {};
struct byte_order_mark : utf8::bom {};

struct kw_policy : TAO_PEGTL_KEYWORD("policy") {};
struct kw_version : TAO_PEGTL_KEYWORD("version") {};
struct kw_source : TAO_PEGTL_KEYWORD("source") {};
struct kw_enum : TAO_PEGTL_KEYWORD("enum") {};
struct kw_time : TAO_PEGTL_KEYWORD("time") {};
struct kw_number : TAO_PEGTL_KEYWORD("number") {};
struct kw_bool : TAO_PEGTL_KEYWORD("bool") {};
struct kw_setting : TAO_PEGTL_KEYWORD("setting") {};
struct kw_label : TAO_PEGTL_KEYWORD("label") {};
struct kw_default : TAO_PEGTL_KEYWORD("default") {};
struct kw_covers : TAO_PEGTL_KEYWORD("covers") {};
struct kw_available : TAO_PEGTL_KEYWORD("available") {};
struct kw_on : TAO_PEGTL_KEYWORD("on") {};
struct kw_off : TAO_PEGTL_KEYWORD("off") {};
struct kw_from : TAO_PEGTL_KEYWORD("from") {};
struct kw_until : TAO_PEGTL_KEYWORD("until") {};
struct kw_formerly : TAO_PEGTL_KEYWORD("formerly") {};
struct kw_allow : TAO_PEGTL_KEYWORD("allow") {};
struct kw_deny : TAO_PEGTL_KEYWORD("deny") {};
struct kw_when : TAO_PEGTL_KEYWORD("when") {};
struct kw_and : TAO_PEGTL_KEYWORD("and") {};
struct kw_or : TAO_PEGTL_KEYWORD("or") {};
struct kw_not : TAO_PEGTL_KEYWORD("not") {};
struct kw_in : TAO_PEGTL_KEYWORD("in") {};
struct kw_is : TAO_PEGTL_KEYWORD("is") {};
struct kw_missing : TAO_PEGTL_KEYWORD("missing") {};
struct kw_unknown : TAO_PEGTL_KEYWORD("unknown") {};
struct kw_known : TAO_PEGTL_KEYWORD("known") {};
struct kw_consent : TAO_PEGTL_KEYWORD("consent") {};
struct kw_true : TAO_PEGTL_KEYWORD("true") {};
struct kw_false : TAO_PEGTL_KEYWORD("false") {};
struct kw_now : TAO_PEGTL_KEYWORD("now") {};
struct kw_assert : TAO_PEGTL_KEYWORD("assert") {};
struct kw_never : TAO_PEGTL_KEYWORD("never") {};
struct kw_always : TAO_PEGTL_KEYWORD("always") {};

// Keep in step with reserved_words() in parser.cpp.
struct reserved_word
    : sor<kw_policy, kw_version, kw_source, kw_enum, kw_time, kw_number, kw_bool, kw_setting, kw_label, kw_default,
          kw_covers, kw_available, kw_on, kw_off, kw_from, kw_until, kw_formerly, kw_allow, kw_deny, kw_when, kw_and,
          kw_or, kw_not, kw_in, kw_is, kw_missing, kw_unknown, kw_known, kw_consent, kw_true, kw_false, kw_assert> {};

// A name: an identifier that is not a reserved word. `now` is reserved but is a name where
// an attribute may stand (see subject_name).
struct plain_name : seq<not_at<reserved_word>, not_at<kw_now>, identifier> {};

// Marks the rules that expect a name, so that a reserved word there gets its own message.
struct name_rule {};

// Strings: `"..."` with `\"` and `\\`, on one line.
struct string_escape : seq<one<'\\'>, one<'"', '\\'>> {};
struct bad_string_escape : seq<one<'\\'>, any> {};
struct bad_string_escape_error : seq<at<one<'\\'>>, raise<bad_string_escape>> {};
struct string_character : sor<string_escape, bad_string_escape_error, not_one<'"', '\\', '\n', '\r'>> {};
struct string_end : one<'"'> {};
struct quoted : seq<one<'"'>, star<string_character>, must<string_end>> {};

// A token that starts like a number or a date; its action classifies it as a number, a date
// or a date-time, and reports a malformed one or a date that does not exist.
struct literal_token : seq<sor<digit, seq<one<'-'>, digit>>, star<sor<alnum, one<'-', ':', '.', '+', '_'>>>> {};

// ---------------------------------------------------------------- values
struct true_value : kw_true {};
struct false_value : kw_false {};
struct missing_value : kw_missing {};
struct unknown_value : kw_unknown {};
struct value_name : plain_name {};
struct value : sor<literal_token, true_value, false_value, missing_value, unknown_value, value_name> {};

struct set_value : value {};
struct set_close : one<'}'> {};
struct value_set_body
    : seq<opt<set_value, ws, star<one<','>, ws, not_at<one<'}'>>, must<set_value>, ws>, opt<one<','>, ws>>,
          must<set_close>> {};
struct set_open : one<'{'> {};
struct value_set : seq<set_open, ws, value_set_body> {};

// ---------------------------------------------------------------- conditions
struct condition;

struct subject_name : sor<plain_name, kw_now> {};

struct operator_equal : string<'=', '='> {};
struct operator_not_equal : string<'!', '='> {};
struct operator_less_equal : string<'<', '='> {};
struct operator_greater_equal : string<'>', '='> {};
struct operator_less : one<'<'> {};
struct operator_greater : one<'>'> {};
struct single_equals : seq<at<one<'='>>, raise<single_equals>> {};
struct comparison_operator : sor<operator_equal, operator_not_equal, operator_less_equal, operator_greater_equal,
                                 operator_less, operator_greater, single_equals> {};

struct compared_value : value {};
struct comparison_tail : seq<comparison_operator, ws, must<compared_value>> {};
struct membership_set : value_set {};
struct in_operator : kw_in {};
struct in_tail : seq<in_operator, ws, must<membership_set>> {};
struct in_after_not : kw_in {};
struct not_in_operator : seq<kw_not, ws, must<in_after_not>> {};
struct not_in_tail : seq<not_in_operator, ws, must<membership_set>> {};
struct state_missing : kw_missing {};
struct state_unknown : kw_unknown {};
struct state_known : kw_known {};
struct state_word : sor<state_missing, state_unknown, state_known> {};
struct is_tail : seq<kw_is, ws, must<state_word>> {};
struct atom_tail : sor<comparison_tail, in_tail, not_in_tail, is_tail> {};

// `A`, `A == v`, `A in {...}`, `A is missing`: the subject first, so no action runs twice.
struct attribute_atom : seq<subject_name, opt<ws, atom_tail>> {};
struct true_atom : kw_true {};
struct false_atom : kw_false {};
struct consent_setting_name : plain_name, name_rule {};
struct consent_atom : seq<kw_consent, ws, must<consent_setting_name>> {};
struct parenthesis_close : one<')'> {};
struct parenthesized_condition : seq<condition> {};
struct parenthesized : seq<one<'('>, ws, must<parenthesized_condition>, ws, must<parenthesis_close>> {};
struct primary : sor<parenthesized, true_atom, false_atom, consent_atom, attribute_atom> {};

struct unary;
struct negated_operand : seq<unary> {};
struct negation : seq<kw_not, ws, must<negated_operand>> {};
struct unary : sor<negation, primary> {};

struct and_operand : unary {};
struct and_rest : seq<kw_and, ws, must<and_operand>> {};
struct conjunction : seq<unary, star<ws, and_rest>> {};
struct or_operand : conjunction {};
struct or_rest : seq<kw_or, ws, must<or_operand>> {};
struct condition : seq<conjunction, star<ws, or_rest>> {};

// ---------------------------------------------------------------- declarations
// The words a declaration starts with. A condition ends at any of them.
struct declaration_keyword : sor<kw_policy, kw_version, kw_source, kw_enum, kw_time, kw_number, kw_bool, kw_setting,
                                 kw_allow, kw_deny, kw_default, kw_assert> {};
// Where parsing resumes after a syntax error: a line that starts a declaration. An indented
// `default` counts only before `allow` or `deny`, since settings have a `default` field too;
// at the start of a line, `default` counts unless `on` or `off` follows.
struct top_level_default : seq<kw_default, not_at<inline_space, sor<kw_on, kw_off>>> {};
struct declaration_start : sor<kw_policy, kw_version, kw_source, kw_enum, kw_time, kw_number, kw_bool, kw_setting,
                               kw_allow, kw_deny, kw_assert, seq<kw_default, inline_space, sor<kw_allow, kw_deny>>> {};

struct policy_name : plain_name, name_rule {};
struct policy_title : quoted {};
struct policy_header : seq<kw_policy, ws, must<policy_name>, opt<ws, policy_title>> {};

struct version_text : sor<quoted, plus<sor<alnum, one<'.', '-', '_', '+'>>>> {};
struct version_decl : seq<kw_version, ws, must<version_text>> {};

struct source_text : quoted {};
struct source_decl : seq<kw_source, ws, must<source_text>> {};

struct enum_name : plain_name, name_rule {};
struct enum_value : plain_name, name_rule {};
struct enum_open : one<'{'> {};
struct enum_close : one<'}'> {};
struct enum_values : opt<not_at<one<'}'>>, must<enum_value>, ws,
                         star<one<','>, ws, not_at<one<'}'>>, must<enum_value>, ws>, opt<one<','>, ws>> {};
struct enum_decl : seq<kw_enum, ws, must<enum_name>, ws, must<enum_open>, ws, enum_values, must<enum_close>> {};

struct time_keyword : kw_time {};
struct number_keyword : kw_number {};
struct bool_keyword : kw_bool {};
struct attribute_name : plain_name, name_rule {};
struct scalar_decl : seq<sor<time_keyword, number_keyword, bool_keyword>, ws, must<attribute_name>> {};

struct setting_name : plain_name, name_rule {};
struct label_text : quoted {};
struct label_field : seq<kw_label, ws, must<label_text>> {};
struct switch_on : kw_on {};
struct switch_off : kw_off {};
struct switch_value : sor<switch_on, switch_off> {};
struct default_field : seq<kw_default, ws, must<switch_value>> {};
struct covers_condition : condition {};
struct setting_field_start : sor<kw_label, kw_default, kw_covers, kw_available, kw_formerly, one<';', '}'>> {};
struct covers_end : at<setting_field_start> {};
struct covers_field : seq<kw_covers, ws, must<covers_condition>, ws, must<covers_end>> {};
struct on_after_available : kw_on {};
struct platform_name : plain_name, name_rule {};
struct platform_close : one<'}'> {};
struct platform_open : one<'{'> {};
struct platform_set
    : seq<platform_open, ws,
          opt<platform_name, ws, star<one<','>, ws, not_at<one<'}'>>, must<platform_name>, ws>, opt<one<','>, ws>>,
          must<platform_close>> {};
struct from_date : literal_token {};
struct until_date : literal_token {};
struct available_from : seq<kw_from, ws, must<from_date>> {};
struct available_until : seq<kw_until, ws, must<until_date>> {};
struct available_field : seq<kw_available, ws, must<on_after_available>, ws, must<platform_set>,
                             opt<ws, available_from>, opt<ws, available_until>> {};
struct former_name : plain_name, name_rule {};
struct formerly_field : seq<kw_formerly, ws, must<former_name>> {};
struct setting_field : sor<label_field, default_field, covers_field, available_field, formerly_field> {};
struct setting_open : one<'{'> {};
struct setting_close : one<'}'> {};
struct setting_body : seq<star<setting_field, ws, opt<one<';'>, ws>>, must<setting_close>> {};
struct setting_decl : seq<kw_setting, ws, must<setting_name>, ws, must<setting_open>, ws, setting_body> {};

struct allow_keyword : kw_allow {};
struct deny_keyword : kw_deny {};
struct rule_id : plain_name, name_rule {};
struct rule_description : quoted {};
struct when_keyword : kw_when {};
struct when_condition : condition {};
struct rule_end : at<sor<eof, declaration_keyword>> {};
struct rule_decl : seq<sor<allow_keyword, deny_keyword>, ws, must<rule_id>, ws, opt<rule_description, ws>,
                       must<when_keyword>, ws, must<when_condition>, ws, must<rule_end>> {};

struct default_allow : kw_allow {};
struct default_deny : kw_deny {};
struct default_effect : sor<default_allow, default_deny> {};
struct default_decl : seq<kw_default, ws, must<default_effect>> {};

// `assert ID "description" never allow when COND`: a promise `check` proves on the table.
struct assertion_id : plain_name, name_rule {};
struct assertion_description : quoted {};
// `never` and `always` are words only in this place, not reserved: a name elsewhere.
struct never_keyword : kw_never {};
struct always_keyword : kw_always {};
struct assertion_kind : sor<never_keyword, always_keyword> {};
struct allow_after_kind : kw_allow {};
struct assertion_when : kw_when {};
struct assertion_condition : condition {};
struct assertion_end : at<sor<eof, declaration_keyword>> {};
struct assertion_decl
    : seq<kw_assert, ws, must<assertion_id>, ws, opt<assertion_description, ws>, must<assertion_kind>, ws,
          must<allow_after_kind>, ws, must<assertion_when>, ws, must<assertion_condition>, ws, must<assertion_end>> {};

struct declaration : sor<policy_header, version_decl, source_decl, enum_decl, scalar_decl, setting_decl, rule_decl,
                         default_decl, assertion_decl> {};

// Resets the parser's scratch state before each declaration, so nothing left by one that
// failed half way leaks into the next.
struct begin_declaration : success {};

// After a syntax error: skip the rest of the line, then every line that does not start a
// declaration.
struct line_starts_declaration : sor<top_level_default, seq<inline_space, declaration_start>> {};
struct recovery : seq<until<eolf>, star<not_at<line_starts_declaration>, not_at<eof>, until<eolf>>> {};

struct declaration_item : seq<begin_declaration, sor<try_catch<must<declaration>, ws>, seq<recovery, ws>>> {};

struct policy_file : seq<opt<byte_order_mark>, ws, star<not_at<eof>, declaration_item>> {};

}  // namespace usegate::dsl::grammar

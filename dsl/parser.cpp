#include "usegate/dsl/parser.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "grammar.hpp"
#include "literals.hpp"
#include "syntax_errors.hpp"
#include "usegate/base/suggest.hpp"

namespace usegate::dsl {
namespace {

namespace pegtl = tao::pegtl;
namespace g = grammar;

const std::vector<std::string> reserved_word_list = {
    "policy",  "version", "source",    "enum",  "time", "number", "bool",  "setting",  "label",
    "default", "covers",  "available", "on",    "off",  "from",   "until", "formerly", "allow",
    "deny",    "when",    "and",       "or",    "not",  "in",     "is",    "missing",  "unknown",
    "known",   "consent", "true",      "false", "now",  "assert"};

// Which tail followed the subject of an attribute atom.
enum class AtomTail { none, comparison, membership, state };

// What the actions build. The scratch part is reset before every declaration, so a
// declaration that fails half way leaves nothing behind.
struct ParserState {
  ParserState(const SourceFile& source_file, DiagnosticList& diagnostic_list, const ParseOptions& parse_options)
      : source(source_file), diagnostics(diagnostic_list), options(parse_options) {}

  const SourceFile& source;
  DiagnosticList& diagnostics;
  const ParseOptions& options;
  PolicyFile file;
  std::uint32_t nesting_depth = 0;  // `(` and `not` levels the parser is inside

  std::vector<Condition> conditions;
  std::vector<Literal> values;
  Name subject;
  AtomTail tail = AtomTail::none;
  ComparisonOperator comparison = ComparisonOperator::equal;
  SourceSpan operator_span;
  SourceSpan set_span;
  bool negated_membership = false;
  AttributeState state = AttributeState::missing;
  std::optional<Text> text;
  std::optional<Switch> switch_value;

  PolicyHeader header;
  AttributeDecl attribute;
  SettingDecl setting;
  Availability availability;
  RuleDecl rule;
  DefaultDecl default_decl;
  AssertionDecl assertion;

  void reset_scratch() {
    nesting_depth = 0;
    conditions.clear();
    values.clear();
    subject = {};
    tail = AtomTail::none;
    text.reset();
    switch_value.reset();
    header = {};
    attribute = {};
    setting = {};
    availability = {};
    rule = {};
    default_decl = {};
    assertion = {};
  }
};

template <typename ActionInput>
SourceSpan span_of(const ActionInput& in) {
  const auto position = in.position();
  SourceSpan span;
  span.begin.offset = static_cast<std::uint32_t>(position.byte);
  span.begin.line = static_cast<std::uint32_t>(position.line);
  span.begin.column = static_cast<std::uint32_t>(position.column);
  span.end_offset = static_cast<std::uint32_t>(position.byte + in.size());
  return span;
}

template <typename ActionInput>
Name name_of(const ActionInput& in) {
  return Name{in.string(), span_of(in)};
}

template <typename ActionInput>
Text text_of(const ActionInput& in) {
  return Text{unquote(in.string_view()), span_of(in)};
}

SourceSpan join(const SourceSpan& first, const SourceSpan& last) {
  SourceSpan span = first;
  span.end_offset = last.end_offset;
  return span;
}

Condition pop(std::vector<Condition>& stack) {
  Condition top = std::move(stack.back());
  stack.pop_back();
  return top;
}

// `a and b` where `a` is already an `and` chain extends the chain: conditions are n-ary.
void combine(std::vector<Condition>& stack, ConditionKind kind) {
  Condition right = pop(stack);
  Condition left = pop(stack);
  if (left.kind == kind) {
    left.span = join(left.span, right.span);
    left.operands.push_back(std::move(right));
    stack.push_back(std::move(left));
    return;
  }
  Condition combined;
  combined.kind = kind;
  combined.span = join(left.span, right.span);
  combined.operands.push_back(std::move(left));
  combined.operands.push_back(std::move(right));
  stack.push_back(std::move(combined));
}

Literal word_literal(LiteralKind kind, Name name) {
  Literal literal;
  literal.kind = kind;
  literal.text = std::move(name.text);
  literal.span = name.span;
  literal.boolean = literal.text == "true";
  return literal;
}

// ---------------------------------------------------------------- actions
template <typename Rule>
struct action : pegtl::nothing<Rule> {};

template <>
struct action<g::comment> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    const SourceSpan span = span_of(in);
    // Backtracking can read the same comment twice; keep it once.
    auto& comments = state.file.comments;
    if (!comments.empty() && comments.back().span.begin.offset >= span.begin.offset) return;
    comments.push_back(Comment{in.string(), span});
  }
};

template <>
struct action<g::begin_declaration> {
  static void apply0(ParserState& state) { state.reset_scratch(); }
};

// ---- values
template <>
struct action<g::literal_token> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.values.push_back(read_literal_token(in.string_view(), span_of(in), state.diagnostics));
  }
};

template <LiteralKind Kind>
struct word_value_action {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.values.push_back(word_literal(Kind, name_of(in)));
  }
};
template <>
struct action<g::true_value> : word_value_action<LiteralKind::boolean> {};
template <>
struct action<g::false_value> : word_value_action<LiteralKind::boolean> {};
template <>
struct action<g::missing_value> : word_value_action<LiteralKind::missing_word> {};
template <>
struct action<g::unknown_value> : word_value_action<LiteralKind::unknown_word> {};
template <>
struct action<g::value_name> : word_value_action<LiteralKind::value_name> {};

// ---- atoms
template <>
struct action<g::subject_name> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.subject = name_of(in);
    state.tail = AtomTail::none;
    state.values.clear();
  }
};

template <ComparisonOperator Operator>
struct operator_action {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.comparison = Operator;
    state.operator_span = span_of(in);
  }
};
template <>
struct action<g::operator_equal> : operator_action<ComparisonOperator::equal> {};
template <>
struct action<g::operator_not_equal> : operator_action<ComparisonOperator::not_equal> {};
template <>
struct action<g::operator_less> : operator_action<ComparisonOperator::less> {};
template <>
struct action<g::operator_less_equal> : operator_action<ComparisonOperator::less_equal> {};
template <>
struct action<g::operator_greater> : operator_action<ComparisonOperator::greater> {};
template <>
struct action<g::operator_greater_equal> : operator_action<ComparisonOperator::greater_equal> {};

template <bool Negated>
struct membership_operator_action {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.negated_membership = Negated;
    state.operator_span = span_of(in);
  }
};
template <>
struct action<g::in_operator> : membership_operator_action<false> {};
template <>
struct action<g::not_in_operator> : membership_operator_action<true> {};

template <>
struct action<g::membership_set> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.set_span = span_of(in);
  }
};

template <AttributeState State>
struct state_action {
  static void apply0(ParserState& state) { state.state = State; }
};
template <>
struct action<g::state_missing> : state_action<AttributeState::missing> {};
template <>
struct action<g::state_unknown> : state_action<AttributeState::unknown> {};
template <>
struct action<g::state_known> : state_action<AttributeState::known> {};

template <AtomTail Tail>
struct tail_action {
  static void apply0(ParserState& state) { state.tail = Tail; }
};
template <>
struct action<g::comparison_tail> : tail_action<AtomTail::comparison> {};
template <>
struct action<g::in_tail> : tail_action<AtomTail::membership> {};
template <>
struct action<g::not_in_tail> : tail_action<AtomTail::membership> {};
template <>
struct action<g::is_tail> : tail_action<AtomTail::state> {};

template <>
struct action<g::attribute_atom> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    Condition atom;
    atom.span = span_of(in);
    atom.subject = std::move(state.subject);
    atom.operator_span = state.operator_span;
    switch (state.tail) {
      case AtomTail::none: atom.kind = ConditionKind::bool_attribute; break;
      case AtomTail::comparison:
        atom.kind = ConditionKind::comparison;
        atom.comparison = state.comparison;
        atom.values = std::move(state.values);
        break;
      case AtomTail::membership:
        atom.kind = ConditionKind::membership;
        atom.set_span = state.set_span;
        atom.negated_membership = state.negated_membership;
        atom.values = std::move(state.values);
        break;
      case AtomTail::state:
        atom.kind = ConditionKind::state_test;
        atom.state = state.state;
        break;
    }
    state.values.clear();
    state.tail = AtomTail::none;
    state.conditions.push_back(std::move(atom));
  }
};

template <ConditionKind Kind>
struct constant_atom_action {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    Condition atom;
    atom.kind = Kind;
    atom.span = span_of(in);
    state.conditions.push_back(std::move(atom));
  }
};
template <>
struct action<g::true_atom> : constant_atom_action<ConditionKind::always_true> {};
template <>
struct action<g::false_atom> : constant_atom_action<ConditionKind::always_false> {};

template <>
struct action<g::consent_setting_name> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.subject = name_of(in);
  }
};
template <>
struct action<g::consent_atom> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    Condition atom;
    atom.kind = ConditionKind::consent;
    atom.span = span_of(in);
    atom.subject = std::move(state.subject);
    state.conditions.push_back(std::move(atom));
  }
};

template <>
struct action<g::negation> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    Condition negation;
    negation.kind = ConditionKind::negation;
    negation.span = span_of(in);
    negation.operands.push_back(pop(state.conditions));
    state.conditions.push_back(std::move(negation));
  }
};
template <>
struct action<g::and_rest> {
  static void apply0(ParserState& state) { combine(state.conditions, ConditionKind::all_of); }
};
template <>
struct action<g::or_rest> {
  static void apply0(ParserState& state) { combine(state.conditions, ConditionKind::any_of); }
};

// ---- nesting
// Where the text after an opening `(` or `not` starts, the opening token is the token before
// it, behind white space and comments.
std::size_t previous_token_end(std::string_view text, std::size_t offset);

// The condition inside `( ... )` or after `not`: one level deeper. Counting happens here,
// around the recursion, so a level too many is reported before the parser enters it.
struct nesting_level : pegtl::maybe_nothing {
  template <typename Rule, pegtl::apply_mode A, pegtl::rewind_mode M, template <typename...> class Action,
            template <typename...> class Control, typename ParseInput>
  static bool match(ParseInput& in, ParserState& state) {
    if (state.nesting_depth >= state.options.max_nesting_depth) report_too_deep(in, state);
    ++state.nesting_depth;
    struct Leave {
      std::uint32_t& depth;
      ~Leave() { --depth; }
    } leave{state.nesting_depth};
    return pegtl::match<Rule, A, M, Action, Control>(in, state);
  }

  template <typename ParseInput>
  [[noreturn]] static void report_too_deep(const ParseInput& in, ParserState& state) {
    const std::string_view text = state.source.text();
    const std::size_t opening_end = previous_token_end(text, in.position().byte);
    const bool is_not = opening_end >= 3 && text.substr(opening_end - 3, 3) == "not";
    const std::size_t opening = opening_end - (is_not ? 3 : 1);
    SourceSpan span;
    span.begin = state.source.position_of(static_cast<std::uint32_t>(opening));
    span.end_offset = static_cast<std::uint32_t>(opening_end);
    const std::uint32_t limit = state.options.max_nesting_depth;
    state.diagnostics.error(span, fmt::format("condition nested more than {} levels deep", limit),
                            fmt::format("every `(` and every `not` opens a level, and a policy may nest {} of them; "
                                        "split the condition into several rules",
                                        limit));
    throw pegtl::parse_error("condition nested too deeply", in);
  }
};
template <>
struct action<g::parenthesized_condition> : nesting_level {};
template <>
struct action<g::negated_operand> : nesting_level {};

// ---- header
template <>
struct action<g::policy_name> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.header.name = name_of(in);
  }
};
template <>
struct action<g::policy_title> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.header.title = text_of(in);
  }
};
template <>
struct action<g::policy_header> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.header.span = span_of(in);
    state.file.declarations.emplace_back(std::move(state.header));
  }
};
template <>
struct action<g::version_text> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    const std::string raw = in.string();
    VersionDecl version{raw.starts_with('"') ? unquote(raw) : raw, span_of(in)};
    state.file.declarations.emplace_back(std::move(version));
  }
};
template <>
struct action<g::source_text> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.text = text_of(in);
  }
};
template <>
struct action<g::source_decl> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.file.declarations.emplace_back(SourceDecl{*state.text, span_of(in)});
  }
};

// ---- attributes
template <>
struct action<g::enum_name> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.attribute.kind = AttributeKind::enumeration;
    state.attribute.name = name_of(in);
  }
};
template <>
struct action<g::enum_value> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.attribute.values.push_back(name_of(in));
  }
};
template <AttributeKind Kind>
struct attribute_kind_action {
  static void apply0(ParserState& state) { state.attribute.kind = Kind; }
};
template <>
struct action<g::time_keyword> : attribute_kind_action<AttributeKind::time> {};
template <>
struct action<g::number_keyword> : attribute_kind_action<AttributeKind::number> {};
template <>
struct action<g::bool_keyword> : attribute_kind_action<AttributeKind::boolean> {};
template <>
struct action<g::attribute_name> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.attribute.name = name_of(in);
  }
};
struct attribute_decl_action {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.attribute.span = span_of(in);
    state.file.declarations.emplace_back(std::move(state.attribute));
  }
};
template <>
struct action<g::enum_decl> : attribute_decl_action {};
template <>
struct action<g::scalar_decl> : attribute_decl_action {};

// ---- settings
template <>
struct action<g::setting_name> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.setting.name = name_of(in);
  }
};
template <>
struct action<g::label_text> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.text = text_of(in);
  }
};

void report_repeated_field(ParserState& state, SourceSpan field, const char* keyword) {
  const SourceSpan keyword_span{
      field.begin, field.begin.offset + static_cast<std::uint32_t>(std::char_traits<char>::length(keyword))};
  state.diagnostics.error(keyword_span,
                          std::string("`") + keyword + "` given twice in setting `" + state.setting.name.text + "`",
                          "a setting has one label, one default and one coverage");
}

template <>
struct action<g::label_field> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    if (state.setting.label) return report_repeated_field(state, span_of(in), "label");
    state.setting.label = state.text;
  }
};
template <>
struct action<g::switch_on> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.switch_value = Switch{true, span_of(in)};
  }
};
template <>
struct action<g::switch_off> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.switch_value = Switch{false, span_of(in)};
  }
};
template <>
struct action<g::default_field> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    if (state.setting.default_value) return report_repeated_field(state, span_of(in), "default");
    state.setting.default_value = state.switch_value;
  }
};
template <>
struct action<g::covers_field> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    Condition covers = pop(state.conditions);
    if (state.setting.covers) return report_repeated_field(state, span_of(in), "covers");
    state.setting.covers = std::move(covers);
  }
};
template <>
struct action<g::platform_name> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.availability.platforms.push_back(name_of(in));
  }
};
template <>
struct action<g::from_date> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.availability.from = read_literal_token(in.string_view(), span_of(in), state.diagnostics);
  }
};
template <>
struct action<g::until_date> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.availability.until = read_literal_token(in.string_view(), span_of(in), state.diagnostics);
  }
};
template <>
struct action<g::available_field> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.availability.span = span_of(in);
    state.setting.availability.push_back(std::move(state.availability));
    state.availability = {};
  }
};
template <>
struct action<g::former_name> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.setting.formerly.push_back(name_of(in));
  }
};
template <>
struct action<g::setting_decl> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.setting.span = span_of(in);
    state.file.declarations.emplace_back(std::move(state.setting));
  }
};

// ---- rules and the default
template <>
struct action<g::allow_keyword> {
  static void apply0(ParserState& state) { state.rule.effect = Effect::allow; }
};
template <>
struct action<g::deny_keyword> {
  static void apply0(ParserState& state) { state.rule.effect = Effect::deny; }
};
template <>
struct action<g::rule_id> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.rule.id = name_of(in);
  }
};
template <>
struct action<g::rule_description> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.rule.description = text_of(in);
  }
};
template <>
struct action<g::rule_decl> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.rule.span = span_of(in);
    state.rule.condition = pop(state.conditions);
    state.file.declarations.emplace_back(std::move(state.rule));
  }
};
template <>
struct action<g::default_allow> {
  static void apply0(ParserState& state) { state.default_decl.effect = Effect::allow; }
};
template <>
struct action<g::default_deny> {
  static void apply0(ParserState& state) { state.default_decl.effect = Effect::deny; }
};
template <>
struct action<g::default_decl> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.default_decl.span = span_of(in);
    state.file.declarations.emplace_back(state.default_decl);
  }
};

// ---- assertions
template <>
struct action<g::assertion_id> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.assertion.id = name_of(in);
  }
};
template <>
struct action<g::assertion_description> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.assertion.description = text_of(in);
  }
};
template <AssertionKind Kind>
struct assertion_kind_action {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.assertion.kind = Kind;
    state.assertion.kind_span = span_of(in);
  }
};
template <>
struct action<g::never_keyword> : assertion_kind_action<AssertionKind::never_allow> {};
template <>
struct action<g::always_keyword> : assertion_kind_action<AssertionKind::always_allow> {};
template <>
struct action<g::allow_after_kind> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.assertion.kind_span.end_offset = span_of(in).end_offset;
  }
};
template <>
struct action<g::assertion_decl> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParserState& state) {
    state.assertion.span = span_of(in);
    state.assertion.condition = pop(state.conditions);
    state.file.declarations.emplace_back(std::move(state.assertion));
  }
};

// ---------------------------------------------------------------- errors
bool is_word_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The token at `at`, as a policy author would name it.
std::string_view token_at(std::string_view rest) {
  if (rest.empty()) return {};
  std::size_t length = 1;
  if (is_word_character(rest[0]) || rest[0] == '-') {
    while (length < rest.size() &&
           (is_word_character(rest[length]) || rest[length] == '-' || rest[length] == ':' || rest[length] == '.')) {
      ++length;
    }
  } else if (static_cast<unsigned char>(rest[0]) >= 0x80) {
    while (length < rest.size() && static_cast<unsigned char>(rest[length]) >= 0x80) ++length;
  } else if (rest.size() > 1 && (rest.substr(0, 2) == "==" || rest.substr(0, 2) == "!=" || rest.substr(0, 2) == "<=" ||
                                 rest.substr(0, 2) == ">=")) {
    length = 2;
  }
  return rest.substr(0, length);
}

std::string describe_token(std::string_view token) {
  if (token.empty()) return "end of file";
  if (token[0] == '\n' || token[0] == '\r') return "end of line";
  if (token[0] == '"') return "a string";
  return "`" + std::string(token) + "`";
}

bool is_reserved(std::string_view word) {
  for (const auto& reserved : reserved_word_list) {
    if (reserved == word) return true;
  }
  return false;
}

// Where the token before `offset` ends, skipping white space and comments backwards.
std::size_t previous_token_end(std::string_view text, std::size_t offset) {
  std::size_t at = offset;
  while (at > 0) {
    while (at > 0 && (text[at - 1] == ' ' || text[at - 1] == '\t' || text[at - 1] == '\n' || text[at - 1] == '\r'))
      --at;
    // If `at` ends a comment, continue before its `#` (outside a string).
    const std::size_t line_start =
        text.rfind('\n', at == 0 ? 0 : at - 1) == std::string_view::npos ? 0 : text.rfind('\n', at - 1) + 1;
    std::size_t hash = std::string_view::npos;
    bool in_string = false;
    for (std::size_t i = line_start; i < at; ++i) {
      if (text[i] == '\\' && in_string) {
        ++i;
      } else if (text[i] == '"') {
        in_string = !in_string;
      } else if (text[i] == '#' && !in_string) {
        hash = i;
        break;
      }
    }
    if (hash == std::string_view::npos) return at;
    at = hash;
  }
  return at;
}

// The opening quote of the string that is still open at `offset`.
std::size_t opening_quote(std::string_view text, std::size_t offset) {
  const std::size_t line_start =
      offset == 0 || text.rfind('\n', offset - 1) == std::string_view::npos ? 0 : text.rfind('\n', offset - 1) + 1;
  std::size_t quote = offset;
  bool in_string = false;
  for (std::size_t i = line_start; i < offset; ++i) {
    if (text[i] == '\\' && in_string) {
      ++i;
    } else if (text[i] == '"') {
      in_string = !in_string;
      if (in_string) quote = i;
    }
  }
  return quote;
}

// The words a declaration starts with, and those a setting's body holds: what a misspelled
// word at those places was probably meant to be.
const std::vector<std::string> declaration_keywords = {"policy", "version", "source", "enum", "time",    "number",
                                                       "bool",   "setting", "allow",  "deny", "default", "assert"};
const std::vector<std::string> setting_field_keywords = {"label", "default", "covers", "available", "formerly"};

// The `{` still open at `offset`: the last one not closed, outside strings and comments.
std::optional<std::size_t> open_brace_before(std::string_view text, std::size_t offset) {
  std::vector<std::size_t> open;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    const char c = text[i];
    if (c == '#') {
      while (i < offset && text[i] != '\n') ++i;
    } else if (c == '"') {
      for (++i; i < offset && text[i] != '"' && text[i] != '\n'; ++i) {
        if (text[i] == '\\') ++i;
      }
    } else if (c == '{') {
      open.push_back(i);
    } else if (c == '}' && !open.empty()) {
      open.pop_back();
    }
  }
  if (open.empty()) return std::nullopt;
  return open.back();
}

// A quoted string where a bare value belongs: its content, when it is on one line.
std::optional<std::string_view> quoted_content(std::string_view rest) {
  if (rest.empty() || rest[0] != '"') return std::nullopt;
  const std::size_t close = rest.find_first_of("\"\n", 1);
  if (close == std::string_view::npos || rest[close] != '"') return std::nullopt;
  return rest.substr(1, close - 1);
}

// The rules that fail where a block's `}` is missing (and covers_end, which fails first when a
// setting's condition runs into the next declaration).
template <typename Rule>
inline constexpr bool closes_block = std::is_same_v<Rule, g::enum_close> || std::is_same_v<Rule, g::setting_close> ||
                                     std::is_same_v<Rule, g::set_close> || std::is_same_v<Rule, g::platform_close>;

// The rules that fail where a value belongs.
template <typename Rule>
inline constexpr bool expects_value =
    std::is_same_v<Rule, g::compared_value> || std::is_same_v<Rule, g::set_value> || std::is_same_v<Rule, g::set_close>;

// Errors that name the next token itself, wherever it is; the others are about something
// missing, which is best shown where the line ends.
template <typename Rule>
inline constexpr bool points_at_next_token =
    std::is_same_v<Rule, g::declaration> || std::is_same_v<Rule, g::rule_end> || std::is_same_v<Rule, g::covers_end> ||
    std::is_same_v<Rule, g::assertion_end> || std::is_same_v<Rule, g::setting_close>;

template <typename Rule>
struct control : pegtl::normal<Rule> {
  template <typename ParseInput, typename... States>
  [[noreturn]] static void raise(const ParseInput& in, States&&... states) {
    static_assert(g::error_message<Rule> != nullptr, "every must<> point of the grammar needs an error message");
    (record(in, states), ...);
    throw pegtl::parse_error(g::error_message<Rule>, in);
  }

  template <typename ParseInput>
  static void record(const ParseInput& in, ParserState& state) {
    const auto position = in.position();
    const std::string_view rest(in.current(), in.size(0));
    const std::string_view token = token_at(rest);

    Diagnostic diagnostic;
    const std::string_view text = state.source.text();
    std::size_t offset = position.byte;
    bool at_line_end = token.empty() || token[0] == '\n' || token[0] == '\r';
    std::size_t length = at_line_end ? 0 : token.size();
    if constexpr (std::is_same_v<Rule, g::string_end>) {
      // An unterminated string is shown from its opening quote.
      offset = opening_quote(text, offset);
      length = position.byte - offset;
    } else if constexpr (!points_at_next_token<Rule>) {
      // Something missing at the end of a line is reported there, not on the next line.
      const std::size_t end = previous_token_end(text, offset);
      if (text.substr(end, offset - end).find('\n') != std::string_view::npos || token.empty()) {
        offset = end;
        length = 0;
        at_line_end = true;
      }
    }
    if constexpr (expects_value<Rule>) {
      // A quoted value is underlined whole.
      if (const auto content = quoted_content(rest); content && offset == position.byte) length = content->size() + 2;
    }
    const SourcePosition where = state.source.position_of(static_cast<std::uint32_t>(offset));
    diagnostic.span.begin = where;
    diagnostic.span.end_offset = static_cast<std::uint32_t>(offset + length);

    if constexpr (std::is_base_of_v<g::name_rule, Rule>) {
      if (is_reserved(token)) {
        diagnostic.message = "`" + std::string(token) + "` is a reserved word and cannot be used as a name";
        diagnostic.help = g::error_message<Rule>;
        state.diagnostics.add(std::move(diagnostic));
        return;
      }
    }
    diagnostic.message = g::error_message<Rule>;
    if constexpr (g::shows_found_token<Rule>) {
      diagnostic.message +=
          ", found " + (at_line_end
                            ? std::string(token.empty() && offset == text.size() ? "end of file" : "end of line")
                            : describe_token(token));
    }
    if constexpr (g::error_help<Rule> != nullptr) diagnostic.help = g::error_help<Rule>;
    if (diagnostic.help.empty()) diagnostic.help = likely_intent(rest, token, text, position.byte, at_line_end);
    state.diagnostics.add(std::move(diagnostic));
  }

  // What the author probably meant, from the token where the rule failed: a keyword in the
  // wrong case or misspelled, a quoted value, a block left open.
  static std::string likely_intent(std::string_view rest, std::string_view token, std::string_view text,
                                   std::size_t offset, bool at_line_end) {
    if constexpr (std::is_same_v<Rule, g::rule_end> || std::is_same_v<Rule, g::covers_end> ||
                  std::is_same_v<Rule, g::assertion_end>) {
      // `when NOT region == EU` reads `NOT` as an attribute and fails at the word after it.
      const std::size_t end = previous_token_end(text, offset);
      std::size_t start = end;
      while (start > 0 && is_word_character(text[start - 1])) --start;
      if (std::string help = keyword_case_help(text.substr(start, end - start)); !help.empty()) return help;
    }
    if (!token.empty() && is_word_character(token[0])) {
      if (std::string help = keyword_case_help(token); !help.empty()) return help;
      if constexpr (std::is_same_v<Rule, g::declaration> || std::is_same_v<Rule, g::rule_end> ||
                    std::is_same_v<Rule, g::assertion_end>) {
        if (std::string help = did_you_mean(token, declaration_keywords); !help.empty()) return help;
      }
      if constexpr (std::is_same_v<Rule, g::setting_close> || std::is_same_v<Rule, g::covers_end>) {
        if (std::string help = did_you_mean(token, setting_field_keywords); !help.empty()) return help;
      }
    }
    if constexpr (expects_value<Rule>) {
      if (const auto content = quoted_content(rest)) {
        return "values are written bare, without quotes: `" + std::string(*content) + "`";
      }
    }
    if constexpr (closes_block<Rule> || std::is_same_v<Rule, g::covers_end>) {
      // The `}` is missing only when the block runs into the end of the line or of the file, or
      // into the next declaration; `{ US EU }` misses a comma instead.
      const bool runs_on = at_line_end || std::find(declaration_keywords.begin(), declaration_keywords.end(), token) !=
                                              declaration_keywords.end();
      if (const auto brace = runs_on ? open_brace_before(text, offset) : std::nullopt) {
        // SourceFile positions are what every other message prints.
        std::size_t line = 1, line_start = 0;
        for (std::size_t i = 0; i < *brace; ++i) {
          if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
          }
        }
        return "the block opened at " + std::to_string(line) + ":" + std::to_string(*brace - line_start + 1) +
               " is not closed: add `}`";
      }
    }
    return {};
  }
};

}  // namespace

const std::vector<std::string>& reserved_words() {
  return reserved_word_list;
}

std::string keyword_case_help(std::string_view word) {
  std::string lower(word);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (lower == word || !is_reserved(lower)) return {};
  return "keywords are lower case: write `" + lower + "`";
}

PolicyFile parse_policy(const SourceFile& source, DiagnosticList& diagnostics, const ParseOptions& options) {
  if (source.text().size() >= std::numeric_limits<std::uint32_t>::max()) {
    diagnostics.error(SourceSpan{}, "the policy is larger than 4 GiB", "positions in a policy are 32-bit byte offsets");
    return {};
  }
  ParserState state(source, diagnostics, options);
  pegtl::memory_input<> input(source.text(), source.name());
  try {
    pegtl::parse<g::policy_file, action, control>(input, state);
  } catch (const pegtl::parse_error&) {
    // Only raised outside a declaration (none is expected); the diagnostic is recorded.
  }
  return std::move(state.file);
}

}  // namespace usegate::dsl

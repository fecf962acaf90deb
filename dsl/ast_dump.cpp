#include "usegate/dsl/ast_dump.hpp"

#include <fmt/format.h>

namespace usegate::dsl {
namespace {

// Positions up to 9999:999 keep the tree in one column; longer ones push it right.
constexpr std::size_t position_width = 9;

const char* state_text(AttributeState state) {
  switch (state) {
    case AttributeState::missing: return "missing";
    case AttributeState::unknown: return "unknown";
    case AttributeState::known: return "known";
  }
  return "?";
}

const char* effect_text(Effect effect) {
  return effect == Effect::allow ? "allow" : "deny";
}

const char* attribute_keyword(AttributeKind kind) {
  switch (kind) {
    case AttributeKind::enumeration: return "enum";
    case AttributeKind::time: return "time";
    case AttributeKind::number: return "number";
    case AttributeKind::boolean: return "bool";
  }
  return "?";
}

// An enum value as written; any other literal with its kind and what the parser read, so a
// dump shows `2024-07-26` was read as a date at midnight UTC and `-17.5` as a number.
std::string literal_text(const Literal& literal) {
  std::string text;
  switch (literal.kind) {
    case LiteralKind::value_name: text = literal.text; break;
    case LiteralKind::number: text = fmt::format("{} (number {})", literal.text, literal.number); break;
    case LiteralKind::date: text = fmt::format("{} (date, epoch {})", literal.text, literal.epoch_seconds); break;
    case LiteralKind::datetime:
      text = fmt::format("{} (datetime, epoch {})", literal.text, literal.epoch_seconds);
      break;
    case LiteralKind::boolean: text = fmt::format("{} (bool)", literal.text); break;
    case LiteralKind::missing_word: text = "missing (word)"; break;
    case LiteralKind::unknown_word: text = "unknown (word)"; break;
  }
  return literal.well_formed ? text : fmt::format("{} (malformed)", text);
}

std::string set_text(const std::vector<Literal>& values) {
  std::string text = "{";
  for (std::size_t i = 0; i < values.size(); ++i)
    text += fmt::format("{}{}", i == 0 ? "" : ", ", literal_text(values[i]));
  return fmt::format("{}}}", text);
}

std::string names_text(const std::vector<Name>& names) {
  std::string text = "{";
  for (std::size_t i = 0; i < names.size(); ++i) text += fmt::format("{}{}", i == 0 ? "" : ", ", names[i].text);
  return fmt::format("{}}}", text);
}

class AstPrinter {
 public:
  std::string take() { return std::move(out_); }

  void declaration(const Declaration& declaration) {
    std::visit([this](const auto& node) { print(node); }, declaration);
  }

  void comment(const Comment& comment) { line(comment.span, 0, fmt::format("comment {}", quoted_text(comment.text))); }

 private:
  void line(const SourceSpan& span, std::size_t depth, const std::string& text) {
    append_dump_line(out_, span, depth, text);
  }

  void print(const PolicyHeader& header) {
    line(header.span, 0,
         fmt::format("policy {}{}", header.name.text,
                     header.title ? fmt::format(" {}", quoted_text(header.title->value)) : ""));
  }
  void print(const VersionDecl& version) { line(version.span, 0, fmt::format("version {}", version.text)); }
  void print(const SourceDecl& source) {
    line(source.span, 0, fmt::format("source {}", quoted_text(source.text.value)));
  }
  void print(const AttributeDecl& attribute) {
    std::string text = fmt::format("{} {}", attribute_keyword(attribute.kind), attribute.name.text);
    if (attribute.kind == AttributeKind::enumeration) text += fmt::format(" {}", names_text(attribute.values));
    line(attribute.span, 0, text);
  }
  void print(const SettingDecl& setting) {
    line(setting.span, 0, fmt::format("setting {}", setting.name.text));
    if (setting.label) line(setting.label->span, 1, fmt::format("label {}", quoted_text(setting.label->value)));
    if (setting.default_value) {
      line(setting.default_value->span, 1, fmt::format("default {}", setting.default_value->on ? "on" : "off"));
    }
    if (setting.covers) {
      line(setting.covers->span, 1, "covers");
      condition(*setting.covers, 2);
    }
    for (const auto& availability : setting.availability) {
      std::string text = fmt::format("available on {}", names_text(availability.platforms));
      if (availability.from) text += fmt::format(" from {}", literal_text(*availability.from));
      if (availability.until) text += fmt::format(" until {}", literal_text(*availability.until));
      line(availability.span, 1, text);
    }
    for (const auto& former : setting.formerly) line(former.span, 1, fmt::format("formerly {}", former.text));
  }
  void print(const RuleDecl& rule) {
    line(rule.span, 0,
         fmt::format("{} {}{}", effect_text(rule.effect), rule.id.text,
                     rule.description ? fmt::format(" {}", quoted_text(rule.description->value)) : ""));
    condition(rule.condition, 1);
  }
  void print(const AssertionDecl& assertion) {
    line(assertion.span, 0,
         fmt::format("assert {}{} {}", assertion.id.text,
                     assertion.description ? fmt::format(" {}", quoted_text(assertion.description->value)) : "",
                     assertion_kind_text(assertion.kind)));
    condition(assertion.condition, 1);
  }
  void print(const DefaultDecl& default_decl) {
    line(default_decl.span, 0, fmt::format("default {}", effect_text(default_decl.effect)));
  }

  void condition(const Condition& node, std::size_t depth) {
    const std::string& subject = node.subject.text;
    switch (node.kind) {
      case ConditionKind::always_true: line(node.span, depth, "true"); return;
      case ConditionKind::always_false: line(node.span, depth, "false"); return;
      case ConditionKind::all_of:
      case ConditionKind::any_of:
      case ConditionKind::negation:
        line(node.span, depth,
             node.kind == ConditionKind::all_of   ? "and"
             : node.kind == ConditionKind::any_of ? "or"
                                                  : "not");
        for (const auto& operand : node.operands) condition(operand, depth + 1);
        return;
      case ConditionKind::comparison:
        line(node.span, depth,
             fmt::format("{} {} {}", subject, operator_text(node.comparison),
                         node.values.empty() ? std::string("?") : literal_text(node.values.front())));
        return;
      case ConditionKind::membership:
        line(node.span, depth,
             fmt::format("{} {} {}", subject, node.negated_membership ? "not in" : "in", set_text(node.values)));
        return;
      case ConditionKind::state_test:
        line(node.span, depth, fmt::format("{} is {}", subject, state_text(node.state)));
        return;
      case ConditionKind::bool_attribute: line(node.span, depth, subject); return;
      case ConditionKind::consent: line(node.span, depth, fmt::format("consent {}", subject)); return;
    }
  }

  std::string out_;
};

}  // namespace

void append_dump_line(std::string& out, const std::optional<SourceSpan>& span, std::size_t depth,
                      std::string_view text) {
  const std::string position = span ? fmt::format("{}:{}", span->begin.line, span->begin.column) : "";
  out += position;
  out.append(position.size() < position_width ? position_width - position.size() : 1, ' ');
  out.append(2 * depth, ' ');
  out += text;
  out += '\n';
}

std::string quoted_text(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      quoted += fmt::format("\\x{:02X}", static_cast<unsigned char>(c));
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

std::string dump_ast(const PolicyFile& file) {
  AstPrinter printer;
  for (const auto& declaration : file.declarations) printer.declaration(declaration);
  for (const auto& comment : file.comments) printer.comment(comment);
  return printer.take();
}

}  // namespace usegate::dsl

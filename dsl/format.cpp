#include "usegate/dsl/format.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

namespace usegate::dsl {
namespace {

// One line of output, with the source lines its code came from, so that a comment at the end
// of a source line can be put at the end of the output line holding that code.
struct OutputLine {
  std::string text;
  std::uint32_t first_line = 0;  // 0: a line without code (blank, or a comment line)
  std::uint32_t last_line = 0;
  std::size_t comment_column = 0;  // where a trailing comment starts; 0: two spaces after the text
};

// A piece of a condition that goes on one line, and the source lines it came from.
struct ConditionPiece {
  std::string text;
  std::uint32_t first_line = 0;
  std::uint32_t last_line = 0;
};

enum class Group { header, attributes, other };

Group group_of(const Declaration& declaration) {
  if (std::holds_alternative<PolicyHeader>(declaration) || std::holds_alternative<VersionDecl>(declaration) ||
      std::holds_alternative<SourceDecl>(declaration)) {
    return Group::header;
  }
  if (std::holds_alternative<AttributeDecl>(declaration)) return Group::attributes;
  return Group::other;
}

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

const char* keyword_of(AttributeKind kind) {
  switch (kind) {
    case AttributeKind::enumeration: return "enum";
    case AttributeKind::time: return "time";
    case AttributeKind::number: return "number";
    case AttributeKind::boolean: return "bool";
  }
  return "enum";
}

int precedence(const Condition& condition) {
  switch (condition.kind) {
    case ConditionKind::any_of: return 1;
    case ConditionKind::all_of: return 2;
    case ConditionKind::negation: return 3;
    default: return 4;
  }
}

std::string values_text(const std::vector<Literal>& values) {
  std::string text = "{";
  for (std::size_t i = 0; i < values.size(); ++i) text += (i == 0 ? "" : ", ") + values[i].text;
  return text + "}";
}

class Formatter {
 public:
  Formatter(const SourceFile& source, const PolicyFile& file) : source_(source), file_(file) {}

  std::string run() {
    sort_comments();
    const Declaration* previous = nullptr;
    for (std::size_t index = 0; index < file_.declarations.size(); ++index) {
      const Declaration& declaration = file_.declarations[index];
      if (previous && (group_of(*previous) != group_of(declaration) || group_of(declaration) == Group::other)) {
        blank();
      }
      std::visit([&](const auto& node) { print(node, index); }, declaration);
      previous = &declaration;
    }
    // Comments after the last declaration, after a blank line where the source had one.
    if (next_comment_ < own_line_.size()) {
      std::uint32_t last_code_line = 0;
      for (const auto& line : lines_) last_code_line = std::max(last_code_line, line.last_line);
      if (own_line_[next_comment_]->span.begin.line > last_code_line + 1) blank();
      leading_comments(std::numeric_limits<std::uint32_t>::max(), 0, std::nullopt);
    }
    attach_trailing_comments();
    std::string out;
    for (const auto& line : lines_) out += line.text + "\n";
    return out;
  }

 private:
  // ------------------------------------------------------------ comments
  void sort_comments() {
    for (const auto& comment : file_.comments) {
      const std::string_view line = source_.line_text(comment.span.begin.line);
      const bool alone = line.find_first_not_of(" \t") == comment.span.begin.column - 1;
      (alone ? own_line_ : trailing_).push_back(&comment);
    }
  }

  // The comments on lines of their own before `offset` not yet printed, at `indent`; a blank
  // line kept where the source had one between them, or between them and what follows (which
  // starts on `next_line`).
  void leading_comments(std::uint32_t offset, std::size_t indent, std::optional<std::uint32_t> next_line) {
    std::uint32_t previous_line = 0;
    bool any = false;
    while (next_comment_ < own_line_.size() && own_line_[next_comment_]->span.begin.offset < offset) {
      const Comment& comment = *own_line_[next_comment_++];
      if (any && comment.span.begin.line > previous_line + 1) blank();
      lines_.push_back({std::string(indent, ' ') + trimmed(comment.text), 0, 0, 0});
      previous_line = comment.span.begin.line;
      any = true;
    }
    if (any && next_line && *next_line > previous_line + 1) blank();
  }

  static std::string trimmed(std::string_view text) {
    const std::size_t end = text.find_last_not_of(" \t\r");
    return std::string(text.substr(0, end == std::string_view::npos ? 0 : end + 1));
  }

  void blank() {
    if (!lines_.empty() && !lines_.back().text.empty()) lines_.push_back({});
  }

  // Each comment at the end of a source line goes to the end of the last output line whose
  // code starts on or before that line.
  void attach_trailing_comments() {
    for (const Comment* comment : trailing_) {
      const std::uint32_t line = comment->span.begin.line;
      OutputLine* target = nullptr;
      for (auto& output : lines_) {
        if (output.first_line != 0 && output.first_line <= line) target = &output;
      }
      if (!target) {
        if (lines_.empty()) lines_.emplace_back();
        target = &lines_.front();
      }
      const std::size_t column =
          target->comment_column > target->text.size() ? target->comment_column : target->text.size() + 2;
      target->text += std::string(column - target->text.size(), ' ') + trimmed(comment->text);
      target->comment_column = 0;
    }
  }

  // ------------------------------------------------------------ positions
  std::uint32_t line_at(std::uint32_t offset) const { return source_.position_of(offset).line; }
  std::uint32_t last_line_of(const SourceSpan& span) const {
    return line_at(span.end_offset > span.begin.offset ? span.end_offset - 1 : span.begin.offset);
  }

  void code_line(std::string text, const SourceSpan& first, const SourceSpan& last) {
    lines_.push_back({std::move(text), first.begin.line, last_line_of(last), 0});
  }

  // ------------------------------------------------------------ declarations
  void print(const PolicyHeader& header, std::size_t) {
    leading_comments(header.span.end_offset, 0, header.span.begin.line);
    std::string text = "policy " + header.name.text;
    if (header.title) text.append(" ").append(quoted(header.title->value));
    code_line(std::move(text), header.span, header.span);
  }

  void print(const VersionDecl& version, std::size_t) {
    leading_comments(version.span.end_offset, 0, version.span.begin.line);
    const std::string_view raw =
        std::string_view(source_.text()).substr(version.span.begin.offset, version.span.length());
    code_line("version " + std::string(raw), version.span, version.span);
  }

  void print(const SourceDecl& source, std::size_t) {
    leading_comments(source.span.end_offset, 0, source.span.begin.line);
    code_line("source " + quoted(source.text.value), source.span, source.span);
  }

  void print(const AttributeDecl& attribute, std::size_t index) {
    leading_comments(attribute.span.end_offset, 0, attribute.span.begin.line);
    const std::size_t width = attribute_group_width(index);
    std::string head = std::string(keyword_of(attribute.kind)) + " " + attribute.name.text;
    OutputLine line{head, attribute.span.begin.line, last_line_of(attribute.span), 0};
    if (attribute.kind == AttributeKind::enumeration) {
      std::string values = "{ ";
      for (std::size_t i = 0; i < attribute.values.size(); ++i) {
        values += (i == 0 ? "" : ", ") + attribute.values[i].text;
      }
      values += attribute.values.empty() ? "}" : " }";
      line.text = head + std::string(width - head.size() + 1, ' ') + values;
    } else {
      line.comment_column = width + 1;
    }
    lines_.push_back(std::move(line));
  }

  // The width of `KEYWORD NAME` over the run of attribute declarations `index` is in.
  std::size_t attribute_group_width(std::size_t index) const {
    std::size_t first = index, last = index;
    while (first > 0 && std::holds_alternative<AttributeDecl>(file_.declarations[first - 1])) --first;
    while (last + 1 < file_.declarations.size() &&
           std::holds_alternative<AttributeDecl>(file_.declarations[last + 1])) {
      ++last;
    }
    std::size_t width = 0;
    for (std::size_t i = first; i <= last; ++i) {
      const auto& attribute = std::get<AttributeDecl>(file_.declarations[i]);
      width = std::max(width, std::string_view(keyword_of(attribute.kind)).size() + 1 + attribute.name.text.size());
    }
    return width;
  }

  void print(const SettingDecl& setting, std::size_t) {
    // Comments inside the block go before the field they preceded, so fields are printed in
    // source order of their first token, each after its comments; the canonical order is
    // then the order of the printed lines.
    leading_comments(setting.span.begin.offset + 1, 0, setting.span.begin.line);
    code_line("setting " + setting.name.text + " {", setting.name.span, setting.name.span);
    struct Field {
      std::uint32_t offset;
      int rank;  // label, default, covers, available, formerly
      std::vector<OutputLine> lines;
    };
    std::vector<Field> fields;
    if (setting.label) {
      fields.push_back({setting.label->span.begin.offset, 0, {}});
      fields.back().lines.push_back({"  label   " + quoted(setting.label->value), setting.label->span.begin.line,
                                     setting.label->span.begin.line, 0});
    }
    if (setting.default_value) {
      const auto& value = *setting.default_value;
      fields.push_back({value.span.begin.offset, 1, {}});
      fields.back().lines.push_back(
          {std::string("  default ") + (value.on ? "on" : "off"), value.span.begin.line, value.span.begin.line, 0});
    }
    if (setting.covers) {
      fields.push_back({setting.covers->span.begin.offset, 2, {}});
      const auto pieces = condition_pieces(*setting.covers);
      for (std::size_t i = 0; i < pieces.size(); ++i) {
        fields.back().lines.push_back(
            {(i == 0 ? "  covers  " : "    ") + pieces[i].text, pieces[i].first_line, pieces[i].last_line, 0});
      }
    }
    for (const auto& availability : setting.availability) {
      std::string text = "  available on {";
      for (std::size_t i = 0; i < availability.platforms.size(); ++i) {
        text += (i == 0 ? "" : ", ") + availability.platforms[i].text;
      }
      text += "}";
      if (availability.from) text += " from " + availability.from->text;
      if (availability.until) text += " until " + availability.until->text;
      fields.push_back({availability.span.begin.offset, 3, {}});
      fields.back().lines.push_back(
          {std::move(text), availability.span.begin.line, last_line_of(availability.span), 0});
    }
    for (const auto& former : setting.formerly) {
      fields.push_back({former.span.begin.offset, 4, {}});
      fields.back().lines.push_back({"  formerly " + former.text, former.span.begin.line, former.span.begin.line, 0});
    }
    // Comments attach by source position; lines go out in the canonical order.
    std::vector<Field*> by_offset;
    for (auto& field : fields) by_offset.push_back(&field);
    std::sort(by_offset.begin(), by_offset.end(), [](const Field* a, const Field* b) { return a->offset < b->offset; });
    std::vector<std::vector<OutputLine>> comments(fields.size());
    for (Field* field : by_offset) {
      const std::size_t before = lines_.size();
      leading_comments(field->offset, 2, std::nullopt);
      const auto at = static_cast<std::size_t>(field - fields.data());
      comments[at].assign(lines_.begin() + static_cast<std::ptrdiff_t>(before), lines_.end());
      lines_.resize(before);
    }
    std::vector<std::size_t> order(fields.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return fields[a].rank < fields[b].rank; });
    for (const std::size_t i : order) {
      for (auto& line : comments[i]) lines_.push_back(std::move(line));
      for (auto& line : fields[i].lines) lines_.push_back(std::move(line));
    }
    leading_comments(setting.span.end_offset, 2, std::nullopt);
    const std::uint32_t close_line = last_line_of(setting.span);
    lines_.push_back({"}", close_line, close_line, 0});
  }

  void print(const RuleDecl& rule, std::size_t) {
    leading_comments(rule.condition.span.end_offset, 0, rule.span.begin.line);
    std::string head = std::string(rule.effect == Effect::allow ? "allow " : "deny ") + rule.id.text;
    if (rule.description) head.append(" ").append(quoted(rule.description->value));
    print_conditional(head, rule.description.has_value(), "when ", rule.id.span, rule.condition);
  }

  void print(const AssertionDecl& assertion, std::size_t) {
    leading_comments(assertion.condition.span.end_offset, 0, assertion.span.begin.line);
    std::string head = "assert " + assertion.id.text;
    if (assertion.description) head.append(" ").append(quoted(assertion.description->value));
    print_conditional(head, assertion.description.has_value(),
                      std::string(assertion_kind_text(assertion.kind)) + " when ", assertion.id.span,
                      assertion.condition);
  }

  // `HEAD when CONDITION`, or with a description `HEAD` then `  when CONDITION`.
  void print_conditional(const std::string& head, bool own_line, const std::string& when, const SourceSpan& head_span,
                         const Condition& condition) {
    const auto pieces = condition_pieces(condition);
    if (own_line) {
      code_line(head, head_span, head_span);
      lines_.push_back({"  " + when + pieces.front().text, pieces.front().first_line, pieces.front().last_line, 0});
    } else {
      lines_.push_back({head + " " + when + pieces.front().text, head_span.begin.line, pieces.front().last_line, 0});
    }
    for (std::size_t i = 1; i < pieces.size(); ++i) {
      lines_.push_back({"   " + pieces[i].text, pieces[i].first_line, pieces[i].last_line, 0});
    }
  }

  void print(const DefaultDecl& default_decl, std::size_t) {
    leading_comments(default_decl.span.end_offset, 0, default_decl.span.begin.line);
    code_line(std::string("default ") + (default_decl.effect == Effect::allow ? "allow" : "deny"), default_decl.span,
              default_decl.span);
  }

  // ------------------------------------------------------------ conditions
  // A top-level `and` or `or` chain breaks where its author broke it; the rest is one line.
  std::vector<ConditionPiece> condition_pieces(const Condition& root) {
    const bool chain =
        (root.kind == ConditionKind::all_of || root.kind == ConditionKind::any_of) && !source_parenthesized(root);
    if (!chain) return {{condition_text(root), root.span.begin.line, last_line_of(root.span)}};
    const char* joiner = root.kind == ConditionKind::all_of ? "and " : "or ";
    std::vector<ConditionPiece> pieces;
    for (std::size_t i = 0; i < root.operands.size(); ++i) {
      const Condition& operand = root.operands[i];
      const std::string text = operand_text(root, operand);
      const bool breaks = i > 0 && std::string_view(source_.text())
                                           .substr(root.operands[i - 1].span.end_offset,
                                                   operand.span.begin.offset - root.operands[i - 1].span.end_offset)
                                           .find('\n') != std::string_view::npos;
      if (i == 0 || breaks) {
        pieces.push_back({(i == 0 ? "" : joiner) + text, operand.span.begin.line, last_line_of(operand.span)});
      } else {
        pieces.back().text += std::string(" ") + joiner + text;
        pieces.back().last_line = last_line_of(operand.span);
      }
    }
    return pieces;
  }

  std::string operand_text(const Condition& parent, const Condition& operand) {
    std::string text = condition_text(operand);
    // An `or` in an `or` (an `and` in an `and`) exists only because its author wrote
    // parentheses: without them the parser would have made one chain.
    const bool needed = precedence(operand) < precedence(parent) ||
                        (parent.kind == ConditionKind::negation && precedence(operand) < 3) ||
                        (operand.kind == parent.kind && precedence(operand) < 3);
    return needed || source_parenthesized(operand) ? "(" + text + ")" : text;
  }

  std::string condition_text(const Condition& node) {
    const std::string& subject = node.subject.text;
    switch (node.kind) {
      case ConditionKind::always_true: return "true";
      case ConditionKind::always_false: return "false";
      case ConditionKind::all_of:
      case ConditionKind::any_of: {
        std::string text;
        for (std::size_t i = 0; i < node.operands.size(); ++i) {
          if (i > 0) text += node.kind == ConditionKind::all_of ? " and " : " or ";
          text += operand_text(node, node.operands[i]);
        }
        return text;
      }
      case ConditionKind::negation: return "not " + operand_text(node, node.operands.front());
      case ConditionKind::comparison:
        return subject + " " + operator_text(node.comparison) + " " +
               (node.values.empty() ? std::string() : node.values.front().text);
      case ConditionKind::membership:
        return subject + (node.negated_membership ? " not in " : " in ") + values_text(node.values);
      case ConditionKind::state_test:
        return subject + " is " +
               (node.state == AttributeState::missing   ? "missing"
                : node.state == AttributeState::unknown ? "unknown"
                                                        : "known");
      case ConditionKind::bool_attribute: return subject;
      case ConditionKind::consent: return "consent " + subject;
    }
    return {};
  }

  // Whether the author wrote the node inside its own pair of parentheses: the token before it
  // is `(` and the `)` that closes that one comes right after it.
  bool source_parenthesized(const Condition& node) const {
    const std::string_view text = source_.text();
    std::size_t open = node.span.begin.offset;
    while (open > 0 &&
           (text[open - 1] == ' ' || text[open - 1] == '\t' || text[open - 1] == '\n' || text[open - 1] == '\r')) {
      --open;
    }
    if (open == 0 || text[open - 1] != '(') return false;
    --open;
    std::size_t close = node.span.end_offset;
    while (close < text.size() &&
           (text[close] == ' ' || text[close] == '\t' || text[close] == '\n' || text[close] == '\r')) {
      ++close;
    }
    if (close >= text.size() || text[close] != ')') return false;
    int depth = 0;
    for (std::size_t at = open; at < text.size(); ++at) {
      if (text[at] == '#') {
        while (at < text.size() && text[at] != '\n') ++at;
        continue;
      }
      if (text[at] == '(') ++depth;
      if (text[at] == ')' && --depth == 0) return at == close;
    }
    return false;
  }

  const SourceFile& source_;
  const PolicyFile& file_;
  std::vector<OutputLine> lines_;
  std::vector<const Comment*> own_line_;
  std::vector<const Comment*> trailing_;
  std::size_t next_comment_ = 0;
};

}  // namespace

std::string format_policy(const SourceFile& source, const PolicyFile& file) {
  return Formatter(source, file).run();
}

}  // namespace usegate::dsl

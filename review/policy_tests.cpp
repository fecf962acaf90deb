#include "usegate/review/policy_tests.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "usegate/base/json_text.hpp"
#include "usegate/runtime/time_text.hpp"
#include "yaml_reader.hpp"

namespace usegate::review {
namespace {

// A plain scalar that JSON reads as a number: `-12`, `3.5`, `1e3`.
bool is_json_number(const std::string& text) {
  std::size_t at = 0;
  const auto digits = [&] {
    const std::size_t start = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
    return at > start;
  };
  if (at < text.size() && text[at] == '-') ++at;
  if (at < text.size() && text[at] == '0') {
    ++at;
  } else if (!digits()) {
    return false;
  }
  if (at < text.size() && text[at] == '.') {
    ++at;
    if (!digits()) return false;
  }
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
    ++at;
    if (at < text.size() && (text[at] == '+' || text[at] == '-')) ++at;
    if (!digits()) return false;
  }
  return at == text.size();
}

class TestFileReader : public YamlReader {
 public:
  using YamlReader::YamlReader;

  WrittenValue written(const YAML::Node& node, const std::string& what) const {
    WrittenValue value{scalar(node, what), {}};
    value.span = yaml_source().diagnostic(node, "").span;
    return value;
  }

  std::optional<WrittenValue> optional_written(const YAML::Node& node, const std::string& what) const {
    if (node.IsNull() && node.Mark().line < 0) return std::nullopt;
    return written(node, what);
  }

  std::optional<WrittenValue> time(const YAML::Node& node, const std::string& what) const {
    auto value = optional_written(node, what);
    if (value && !runtime::epoch_seconds_from_text(value->text)) {
      fail(node, fmt::format("{} is not a time: `{}`", what, value->text),
           "write `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SSZ` or epoch seconds");
    }
    return value;
  }

  // A YAML value as JSON text (see the header for how plain scalars are typed).
  std::string json(const YAML::Node& node) const {
    switch (node.Type()) {
      case YAML::NodeType::Map: {
        std::string out = "{";
        for (const auto& [key, value] : entries(node, "a record's object")) {
          if (out.size() > 1) out += ',';
          out += json::quote(key.Scalar());
          out += ':';
          out += json(value);
        }
        return out + "}";
      }
      case YAML::NodeType::Sequence: {
        std::string out = "[";
        for (const auto& item : node) {
          if (out.size() > 1) out += ',';
          out += json(item);
        }
        return out + "]";
      }
      case YAML::NodeType::Scalar: {
        const std::string& text = node.Scalar();
        if (node.Tag() == "!") return json::quote(text);  // quoted: always a string
        if (text == "true" || text == "false") return text;
        if (text == "null" || text == "~") return "null";
        if (is_json_number(text)) return text;
        return json::quote(text);
      }
      case YAML::NodeType::Null: return "null";
      case YAML::NodeType::Undefined: break;
    }
    return "null";
  }

  // A record: a map, or JSON text on one line.
  std::string record(const YAML::Node& node) const {
    if (node.IsMap()) return json(node);
    const std::string text = scalar(node, "`record`");
    if (text.find('\n') != std::string::npos) {
      fail(node, "`record` holds more than one line", "a record is one JSON object; write it on one line, or as a map");
    }
    return text;
  }

  // Consent changes: a list of maps, or JSON Lines text.
  std::string consent(const YAML::Node& node) const {
    if (node.IsSequence()) {
      std::string lines;
      for (const auto& change : node) {
        if (!change.IsMap())
          fail(change, "each consent change must be a map such as `{user: u1, setting: s, value: off}`");
        lines += json(change);
        lines += '\n';
      }
      return lines;
    }
    return scalar(node, "`consent`");
  }

  PolicyTestFile read() {
    const YAML::Node root = parse();
    if (!root.IsMap()) fail(root, "a test file must be a map with `policy` and `cases`");
    const auto values = fields(root, "the test file", {"policy", "now", "purpose", "bindings", "cases"});
    PolicyTestFile file;
    require(values[0], root, "policy", "the test file");
    require(values[4], root, "cases", "the test file");
    file.policy = written(values[0], "`policy`");
    file.now = time(values[1], "`now`");
    file.purpose = optional_written(values[2], "`purpose`");
    file.bindings = optional_written(values[3], "`bindings`");
    const YAML::Node& cases = values[4];
    if (!cases.IsSequence()) fail(cases, "`cases` must be a list of cases");
    for (const auto& node : cases) {
      if (!node.IsMap()) fail(node, "a case must be a map with `name`, `record` and `expect`");
      const auto entry = fields(node, "a case", {"name", "record", "consent", "now", "purpose", "expect", "reason"});
      require(entry[0], node, "name", "a case");
      require(entry[1], node, "record", "a case");
      require(entry[5], node, "expect", "a case");
      PolicyTestCase test;
      test.name = written(entry[0], "a case's `name`");
      test.record = record(entry[1]);
      if (!(entry[2].IsNull() && entry[2].Mark().line < 0)) test.consent = consent(entry[2]);
      test.now = time(entry[3], "`now`");
      test.purpose = optional_written(entry[4], "`purpose`");
      test.expect = written(entry[5], "`expect`");
      if (test.expect.text != "allow" && test.expect.text != "deny" && test.expect.text != "reject") {
        fail(entry[5], fmt::format("`expect` must be allow, deny or reject, not `{}`", test.expect.text),
             suggestion(test.expect.text, {"allow", "deny", "reject"}));
      }
      test.reason = optional_written(entry[6], "`reason`");
      for (const auto& earlier : file.cases) {
        if (earlier.name.text == test.name.text)
          fail(entry[0], fmt::format("two cases are named `{}`", test.name.text));
      }
      file.cases.push_back(std::move(test));
    }
    if (file.cases.empty()) fail(cases, "`cases` is empty", "a test file tests at least one record");
    file.source = std::make_shared<const SourceFile>(yaml_source().source());
    return file;
  }
};

}  // namespace

Result<PolicyTestFile> read_policy_test_file(const std::string& path, const std::string& text) {
  TestFileReader reader(path, text);
  try {
    return reader.read();
  } catch (const YamlInputError& problem) {
    return problem.error;
  }
}

std::string test_file_error(const PolicyTestFile& file, const SourceSpan& span, std::string message, std::string help) {
  Diagnostic diagnostic;
  diagnostic.span = span;
  diagnostic.message = std::move(message);
  diagnostic.help = std::move(help);
  return format_diagnostic(*file.source, diagnostic);
}

}  // namespace usegate::review

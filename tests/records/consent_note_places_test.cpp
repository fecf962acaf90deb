// Where a consent change's note points: the column and length of the offending value on its
// line, so that it can be shown with a caret like any other diagnostic.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <string>

#include "policy_from_text.hpp"
#include "usegate/records/consent_ledger.hpp"

namespace {

using namespace usegate;
using records::ConsentLedger;

const char* const policy_text = R"(policy places "t"
enum purpose { training }
enum platform { web, ios }
setting sharing {
  default on
  covers purpose == training
  available on {web} from 2024-07-26
}
allow train when purpose == training
)";

ConsentLedger read_changes(const std::string& changes) {
  const Policy policy = usegate::testing::policy_from_text("places.policy", policy_text);
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  REQUIRE(std::fwrite(changes.data(), 1, changes.size(), file) == changes.size());
  REQUIRE(std::fflush(file) == 0);
  REQUIRE(::lseek(fileno(file), 0, SEEK_SET) == 0);
  auto ledger = ConsentLedger::read(fileno(file), policy, 1725148800);
  std::fclose(file);
  return ledger;
}

struct Expected {
  const char* line;
  const char* cause;
  std::uint32_t column;
  std::uint32_t length;
};

}  // namespace

TEST_CASE("consent notes: each points at the value at fault, or at the line when no value is") {
  const Expected cases[] = {
      {R"({"user":"a","setting":"sharing","value":"OFF","platform":"web","ts":"2024-08-01"})", "bad_value_read_as_off",
       41, 5},
      {R"({"user":"a","setting":"sharing","value": 12 ,"platform":"web","ts":"2024-08-01"})", "bad_value_read_as_off",
       42, 2},
      {R"({"user":"a","setting":"sharinq","value":"off","platform":"web","ts":"2024-08-01"})", "unknown_setting", 23,
       9},
      {R"({"user":"a","setting":"sharing","value":"off","platform":"tv","ts":"2024-08-01"})", "unknown_platform", 58,
       4},
      {R"({"user":"a","setting":"sharing","value":"off","platform":"ios","ts":"2024-08-01"})", "unavailable", 58, 5},
      {R"({"user":"a","setting":"sharing","value":"off","platform":"web","ts":"yesterday"})", "bad_time", 69, 11},
      {R"({"user":["a"],"setting":"sharing","value":"off","platform":"web","ts":"2024-08-01"})", "bad_user", 9, 1},
      {R"({"user":"a","setting":7,"value":"off","platform":"web","ts":"2024-08-01"})", "bad_setting", 23, 1},
      {R"({"user":"a","setting":"sharing","value":"off","platform":"web"})", "missing_field", 0, 0},
      {R"({"user":"a",)", "invalid_json", 0, 0},
  };
  for (const auto& expected : cases) {
    INFO(expected.line);
    const ConsentLedger ledger = read_changes(std::string(expected.line) + "\n");
    REQUIRE(ledger.notes().size() == 1);
    const auto& note = ledger.notes().front();
    CHECK(note.cause == expected.cause);
    CHECK(note.column == expected.column);
    CHECK(note.length == expected.length);
    CHECK(note.text == expected.line);
    CHECK(note.line == 1);
  }
}

TEST_CASE("consent notes: a line longer than the shown limit keeps its place but not its text") {
  const std::string padding(ConsentLedger::max_shown_line, ' ');
  const std::string line =
      R"({"user":"a","setting":"sharing","value":"OFF","platform":"web","ts":"2024-08-01")" + padding + "}";
  const ConsentLedger ledger = read_changes("\n" + line + "\n");
  REQUIRE(ledger.notes().size() == 1);
  CHECK(ledger.notes().front().line == 2);
  CHECK(ledger.notes().front().column == 0);
  CHECK(ledger.notes().front().text.empty());
}

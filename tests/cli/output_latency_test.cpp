// eval and filter on a pipe fed slowly: each decision comes out before the next line goes in.
#include <doctest/doctest.h>

#include <string>

#include "child_process.hpp"
#include "x_records.hpp"

namespace {

using usegate::testing::august_policy;
using usegate::testing::StreamingChild;
using usegate::testing::x_record;

// The writer sends a line only once the decision of the one before is out; a stage that holds
// decisions back until more input comes leaves the first wait to time out, and fails.
void check_line_by_line(const std::vector<std::string>& arguments, bool eval) {
  StreamingChild child(arguments);
  // x_record ends each record with its newline.
  const std::string records[] = {x_record("u1", "US", "2024-06-01"), x_record("u2", "EU", "2024-06-01"),
                                 x_record("u3", "US", "2024-06-02")};
  const std::string outputs[] = {
      eval ? R"({"line":1,"decision":"allow","reason":"train_on_posts"})"
             "\n"
           : records[0],
      eval ? R"({"line":2,"decision":"deny","reason":"eu_suspension"})"
             "\n"
           : "",
      eval ? R"({"line":3,"decision":"allow","reason":"train_on_posts"})"
             "\n"
           : records[2],
  };
  std::string expected;
  for (std::size_t i = 0; i < 3; ++i) {
    child.write(records[i]);
    expected += outputs[i];
    if (outputs[i].empty()) continue;  // a denied record shows nothing to wait for
    CHECK(child.read_until(expected) == expected);
  }
  CHECK(child.wait() == 0);
  CHECK(child.read_until(expected) == expected);
}

}  // namespace

TEST_CASE("eval on a slow pipe: every decision is written before more input comes") {
  check_line_by_line({"eval", "--policy", august_policy, "--now", "2024-09-01"}, true);
}

TEST_CASE("eval -j 2 on a slow pipe: every decision is written before more input comes, in order") {
  check_line_by_line({"eval", "--policy", august_policy, "--now", "2024-09-01", "-j", "2"}, true);
}

TEST_CASE("filter on a slow pipe: every allowed record is written before more input comes") {
  check_line_by_line({"filter", "--policy", august_policy, "--now", "2024-09-01"}, false);
  check_line_by_line({"filter", "--policy", august_policy, "--now", "2024-09-01", "-j", "3"}, false);
}

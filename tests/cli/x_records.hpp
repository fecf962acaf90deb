#pragma once
// Pieces the command-line tests share: the bundled X policies, small hand-made record files,
// and a look at the keys of JSON output.

#include <doctest/doctest.h>
#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "support.hpp"

namespace usegate::testing {

inline const std::string july_policy = source_path("policies/x-grok-2024-07.policy");
inline const std::string august_policy = source_path("policies/x-grok-2024-08.policy");

// Writes a file into a test's scratch directory and returns its path.
inline std::string scratch_file(const std::string& directory, const std::string& name, const std::string& text) {
  const std::string path = directory + "/" + name;
  write_text(path, text);
  return path;
}

// The keys of a JSON object, in document order.
inline std::vector<std::string_view> keys_of(simdjson::dom::element element) {
  simdjson::dom::object object;
  REQUIRE(element.get_object().get(object) == simdjson::SUCCESS);
  std::vector<std::string_view> keys;
  for (const auto field : object) keys.push_back(field.key);
  return keys;
}

// A record for training, as the X policies read it; one line.
inline std::string x_record(const std::string& user, const std::string& region, const std::string& ts,
                            const std::string& category = "post", const std::string& visibility = "public") {
  std::string line = R"({"user":")";  // built in steps: GCC 12 warns falsely (-Wrestrict) on "..." + std::string
  line += user;
  line += R"(","purpose":"training","category":")";
  line += category;
  line += R"(","region":")";
  line += region;
  line += R"(","visibility":")";
  line += visibility;
  line += R"(","ts":")";
  line += ts;
  line += "\"}\n";
  return line;
}

// Ten records and an empty line (line 6), read at 2024-09-01 when the EU suspension applies:
//   lines 2, 5, 9 (u2, u5, u8): EU posts inside [2024-05-07, 2024-08-01): eu_suspension;
//   line 3 (u3) an EU post from after the window and line 10 (u9) one from the day before it;
//   line 4 (u4) an EU interaction and line 8 (u7) an EU direct message, which the suspension
//   does not cover; line 1 (u1) a US post, line 7 (u6) a protected UK post, line 11 (u10) a US
//   Grok result. Nobody has switched the setting off.
inline const std::string ten_x_records =
    x_record("u1", "US", "2024-06-01") + x_record("u2", "EU", "2024-06-01") + x_record("u3", "EU", "2024-08-05") +
    x_record("u4", "EU", "2024-06-01", "interaction") + x_record("u5", "EU", "2024-07-31T23:59:59Z") + "\n" +
    x_record("u6", "UK", "2024-06-01", "post", "protected") + x_record("u7", "EU", "2024-06-01", "direct_message") +
    x_record("u8", "EU", "2024-05-07") + x_record("u9", "EU", "2024-05-06") +
    x_record("u10", "US", "2024-06-01", "result");

}  // namespace usegate::testing

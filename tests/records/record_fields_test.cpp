// The bound fields of a record as written (records/record_fields.hpp), which `usegate explain`
// shows beside the decision.
#include <doctest/doctest.h>

#include "policy_from_text.hpp"
#include "usegate/records/bindings.hpp"
#include "usegate/records/record_fields.hpp"

namespace {

using namespace usegate;
using records::FieldReading;

const char* const policy_text = R"(policy fields "t"
enum region { US, EU }
enum category { post }
number age
bool verified
setting sharing {
  default on
  covers category == post
  formerly old_sharing
}
allow a when region == EU and age > 1 and verified and category == post
)";

TEST_CASE("record fields: each bound path as written, absent and null told apart") {
  const Policy policy = testing::policy_from_text("fields.policy", policy_text);
  auto bindings = records::read_bindings("b.yaml", R"(user: author.id
attributes:
  region: geo.region
  category: {constant: post}
settings:
  sharing: {field: prefs.sharing}
)",
                                         policy);
  REQUIRE(bindings);
  const auto fields = records::read_record_fields(
      R"({"geo": {"region": "E\u0055"}, "age": 1.50e1, "verified": null, "prefs": {"old_sharing": "off"}, "author": {"id": 42}})",
      bindings.value());
  REQUIRE(fields);
  const auto find = [&](const std::string& attribute) -> const FieldReading& {
    for (std::size_t i = 0; i < bindings.value().attributes.size(); ++i) {
      if (bindings.value().attributes[i].attribute == attribute) return fields.value().attributes[i];
    }
    FAIL("no binding for " << attribute);
    static const FieldReading none;
    return none;
  };
  CHECK(find("region").kind == FieldReading::Kind::string);
  CHECK(find("region").text == "EU");  // unescaped
  CHECK(find("region").path == "geo.region");
  CHECK(find("age").kind == FieldReading::Kind::number);
  CHECK(find("age").text == "1.50e1");  // as written
  CHECK(find("age").number == 15.0);
  CHECK(find("verified").kind == FieldReading::Kind::null);
  CHECK(find("category").kind == FieldReading::Kind::string);
  CHECK(find("category").text == "post");  // the constant
  CHECK(find("category").path.empty());
  REQUIRE(fields.value().settings.size() == 1);
  REQUIRE(fields.value().settings[0].size() == 2);  // own path, then the former name's
  CHECK(fields.value().settings[0][0].kind == FieldReading::Kind::absent);
  CHECK(fields.value().settings[0][1].text == "off");
  CHECK(fields.value().settings[0][1].path == "prefs.old_sharing");
  CHECK(fields.value().subjects[0].kind == FieldReading::Kind::number);
  CHECK(fields.value().subjects[0].text == "42");
}

TEST_CASE("record fields: objects and arrays are named, and a value that is no object is an error") {
  const Policy policy = testing::policy_from_text("fields.policy", policy_text);
  const records::Bindings bindings = records::default_bindings(policy);
  const auto fields = records::read_record_fields(R"({"region": {"code": "EU"}, "age": [1]})", bindings);
  REQUIRE(fields);
  for (std::size_t i = 0; i < bindings.attributes.size(); ++i) {
    if (bindings.attributes[i].attribute == "region") CHECK(fields.value().attributes[i].text == "an object");
    if (bindings.attributes[i].attribute == "age") CHECK(fields.value().attributes[i].text == "an array");
  }
  CHECK_FALSE(records::read_record_fields("[1, 2]", bindings));
  CHECK_FALSE(records::read_record_fields("\"post\"", bindings));
}

}  // namespace

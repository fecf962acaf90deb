// The embedding API: names, encoding, deciding by codes, by fields and in batches.
#include <doctest/doctest.h>

#include <limits>
#include <random>
#include <vector>

#include "policy_from_text.hpp"
#include "support.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/usegate.hpp"

namespace {

using namespace usegate;

Policy load(const std::string& text, std::size_t max_dense_cells = 1U << 18) {
  compiler::CompileOptions options;
  options.max_dense_cells = max_dense_cells;
  return testing::policy_from_text("test.policy", text, options);
}

const char* const x_policy = R"(policy x "t"
version 3
enum purpose { training, ads }
enum region { US, EU }
time ts
number age
bool verified
enum platform { web, ios }
setting sharing { default on; covers purpose == training; available on {web} }
deny eu "EU" when region == EU and ts >= 2024-05-07 and now >= 2024-08-08
deny minors when age < 18
allow train "Training" when purpose == training and verified
)";

TEST_CASE("variables: tested attributes, `now`, settings, and reasons by name") {
  for (const std::size_t dense : {std::size_t{1} << 18, std::size_t{1}}) {
    const Policy policy = load(x_policy, dense);
    CHECK(policy.name() == "x");
    CHECK(policy.version() == "3");
    CHECK(policy.variable_count() == 7);
    CHECK(policy.find_variable("purpose") == 0);
    CHECK(policy.find_variable("now") == 5);
    CHECK(policy.find_variable("sharing") == 6);
    CHECK_FALSE(policy.find_variable("platform").has_value());  // never tested
    CHECK(policy.variable(2).kind == VariableDescription::Kind::time);
    CHECK(policy.variable(2).code_count == 5);  // missing, unknown, <, =, > 2024-05-07
    CHECK(policy.reason_count() == 5);
    CHECK(policy.reason_name(0) == "default");
    CHECK(policy.reason_name(1) == "optout_sharing");
    CHECK(policy.reason_name(4) == "train");
    CHECK(policy.reason_description(4) == "Training");
    CHECK(policy.reason_name(Policy::invalid_input_reason) == "invalid_input");
    CHECK(policy.find_reason("minors") == 3);
  }
}

TEST_CASE("encoding follows the extended domain") {
  const Policy policy = load(x_policy);
  const std::size_t purpose = 0, ts = 2, age = 3, verified = 4, sharing = 6;
  CHECK(policy.encode(purpose, FieldValue::absent()) == 0);
  CHECK(policy.encode(purpose, FieldValue::null()) == 0);
  CHECK(policy.encode(purpose, FieldValue::from_string("Training")) == 1);  // case matters
  CHECK(policy.encode(purpose, FieldValue::from_number(1)) == 1);
  CHECK(policy.encode(purpose, FieldValue::from_string("ads")) == 3);
  CHECK(policy.encode(ts, FieldValue::from_string("2024-05-07")) == 3);
  CHECK(policy.encode(ts, FieldValue::from_string("2024-05-06T23:59:59.5Z")) == 2);
  CHECK(policy.encode(ts, FieldValue::from_string("2024-05-07T00:00:00.5Z")) == 4);
  CHECK(policy.encode(ts, FieldValue::from_string("2024-05-07T01:00:00+02:00")) == 2);
  CHECK(policy.encode(ts, FieldValue::from_number(1715040000)) == 3);
  CHECK(policy.encode(ts, FieldValue::from_string("2024-02-30")) == 1);
  CHECK(policy.encode(age, FieldValue::from_number(17.999)) == 2);
  CHECK(policy.encode(age, FieldValue::from_number(18)) == 3);
  CHECK(policy.encode(age, FieldValue::from_string("18")) == 1);
  CHECK(policy.encode(verified, FieldValue::from_bool(true)) == 3);
  CHECK(policy.encode(verified, FieldValue::from_string("true")) == 1);
  bool bad = false;
  CHECK(policy.encode_consent(sharing, FieldValue::absent(), &bad) == 1);  // default on
  CHECK(policy.encode_consent(sharing, FieldValue::from_string("off"), &bad) == 0);
  CHECK_FALSE(bad);
  CHECK(policy.encode_consent(sharing, FieldValue::from_string("maybe"), &bad) == 0);
  CHECK(bad);
}

TEST_CASE("a column of instants in nanoseconds encodes as each instant's epoch seconds") {
  // Every variable kind: a time attribute, `now`, a number, an enum and a setting; instants at
  // and around the policy's times to the nanosecond, before the epoch, NaT and the int64 ends.
  const Policy policy = load(x_policy);
  constexpr std::int64_t second = 1'000'000'000;
  const std::int64_t may = 1715040000;     // 2024-05-07T00:00:00Z
  const std::int64_t august = 1723075200;  // 2024-08-08T00:00:00Z
  std::vector<std::int64_t> instants{Policy::missing_instant,
                                     std::numeric_limits<std::int64_t>::max(),
                                     Policy::missing_instant + 1,
                                     0,
                                     -1,
                                     1,
                                     -second,
                                     -second - 1,
                                     -second + 1};
  for (const std::int64_t at : {may, august, std::int64_t{0}, std::int64_t{-86400}}) {
    for (const std::int64_t offset : {-second - 1, -second, -second + 1, std::int64_t{-1}, std::int64_t{0},
                                      std::int64_t{1}, second - 1, second, second + 1}) {
      instants.push_back(at * second + offset);
    }
  }
  std::mt19937_64 rng(20241208);
  for (int i = 0; i < 2000; ++i) instants.push_back(static_cast<std::int64_t>(rng()));
  for (std::size_t variable = 0; variable < policy.variable_count(); ++variable) {
    std::vector<Code> codes(instants.size());
    policy.encode_instants(variable, instants, codes.data());
    for (std::size_t i = 0; i < instants.size(); ++i) {
      const std::int64_t instant = instants[i];
      // The reference: the instant as a number of seconds, a fraction read as half a second
      // (any fraction lies strictly inside its second, which is all the codes can tell).
      std::int64_t seconds = instant / second;
      const std::int64_t fraction = instant % second;
      if (fraction < 0) --seconds;
      const FieldValue value =
          instant == Policy::missing_instant
              ? FieldValue::absent()
              : FieldValue::from_number(static_cast<double>(seconds) + (fraction != 0 ? 0.5 : 0.0));
      INFO("variable " << variable << ", instant " << instant);
      CHECK(codes[i] == policy.encode(variable, value));
    }
  }
}

TEST_CASE("decide by fields, by codes and in batches agree") {
  for (const std::size_t dense : {std::size_t{1} << 18, std::size_t{1}}) {
    const Policy policy = load(x_policy, dense);
    std::vector<FieldValue> fields(policy.variable_count(), FieldValue::absent());
    fields[0] = FieldValue::from_string("training");
    fields[1] = FieldValue::from_string("US");
    fields[3] = FieldValue::from_number(30);
    fields[4] = FieldValue::from_bool(true);
    fields[5] = FieldValue::from_number(1723075200);  // 2024-08-08
    CHECK(policy.decide(fields) == Decision{true, 4});
    fields[6] = FieldValue::from_string("off");
    CHECK(policy.decide(fields) == Decision{false, 1});
    fields[6] = FieldValue::absent();
    fields[1] = FieldValue::from_string("EU");
    fields[2] = FieldValue::from_string("2024-06-01");
    CHECK(policy.decide(fields) == Decision{false, 2});
    fields[3] = FieldValue::from_number(12);
    CHECK(policy.decide(fields) == Decision{false, 2});  // the first deny in source order
    fields[1] = FieldValue::from_string("US");
    CHECK(policy.decide(fields) == Decision{false, 3});
    fields[3] = FieldValue::absent();
    fields[4] = FieldValue::absent();
    CHECK(policy.decide(fields) == Decision{false, 0});

    // Codes out of range or of the wrong count are denied as invalid input.
    std::vector<Code> codes(policy.variable_count(), 0);
    CHECK(policy.decide(codes) == Decision{false, 0});
    codes[0] = 99;
    CHECK(policy.decide(codes) == Decision{false, Policy::invalid_input_reason});
    // Also when the record's path never tests the variable (a missing purpose decides at the
    // root of the diagram).
    codes[0] = 0;
    codes.back() = 99;
    CHECK(policy.decide(codes) == Decision{false, Policy::invalid_input_reason});
    codes.back() = 0;
    CHECK(policy.decide(std::span<const Code>(codes.data(), 2)) == Decision{false, Policy::invalid_input_reason});

    // Every combination of codes, one at a time and as one batch.
    std::vector<std::vector<Code>> columns(policy.variable_count());
    std::vector<Decision> expected;
    std::vector<Code> point(policy.variable_count(), 0);
    for (bool done = false; !done;) {
      for (std::size_t v = 0; v < point.size(); ++v) columns[v].push_back(point[v]);
      expected.push_back(policy.decide(point));
      done = true;
      for (std::size_t v = point.size(); v-- > 0;) {
        if (++point[v] < policy.variable(v).code_count) {
          done = false;
          break;
        }
        point[v] = 0;
      }
    }
    columns[3][7] = 500;  // one invalid row
    expected[7] = Decision{false, Policy::invalid_input_reason};
    std::vector<const Code*> column_pointers;
    for (const auto& column : columns) column_pointers.push_back(column.data());
    std::vector<Decision> batch(expected.size());
    policy.decide_batch(column_pointers, expected.size(), batch.data());
    CHECK(batch == expected);
  }
}

}  // namespace

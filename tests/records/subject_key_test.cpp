// Subject keys (records/subject_key.hpp): ids equal by value share a key byte for byte, and
// nothing else does.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "support.hpp"
#include "usegate/records/subject_key.hpp"

namespace {

using usegate::records::subject_key_from_number;
using usegate::records::subject_key_from_string;
using usegate::records::subject_key_integer_digits;

std::string number_key(const std::string& token) {
  std::string key = "stale";
  INFO("token `", token, "`");
  REQUIRE(subject_key_from_number(token, key));
  return key;
}

std::string string_key(const std::string& text) {
  std::string key = "stale";
  subject_key_from_string(text, key);
  return key;
}

// The key of a number that is not an integer written out: the numeric kind's byte, then this.
std::string numeric(const std::string& canonical) {
  return '\xFF' + canonical;
}

struct NumberCase {
  const char* token;
  std::string key;
};

TEST_CASE("subject keys: number tokens, table by table") {
  SUBCASE("integers, however they are written, key as their decimal text") {
    const NumberCase cases[] = {
        {"50", "50"},    {"50.0", "50"},   {"5e1", "50"},      {"5E1", "50"},   {"5.0E+1", "50"},     {"500e-1", "50"},
        {"0.5e2", "50"}, {"0.05e3", "50"}, {"50.000e0", "50"}, {"5e+01", "50"}, {"5000000e-5", "50"}, {"1", "1"},
        {"10", "10"},    {"100e-2", "1"},  {"1.0e2", "100"},   {"7e0", "7"},
    };
    for (const auto& c : cases) CHECK_MESSAGE(number_key(c.token) == c.key, std::string(c.token));
  }
  SUBCASE("zero has one key, whatever its sign or spelling") {
    for (const char* token : {"0", "-0", "0.0", "-0.0", "0e5", "0E-5", "-0e0", "0.000e99999999999999999999"}) {
      CHECK_MESSAGE(number_key(token) == "0", std::string(token));
    }
  }
  SUBCASE("negative numbers keep their sign") {
    const NumberCase cases[] = {
        {"-50", "-50"},
        {"-5e1", "-50"},
        {"-50.0", "-50"},
        {"-1.5", numeric("-15e-1")},
        {"-0.25", numeric("-25e-2")},
        {"-25e-2", numeric("-25e-2")},
    };
    for (const auto& c : cases) CHECK_MESSAGE(number_key(c.token) == c.key, std::string(c.token));
  }
  SUBCASE("integers above 2^53 exactly, digit for digit") {
    const NumberCase cases[] = {
        {"9007199254740993", "9007199254740993"},  // 2^53 + 1: a double reads 2^53
        {"9007199254740992", "9007199254740992"},
        {"123456789012345678901234", "123456789012345678901234"},
        {"123456789012345678901234.0", "123456789012345678901234"},
        {"1.23456789012345678901234e23", "123456789012345678901234"},
        {"12345678901234567890123400e-2", "123456789012345678901234"},
        {"-18446744073709551617", "-18446744073709551617"},  // 2^64 + 1
        {"1e30", "1000000000000000000000000000000"},
    };
    for (const auto& c : cases) CHECK_MESSAGE(number_key(c.token) == c.key, std::string(c.token));
    CHECK(number_key("9007199254740993") != number_key("9007199254740992"));
  }
  SUBCASE("other numbers by value: significant digits and the power of ten") {
    const NumberCase cases[] = {
        {"1.5", numeric("15e-1")},
        {"1.50", numeric("15e-1")},
        {"15e-1", numeric("15e-1")},
        {"0.15e1", numeric("15e-1")},
        {"150e-2", numeric("15e-1")},
        {"1.5E0", numeric("15e-1")},
        {"0.001", numeric("1e-3")},
        {"1e-3", numeric("1e-3")},
        {"0.0001e1", numeric("1e-3")},
        {"100e-5", numeric("1e-3")},
        {"3.14159", numeric("314159e-5")},
        {"1e-999999999", numeric("1e-999999999")},
        {"12.5e-999999999", numeric("125e-1000000000")},
    };
    for (const auto& c : cases) CHECK_MESSAGE(number_key(c.token) == c.key, std::string(c.token));
  }
  SUBCASE("exponents past 64 bits are added to exactly") {
    const NumberCase cases[] = {
        {"1e99999999999999999999", numeric("1e99999999999999999999")},
        {"10e99999999999999999999", numeric("1e100000000000000000000")},
        {"0.1e100000000000000000000", numeric("1e99999999999999999999")},
        {"1e-100000000000000000000", numeric("1e-100000000000000000000")},
        {"0.01e-99999999999999999999", numeric("1e-100000000000000000001")},
        {"100e-100000000000000000000", numeric("1e-99999999999999999998")},
        {"1e0000000000000000000000000005", "100000"},  // leading zeros of the exponent count for nothing
        {"-2.50e18446744073709551617", numeric("-25e18446744073709551616")},
    };
    for (const auto& c : cases) CHECK_MESSAGE(number_key(c.token) == c.key, std::string(c.token));
  }
}

TEST_CASE("subject keys: integers are written out up to the bound, then keep the numeric form") {
  const std::size_t bound = subject_key_integer_digits;
  const std::string largest_written = "1" + std::string(bound - 1, '0');  // `bound` digits
  CHECK(number_key("1e" + std::to_string(bound - 1)) == largest_written);
  CHECK(number_key(largest_written) == largest_written);
  CHECK(number_key(largest_written) == string_key(largest_written));
  // One digit more: the numeric kind, still exact by value, never its string.
  const std::string too_long = largest_written + "0";
  CHECK(number_key("1e" + std::to_string(bound)) == numeric("1e" + std::to_string(bound)));
  CHECK(number_key(too_long) == numeric("1e" + std::to_string(bound)));
  CHECK(number_key(too_long + ".000") == numeric("1e" + std::to_string(bound)));
  CHECK(number_key(too_long) != string_key(too_long));
  CHECK(number_key("-" + too_long) == numeric("-1e" + std::to_string(bound)));
  CHECK(number_key("1" + std::string(bound, '7')) == numeric("1" + std::string(bound, '7') + "e0"));
  // However large the exponent, the key is short: no token allocates its value's digits.
  CHECK(number_key("1e999999999") == numeric("1e999999999"));
  CHECK(number_key("1E+999999999999999999999999") == numeric("1e999999999999999999999999"));
}

TEST_CASE("subject keys: what is not a JSON number is refused") {
  for (const char* token : {"",          "-",     "+1",  "01",   "-01",    "00",   "1.",    ".5",  "1.e5",
                            "1e",        "1e+",   "1E-", "0x10", "1 ",     " 1",   "1_000", "NaN", "Infinity",
                            "-Infinity", "1e5.0", "--1", "1..2", "\"50\"", "true", "null",  "5e1x"}) {
    std::string key;
    CHECK_MESSAGE(!subject_key_from_number(token, key), "`", std::string(token), "`");
  }
}

TEST_CASE("subject keys: strings byte for byte, sharing a key only with the integer they spell") {
  SUBCASE("a string is its own key") {
    CHECK(string_key("u42") == "u42");
    CHECK(string_key("") == "");
    CHECK(string_key(std::string("a\0b", 3)) == std::string("a\0b", 3));
    CHECK(string_key("blog-ß") == "blog-ß");
    CHECK(string_key("-") == "-");
  }
  SUBCASE("the decimal text of an integer is that integer") {
    for (const char* token : {"50", "50.0", "5e1", "5.0E+1", "500e-1"})
      CHECK_MESSAGE(number_key(token) == string_key("50"), std::string(token));
    CHECK(number_key("-7") == string_key("-7"));
    CHECK(number_key("-0") == string_key("0"));
    CHECK(number_key("123456789012345678901234") == string_key("123456789012345678901234"));
  }
  SUBCASE("other spellings of a number are other subjects") {
    for (const char* text : {"050", "50.0", " 50", "50 ", "+50", "5e1", "0x32", "-0", "50.", "٥٠"}) {
      CHECK_MESSAGE(string_key(text) != number_key("50"), std::string(text));
      CHECK_MESSAGE(string_key(text) != number_key("-0"), std::string(text));
    }
    CHECK(string_key("1.5") != number_key("1.5"));
    CHECK(string_key("-0") != number_key("0"));
  }
  SUBCASE("no string takes the key of a non-integer number, not even one that is not UTF-8") {
    CHECK(string_key("15e-1") != number_key("1.5"));
    CHECK(string_key(numeric("15e-1")) != number_key("1.5"));
    CHECK(string_key(numeric("15e-1")) == '\xFF' + numeric("15e-1"));
    CHECK(string_key(numeric("1e999")) != number_key("1e999"));
  }
}

TEST_CASE("subject keys: the key is rewritten, not appended to") {
  std::string key = "a long key left from the record before";
  subject_key_from_string("u1", key);
  CHECK(key == "u1");
  REQUIRE(subject_key_from_number("2.5", key));
  CHECK(key == numeric("25e-1"));
  REQUIRE(subject_key_from_number("7", key));
  CHECK(key == "7");
}

// An integer, written as a JSON number in some random but exact way.
std::string random_spelling(const std::string& digits, bool negative, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> pick(0, 4);
  std::uniform_int_distribution<int> zeros(0, 3);
  const std::string sign = negative ? "-" : "";
  switch (pick(rng)) {
    case 0: return sign + digits;
    case 1: return sign + digits + "." + std::string(static_cast<std::size_t>(zeros(rng)) + 1, '0');
    case 2: {
      // d.ddd e+N
      const std::size_t power = digits.size() - 1;
      std::string mantissa = digits.substr(0, 1);
      if (digits.size() > 1) {
        mantissa += '.';
        mantissa += digits.substr(1);
      }
      return sign + mantissa + (zeros(rng) % 2 == 0 ? "e" : "E+") + std::to_string(power);
    }
    case 3: {
      // digits followed by zeros, then a negative exponent taking them back
      const int extra = zeros(rng) + 1;
      if (digits == "0") return sign + "0e-" + std::to_string(extra);  // JSON allows no leading zero
      return sign + digits + std::string(static_cast<std::size_t>(extra), '0') + "e-" + std::to_string(extra);
    }
    default: {
      // 0.digits e+len
      if (digits == "0") return sign + "0.0e7";
      return sign + "0." + digits + "e" + std::to_string(digits.size());
    }
  }
}

TEST_CASE("subject keys: random integers, spelled as numbers in many ways, equal their decimal text") {
  const char* from_environment = std::getenv("USEGATE_SEED");
  const std::uint64_t seed = from_environment ? std::strtoull(from_environment, nullptr, 0) : 20240726;
  MESSAGE("subject keys: seed " << seed << " (USEGATE_SEED=" << seed << " replays this run)");
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> length(1, 40);
  std::uniform_int_distribution<int> digit(0, 9);
  const int rounds = usegate::testing::reduced_scale() ? 2000 : 20000;
  for (int round = 0; round < rounds; ++round) {
    // Lengths up to 40 digits: well past 2^64, where a double would round.
    std::string digits;
    const int size = length(rng);
    for (int i = 0; i < size; ++i) digits += static_cast<char>('0' + digit(rng));
    const std::size_t nonzero = digits.find_first_not_of('0');
    digits = nonzero == std::string::npos ? "0" : digits.substr(nonzero);
    const bool negative = rng() % 3 == 0;
    const std::string text = (negative && digits != "0" ? "-" : "") + digits;
    const std::string token = random_spelling(digits, negative, rng);
    INFO("integer ", text, " written as `", token, "`");
    CHECK(number_key(token) == string_key(text));
    // And a neighbour is another subject.
    std::string neighbour = digits;
    neighbour.back() = neighbour.back() == '9' ? '8' : static_cast<char>(neighbour.back() + 1);
    CHECK(number_key(token) != string_key((negative && digits != "0" ? "-" : "") + neighbour));
  }
}

}  // namespace

// The record decoder's text scan (records/json_scan.hpp) at its edges: each line is decoded with
// the scan and with On-Demand alone (RecordDecoder::set_text_scan), and both must give the
// expected reject cause and the same codes.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "json_scan.hpp"
#include "policy_from_text.hpp"
#include "support.hpp"
#include "usegate/records/bindings.hpp"
#include "usegate/records/record_decoder.hpp"

namespace {

using namespace usegate;
using records::RejectCause;

struct Line {
  std::string text;
  RejectCause cause;
  const char* after = "";  // what follows the line in its block (the line terminator on)
};

std::string repeated(const std::string& piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

const std::vector<Line>& edge_lines() {
  static const std::vector<Line> lines{
      // Integers: simdjson reads them into 64 bits, from -2^63 to 2^64 - 1.
      {R"({"x":-9223372036854775808})", RejectCause::none},
      {R"({"x":-9223372036854775809})", RejectCause::number_out_of_range},
      {R"({"x":-10000000000000000000})", RejectCause::number_out_of_range},
      {R"({"x":18446744073709551615})", RejectCause::none},
      {R"({"x":18446744073709551616})", RejectCause::number_out_of_range},
      {R"({"x":100000000000000000000})", RejectCause::number_out_of_range},
      {R"({"x":-0,"y":0})", RejectCause::none},
      // Other numbers: refused only when they overflow a double.
      {R"({"x":9.99e307})", RejectCause::none},
      {R"({"x":1.7976931348623157e308})", RejectCause::none},
      {R"({"x":0.1e309})", RejectCause::none},
      {R"({"x":1e309})", RejectCause::number_out_of_range},
      {R"({"x":-2e308})", RejectCause::number_out_of_range},
      {R"({"x":1e-400,"y":1E+2,"z":0.000})", RejectCause::none},
      {R"({"x":1e00000000000000000002})", RejectCause::none},
      {R"({"x":12345678901234567890123.5})", RejectCause::none},
      {R"({"x":01})", RejectCause::invalid_json},
      {R"({"x":-01})", RejectCause::invalid_json},
      {R"({"x":1.})", RejectCause::invalid_json},
      {R"({"x":.5})", RejectCause::invalid_json},
      {R"({"x":-})", RejectCause::invalid_json},
      {R"({"x":1e})", RejectCause::invalid_json},
      {R"({"x":1e+})", RejectCause::invalid_json},
      {R"({"x":+1})", RejectCause::invalid_json},
      {R"({"x":1.5.2})", RejectCause::invalid_json},
      {R"({"x":0x10})", RejectCause::invalid_json},
      {R"({"x":NaN})", RejectCause::invalid_json},
      // Literals.
      {R"({"x":true,"y":false,"z":null})", RejectCause::none},
      {R"({"x":tru})", RejectCause::invalid_json},
      {R"({"x":truex})", RejectCause::invalid_json},
      {R"({"x":nul})", RejectCause::invalid_json},
      {R"({"x":True})", RejectCause::invalid_json},
      // Strings: escapes, control characters, UTF-8.
      {R"({"x":"\"\\\/\b\f\n\r\t","y":"\u00e9\u20AC"})", RejectCause::none},
      {R"({"x":"\ud83d\ude00"})", RejectCause::none},
      {R"({"x":"\ud83d"})", RejectCause::invalid_json},
      {R"({"x":"\ud83d\u0041"})", RejectCause::invalid_json},
      {R"({"x":"\u12"})", RejectCause::invalid_json},
      {R"({"x":"\u12g4"})", RejectCause::invalid_json},
      {R"({"x":"\x"})", RejectCause::invalid_json},
      {R"({"x":"\'"})", RejectCause::invalid_json},
      {"{\"x\":\"a\tb\"}", RejectCause::invalid_json},
      {"{\"x\":\"a\x01\"}", RejectCause::invalid_json},
      {"{\"x\":\"a\x7f\"}", RejectCause::none},
      {"{\t\"x\" :\r\"a\" , \"purpose\"\t:\t\"training\" }  ", RejectCause::none},
      {"{\"x\":\"caf\xC3\xA9\",\"purpose\":\"training\"}", RejectCause::none},
      {"{\"x\":\"caf\xC3\"}", RejectCause::invalid_utf8},
      {"{\"x\":\"\xED\xA0\x80\"}", RejectCause::invalid_utf8},
      {"{\"x\":1,\xC3\xA9:2}", RejectCause::invalid_json},
      {R"({"x":"abc)", RejectCause::invalid_json, "\"}\n"},
      {R"({"x":"abc\)", RejectCause::invalid_json, "\"}\n"},
      {R"({"x":"abc"})", RejectCause::none, "\"\"\\\n"},
      // Strings across the 64-byte blocks the scan classifies.
      {R"({"text":")" + repeated("abcdefgh", 9) + R"(","purpose":"training","category":"post"})", RejectCause::none},
      {R"({"text":")" + repeated("a\\\"cdefgh", 20) + R"(","purpose":"training","region":"EU"})", RejectCause::none},
      {R"({")" + repeated("k", 70) + R"(":1,"purpose":")" + repeated("p", 61) + R"("})", RejectCause::none},
      // Structure.
      {R"({})", RejectCause::none},
      {R"(  {"x":[],"y":{},"z":[[1,[2]],{"a":{"b":[]}}]}  )", RejectCause::none},
      {R"({"x":[1,]})", RejectCause::invalid_json},
      {R"({"x":[,1]})", RejectCause::invalid_json},
      {R"({"x":{"a":1,}})", RejectCause::invalid_json},
      {R"({"x":{"a"}})", RejectCause::invalid_json},
      {R"({"x":{"a":1 "b":2}})", RejectCause::invalid_json},
      {R"({"x":1,})", RejectCause::invalid_json},
      {R"({"x" 1})", RejectCause::invalid_json},
      {R"({"x":1}})", RejectCause::invalid_json},
      {R"({"x":1} x)", RejectCause::invalid_json},
      {R"({"x":1)", RejectCause::invalid_json},
      {R"({"x":[1})", RejectCause::invalid_json},
      {R"({x:1})", RejectCause::invalid_json},
      {R"({"a","b":{}})", RejectCause::invalid_json},
      {R"(["a","b":{}])", RejectCause::invalid_json},
      {R"([1])", RejectCause::not_an_object},
      {R"("text")", RejectCause::not_an_object},
      {"{\"x\":" + repeated("[", 100) + repeated("]", 100) + "}", RejectCause::none},
      {"{\"x\":" + repeated("{\"a\":", 100) + "1" + repeated("}", 100) + "}", RejectCause::none},
      {"{\"x\":" + repeated("[", 1100) + repeated("]", 1100) + "}", RejectCause::too_deep},
      // Keys written twice, in the objects the decoder reads.
      {R"({"a":1,"a":2})", RejectCause::duplicate_key},
      {R"({"purpose":"training","x":1,"purpose":"training"})", RejectCause::duplicate_key},
      {R"({"purpose":"training","p\u0075rpose":"training"})", RejectCause::duplicate_key},
      {R"({"abcdefgh1":1,"abcdefgh2":1,"abcdefgh":1,"abcdefg":1})", RejectCause::none},
      {R"({"abcdefgh1":1,"abcdefgh2":1,"abcdefgh1":2})", RejectCause::duplicate_key},
      {R"({"x":{"a":1,"a":2}})", RejectCause::none},
      {R"({"user":"u1","grok_sharing":"off","region":"EU","visibility":"public","ts":"2024-08-01"})",
       RejectCause::none},
      {R"({"user":7,"grok_sharing":true,"region":"XX","visibility":[1],"ts":1722470400})", RejectCause::none},
      {R"({"user":-7.5e0,"grok_sharing":null,"region":{},"visibility":"\u0070ublic","ts":1.7e9})", RejectCause::none},
  };
  return lines;
}

// The many-key path of the repeated-key check.
std::string many_keys(bool repeat) {
  std::string line = "{";
  for (int i = 0; i < 40; ++i) line += "\"key" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  line += repeat ? "\"key17\":1}" : "\"key40\":1}";
  return line;
}

Policy load_august() {
  const std::string path = testing::source_path("policies/x-grok-2024-08.policy");
  return testing::policy_from_text(path, testing::read_text(path));
}

TEST_CASE("text scan: each edge case decodes to its cause, and as On-Demand decodes it") {
  const Policy policy = load_august();
  const records::Bindings bindings = records::default_bindings(policy);
  records::RecordDecoder scan(policy, bindings, nullptr, 1725148800);
  records::RecordDecoder on_demand(policy, bindings, nullptr, 1725148800);
  on_demand.set_text_scan(false);
  std::vector<Line> lines = edge_lines();
  lines.push_back({many_keys(false), RejectCause::none});
  lines.push_back({many_keys(true), RejectCause::duplicate_key});
  std::vector<Code> scanned(policy.variable_count());
  std::vector<Code> exact(policy.variable_count());
  for (const Line& line : lines) {
    INFO("line: " << line.text);
    std::string buffer = line.text + "\n" + line.after;
    buffer.append(records::parse_padding, '\0');
    const records::InputLine input{std::string_view(buffer.data(), line.text.size()),
                                   std::string_view(buffer.data(), line.text.size() + 1), 1, buffer.size()};
    const std::string expected = records::reject_cause_name(line.cause);
    CHECK(std::string(records::reject_cause_name(scan.decode(input, scanned.data()))) == expected);
    CHECK(std::string(records::reject_cause_name(on_demand.decode(input, exact.data()))) == expected);
    if (line.cause == RejectCause::none) CHECK(scanned == exact);
  }
}

TEST_CASE("text scan: the plain lines of a record stream are read by the scan alone") {
  const Policy policy = load_august();
  records::RecordDecoder decoder(policy, records::default_bindings(policy), nullptr, 1725148800);
  const std::string lines[] = {
      R"({"id":1800000000000000000,"user":"u1","purpose":"training","category":"post","region":"EU","visibility":"public","ts":"2024-05-19T15:57:05Z","lang":"en","text":"a b c"})",
      R"({"id":-12,"user":7,"purpose":"training","grok_sharing":"off","ts":1722470400,"x":[1.5,true,null,{"y":"\u00e9\n"}]})",
      "{ \"purpose\" : \"fine_tuning\" ,\t\"region\":\"other_region\" }",
      // Keys alike in their first eight bytes and their length.
      R"({"abcdefgh1":1,"abcdefgh2":2,"purpose":"training","category_1":"x","category_2":"y"})",
  };
  std::vector<Code> codes(policy.variable_count());
  for (const std::string& line : lines) {
    std::string buffer = line;
    buffer.append(records::parse_padding, '\0');
    CHECK(decoder.decode({std::string_view(buffer.data(), line.size()), std::string_view(buffer.data(), line.size()), 1,
                          buffer.size()},
                         codes.data()) == RejectCause::none);
  }
  CHECK(decoder.scanned_lines() == 4);
}

TEST_CASE("text scan: the vector classification of a block matches the byte-by-byte one") {
  std::mt19937_64 random(7);
  // Every byte value, then random blocks weighted towards the bytes that matter.
  std::string block(64 + 8, '\0');
  const char interesting[] = {'"', '\\', '\x1f', '\x20', '\x00', '\x7f', '\x80', '\xff', 'a', '\t'};
  for (int round = 0; round < 2000; ++round) {
    for (std::size_t i = 0; i < 64; ++i) {
      if (round < 4) {
        block[i] = static_cast<char>(round * 64 + static_cast<int>(i));
      } else {
        block[i] = random() % 2 == 0 ? interesting[random() % sizeof interesting] : static_cast<char>(random() % 256);
      }
    }
    const auto vector = records::json_scan::classify_block(block.data());
    const auto bytewise = records::json_scan::classify_block_bytewise(block.data());
    CHECK(vector.quotes == bytewise.quotes);
    CHECK(vector.specials == bytewise.specials);
    CHECK(vector.high == bytewise.high);
  }
}

}  // namespace

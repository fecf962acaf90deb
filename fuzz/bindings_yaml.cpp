// Bindings files (YAML) read against the fixed policies, strictly and in the lenient mode
// `diff` and `sim --vs` use. A file that reads must give a decoder that works: a few fixed
// records are decoded with it and decided, and every decoded record's codes are in range.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "support.hpp"
#include "usegate/records/bindings.hpp"
#include "usegate/records/record_decoder.hpp"

namespace {

using namespace usegate;

// Records shaped like the fixed bindings files expect, and like the default bindings do.
constexpr std::string_view records =
    R"({"author":{"id":"u1","protected":false},"geo":{"region":"EU"},"type":"tweet","created_ms":1717200000000,"prefs":{"grok":"off"}})"
    "\n"
    R"({"user":"u2","purpose":"training","category":"post","region":"US","visibility":"public","ts":"2024-06-01"})"
    "\n"
    R"({"who":{"id":7,"adult":true,"age":30,"prefs":{"ai":"on","ads":null},"account":"acct-1"},"job":{"purpose":"ads"},"item":{"type":"image","created":"2024-01-01T00:00:00Z"}})"
    "\n"
    R"({"a":{"b":{"c":[1,{"d":"e"}]}},"x":"y","1":2,"true":false})"
    "\n";

void decode_with(const Policy& policy, const records::Bindings& bindings) {
  static const records::InputBlock block =
      fuzz::block_of(reinterpret_cast<const std::uint8_t*>(records.data()), records.size());
  records::RecordDecoder decoder(policy, bindings, nullptr, fuzz::fixed_now);
  std::vector<Code> codes(policy.variable_count(), 0);
  records::BlockLines lines(block);
  records::InputLine line;
  while (lines.next(line)) {
    if (decoder.decode(line, codes.data()) != records::RejectCause::none) continue;
    for (std::size_t v = 0; v < codes.size(); ++v) {
      if (codes[v] >= policy.variable(v).code_count)
        fuzz::property_failed("bindings led the decoder to a code out of range");
    }
    if (policy.decide(std::span<const Code>(codes)).reason >= policy.reason_count()) {
      fuzz::property_failed("bindings led to an undecidable record");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > fuzz::max_input_size) return -1;
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const fuzz::FixedPolicy* fixed : {&fuzz::august_policy(), &fuzz::renamed_policy()}) {
    for (const auto mode : {records::BindingsMode::strict, records::BindingsMode::skip_unknown_names}) {
      auto read = records::read_bindings("fuzz.yaml", text, fixed->policy, mode);
      if (!read) {
        if (!read.error().message.starts_with("fuzz.yaml:")) {
          fuzz::property_failed("a bindings error without its place: " + read.error().message);
        }
        continue;
      }
      decode_with(fixed->policy, *read);
    }
  }
  return 0;
}

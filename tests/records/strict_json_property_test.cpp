// The record decoder rejects a line exactly when an independent strict reader does: simdjson's
// DOM parser (a different parser from the On-Demand one the decoder uses, building a full tape)
// plus a walk for keys that occur twice in an object the decoder reads. Random records, many of
// them mutated byte by byte, with the seed printed (USEGATE_SEED replays).
#include <doctest/doctest.h>
#include <simdjson.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "policy_from_text.hpp"
#include "support.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/records/bindings.hpp"
#include "usegate/records/consent_ledger.hpp"
#include "usegate/records/record_decoder.hpp"
#include "usegate/usegate.hpp"

namespace {

using namespace usegate;

Policy load_august() {
  const std::string path = testing::source_path("policies/x-grok-2024-08.policy");
  return testing::policy_from_text(path, testing::read_text(path));
}

std::uint64_t seed() {
  const char* text = std::getenv("USEGATE_SEED");
  return text ? std::strtoull(text, nullptr, 10) : 20240808;
}

// Random JSON text, with the shapes that trouble readers: escapes, every number form, keys
// the policy reads, and keys written twice (sometimes only equal once unescaped).
class JsonGenerator {
 public:
  explicit JsonGenerator(std::mt19937_64& random) : random_(random) {}

  std::string record() {
    std::string out = "{";
    const int fields = pick(0, 9);
    std::vector<std::string> keys;
    for (int i = 0; i < fields; ++i) {
      if (i > 0) out += comma();
      std::string key = chance(12) && !keys.empty() ? keys[pick(0, static_cast<int>(keys.size()) - 1)] : key_text();
      keys.push_back(key);
      out += key;
      out += colon();
      out += key == "\"geo\"" && chance(2) ? geo() : value(0);
    }
    out += space();
    out += '}';
    return out;
  }

 private:
  int pick(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }
  bool chance(int one_in) { return pick(1, one_in) == 1; }
  std::string space() {
    static const char* const spaces[] = {"", "", "", " ", "\t", "  ", "\r"};
    return spaces[pick(0, 6)];
  }
  // Built in steps: GCC 12 warns falsely (-Wrestrict) on `std::string + "..."` chains.
  std::string around(char mark) {
    std::string out = space();
    out += mark;
    out += space();
    return out;
  }
  std::string comma() { return around(','); }
  std::string colon() { return around(':'); }

  std::string key_text() {
    static const char* const keys[] = {
        "\"purpose\"", "\"category\"",     "\"region\"",        "\"visibility\"",   "\"ts\"", "\"user\"",
        "\"geo\"",     "\"grok_sharing\"", "\"p\\u0075rpose\"", "\"re\\u0067ion\"", "\"x\"",  "\"text\"",
        "\"\"",        "\"\\u0078\""};
    return keys[pick(0, 13)];
  }

  // A nested object the bindings read (`geo.region`), with its own chance of a repeated key.
  std::string geo() {
    std::string out = "{";
    const int fields = pick(0, 4);
    for (int i = 0; i < fields; ++i) {
      if (i > 0) out += comma();
      static const char* const keys[] = {"\"region\"", "\"re\\u0067ion\"", "\"country\"", "\"city\""};
      out += keys[pick(0, 3)];
      out += colon();
      out += value(2);
    }
    out += '}';
    return out;
  }

  std::string string_text() {
    static const char* const strings[] = {"\"training\"",
                                          "\"post\"",
                                          "\"EU\"",
                                          "\"US\"",
                                          "\"public\"",
                                          "\"2024-06-01\"",
                                          "\"2024-06-01T12:00:00Z\"",
                                          "\"off\"",
                                          "\"on\"",
                                          "\"\"",
                                          "\"a\\\"b\"",
                                          "\"\\\\\"",
                                          "\"\\u00e9t\\u00E9\"",
                                          "\"\\ud83d\\ude00\"",
                                          "\"\\n\\t\\r\\b\\f\\/\"",
                                          "\"caf\xC3\xA9\"",
                                          "\"\xE2\x82\xAC 5\"",
                                          "\"tr\\u0061ining\""};
    return strings[pick(0, 17)];
  }

  std::string number_text() {
    static const char* const numbers[] = {"0",
                                          "-0",
                                          "7",
                                          "-12",
                                          "1.5",
                                          "2e3",
                                          "2E-3",
                                          "1e+2",
                                          "0.25",
                                          "1e308",
                                          "1e-400",
                                          "1e999",
                                          "-1e999",
                                          "18446744073709551615",
                                          "18446744073709551616",
                                          "-9223372036854775808",
                                          "-9223372036854775809",
                                          "1719792000",
                                          "123456789012345678901234"};
    return numbers[pick(0, 18)];
  }

  std::string value(int depth) {
    const int kind = depth > 5 ? pick(0, 3) : pick(0, 5);
    switch (kind) {
      case 0: return string_text();
      case 1: return number_text();
      case 2: {
        static const char* const literals[] = {"true", "false", "null"};
        return literals[pick(0, 2)];
      }
      case 3: return string_text();
      case 4: {
        std::string out = "[";
        out += space();
        const int items = pick(0, 4);
        for (int i = 0; i < items; ++i) {
          if (i > 0) out += comma();
          out += value(depth + 1);
        }
        out += space();
        out += ']';
        return out;
      }
      default: {
        std::string out = "{";
        const int fields = pick(0, 3);
        for (int i = 0; i < fields; ++i) {
          if (i > 0) out += comma();
          out += key_text();
          out += colon();
          out += value(depth + 1);
        }
        out += '}';
        return out;
      }
    }
  }

  std::mt19937_64& random_;
};

// Small edits of the kind that make JSON invalid, or valid in another way.
std::string mutate(std::string line, std::mt19937_64& random) {
  static const char pieces[] = {',', ':', '[', ']', '{', '}', '"',  '\\', '0', '1',  '-',    '+',   '.',
                                'e', 'E', 't', 'n', 'u', ' ', '\t', '/',  '*', '\'', '\x01', '\x7f'};
  const auto pick = [&](std::size_t high) { return std::uniform_int_distribution<std::size_t>(0, high)(random); };
  const std::size_t edits = 1 + pick(2);
  for (std::size_t e = 0; e < edits && !line.empty(); ++e) {
    const std::size_t at = pick(line.size() - 1);
    switch (pick(5)) {
      case 0: line.erase(at, 1); break;
      case 1: line.insert(at, 1, pieces[pick(sizeof pieces - 1)]); break;
      case 2: line[at] = pieces[pick(sizeof pieces - 1)]; break;
      case 3: line.resize(at); break;
      case 4: line.insert(at, 1, static_cast<char>(0x80 + pick(0x7f))); break;  // a stray UTF-8 byte
      default: line.insert(at, line.substr(at, pick(6))); break;                // a repeated stretch
    }
  }
  return line;
}

// The independent check: DOM parse, an object at the top, and no key twice in the top object
// or in any object at `geo` (the nested path the second bindings read).
bool reference_accepts(simdjson::dom::parser& parser, const std::string& line, bool geo_bound) {
  simdjson::dom::element root;
  if (parser.parse(line).get(root)) return false;
  simdjson::dom::object object;
  if (root.get_object().get(object)) return false;
  const auto no_repeated_key = [](simdjson::dom::object fields) {
    std::set<std::string_view> seen;
    for (const auto field : fields) {
      if (!seen.insert(field.key).second) return false;
    }
    return true;
  };
  if (!no_repeated_key(object)) return false;
  if (geo_bound) {
    // The decoder reads the last `geo` it meets: with `geo` twice the line is already refused.
    for (const auto field : object) {
      simdjson::dom::object geo;
      if (field.key == "geo" && !field.value.get_object().get(geo) && !no_repeated_key(geo)) return false;
    }
  }
  return true;
}

TEST_CASE("strict JSON: the decoder rejects exactly the lines an independent strict reader rejects") {
  const std::uint64_t base = seed();
  MESSAGE("seed " << base << " (USEGATE_SEED=" << base << " to replay)");
  const Policy policy = load_august();
  const auto nested = records::read_bindings("geo.yaml", "attributes:\n  region: geo.region\n", policy);
  REQUIRE(nested.ok());
  struct Case {
    const char* name;
    records::Bindings bindings;
    bool geo_bound;
  };
  const std::vector<Case> cases{{"default bindings", records::default_bindings(policy), false},
                                {"region at geo.region", *nested, true}};
  const std::size_t lines = testing::reduced_scale() ? 20000 : 200000;
  simdjson::dom::parser reference;
  std::vector<Code> codes(policy.variable_count());
  for (const Case& c : cases) {
    records::RecordDecoder decoder(policy, c.bindings, nullptr, 1725148800);
    std::mt19937_64 random(base ^ std::hash<std::string>{}(c.name));
    JsonGenerator generator(random);
    std::size_t accepted = 0;
    for (std::size_t i = 0; i < lines; ++i) {
      std::string line = generator.record();
      if (i % 3 != 0) line = mutate(line, random);
      std::string padded = line;
      padded.append(records::parse_padding, '\0');
      records::InputLine input{std::string_view(padded.data(), line.size()),
                               std::string_view(padded.data(), line.size()), i + 1, padded.size()};
      const bool decoded = decoder.decode(input, codes.data()) == records::RejectCause::none;
      const bool expected = reference_accepts(reference, line, c.geo_bound);
      if (decoded != expected) {
        FAIL(std::string(c.name) << ", seed " << base << ", line " << i + 1 << ": the decoder "
                                 << (decoded ? "accepts" : "rejects") << " what the reference "
                                 << (expected ? "accepts" : "rejects") << ":\n"
                                 << line);
      }
      accepted += decoded ? 1 : 0;
    }
    MESSAGE(std::string(c.name) << ": " << accepted << " of " << lines << " lines accepted");
    // Both outcomes must be common, or the comparison says little.
    CHECK(accepted > lines / 10);
    CHECK(accepted < lines * 9 / 10);
  }
}

// Consent changes for subjects the generator writes (`"EU"`, `7`, `2e3` as 2000), so that
// records' subjects are read and looked up.
records::ConsentLedger read_ledger(const Policy& policy) {
  const std::string changes =
      R"({"user": "EU", "setting": "grok_sharing", "value": "off", "platform": "web", "ts": "2024-07-27T10:00:00Z"})"
      "\n"
      R"({"user": 7, "setting": "grok_sharing", "value": "on", "platform": "web", "ts": "2024-07-27T10:00:00Z"})"
      "\n"
      R"({"user": 2000, "setting": "grok_sharing", "value": "off", "platform": "web", "ts": "2024-07-28T10:00:00Z"})"
      "\n";
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  REQUIRE(std::fwrite(changes.data(), 1, changes.size(), file) == changes.size());
  REQUIRE(std::fflush(file) == 0);
  REQUIRE(::lseek(fileno(file), 0, SEEK_SET) == 0);
  auto ledger = records::ConsentLedger::read(fileno(file), policy, 1725148800);
  std::fclose(file);
  return ledger;
}

// The decoder reads most lines straight from their bytes and hands the rest to On-Demand
// (RecordDecoder::set_text_scan). Both ways must give the same result for every line: the same
// reject cause, the same codes, the same consent counts. Each line is followed in the buffer by
// the next one, as in a block, so that what lies after a line's end is seen to count for nothing.
TEST_CASE("strict JSON: the text scan and On-Demand read every line alike") {
  const std::uint64_t base = seed();
  MESSAGE("seed " << base << " (USEGATE_SEED=" << base << " to replay)");
  const Policy policy = load_august();
  const auto nested = records::read_bindings("geo.yaml", "attributes:\n  region: geo.region\n", policy);
  REQUIRE(nested.ok());
  const records::ConsentLedger ledger = read_ledger(policy);
  REQUIRE(ledger.applied() == 3);
  struct Case {
    const char* name;
    records::Bindings bindings;
    const records::ConsentLedger* ledger;
  };
  const std::vector<Case> cases{{"default bindings", records::default_bindings(policy), nullptr},
                                {"default bindings, consent changes", records::default_bindings(policy), &ledger},
                                {"region at geo.region", *nested, nullptr},
                                {"nothing bound", records::Bindings{}, nullptr}};
  const std::size_t lines = testing::reduced_scale() ? 20000 : 200000;
  std::vector<Code> scanned(policy.variable_count());
  std::vector<Code> exact(policy.variable_count());
  for (const Case& c : cases) {
    records::RecordDecoder scan(policy, c.bindings, c.ledger, 1725148800);
    records::RecordDecoder on_demand(policy, c.bindings, c.ledger, 1725148800);
    on_demand.set_text_scan(false);
    std::mt19937_64 random(base ^ std::hash<std::string>{}(c.name));
    JsonGenerator generator(random);
    std::string next = generator.record();
    std::size_t accepted = 0;
    for (std::size_t i = 0; i < lines; ++i) {
      std::string line = next;
      if (i % 3 != 0) line = mutate(line, random);
      next = generator.record();
      std::string buffer = line + "\n" + next;
      buffer.append(records::parse_padding, '\0');
      const records::InputLine input{std::string_view(buffer.data(), line.size()),
                                     std::string_view(buffer.data(), line.size() + 1), i + 1, buffer.size()};
      const records::RejectCause by_scan = scan.decode(input, scanned.data());
      const records::RejectCause by_on_demand = on_demand.decode(input, exact.data());
      const bool same = by_scan == by_on_demand &&
                        (by_scan != records::RejectCause::none ||
                         (scanned == exact && scan.bad_consent_values() == on_demand.bad_consent_values() &&
                          scan.subject_unreadable() == on_demand.subject_unreadable()));
      if (!same) {
        FAIL(std::string(c.name) << ", seed " << base << ", line " << i + 1 << ": the text scan gives "
                                 << records::reject_cause_name(by_scan) << ", On-Demand "
                                 << records::reject_cause_name(by_on_demand)
                                 << (by_scan == by_on_demand ? " (other codes)" : "") << ":\n"
                                 << line);
      }
      accepted += by_scan == records::RejectCause::none ? 1 : 0;
    }
    MESSAGE(std::string(c.name) << ": " << accepted << " of " << lines << " lines accepted, " << scan.scanned_lines()
                                << " of them by the text scan alone");
    CHECK(accepted > lines / 10);
    CHECK(accepted < lines * 9 / 10);
    // The scan must carry most accepted lines, or the comparison says little about it.
    CHECK(scan.scanned_lines() > accepted / 2);
    CHECK(on_demand.scanned_lines() == 0);
  }
}

}  // namespace

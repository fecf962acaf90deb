// Deciding with the bundled August 2024 X policy (7 variables: category, purpose, region,
// visibility, ts, now, grok_sharing), against a hand-written if/else evaluation of the same
// policy measured in the same run.
//
//   Decide_FromCodes_Dense         codes already encoded; the dense table the compiler picks
//   Decide_FromCodes_Diagram       the same policy forced into the decision-diagram layout
//   Baseline_HandWritten_FromCodes hand-written if/else over the same pre-decoded values
//   Decide_FromFieldStrings        field values as strings (and `now` as a number): encode + decide
//   Baseline_HandWritten_FromFieldStrings  hand-written if/else over the same strings
//   DecideBatch_Dense              columns of codes in, decisions out
//   CApi_DecideCodeColumns         the same columns through the C API (usegate.h, libusegate.so)
//
// Each iteration decides the same 4096 realistic records; `per_decision` is the time per
// record.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "usegate.h"
#include "usegate/base/calendar.hpp"
#include "usegate/runtime/time_text.hpp"

namespace {

using namespace usegate;

constexpr std::size_t record_count = 4096;
constexpr std::int64_t now_seconds = 1725408000;  // 2024-09-04

struct XRecord {
  std::string purpose, category, region, visibility, ts;
  const char* sharing;  // nullptr: never set
};

std::vector<XRecord> make_records() {
  std::mt19937_64 random(7);
  const auto pick = [&](const std::vector<std::string>& options) { return options[random() % options.size()]; };
  std::vector<XRecord> records;
  for (std::size_t i = 0; i < record_count; ++i) {
    XRecord record;
    record.purpose = pick({"training", "training", "training", "fine_tuning", "realtime_answers"});
    record.category = pick({"post", "post", "post", "post", "interaction", "input", "result", "direct_message"});
    record.region = pick({"US", "US", "EU", "EU", "UK", "other_region", "eu", ""});
    record.visibility = pick({"public", "public", "public", "protected", ""});
    const int day = static_cast<int>(random() % 200);  // 2024-03-01 plus up to 200 days
    const std::int64_t seconds =
        calendar::days_from_civil(2024, 3, 1) * 86400 + day * 86400 + static_cast<std::int64_t>(random() % 86400);
    const std::int64_t days = seconds / 86400;
    // Rebuild the civil date of `days` by stepping from 2024-03-01 (all in 2024).
    static constexpr int month_lengths[] = {31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int month = 3, remaining = static_cast<int>(days - calendar::days_from_civil(2024, 3, 1));
    while (remaining >= month_lengths[month - 3]) remaining -= month_lengths[month++ - 3];
    char text[32];
    std::snprintf(text, sizeof text, "2024-%02d-%02dT%02d:%02d:%02dZ", month, remaining + 1,
                  static_cast<int>(seconds % 86400 / 3600), static_cast<int>(seconds % 3600 / 60),
                  static_cast<int>(seconds % 60));
    record.ts = text;
    const auto sharing = random() % 10;
    record.sharing = sharing < 6 ? nullptr : sharing < 9 ? "on" : "off";
    records.push_back(std::move(record));
  }
  return records;
}

const std::vector<XRecord>& records() {
  static const std::vector<XRecord> all = make_records();
  return all;
}

const Policy& x_policy(bool dense) {
  static const Policy dense_policy = bench::compile_bundled("x-grok-2024-08.policy");
  static const Policy diagram_policy = [] {
    compiler::CompileOptions options;
    options.max_dense_cells = 1;
    return bench::compile_bundled("x-grok-2024-08.policy", options);
  }();
  return dense ? dense_policy : diagram_policy;
}

FieldValue field(const std::string& text) {
  return text.empty() ? FieldValue::absent() : FieldValue::from_string(text);
}

// The record's field values in the policy's variable order.
std::vector<FieldValue> fields_of(const Policy& policy, const XRecord& record) {
  std::vector<FieldValue> fields(policy.variable_count());
  fields[*policy.find_variable("purpose")] = field(record.purpose);
  fields[*policy.find_variable("category")] = field(record.category);
  fields[*policy.find_variable("region")] = field(record.region);
  fields[*policy.find_variable("visibility")] = field(record.visibility);
  fields[*policy.find_variable("ts")] = field(record.ts);
  fields[*policy.find_variable("now")] = FieldValue::from_number(static_cast<double>(now_seconds));
  fields[*policy.find_variable("grok_sharing")] =
      record.sharing ? FieldValue::from_string(record.sharing) : FieldValue::absent();
  return fields;
}

// ------------------------------------------------------------------ the hand-written baseline
// x-grok-2024-08.policy written by hand, as a pipeline engineer would without usegate. Reason
// numbers are the policy's (0 default, r = rule r - 1 in source order).
enum Reason : std::uint16_t {
  reason_default = 0,
  reason_optout = 1,
  reason_realtime_public = 2,
  reason_train_on_posts = 3,
  reason_train_on_grok_use = 4,
  reason_protected_posts = 5,
  reason_direct_messages = 6,
  reason_eu_suspension = 7,
  reason_eu_suspension_unreadable = 8,
};

enum Purpose : std::uint8_t { purpose_other, training, fine_tuning, realtime_answers };
enum Category : std::uint8_t { category_other, post, interaction, input, result, direct_message };
enum Region : std::uint8_t { region_unreadable, us, eu, uk, other_region };
enum Visibility : std::uint8_t { visibility_other, is_public, is_protected };

struct DecodedRecord {
  Purpose purpose;
  Category category;
  Region region;
  Visibility visibility;
  bool ts_known;
  double ts_key;
  bool sharing_on;
};

const double suspension_start = calendar::time_key(calendar::days_from_civil(2024, 5, 7) * 86400, false);
const double suspension_end = calendar::time_key(calendar::days_from_civil(2024, 8, 1) * 86400, false);
const double suspension_effective = calendar::time_key(calendar::days_from_civil(2024, 8, 8) * 86400, false);

Decision handwritten(const DecodedRecord& r, double now_key) {
  const bool trains = r.purpose == training || r.purpose == fine_tuning;
  const bool covered = r.category == post || r.category == interaction || r.category == input || r.category == result;
  if (trains && covered && !r.sharing_on) return {false, reason_optout};
  if (trains && r.category == post && r.visibility == is_protected) return {false, reason_protected_posts};
  if (r.category == direct_message) return {false, reason_direct_messages};
  if (trains && r.category == post && r.region == eu && r.ts_known && r.ts_key >= suspension_start &&
      r.ts_key < suspension_end && now_key >= suspension_effective) {
    return {false, reason_eu_suspension};
  }
  if (trains && r.category == post && now_key >= suspension_effective &&
      (r.region == region_unreadable || (r.region == eu && !r.ts_known))) {
    return {false, reason_eu_suspension_unreadable};
  }
  if (r.purpose == realtime_answers && r.category == post && r.visibility == is_public)
    return {true, reason_realtime_public};
  if (trains && r.category == post && r.visibility == is_public) return {true, reason_train_on_posts};
  if (trains && (r.category == interaction || r.category == input || r.category == result))
    return {true, reason_train_on_grok_use};
  return {false, reason_default};
}

DecodedRecord decode(const XRecord& record) {
  DecodedRecord r{};
  const std::string& p = record.purpose;
  r.purpose = p == "training"           ? training
              : p == "fine_tuning"      ? fine_tuning
              : p == "realtime_answers" ? realtime_answers
                                        : purpose_other;
  const std::string& c = record.category;
  r.category = c == "post"             ? post
               : c == "interaction"    ? interaction
               : c == "input"          ? input
               : c == "result"         ? result
               : c == "direct_message" ? direct_message
                                       : category_other;
  const std::string& g = record.region;
  r.region = g == "US" ? us : g == "EU" ? eu : g == "UK" ? uk : g == "other_region" ? other_region : region_unreadable;
  const std::string& v = record.visibility;
  r.visibility = v == "public" ? is_public : v == "protected" ? is_protected : visibility_other;
  const auto key = runtime::time_key_from_text(record.ts);
  r.ts_known = key.has_value();
  r.ts_key = key.value_or(0);
  r.sharing_on = record.sharing == nullptr || std::string_view(record.sharing) == "on";
  return r;
}

// Both sides must agree on every record, or the comparison means nothing.
void check_baseline_agrees() {
  static bool checked = false;
  if (checked) return;
  checked = true;
  const Policy& policy = x_policy(true);
  const double now_key = calendar::time_key(now_seconds, false);
  for (const auto& record : records()) {
    const Decision expected = policy.decide(fields_of(policy, record));
    const Decision baseline = handwritten(decode(record), now_key);
    if (!(expected == baseline)) {
      std::fprintf(stderr, "the hand-written baseline disagrees with the policy on %s/%s/%s\n", record.purpose.c_str(),
                   record.category.c_str(), record.region.c_str());
      std::abort();
    }
  }
}

void set_counters(benchmark::State& state) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * record_count));
  state.counters["per_decision"] = benchmark::Counter(
      static_cast<double>(record_count), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// All records' codes in one array, row after row, as a reader would fill them.
std::vector<Code> encoded_rows(const Policy& policy) {
  std::vector<Code> codes;
  for (const auto& record : records()) {
    const auto fields = fields_of(policy, record);
    for (std::size_t v = 0; v < fields.size(); ++v) codes.push_back(policy.encode(v, fields[v]));
  }
  return codes;
}

void decide_from_codes(benchmark::State& state, bool dense) {
  check_baseline_agrees();
  const Policy& policy = x_policy(dense);
  const auto codes = encoded_rows(policy);
  const std::size_t width = policy.variable_count();
  for (auto _ : state) {
    for (std::size_t row = 0; row < record_count; ++row) {
      benchmark::DoNotOptimize(policy.decide(std::span<const Code>(codes.data() + row * width, width)));
    }
  }
  set_counters(state);
}

void Decide_FromCodes_Dense(benchmark::State& state) {
  decide_from_codes(state, true);
}
void Decide_FromCodes_Diagram(benchmark::State& state) {
  decide_from_codes(state, false);
}

void Baseline_HandWritten_FromCodes(benchmark::State& state) {
  check_baseline_agrees();
  std::vector<DecodedRecord> decoded;
  for (const auto& record : records()) decoded.push_back(decode(record));
  const double now_key = calendar::time_key(now_seconds, false);
  for (auto _ : state) {
    for (const auto& record : decoded) benchmark::DoNotOptimize(handwritten(record, now_key));
  }
  set_counters(state);
}

void Decide_FromFieldStrings(benchmark::State& state) {
  check_baseline_agrees();
  const Policy& policy = x_policy(true);
  std::vector<FieldValue> all;
  for (const auto& record : records()) {
    const auto fields = fields_of(policy, record);
    all.insert(all.end(), fields.begin(), fields.end());
  }
  const std::size_t width = policy.variable_count();
  for (auto _ : state) {
    for (std::size_t row = 0; row < record_count; ++row) {
      benchmark::DoNotOptimize(policy.decide(std::span<const FieldValue>(all.data() + row * width, width)));
    }
  }
  set_counters(state);
}

void Baseline_HandWritten_FromFieldStrings(benchmark::State& state) {
  check_baseline_agrees();
  const double now_key = calendar::time_key(now_seconds, false);
  for (auto _ : state) {
    for (const auto& record : records()) benchmark::DoNotOptimize(handwritten(decode(record), now_key));
  }
  set_counters(state);
}

void DecideBatch_Dense(benchmark::State& state) {
  const Policy& policy = x_policy(true);
  const auto codes = encoded_rows(policy);
  const std::size_t width = policy.variable_count();
  std::vector<std::vector<Code>> columns(width);
  for (std::size_t i = 0; i < codes.size(); ++i) columns[i % width].push_back(codes[i]);
  std::vector<const Code*> pointers;
  for (const auto& column : columns) pointers.push_back(column.data());
  std::vector<Decision> decisions(record_count);
  for (auto _ : state) {
    policy.decide_batch(pointers, record_count, decisions.data());
    benchmark::DoNotOptimize(decisions.data());
  }
  set_counters(state);
}

// The C API's batch over the same columns as DecideBatch_Dense: what a Go, Rust or Python
// caller pays for the boundary (a call through the shared library, the checks of its
// arguments, the decisions copied out in steps).
void CApi_DecideCodeColumns(benchmark::State& state) {
  const Policy& policy = x_policy(true);
  const std::string artifact = bench::compile_bundled_to_artifact("x-grok-2024-08.policy");
  usegate_policy* c_policy = nullptr;
  if (usegate_policy_load_bytes(artifact.data(), artifact.size(), &c_policy, nullptr) != USEGATE_OK) std::abort();
  const auto codes = encoded_rows(policy);
  const std::size_t width = policy.variable_count();
  std::vector<std::vector<usegate_code>> columns(width);
  for (std::size_t i = 0; i < codes.size(); ++i) columns[i % width].push_back(codes[i]);
  std::vector<const usegate_code*> pointers;
  for (const auto& column : columns) pointers.push_back(column.data());
  std::vector<usegate_decision> decisions(record_count);
  for (auto _ : state) {
    if (usegate_decide_code_columns(c_policy, pointers.data(), width, record_count, decisions.data(), nullptr) !=
        USEGATE_OK) {
      std::abort();
    }
    benchmark::DoNotOptimize(decisions.data());
  }
  set_counters(state);
  usegate_policy_free(c_policy);
}

BENCHMARK(Decide_FromCodes_Dense);
BENCHMARK(Decide_FromCodes_Diagram);
BENCHMARK(Baseline_HandWritten_FromCodes);
BENCHMARK(Decide_FromFieldStrings);
BENCHMARK(Baseline_HandWritten_FromFieldStrings);
BENCHMARK(DecideBatch_Dense);
BENCHMARK(CApi_DecideCodeColumns);

}  // namespace

BENCHMARK_MAIN();

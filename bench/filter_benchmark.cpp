// `filter` throughput on a generated X-style JSON Lines file (about 200 bytes per record),
// beside a bare simdjson On-Demand parse of the same file in the same run, and the peak
// memory of the `usegate filter` program as the input grows.
//
//   BareParse_OnDemand        read the file in blocks, parse every line, visit every top-level
//                             field: the least any JSON Lines consumer does (the practical limit)
//   BareParse_Dom             the same lines through simdjson's DOM parser (a full parse into
//                             its tape, which is what simdjson's own figures usually measure)
//   Filter/threads:N          the whole filter pipeline (read, parse, bind, decide, write the
//                             allowed records to /dev/null) on N threads
//   PeakMemory_Filter/MB:M    maximum resident size of `usegate filter` over an M MB input
//
// The input size defaults to 1024 MB; USEGATE_BENCH_MB sets it (the files are generated under
// the build directory and reused).
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <simdjson.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include <fmt/format.h>

#include "bench_support.hpp"
#include "usegate/records/block_reader.hpp"
#include "usegate/records/record_stream.hpp"

namespace {

using namespace usegate;

std::size_t input_megabytes() {
  const char* text = std::getenv("USEGATE_BENCH_MB");
  return text ? static_cast<std::size_t>(std::atoll(text)) : 1024;
}

// X-style records: ids, a user, the policy's attributes, some text.
std::string generate_file(std::size_t megabytes) {
  const std::string path = fmt::format("{}/bench-x-records-{}mb.jsonl", USEGATE_BINARY_DIR, megabytes);
  if (std::filesystem::exists(path) && std::filesystem::file_size(path) >= megabytes * 1000000) return path;
  std::FILE* file = std::fopen(path.c_str(), "wb");
  std::mt19937_64 random(11);
  const char* purposes[] = {"training", "training", "fine_tuning", "realtime_answers"};
  const char* categories[] = {"post", "post", "post", "interaction", "input", "result", "direct_message"};
  const char* regions[] = {"US", "US", "EU", "UK", "other_region"};
  const char* visibilities[] = {"public", "public", "public", "protected"};
  const char* sharing[] = {"", "", "", ",\"grok_sharing\":\"off\"", ",\"grok_sharing\":\"on\""};
  const char* words[] = {"grok",  "data",    "policy",   "model", "training",
                         "users", "privacy", "settings", "post",  "reply"};
  std::string line;
  std::size_t written = 0;
  for (std::uint64_t id = 0; written < megabytes * 1000000; ++id) {
    std::string text;
    while (text.size() < 40) text += std::string(words[random() % 10]) + " ";
    line = fmt::format(
        R"({{"id":{},"user":"u{}","purpose":"{}","category":"{}","region":"{}","visibility":"{}","ts":"2024-{:02}-{:02}T{:02}:{:02}:{:02}Z","lang":"en","text":"{}"{}}})"
        "\n",
        1800000000000000000ULL + id, random() % 5000000, purposes[random() % 4], categories[random() % 7],
        regions[random() % 5], visibilities[random() % 4], 3 + random() % 6, 1 + random() % 28, random() % 24,
        random() % 60, random() % 60, text, sharing[random() % 5]);
    std::fwrite(line.data(), 1, line.size(), file);
    written += line.size();
  }
  std::fclose(file);
  return path;
}

const std::string& input_file() {
  static const std::string path = generate_file(input_megabytes());
  return path;
}

void set_rates(benchmark::State& state, std::uint64_t bytes, std::uint64_t records) {
  state.counters["bytes_per_second"] = benchmark::Counter(static_cast<double>(bytes), benchmark::Counter::kIsRate);
  state.counters["records_per_second"] = benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
}

// Reads the input file once, in the same blocks the filter reads, and hands every line to
// `parse_line`, which returns whether the line was an object and counts its fields.
template <typename ParseLine>
void bare_parse(benchmark::State& state, ParseLine parse_line) {
  const std::string& path = input_file();
  std::uint64_t bytes = 0, records = 0;
  for (auto _ : state) {
    const int descriptor = ::open(path.c_str(), O_RDONLY);
    records::BlockReader reader(descriptor);
    records::InputBlock block;
    std::uint64_t fields = 0;
    while (reader.next(block)) {
      records::BlockLines lines(block);
      records::InputLine line;
      while (lines.next(line)) records += parse_line(line, fields) ? 1 : 0;
      bytes += block.size;
    }
    benchmark::DoNotOptimize(fields);
    ::close(descriptor);
  }
  set_rates(state, bytes, records);
}

void BareParse_OnDemand(benchmark::State& state) {
  simdjson::ondemand::parser parser;
  bare_parse(state, [&parser](const records::InputLine& line, std::uint64_t& fields) {
    simdjson::ondemand::document document;
    if (parser.iterate(simdjson::padded_string_view(line.text.data(), line.text.size(), line.readable)).get(document)) {
      return false;
    }
    simdjson::ondemand::object object;
    if (document.get_object().get(object)) return false;
    for (auto field : object) {
      std::string_view key;
      if (std::move(field).unescaped_key().get(key)) break;
      ++fields;
    }
    return true;
  });
}

void BareParse_Dom(benchmark::State& state) {
  simdjson::dom::parser parser;
  bare_parse(state, [&parser](const records::InputLine& line, std::uint64_t& fields) {
    simdjson::dom::element element;
    if (parser.parse(line.text.data(), line.text.size(), false).get(element)) return false;
    simdjson::dom::object object;
    if (element.get_object().get(object)) return false;
    fields += object.size();
    return true;
  });
}

void Filter(benchmark::State& state) {
  const std::string& path = input_file();
  static const Policy policy = bench::compile_bundled("x-grok-2024-08.policy");
  const records::Bindings bindings = records::default_bindings(policy);
  records::StreamOptions options;
  options.threads = static_cast<unsigned>(state.range(0));
  std::uint64_t bytes = 0, records = 0;
  const int null_output = ::open("/dev/null", O_WRONLY);
  for (auto _ : state) {
    const int descriptor = ::open(path.c_str(), O_RDONLY);
    records::StreamSinks sinks;
    sinks.output = null_output;
    const auto counts = records::run_stream(descriptor, sinks, policy, bindings, nullptr, 1725408000, options);
    bytes += counts.bytes;
    records += counts.read;
    ::close(descriptor);
  }
  ::close(null_output);
  set_rates(state, bytes, records);
}

// Runs `usegate filter` on the first `megabytes` of the input and reports its peak RSS.
void PeakMemory_Filter(benchmark::State& state) {
  const std::string path = generate_file(static_cast<std::size_t>(state.range(0)));
  long peak_kilobytes = 0;
  for (auto _ : state) {
    const pid_t child = ::fork();
    if (child == 0) {
      const int in = ::open(path.c_str(), O_RDONLY);
      const int out = ::open("/dev/null", O_WRONLY);
      ::dup2(in, 0);
      ::dup2(out, 1);
      ::dup2(out, 2);
      const std::string binary = std::string(USEGATE_BINARY_DIR) + "/usegate";
      const std::string policy = std::string(USEGATE_SOURCE_DIR) + "/policies/x-grok-2024-08.policy";
      ::execl(binary.c_str(), "usegate", "filter", "--policy", policy.c_str(), "--now", "2024-09-04", "-", nullptr);
      std::_Exit(127);
    }
    int status = 0;
    struct rusage usage {};
    ::wait4(child, &status, 0, &usage);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) state.SkipWithError("usegate filter failed");
    peak_kilobytes = usage.ru_maxrss;
  }
  state.counters["peak_rss_MB"] = static_cast<double>(peak_kilobytes) / 1024.0;
  state.counters["input_MB"] = static_cast<double>(state.range(0));
}

BENCHMARK(BareParse_OnDemand)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BareParse_Dom)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Filter)->ArgName("threads")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(PeakMemory_Filter)
    ->ArgName("MB")
    ->Arg(100)
    ->Arg(1000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

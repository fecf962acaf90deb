// Decides a JSON Lines file with an installed usegate, as `usegate eval` does: the artifact,
// bindings and consent changes read through the public headers, the records through the
// stream on two threads, one line of eval's output per record.
//   decide_records ARTIFACT RECORDS BINDINGS CONSENT NOW
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>

// Every installed header, each of which must compile with only the installed ones beside it.
#include <usegate/base/result.hpp>
#include <usegate/records/bindings.hpp>
#include <usegate/records/block_reader.hpp>
#include <usegate/records/consent_ledger.hpp>
#include <usegate/records/purposes.hpp>
#include <usegate/records/record_decoder.hpp>
#include <usegate/records/record_lines.hpp>
#include <usegate/records/record_stream.hpp>
#include <usegate/usegate.hpp>

namespace {

int open_or_exit(const char* path) {
  const int descriptor = ::open(path, O_RDONLY);
  if (descriptor < 0) {
    std::fprintf(stderr, "decide_records: cannot read `%s`\n", path);
    std::exit(2);
  }
  return descriptor;
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc != 6) {
    std::fprintf(stderr, "usage: decide_records ARTIFACT RECORDS BINDINGS CONSENT NOW\n");
    return 2;
  }
  const auto loaded = usegate::Policy::load_file(argv[1]);
  if (!loaded) {
    std::fprintf(stderr, "decide_records: %s\n", loaded.error().message.c_str());
    return 3;
  }
  const usegate::Policy& policy = *loaded;
  const std::int64_t now = std::strtoll(argv[5], nullptr, 10);

  std::ifstream bindings_file(argv[3]);
  std::stringstream bindings_text;
  bindings_text << bindings_file.rdbuf();
  const auto bindings = usegate::records::read_bindings(argv[3], bindings_text.str(), policy);
  if (!bindings) {
    std::fprintf(stderr, "%s\n", bindings.error().message.c_str());
    return 3;
  }

  const int consent = open_or_exit(argv[4]);
  const auto ledger = usegate::records::ConsentLedger::read(consent, policy, now);
  ::close(consent);

  usegate::records::StreamOptions options;
  options.output = usegate::records::StreamOptions::Output::decisions;
  options.threads = 2;
  const usegate::records::PurposeCodes purposes = usegate::records::purposes_as_read_by(policy, {});
  options.purpose_variable = purposes.variable;
  options.purposes = purposes.codes;
  const int records = open_or_exit(argv[2]);
  const usegate::records::StreamCounts counts =
      usegate::records::run_stream(records, usegate::records::StreamSinks{}, policy, *bindings, &ledger, now, options);
  ::close(records);
  return counts.read == counts.allowed + counts.denied + counts.rejected ? 0 : 3;
} catch (const std::exception& failure) {
  std::fprintf(stderr, "decide_records: %s\n", failure.what());
  return 3;
}

#pragma once
// The runtime's answers for JSON Lines records read with consent changes, as `usegate eval
// --consent` gives them: records::ConsentLedger, records::RecordDecoder with the default
// bindings, Policy::decide. The reference of the consent tests of every engine.

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "support.hpp"
#include "usegate/records/bindings.hpp"
#include "usegate/records/block_reader.hpp"
#include "usegate/records/consent_ledger.hpp"
#include "usegate/records/record_decoder.hpp"
#include "usegate/usegate.hpp"

namespace usegate::sql_testing {

// `allow REASON`, `deny REASON`, or `rejected CAUSE`, one per record line.
inline std::vector<std::string> runtime_reasons(const Policy& policy, const std::string& directory,
                                                const std::string& changes, const std::string& records,
                                                std::int64_t now) {
  testing::write_text(directory + "/changes.jsonl", changes);
  testing::write_text(directory + "/records.jsonl", records);
  const int changes_fd = ::open((directory + "/changes.jsonl").c_str(), O_RDONLY);
  const records::ConsentLedger ledger = records::ConsentLedger::read(changes_fd, policy, now);
  ::close(changes_fd);
  const records::Bindings bindings = records::default_bindings(policy);
  records::RecordDecoder decoder(policy, bindings, &ledger, now);
  std::vector<std::string> reasons;
  const int records_fd = ::open((directory + "/records.jsonl").c_str(), O_RDONLY);
  records::BlockReader reader(records_fd);
  records::InputBlock block;
  std::vector<Code> codes(policy.variable_count());
  while (reader.next(block)) {
    records::BlockLines lines(block);
    records::InputLine line;
    while (lines.next(line)) {
      if (decoder.decode(line, codes.data()) != records::RejectCause::none) {
        reasons.push_back(std::string("rejected ") + records::reject_cause_name(decoder.decode(line, codes.data())));
        continue;
      }
      const Decision decision = policy.decide(std::span<const Code>(codes));
      reasons.push_back(fmt::format("{} {}", decision.allowed ? "allow" : "deny", policy.reason_name(decision.reason)));
    }
  }
  ::close(records_fd);
  return reasons;
}

}  // namespace usegate::sql_testing

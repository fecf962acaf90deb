#include "usegate/records/record_stream.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "usegate/base/json_text.hpp"
#include "usegate/records/block_reader.hpp"

namespace usegate::records {

void StreamCounts::add(const StreamCounts& other) {
  lines += other.lines;
  empty_lines += other.empty_lines;
  read += other.read;
  allowed += other.allowed;
  denied += other.denied;
  rejected += other.rejected;
  bad_consent_values += other.bad_consent_values;
  subject_unreadable += other.subject_unreadable;
  bytes += other.bytes;
  if (denied_by_reason.size() < other.denied_by_reason.size())
    denied_by_reason.resize(other.denied_by_reason.size(), 0);
  for (std::size_t i = 0; i < other.denied_by_reason.size(); ++i) denied_by_reason[i] += other.denied_by_reason[i];
  for (std::size_t i = 0; i < rejected_by_cause.size(); ++i) rejected_by_cause[i] += other.rejected_by_cause[i];
}

Decision decide_for_purposes(const Policy& policy, std::span<Code> codes, std::optional<std::size_t> purpose_variable,
                             std::span<const Code> purposes) {
  if (purposes.empty() || !purpose_variable) return policy.decide(codes);
  Decision first;
  for (std::size_t i = 0; i < purposes.size(); ++i) {
    codes[*purpose_variable] = purposes[i];
    const Decision decision = policy.decide(codes);
    if (i == 0) first = decision;
    if (!decision.allowed) return decision;
  }
  return first;
}

namespace {

void write_all(int descriptor, const std::string& data) {
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t done = ::write(descriptor, data.data() + written, data.size() - written);
    if (done < 0 && errno == EINTR) continue;
    if (done < 0) throw std::runtime_error(std::string("cannot write output: ") + std::strerror(errno));
    written += static_cast<std::size_t>(done);
  }
}

struct BlockOutput {
  std::string output;
  std::string denied;
  std::string rejects;
  StreamCounts counts;

  void clear(std::size_t reasons) {
    output.clear();
    denied.clear();
    rejects.clear();
    counts = StreamCounts{};
    counts.denied_by_reason.assign(reasons, 0);
  }
};

// Decides the records of one block. Each thread has its own (the parser is not shared).
class BlockEvaluator {
 public:
  BlockEvaluator(const Policy& policy, const Bindings& bindings, const ConsentLedger* ledger, std::int64_t now,
                 const StreamOptions& options, const StreamSinks& sinks)
      : policy_(policy),
        decoder_(policy, bindings, ledger, now),
        options_(options),
        sinks_(sinks),
        codes_(policy.variable_count(), 0) {}

  void evaluate(const InputBlock& block, BlockOutput& out) {
    BlockLines lines(block);
    InputLine line;
    StreamCounts& counts = out.counts;
    counts.bytes = block.size;
    while (lines.next(line)) {
      ++counts.lines;
      if (is_blank(line)) {
        ++counts.empty_lines;
        continue;
      }
      ++counts.read;
      const RejectCause cause = line.too_long ? RejectCause::line_too_long : decoder_.decode(line, codes_.data());
      if (cause != RejectCause::none) {
        ++counts.rejected;
        ++counts.rejected_by_cause[static_cast<std::size_t>(cause)];
        if (options_.output == StreamOptions::Output::decisions) {
          append_decision(out.output, line, "reject", reject_cause_name(cause), true);
        } else if (sinks_.rejects >= 0 && line.too_long) {
          // Its bytes were not kept; the line number says where to find it.
          append_decision(out.rejects, line, "reject", reject_cause_name(cause), true);
        } else if (sinks_.rejects >= 0) {
          out.rejects.append(line.raw);
        }
        continue;
      }
      counts.bad_consent_values += decoder_.bad_consent_values();
      counts.subject_unreadable += decoder_.subject_unreadable() ? 1 : 0;
      const Decision decision = decide();
      const std::size_t reason = std::min<std::size_t>(decision.reason, counts.denied_by_reason.size() - 1);
      if (decision.allowed) {
        ++counts.allowed;
      } else {
        ++counts.denied;
        ++counts.denied_by_reason[reason];
      }
      if (options_.output == StreamOptions::Output::decisions) {
        append_decision(out.output, line, decision.allowed ? "allow" : "deny", policy_.reason_name(decision.reason),
                        false);
      } else if (decision.allowed) {
        out.output.append(line.raw);
      } else if (sinks_.denied >= 0) {
        out.denied.append(line.raw);
      }
    }
  }

 private:
  Decision decide() { return decide_for_purposes(policy_, codes_, options_.purpose_variable, options_.purposes); }

  void append_decision(std::string& out, const InputLine& line, std::string_view decision, std::string_view reason,
                       bool rejected) const {
    out += "{\"line\":";
    out += std::to_string(line.number);
    out += ",\"decision\":\"";
    out += decision;
    out += "\",\"reason\":";
    json::append_string(out, reason);
    if (options_.append_matched && !rejected) {
      out += ",\"matched\":";
      options_.append_matched(codes_, out);
    }
    if (options_.keep_records) {
      out += ",\"record\":";
      // A record that parsed is JSON already; one that did not is kept as a string, and one
      // too long to keep is not there.
      if (line.too_long) {
        out += "null";
      } else if (rejected) {
        json::append_string(out, line.text);
      } else {
        out += line.text;
      }
    }
    out += "}\n";
  }

  const Policy& policy_;
  RecordDecoder decoder_;
  const StreamOptions& options_;
  const StreamSinks& sinks_;
  std::vector<Code> codes_;
};

// Lets the reading thread wait for its input and for the workers at once: workers write a
// byte here when they finish a block, and the reader polls this pipe with the input.
class WakePipe {
 public:
  WakePipe() {
    if (::pipe2(ends_, O_CLOEXEC | O_NONBLOCK) != 0) {
      throw std::runtime_error(std::string("cannot create a pipe: ") + std::strerror(errno));
    }
  }
  ~WakePipe() {
    ::close(ends_[0]);
    ::close(ends_[1]);
  }
  WakePipe(const WakePipe&) = delete;
  WakePipe& operator=(const WakePipe&) = delete;

  // A full pipe already holds a wake-up, so a write that would block is not needed.
  void signal() {
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(ends_[1], &byte, 1);
  }

  void wait_for_input_or_wake(int input) {
    pollfd requests[2] = {{input, POLLIN, 0}, {ends_[0], POLLIN, 0}};
    int ready = 0;
    do {
      ready = ::poll(requests, 2, -1);
    } while (ready < 0 && errno == EINTR);
    // An error or a hang-up on the input is for the next read to report.
    input_ready_ = ready < 0 || requests[0].revents != 0;
    char sink[64];
    while (::read(ends_[0], sink, sizeof sink) > 0) {
    }
  }
  [[nodiscard]] bool input_was_ready() const { return input_ready_; }

 private:
  int ends_[2] = {-1, -1};
  bool input_ready_ = false;
};

void write_block(const StreamSinks& sinks, const BlockOutput& out) {
  if (!out.output.empty()) write_all(sinks.output, out.output);
  if (!out.denied.empty()) write_all(sinks.denied, out.denied);
  if (!out.rejects.empty()) write_all(sinks.rejects, out.rejects);
}

}  // namespace

StreamCounts run_stream(int input, const StreamSinks& sinks, const Policy& policy, const Bindings& bindings,
                        const ConsentLedger* ledger, std::int64_t now, const StreamOptions& options,
                        const std::function<void(const StreamCounts&)>& progress) {
  // One slot per reason, and one more for input that could not be decided.
  const std::size_t reasons = policy.reason_count() + 1;
  StreamCounts total;
  total.denied_by_reason.assign(reasons, 0);
  BlockReader reader(input, options.block_size, options.max_line);

  if (options.threads <= 1) {
    BlockEvaluator evaluator(policy, bindings, ledger, now, options, sinks);
    InputBlock block;
    BlockOutput out;
    while (reader.next(block)) {
      out.clear(reasons);
      evaluator.evaluate(block, out);
      write_block(sinks, out);
      total.add(out.counts);
      if (progress) progress(total);
    }
    return total;
  }

  // Several threads: blocks are read and written here, in order, and decided by workers.
  struct Job {
    InputBlock block;
    BlockOutput out;
    bool done = false;
  };
  const std::size_t slots = 2 * static_cast<std::size_t>(options.threads);
  std::vector<std::unique_ptr<Job>> storage;
  std::vector<Job*> free_jobs;
  for (std::size_t i = 0; i < slots; ++i) {
    storage.push_back(std::make_unique<Job>());
    free_jobs.push_back(storage.back().get());
  }
  std::mutex mutex;
  std::condition_variable work_ready;
  std::condition_variable job_done;
  std::deque<Job*> pending;   // waiting for a worker
  std::deque<Job*> in_order;  // submitted, in input order
  bool closing = false;
  std::exception_ptr failure;
  WakePipe wake;

  std::vector<std::thread> workers;
  for (unsigned t = 0; t < options.threads; ++t) {
    workers.emplace_back([&] {
      BlockEvaluator evaluator(policy, bindings, ledger, now, options, sinks);
      while (true) {
        Job* job = nullptr;
        {
          std::unique_lock lock(mutex);
          work_ready.wait(lock, [&] { return closing || !pending.empty(); });
          if (pending.empty()) return;
          job = pending.front();
          pending.pop_front();
        }
        try {
          evaluator.evaluate(job->block, job->out);
        } catch (...) {
          std::lock_guard lock(mutex);
          if (!failure) failure = std::current_exception();
        }
        {
          std::lock_guard lock(mutex);
          job->done = true;
        }
        job_done.notify_all();
        wake.signal();
      }
    });
  }
  const auto stop_workers = [&] {
    {
      std::lock_guard lock(mutex);
      closing = true;
    }
    work_ready.notify_all();
    for (auto& worker : workers) worker.join();
  };

  try {
    bool input_done = false;
    // The last block ended because the input had nothing more ready: before reading again
    // (which may wait long), what is being decided is written as soon as it is done.
    bool input_paused = false;
    while (true) {
      // Write every finished block at the head, in input order.
      while (!in_order.empty()) {
        Job* head = in_order.front();
        {
          std::lock_guard lock(mutex);
          if (failure) std::rethrow_exception(failure);
          if (!head->done) break;
        }
        write_block(sinks, head->out);
        total.add(head->out.counts);
        if (progress) progress(total);
        in_order.pop_front();
        free_jobs.push_back(head);
      }
      if (input_done && in_order.empty()) break;
      if (input_paused && in_order.empty()) input_paused = false;  // all written: a read may wait
      if (!input_done && !input_paused && !free_jobs.empty()) {
        Job* job = free_jobs.back();
        if (!reader.next(job->block)) {
          input_done = true;
          continue;
        }
        input_paused = job->block.input_idle;
        free_jobs.pop_back();
        job->out.clear(reasons);
        {
          std::lock_guard lock(mutex);
          job->done = false;
          pending.push_back(job);
          in_order.push_back(job);
        }
        work_ready.notify_one();
        continue;
      }
      if (input_paused && !input_done) {
        // Whichever comes first: more input (read on, the workers keep deciding) or a
        // finished block (write it).
        wake.wait_for_input_or_wake(input);
        input_paused = !wake.input_was_ready();
        continue;
      }
      Job* head = in_order.front();
      std::unique_lock lock(mutex);
      job_done.wait(lock, [&] { return head->done || failure; });
    }
  } catch (...) {
    stop_workers();
    throw;
  }
  stop_workers();
  return total;
}

}  // namespace usegate::records

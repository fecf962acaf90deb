#include "policy_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include <fmt/format.h>

#include "arguments.hpp"
#include "text_input.hpp"

namespace usegate::cli {
namespace {

std::string size_text(std::size_t bytes) {
  if (bytes % (std::size_t{1} << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  return fmt::format("{} bytes", bytes);
}

}  // namespace

std::string read_file(const std::string& path, const FileLimit& limit) {
  const int descriptor = path == "-" ? 0 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) throw UsageError(fmt::format("cannot read `{}`: {}", printable(path), std::strerror(errno)));
  std::string text;
  std::size_t size = 0;
  while (true) {
    // One byte past the limit tells a file of exactly the limit from a larger one.
    if (text.size() < size + 65536) text.resize(std::min(limit.bytes + 1, std::max(size + 65536, 2 * size)));
    const ssize_t got = ::read(descriptor, text.data() + size, text.size() - size);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int error = errno;
      if (descriptor != 0) ::close(descriptor);
      throw UsageError(fmt::format("cannot read `{}`: {}", printable(path), std::strerror(error)));
    }
    if (got == 0) break;
    size += static_cast<std::size_t>(got);
    if (size > limit.bytes) {
      if (descriptor != 0) ::close(descriptor);
      throw InputFileError(
          fmt::format("{}: error: the {} is larger than the limit of {}\n = help: a {} is at most {}; "
                      "is this the file you meant?",
                      printable(path), limit.what, size_text(limit.bytes), limit.what, size_text(limit.bytes)));
    }
  }
  if (descriptor != 0) ::close(descriptor);
  text.resize(size);
  return text;
}

bool is_artifact(std::string_view bytes) {
  return bytes.substr(0, 8) == std::string_view("USEGATE\0", 8);
}

LoadedPolicy analyze_policy_text(const std::string& path, std::string text, bool run_lints) {
  LoadedPolicy loaded;
  const auto non_text = find_non_text_byte(text);
  loaded.source = std::make_unique<usegate::SourceFile>(path, std::move(text));
  if (non_text) {
    // Diagnostics quote the source line; this one points at the byte and quotes nothing.
    const usegate::SourcePosition at{static_cast<std::uint32_t>(non_text->offset), non_text->line, non_text->column};
    loaded.analysis.diagnostics.error(
        usegate::SourceSpan{at, at.offset + 1},
        fmt::format("the policy file holds a byte that is not text (0x{:02X})", non_text->byte),
        "a policy is UTF-8 text without control characters, and an artifact from `usegate build` begins with "
        "`USEGATE`; is this the file you meant?");
    loaded.not_text = true;
    return loaded;
  }
  loaded.analysis = compiler::analyze_policy(*loaded.source, run_lints);
  return loaded;
}

void print_diagnostics(const LoadedPolicy& policy) {
  for (const auto& diagnostic : policy.analysis.diagnostics.all()) {
    if (policy.not_text) {
      std::cerr << usegate::format_diagnostic_headline(*policy.source, diagnostic) << "\n = help: " << diagnostic.help
                << '\n';
    } else {
      std::cerr << usegate::format_diagnostic(*policy.source, diagnostic);
    }
  }
}

}  // namespace usegate::cli

#include "support.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <variant>

#include "usegate/base/diagnostics.hpp"
#include "usegate/base/source.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"

namespace usegate::fuzz {

void property_failed(std::string_view what) {
  std::fprintf(stderr, "\n==== property failed ====\n%.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

std::string source_text(const std::string& relative) {
  const std::string path = std::string(USEGATE_SOURCE_DIR) + "/" + relative;
  std::ifstream file(path, std::ios::binary);
  if (!file) property_failed("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

FixedPolicy compile_fixed_policy(const std::string& relative) {
  const usegate::SourceFile source(relative, source_text(relative));
  const auto analysis = compiler::analyze_policy(source, false);
  if (!analysis.policy) {
    std::string errors;
    for (const auto& diagnostic : analysis.diagnostics.all()) errors += usegate::format_diagnostic(source, diagnostic);
    property_failed("a fixed policy does not check:\n" + errors);
  }
  auto compiled = compiler::compile_policy(*analysis.policy);
  if (const auto* error = compiled.error_if()) {
    property_failed(relative + " does not compile: " + error->message);
  }
  auto& model = compiled.value();
  auto loaded = Policy::from_bytes(runtime::write_artifact(model));
  if (!loaded) property_failed(relative + " does not load: " + loaded.error().message);
  return FixedPolicy{std::move(model), std::move(*loaded)};
}

records::Bindings fixed_bindings(const std::string& relative, const Policy& policy) {
  auto read = records::read_bindings(relative, source_text(relative), policy);
  if (!read) property_failed(read.error().message);
  return std::move(*read);
}

const FixedPolicy& august_policy() {
  static const FixedPolicy policy = compile_fixed_policy("policies/x-grok-2024-08.policy");
  return policy;
}

const FixedPolicy& renamed_policy() {
  static const FixedPolicy policy = compile_fixed_policy("fuzz/fixtures/renamed-setting.policy");
  return policy;
}

records::InputBlock block_of(const std::uint8_t* data, std::size_t size) {
  records::InputBlock block;
  block.bytes.resize(size + records::parse_padding);
  if (size > 0) std::memcpy(block.bytes.data(), data, size);
  std::memset(block.bytes.data() + size, 0, records::parse_padding);
  block.size = size;
  return block;
}

MemoryFile::MemoryFile() : descriptor_(::memfd_create("usegate-fuzz-input", 0)) {
  if (descriptor_ < 0) property_failed("memfd_create failed");
}

MemoryFile::~MemoryFile() {
  ::close(descriptor_);
}

int MemoryFile::hold(const std::uint8_t* data, std::size_t size) {
  if (::ftruncate(descriptor_, 0) != 0) property_failed("ftruncate failed");
  std::size_t written = 0;
  while (written < size) {
    const ssize_t got = ::pwrite(descriptor_, data + written, size - written, static_cast<off_t>(written));
    if (got <= 0) property_failed("pwrite failed");
    written += static_cast<std::size_t>(got);
  }
  if (::lseek(descriptor_, 0, SEEK_SET) != 0) property_failed("lseek failed");
  return descriptor_;
}

}  // namespace usegate::fuzz

// `usegate sim` scenarios (YAML) read and checked against the policies they run under: the
// July and August X policies together (platforms, settings with availability), and the Meta
// policy alone (no platform enum). Any failure must be an error naming its place; anything
// that escapes is a crash.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "support.hpp"
#include "usegate/review/scenario.hpp"

namespace {

using namespace usegate;

const fuzz::FixedPolicy& fixed(const char* relative) {
  static std::vector<std::unique_ptr<fuzz::FixedPolicy>> policies;
  policies.push_back(std::make_unique<fuzz::FixedPolicy>(fuzz::compile_fixed_policy(relative)));
  return *policies.back();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > fuzz::max_input_size) return -1;
  static const runtime::CompiledPolicy* const x_policies[] = {&fixed("policies/x-grok-2024-07.policy").compiled,
                                                              &fixed("policies/x-grok-2024-08.policy").compiled};
  static const runtime::CompiledPolicy* const meta_policy[] = {&fixed("policies/meta-ai-2024-06.policy").compiled};
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const std::span<const runtime::CompiledPolicy* const> policies :
       {std::span<const runtime::CompiledPolicy* const>(x_policies),
        std::span<const runtime::CompiledPolicy* const>(meta_policy)}) {
    const auto scenario = review::load_scenario("fuzz.yaml", text, policies);
    if (scenario) {
      (void)scenario->records_per_user();
    } else if (!scenario.error().message.starts_with("fuzz.yaml:")) {
      fuzz::property_failed("a scenario error without its place: " + scenario.error().message);
    }
  }
  return 0;
}

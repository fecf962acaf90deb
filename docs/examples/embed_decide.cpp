// Decide whether records may be used for training, with a compiled policy.
// Build: link against usegate_runtime only. Run: embed_decide x-grok-2024-08.ugt
#include <cstdio>
#include <string_view>
#include <vector>

#include <usegate/usegate.hpp>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: embed_decide ARTIFACT\n");
    return 2;
  }
  // Load once; a damaged or truncated artifact is an error value, never a crash.
  const auto loaded = usegate::Policy::load_file(argv[1]);
  if (!loaded) {
    std::fprintf(stderr, "%s\n", loaded.error().message.c_str());
    return 1;
  }
  const usegate::Policy& policy = *loaded;

  // Resolve names once. A variable the policy does not test has no index.
  const std::size_t variables = policy.variable_count();
  const auto index = [&](std::string_view name) { return policy.find_variable(name).value(); };
  const std::size_t purpose = index("purpose"), category = index("category"), region = index("region"),
                    visibility = index("visibility"), ts = index("ts"), now = index("now"),
                    sharing = index("grok_sharing");

  struct Record {
    const char* purpose;
    const char* category;
    const char* region;
    const char* visibility;
    const char* ts;
    const char* sharing;  // the user's choice; nullptr when never set
  };
  const Record records[] = {
      {"training", "post", "US", "public", "2024-06-01", nullptr},
      {"training", "post", "US", "public", "2024-06-01", "off"},
      {"training", "post", "EU", "public", "2024-06-01T09:30:00+02:00", "on"},
      {"training", "post", "EU", "public", "2024-08-02", "on"},
      {"fine_tuning", "interaction", "EU", nullptr, "2024-06-01", nullptr},
      {"training", "post", nullptr, "public", "2024-06-01", nullptr},
  };

  // `now` is the same for every record of a run: encode it once.
  const usegate::Code now_code = policy.encode_time(now, 1725408000);  // 2024-09-04

  std::vector<usegate::Code> codes(variables);
  for (const Record& record : records) {
    const auto field = [](const char* text) {
      return text ? usegate::FieldValue::from_string(text) : usegate::FieldValue::absent();
    };
    codes[purpose] = policy.encode(purpose, field(record.purpose));
    codes[category] = policy.encode(category, field(record.category));
    codes[region] = policy.encode(region, field(record.region));
    codes[visibility] = policy.encode(visibility, field(record.visibility));
    codes[ts] = policy.encode(ts, field(record.ts));
    codes[now] = now_code;
    codes[sharing] = policy.encode_consent(sharing, field(record.sharing));

    const usegate::Decision decision = policy.decide(codes);
    std::printf("%-11s %-11s %-4s %-20s -> %s (%.*s)\n", record.purpose, record.category,
                record.region ? record.region : "-", record.ts, decision.allowed ? "allow" : "deny",
                static_cast<int>(policy.reason_name(decision.reason).size()),
                policy.reason_name(decision.reason).data());
  }
  return 0;
}

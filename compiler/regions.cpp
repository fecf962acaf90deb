#include "usegate/compiler/regions.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "usegate/base/calendar.hpp"

namespace usegate::compiler {
namespace {

void collect(const DecisionDiagram& diagram, NodeId at, std::vector<std::vector<bool>>& box,
             const std::function<bool(std::uint32_t)>& keep, std::vector<Region>& out) {
  if (diagram.is_terminal(at)) {
    if (keep(diagram.terminal_value(at))) out.push_back(Region{box, diagram.terminal_value(at)});
    return;
  }
  const std::uint32_t variable = diagram.variable(at);
  const auto children = diagram.children(at);
  // One branch per distinct child, with every code that leads there.
  std::map<NodeId, std::vector<bool>> branches;
  for (std::uint32_t code = 0; code < children.size(); ++code) {
    auto& codes = branches.try_emplace(children[code], children.size(), false).first->second;
    codes[code] = true;
  }
  const std::vector<bool> saved = box[variable];
  for (const auto& [child, codes] : branches) {
    box[variable] = codes;
    collect(diagram, child, box, keep, out);
  }
  box[variable] = saved;
}

// The one variable two boxes differ in, or -1 when they differ in none or several.
int single_difference(const Region& a, const Region& b) {
  int differing = -1;
  for (std::size_t v = 0; v < a.codes.size(); ++v) {
    if (a.codes[v] == b.codes[v]) continue;
    if (differing >= 0) return -1;
    differing = static_cast<int>(v);
  }
  return differing;
}

std::string time_text(double key) {
  const std::int64_t seconds = calendar::seconds_of_time_key(key);
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  // civil_from_days (H. Hinnant).
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0);
  if (rest == 0) return fmt::format("{:04}-{:02}-{:02}", year, month, day);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", year, month, day, rest / 3600, rest / 60 % 60, rest % 60);
}

struct Run {
  std::uint32_t first, last;  // codes, inclusive
};

// The known codes of an ordered variable as intervals, merged where adjacent.
std::vector<std::string> ordered_pieces(const Partition& partition, const std::vector<bool>& codes, bool math) {
  std::vector<Run> runs;
  for (std::uint32_t code = first_value_code; code < codes.size(); ++code) {
    if (!codes[code]) continue;
    if (!runs.empty() && runs.back().last + 1 == code) {
      runs.back().last = code;
    } else {
      runs.push_back({code, code});
    }
  }
  std::vector<std::string> pieces;
  const std::uint32_t last_code = static_cast<std::uint32_t>(codes.size()) - 1;
  for (const Run& run : runs) {
    const auto low = partition.interval(run.first);
    const auto high = partition.interval(run.last);
    const bool unbounded_low = !low.is_point && !low.has_low;
    const bool unbounded_high = !high.is_point && !high.has_high;
    const std::string low_text = describe_constant(partition, low.is_point ? low.point : low.low);
    const std::string high_text = describe_constant(partition, high.is_point ? high.point : high.high);
    const char* at_least = math ? "≥ " : ">= ";
    const char* at_most = math ? "≤ " : "<= ";
    if (run.first == run.last && low.is_point) {
      pieces.push_back((math ? "= " : "== ") + low_text);
    } else if (unbounded_low && unbounded_high) {
      pieces.push_back("known");
    } else if (unbounded_low) {
      pieces.push_back((high.is_point ? at_most : "< ") + high_text);
    } else if (unbounded_high || run.last == last_code) {
      pieces.push_back((low.is_point ? at_least : "> ") + low_text);
    } else {
      pieces.push_back(
          fmt::format("{}{}, {}{}", low.is_point ? "[" : "(", low_text, high_text, high.is_point ? "]" : ")"));
    }
  }
  return pieces;
}

// `now` is the evaluation time: never missing, never unknown (docs/language.md, section 9.6).
// The runtime still reads a time outside the years 0000-9999 as unknown and decides it as the
// compiled cells say (fail closed); the rows people read leave those two states out of `now`'s
// values, unless a row is about nothing else.
bool lists_states(const Partition& partition, NowStates now_states) {
  return now_states == NowStates::listed || partition.name != "now";
}

std::vector<std::string> code_names(const Partition& partition, const std::vector<bool>& codes, bool math,
                                    NowStates now_states = NowStates::left_out) {
  std::vector<std::string> names;
  if (partition.kind == Partition::Kind::setting) {
    if (codes[setting_off_code]) names.emplace_back("off");
    if (codes[setting_on_code]) names.emplace_back("on");
    return names;
  }
  if (partition.kind == Partition::Kind::categorical) {
    for (std::uint32_t code = first_value_code; code < codes.size(); ++code) {
      if (codes[code]) names.push_back(partition.values[code - first_value_code]);
    }
  } else {
    names = ordered_pieces(partition, codes, math);
  }
  if (!lists_states(partition, now_states) && !names.empty()) return names;
  if (codes[missing_code]) names.emplace_back("missing");
  if (codes[unknown_code]) names.emplace_back("unknown");
  return names;
}

// Every value is in (`-`, or no condition): for `now`, every value but the two states.
bool all_set(const Partition& partition, const std::vector<bool>& codes, NowStates now_states = NowStates::left_out) {
  for (std::uint32_t code = 0; code < codes.size(); ++code) {
    if (!lists_states(partition, now_states) && (code == missing_code || code == unknown_code)) continue;
    if (!codes[code]) return false;
  }
  return true;
}

}  // namespace

std::string describe_constant(const Partition& partition, double key) {
  if (partition.attribute_kind == AttributeKind::time) return time_text(key);
  return fmt::format("{}", key);
}

std::string describe_time(std::int64_t epoch_seconds) {
  return time_text(calendar::time_key(epoch_seconds, false));
}

std::vector<Region> regions_of(const DecisionDiagram& diagram, NodeId root,
                               const std::function<bool(std::uint32_t)>& keep) {
  std::vector<std::vector<bool>> box;
  for (std::uint32_t v = 0; v < diagram.variable_count(); ++v) box.emplace_back(diagram.domain_size(v), true);
  std::vector<Region> regions;
  collect(diagram, root, box, keep, regions);
  // Merge boxes of equal value that differ in a single variable, until none do.
  for (bool merged = true; merged;) {
    merged = false;
    for (std::size_t i = 0; i < regions.size() && !merged; ++i) {
      for (std::size_t j = i + 1; j < regions.size() && !merged; ++j) {
        if (regions[i].value != regions[j].value) continue;
        const int v = single_difference(regions[i], regions[j]);
        if (v < 0) continue;
        for (std::size_t code = 0; code < regions[i].codes[v].size(); ++code) {
          regions[i].codes[v][code] = regions[i].codes[v][code] || regions[j].codes[v][code];
        }
        regions.erase(regions.begin() + static_cast<std::ptrdiff_t>(j));
        merged = true;
      }
    }
  }
  std::stable_sort(regions.begin(), regions.end(), [](const Region& a, const Region& b) {
    return a.value != b.value ? a.value < b.value : a.codes > b.codes;
  });
  return regions;
}

std::vector<std::string> describe_code_list(const Partition& partition, const std::vector<bool>& codes,
                                            NowStates now_states) {
  return code_names(partition, codes, false, now_states);
}

std::string describe_codes(const Partition& partition, const std::vector<bool>& codes, NowStates now_states) {
  if (all_set(partition, codes, now_states)) return "-";
  std::string text;
  for (const auto& name : code_names(partition, codes, false, now_states)) text += (text.empty() ? "" : ", ") + name;
  return text;
}

std::string describe_region(const std::vector<Partition>& partitions, const Region& region) {
  std::string text;
  for (std::size_t v = 0; v < partitions.size(); ++v) {
    const auto& codes = region.codes[v];
    const Partition& partition = partitions[v];
    if (all_set(partition, codes)) continue;
    const std::vector<std::string> names = code_names(partition, codes, true);
    std::string piece;
    const bool ordered = partition.kind == Partition::Kind::ordered;
    if (names.size() == 1 && ordered && names.front() != "missing" && names.front() != "unknown") {
      // `ts ∈ [a, b)`, `now ≥ d`, `age < 18`
      const std::string& only = names.front();
      piece = only.front() == '[' || only.front() == '(' ? fmt::format("{} ∈ {}", partition.name, only)
              : only == "known"                          ? fmt::format("{} is known", partition.name)
                                                         : fmt::format("{} {}", partition.name, only);
    } else if (names.size() == 1) {
      piece = names.front() == "missing" || names.front() == "unknown"
                  ? fmt::format("{} is {}", partition.name, names.front())
                  : fmt::format("{} = {}", partition.name, names.front());
    } else {
      std::string list;
      for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
      piece = fmt::format("{} ∈ {{{}}}", partition.name, list);
    }
    text += (text.empty() ? "" : " ∧ ") + piece;
  }
  return text.empty() ? "true" : text;
}

}  // namespace usegate::compiler

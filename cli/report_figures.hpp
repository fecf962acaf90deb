#pragma once
// The figures every rendering of a `sim` report prints (text, Markdown, HTML), computed one way
// so that the formats agree to the last digit: shares, percentage points, and the pairing of
// two policies' settings and denial reasons.

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "usegate/review/simulation.hpp"

namespace usegate::cli {

inline double share_of(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

// `87.20%`.
inline std::string percent(std::uint64_t part, std::uint64_t whole) {
  return fmt::format("{:.2f}%", 100.0 * share_of(part, whole));
}

// The change from a to b in percentage points, as printed: `+1.25 pp`, `-0.50 pp`, `0.00 pp`.
inline std::string points(double a, double b) {
  std::string text = fmt::format("{:+.2f} pp", 100.0 * (b - a));
  if (text == "+0.00 pp" || text == "-0.00 pp") text = "0.00 pp";
  return text;
}

// The change from a to b in a count without a whole to take a share of: `+2`, `-1`, `0`.
inline std::string count_change(std::uint64_t a, std::uint64_t b) {
  if (a == b) return "0";
  return b > a ? fmt::format("+{}", b - a) : fmt::format("-{}", a - b);
}

// A reason's counts for one purpose, or nothing when the policy has no such reason.
inline const review::ReasonCount* reason_named(const review::PurposeReport& purpose, const std::string& name) {
  for (const auto& reason : purpose.reasons) {
    if (reason.reason == name) return &reason;
  }
  return nullptr;
}

// The deny reasons of either purpose report that denied some record: the first's in its
// order, then the second's new ones.
inline std::vector<std::string> denial_names(const review::PurposeReport& first, const review::PurposeReport* second) {
  std::vector<std::string> names;
  for (const auto* purpose : {&first, second}) {
    if (purpose == nullptr) continue;
    for (const auto& reason : purpose->reasons) {
      if (reason.denied > 0 && std::find(names.begin(), names.end(), reason.reason) == names.end()) {
        names.push_back(reason.reason);
      }
    }
  }
  return names;
}

// The setting of a report that corresponds to `setting` of another: the same name, or a
// rename recorded with `formerly` in either direction.
template <typename Setting>
const Setting* matching_setting(const std::vector<Setting>& settings, const Setting& setting) {
  for (const auto& candidate : settings) {
    if (candidate.name == setting.name) return &candidate;
  }
  for (const auto& candidate : settings) {
    for (const auto& old : candidate.formerly) {
      if (old == setting.name) return &candidate;
    }
    for (const auto& old : setting.formerly) {
      if (old == candidate.name) return &candidate;
    }
  }
  return nullptr;
}

// The settings of either policy, paired: a renamed setting (`formerly`) is one pair; a
// setting only one policy has is paired with nothing.
template <typename Setting>
std::vector<std::pair<const Setting*, const Setting*>> setting_pairs(const std::vector<Setting>& a,
                                                                     const std::vector<Setting>& b) {
  std::vector<std::pair<const Setting*, const Setting*>> pairs;
  for (const auto& setting : a) pairs.emplace_back(&setting, matching_setting(b, setting));
  for (const auto& setting : b) {
    if (matching_setting(a, setting) == nullptr) pairs.emplace_back(nullptr, &setting);
  }
  return pairs;
}

// A pair's name in a settings table: `grok_sharing`, or `data_sharing -> grok_sharing`.
template <typename Setting>
std::string pair_name(const Setting* left, const Setting* right) {
  if (left && right && left->name != right->name) return fmt::format("{} -> {}", left->name, right->name);
  return left ? left->name : right->name;
}

}  // namespace usegate::cli

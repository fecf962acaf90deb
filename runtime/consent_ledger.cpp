#include "usegate/runtime/consent_ledger.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <simdjson.h>

#include "json_document.hpp"
#include "usegate/runtime/time_text.hpp"
#include "usegate/base/calendar.hpp"
#include "usegate/runtime/block_reader.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace usegate::runtime {
namespace {

using simdjson::ondemand::json_type;

struct ParsedChange {
  std::string subject;
  std::string setting;
  std::optional<bool> value;  // nothing: back to the default
  std::optional<std::string> platform;
  double time_key = 0;
  std::int64_t seconds = 0;
};

struct Rejection {
  const char* cause;
  std::string message;
};

Rejection unreadable(RejectCause cause) {
  switch (cause) {
    case RejectCause::invalid_utf8: return Rejection{"invalid_utf8", "bytes that are not UTF-8"};
    case RejectCause::not_an_object: return Rejection{"not_an_object", "not a JSON object"};
    case RejectCause::too_deep: return Rejection{"too_deep", "nested too deeply"};
    default: return Rejection{"invalid_json", "not valid JSON"};
  }
}

// A string, or a number as written (ids are often numbers).
std::optional<std::string> text_of(simdjson::ondemand::value value) {
  json_type type;
  if (value.type().get(type)) return std::nullopt;
  if (type == json_type::string) {
    std::string_view text;
    if (value.get_string().get(text)) return std::nullopt;
    return std::string(text);
  }
  if (type == json_type::number) {
    std::string_view raw = value.raw_json_token();
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\r' || raw.back() == '\n')) raw.remove_suffix(1);
    return std::string(raw);
  }
  return std::nullopt;
}

std::variant<ParsedChange, Rejection> parse_change(simdjson::ondemand::parser& parser, const InputLine& line) {
  simdjson::ondemand::document document;
  if (auto error = parser.iterate(simdjson::padded_string_view(line.text.data(), line.text.size(), line.readable))
                       .get(document)) {
    return unreadable(cause_of(error));
  }
  simdjson::ondemand::object object;
  if (auto error = document.get_object().get(object)) {
    return unreadable(error == simdjson::INCORRECT_TYPE ? classify_non_object(document) : cause_of(error));
  }
  ParsedChange change;
  bool has_user = false, has_setting = false, has_value = false, has_time = false;
  for (auto field_result : object) {
    simdjson::ondemand::field field;
    if (std::move(field_result).get(field)) return Rejection{"invalid_json", "not valid JSON"};
    std::string_view key;
    if (field.unescaped_key().get(key)) return Rejection{"invalid_json", "not valid JSON"};
    simdjson::ondemand::value value = field.value();
    if (key == "user") {
      auto text = text_of(value);
      if (!text) return Rejection{"bad_user", "`user` must be a string or a number"};
      change.subject = std::move(*text);
      has_user = true;
    } else if (key == "setting") {
      std::string_view text;
      if (value.get_string().get(text)) return Rejection{"bad_setting", "`setting` must be a string"};
      change.setting = std::string(text);
      has_setting = true;
    } else if (key == "value") {
      json_type type;
      if (value.type().get(type)) return Rejection{"invalid_json", "not valid JSON"};
      has_value = true;
      if (type == json_type::null) {
        change.value.reset();
      } else if (type == json_type::boolean) {
        bool on = false;
        if (value.get_bool().get(on)) return Rejection{"invalid_json", "not valid JSON"};
        change.value = on;
      } else if (type == json_type::string) {
        std::string_view text;
        if (value.get_string().get(text)) return Rejection{"invalid_json", "not valid JSON"};
        if (text != "on" && text != "off") {
          return Rejection{"bad_value", fmt::format("value `{}` is neither on nor off", text)};
        }
        change.value = text == "on";
      } else {
        return Rejection{"bad_value", "`value` must be \"on\", \"off\", true, false or null"};
      }
    } else if (key == "platform") {
      std::string_view text;
      if (value.get_string().get(text)) return Rejection{"bad_platform", "`platform` must be a string"};
      change.platform = std::string(text);
    } else if (key == "ts") {
      json_type type;
      if (value.type().get(type)) return Rejection{"invalid_json", "not valid JSON"};
      std::optional<double> time_key;
      if (type == json_type::string) {
        std::string_view text;
        if (!value.get_string().get(text)) time_key = time_key_from_text(text);
      } else if (type == json_type::number) {
        double seconds = 0;
        if (!value.get_double().get(seconds)) time_key = time_key_from_epoch(seconds);
      }
      if (!time_key) return Rejection{"bad_time", "`ts` is not an ISO-8601 time or epoch seconds"};
      change.time_key = *time_key;
      change.seconds = calendar::seconds_of_time_key(*time_key);
      has_time = true;
    }
  }
  if (has_trailing_content(document)) return Rejection{"invalid_json", "not valid JSON"};
  if (!has_user) return Rejection{"missing_field", "no `user`"};
  if (!has_setting) return Rejection{"missing_field", "no `setting`"};
  if (!has_value) return Rejection{"missing_field", "no `value`"};
  if (!has_time) return Rejection{"missing_field", "no `ts`"};
  return change;
}

}  // namespace

ConsentLedger ConsentLedger::read(int descriptor, const Policy& policy, std::int64_t now) {
  const CompiledPolicy& compiled = policy.compiled();
  ConsentLedger ledger;
  ledger.setting_count_ = compiled.settings.size();
  ledger.rejected_by_setting_.assign(ledger.setting_count_, 0);
  const double now_key = calendar::time_key(now, false);
  simdjson::ondemand::parser parser;
  BlockReader reader(descriptor);
  InputBlock block;

  const auto reject = [&ledger](std::uint64_t line, const char* cause, std::string message) {
    ++ledger.rejected_;
    ++ledger.rejected_by_cause_[cause];
    if (ledger.rejections_.size() < kept_rejections) {
      ledger.rejections_.push_back(RejectedConsentChange{line, cause, std::move(message)});
    }
  };

  while (reader.next(block)) {
    BlockLines lines(block);
    InputLine line;
    while (lines.next(line)) {
      if (is_blank(line.text)) continue;
      auto parsed = parse_change(parser, line);
      if (auto* rejection = std::get_if<Rejection>(&parsed)) {
        reject(line.number, rejection->cause, std::move(rejection->message));
        continue;
      }
      ParsedChange& change = std::get<ParsedChange>(parsed);
      // The setting, by its name or a former one.
      std::optional<std::size_t> setting;
      bool under_former_name = false;
      for (std::size_t i = 0; i < compiled.settings.size() && !setting; ++i) {
        const SettingInfo& info = compiled.settings[i];
        if (info.name == change.setting) {
          setting = i;
        } else if (std::find(info.formerly.begin(), info.formerly.end(), change.setting) != info.formerly.end()) {
          setting = i;
          under_former_name = true;
        }
      }
      if (!setting) {
        reject(line.number, "unknown_setting", fmt::format("the policy has no setting `{}`", change.setting));
        continue;
      }
      const SettingInfo& info = compiled.settings[*setting];
      const auto reject_change = [&](const char* cause, std::string message) {
        ++ledger.rejected_by_setting_[*setting];
        reject(line.number, cause, std::move(message));
      };
      // Availability: the change counts only where and when the control could be used.
      if (!info.availability.empty()) {
        if (!change.platform) {
          reject_change("missing_field", fmt::format("no `platform`, and setting `{}` is available only on some", info.name));
          continue;
        }
        const auto& platforms = compiled.attributes[static_cast<std::size_t>(compiled.platform_attribute)].values;
        const auto platform = std::find(platforms.begin(), platforms.end(), *change.platform);
        if (platform == platforms.end()) {
          reject_change("unknown_platform", fmt::format("the policy has no platform `{}`", *change.platform));
          continue;
        }
        const auto index = static_cast<std::uint32_t>(platform - platforms.begin());
        const bool available = std::any_of(info.availability.begin(), info.availability.end(), [&](const AvailabilityInfo& entry) {
          return std::find(entry.platforms.begin(), entry.platforms.end(), index) != entry.platforms.end() &&
                 (!entry.from || change.seconds >= *entry.from) && (!entry.until || change.seconds < *entry.until);
        });
        if (!available) {
          reject_change("unavailable",
                        fmt::format("setting `{}` could not be changed on {} at that time", info.name, *change.platform));
          continue;
        }
      }
      if (change.time_key > now_key) {
        ++ledger.after_now_;
        continue;
      }
      SubjectState& state = ledger.subjects_[change.subject];
      if (state.own.empty()) {
        state.own.resize(ledger.setting_count_);
        state.former.resize(ledger.setting_count_);
      }
      Change& slot = under_former_name ? state.former[*setting] : state.own[*setting];
      if (!slot.present || change.time_key >= slot.time_key) {
        slot = Change{change.time_key, static_cast<std::uint8_t>(!change.value ? 0 : *change.value ? 2 : 1), true};
      }
      ++ledger.applied_;
    }
  }
  return ledger;
}

std::optional<bool> ConsentLedger::value(std::size_t setting, std::string_view subject) const {
  if (subjects_.empty()) return std::nullopt;
  const auto found = subjects_.find(std::string(subject));
  if (found == subjects_.end()) return std::nullopt;
  return value_of(found->second, setting);
}

std::optional<bool> ConsentLedger::value_of(const SubjectState& state, std::size_t setting) {
  const Change& own = state.own[setting];
  const Change& former = state.former[setting];
  const Change& effective = own.present && own.value != 0 ? own : former;
  if (!effective.present || effective.value == 0) return std::nullopt;
  return effective.value == 2;
}

std::uint64_t ConsentLedger::subjects_with_value(std::size_t setting, bool on) const {
  std::uint64_t count = 0;
  for (const auto& [subject, state] : subjects_) count += value_of(state, setting) == on ? 1 : 0;
  return count;
}

}  // namespace usegate::runtime

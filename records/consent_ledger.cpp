#include "usegate/records/consent_ledger.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <simdjson.h>

#include "json_document.hpp"
#include "json_validation.hpp"
#include "usegate/base/calendar.hpp"
#include "usegate/records/block_reader.hpp"
#include "usegate/records/subject_key.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/runtime/time_text.hpp"

namespace usegate::records {
namespace {

using simdjson::ondemand::json_type;

enum class ChangeValue : std::uint8_t { unset, off, on, bad };

// Where a value is on its line: a 1-based column and its length as written; column 0 when
// the problem is the line as a whole (not JSON, a field missing).
struct Place {
  std::uint32_t column = 0;
  std::uint32_t length = 0;
};

std::string_view without_trailing_space(std::string_view token);

// The place of the value the field iterator is at, before it is read.
Place place_of(simdjson::ondemand::value& value, const InputLine& line) {
  const std::string_view token = without_trailing_space(value.raw_json_token());
  if (token.data() < line.text.data() || token.data() > line.text.data() + line.text.size()) return {};
  return Place{static_cast<std::uint32_t>(token.data() - line.text.data()) + 1,
               static_cast<std::uint32_t>(token.size())};
}

struct ParsedChange {
  std::string subject;  // its key
  std::string setting;
  ChangeValue value = ChangeValue::unset;  // unset: back to the default
  std::string bad_value;                   // how a bad value was written, for the note
  std::optional<std::string> platform;
  double time_key = 0;
  std::int64_t seconds = 0;
  Place setting_at;
  Place value_at;
  Place platform_at;
};

struct Rejection {
  const char* cause;
  std::string message;
  Place place = {};
};

Rejection unreadable(RejectCause cause) {
  switch (cause) {
    case RejectCause::invalid_utf8: return Rejection{"invalid_utf8", "bytes that are not UTF-8"};
    case RejectCause::not_an_object: return Rejection{"not_an_object", "not a JSON object"};
    case RejectCause::too_deep: return Rejection{"too_deep", "nested too deeply"};
    case RejectCause::duplicate_key: return Rejection{"duplicate_key", "a key occurs twice"};
    case RejectCause::number_out_of_range:
      return Rejection{"number_out_of_range", "a number outside a double, or an integer outside 64 bits"};
    default: return Rejection{"invalid_json", "not valid JSON"};
  }
}

std::string_view without_trailing_space(std::string_view token) {
  while (!token.empty() &&
         (token.back() == ' ' || token.back() == '\t' || token.back() == '\r' || token.back() == '\n')) {
    token.remove_suffix(1);
  }
  return token;
}

// The subject's key from a string or a number (ids are often numbers).
std::optional<Rejection> read_subject(simdjson::ondemand::value value, std::string& key) {
  json_type type;
  if (value.type().get(type)) return Rejection{"invalid_json", "not valid JSON"};
  if (type == json_type::string) {
    std::string_view text;
    if (value.get_string().get(text)) return Rejection{"invalid_json", "not valid JSON"};
    subject_key_from_string(text, key);
    return std::nullopt;
  }
  if (type == json_type::number) {
    if (!subject_key_from_number(without_trailing_space(value.raw_json_token()), key)) {
      return Rejection{"invalid_json", "not valid JSON"};
    }
    return std::nullopt;
  }
  return Rejection{"bad_user", "`user` must be a string or a number"};
}

std::variant<ParsedChange, Rejection> parse_change(simdjson::ondemand::parser& parser, const InputLine& line) {
  simdjson::ondemand::document document;
  if (auto error = parser.iterate(simdjson::padded_string_view(line.text.data(), line.text.size(), line.readable))
                       .get(document)) {
    return unreadable(cause_of(error));
  }
  // Strict JSON first, as for records: a change that two readers would read differently (a
  // key twice, a broken value in a field nobody reads) is not applied.
  if (const RejectCause cause = validate_json_object_document(document); cause != RejectCause::none) {
    return unreadable(cause);
  }
  document.rewind();
  simdjson::ondemand::object object;
  if (auto error = document.get_object().get(object)) return unreadable(cause_of(error));
  ParsedChange change;
  bool has_user = false, has_setting = false, has_value = false, has_time = false;
  for (auto field_result : object) {
    simdjson::ondemand::field field;
    if (std::move(field_result).get(field)) return Rejection{"invalid_json", "not valid JSON"};
    std::string_view key;
    if (field.unescaped_key().get(key)) return Rejection{"invalid_json", "not valid JSON"};
    simdjson::ondemand::value value = field.value();
    const Place place = place_of(value, line);
    if (key == "user") {
      if (auto rejection = read_subject(value, change.subject)) {
        rejection->place = place;
        return std::move(*rejection);
      }
      has_user = true;
    } else if (key == "setting") {
      std::string_view text;
      if (value.get_string().get(text)) return Rejection{"bad_setting", "`setting` must be a string", place};
      change.setting = std::string(text);
      change.setting_at = place;
      has_setting = true;
    } else if (key == "value") {
      change.value_at = place;
      json_type type;
      if (value.type().get(type)) return Rejection{"invalid_json", "not valid JSON"};
      has_value = true;
      change.value = ChangeValue::bad;
      switch (type) {
        case json_type::null: change.value = ChangeValue::unset; break;
        case json_type::boolean: {
          bool on = false;
          if (value.get_bool().get(on)) return Rejection{"invalid_json", "not valid JSON"};
          change.value = on ? ChangeValue::on : ChangeValue::off;
          break;
        }
        case json_type::string: {
          std::string_view text;
          if (value.get_string().get(text)) return Rejection{"invalid_json", "not valid JSON"};
          if (text == "on" || text == "off") {
            change.value = text == "on" ? ChangeValue::on : ChangeValue::off;
          } else {
            change.bad_value = fmt::format("value `{}`", text);
          }
          break;
        }
        case json_type::number:
          change.bad_value = fmt::format("value `{}`", without_trailing_space(value.raw_json_token()));
          break;
        case json_type::array: change.bad_value = "an array value"; break;
        case json_type::object: change.bad_value = "an object value"; break;
        default: return Rejection{"invalid_json", "not valid JSON"};
      }
    } else if (key == "platform") {
      std::string_view text;
      if (value.get_string().get(text)) return Rejection{"bad_platform", "`platform` must be a string", place};
      change.platform = std::string(text);
      change.platform_at = place;
    } else if (key == "ts") {
      json_type type;
      if (value.type().get(type)) return Rejection{"invalid_json", "not valid JSON"};
      std::optional<double> time_key;
      if (type == json_type::string) {
        std::string_view text;
        if (!value.get_string().get(text)) time_key = runtime::time_key_from_text(text);
      } else if (type == json_type::number) {
        double seconds = 0;
        if (!value.get_double().get(seconds)) time_key = runtime::time_key_from_epoch(seconds);
      }
      if (!time_key) return Rejection{"bad_time", "`ts` is not an ISO-8601 time or epoch seconds", place};
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

// Where each name a change may be recorded under leads: the setting, and the slot of the name
// among the setting's (0 its own name, then its former names in policy order).
struct NamedSlot {
  std::size_t setting = 0;
  std::size_t slot = 0;
};

ConsentLedger ConsentLedger::read(int descriptor, const Policy& policy, std::int64_t now) {
  const runtime::CompiledPolicy& compiled = runtime::compiled_of(policy);
  ConsentLedger ledger;
  ledger.rejected_by_setting_.assign(compiled.settings.size(), 0);
  std::unordered_map<std::string_view, NamedSlot> names;
  std::size_t slot_count = 0;
  for (std::size_t i = 0; i < compiled.settings.size(); ++i) {
    const runtime::SettingInfo& info = compiled.settings[i];
    ledger.first_slot_.push_back(slot_count);
    // A name listed twice keeps its first place, as the policy reads it.
    names.emplace(info.name, NamedSlot{i, 0});
    for (std::size_t former = 0; former < info.formerly.size(); ++former) {
      names.emplace(info.formerly[former], NamedSlot{i, former + 1});
    }
    slot_count += 1 + info.formerly.size();
  }
  ledger.first_slot_.push_back(slot_count);

  const double now_key = calendar::time_key(now, false);
  simdjson::ondemand::parser parser;
  BlockReader reader(descriptor);
  InputBlock block;

  const auto note = [&ledger](const InputLine& line, bool applied, const char* cause, std::string message,
                              Place place) {
    if (ledger.notes_.size() < kept_notes) {
      // The line is kept to be shown under the message, unless it is too long to read.
      const bool shown = !line.too_long && line.text.size() <= max_shown_line;
      ledger.notes_.push_back(ConsentChangeNote{line.number, applied, cause, std::move(message),
                                                shown ? place.column : 0, place.length,
                                                shown ? std::string(line.text) : std::string()});
    }
  };
  const auto reject = [&ledger, &note](const InputLine& line, const char* cause, std::string message,
                                       Place place = {}) {
    ++ledger.rejected_;
    ++ledger.rejected_by_cause_[cause];
    note(line, false, cause, std::move(message), place);
  };

  while (reader.next(block)) {
    BlockLines lines(block);
    InputLine line;
    while (lines.next(line)) {
      if (is_blank(line)) continue;
      if (line.too_long) {
        reject(line, "line_too_long",
               fmt::format("longer than the limit of {} MiB: never parsed", default_max_line >> 20));
        continue;
      }
      auto parsed = parse_change(parser, line);
      if (auto* rejection = std::get_if<Rejection>(&parsed)) {
        reject(line, rejection->cause, std::move(rejection->message), rejection->place);
        continue;
      }
      ParsedChange& change = std::get<ParsedChange>(parsed);
      const auto named = names.find(change.setting);
      if (named == names.end()) {
        reject(line, "unknown_setting", fmt::format("the policy has no setting `{}`", change.setting),
               change.setting_at);
        continue;
      }
      const std::size_t setting = named->second.setting;
      const runtime::SettingInfo& info = compiled.settings[setting];
      const auto reject_change = [&](const char* cause, std::string message, Place place) {
        ++ledger.rejected_by_setting_[setting];
        reject(line, cause, std::move(message), place);
      };
      // Availability: the change counts only where and when the control could be used.
      if (!info.availability.empty()) {
        if (!change.platform) {
          reject_change("missing_field",
                        fmt::format("no `platform`, and setting `{}` is available only on some", info.name), {});
          continue;
        }
        const auto& platforms = compiled.attributes[static_cast<std::size_t>(compiled.platform_attribute)].values;
        const auto platform = std::find(platforms.begin(), platforms.end(), *change.platform);
        if (platform == platforms.end()) {
          reject_change("unknown_platform", fmt::format("the policy has no platform `{}`", *change.platform),
                        change.platform_at);
          continue;
        }
        const auto index = static_cast<std::uint32_t>(platform - platforms.begin());
        // `until` is exclusive: a change in its first second is refused; one in the last
        // fraction of a second before it is not (the whole seconds of the change's time).
        const bool available = std::any_of(
            info.availability.begin(), info.availability.end(), [&](const runtime::AvailabilityInfo& entry) {
              return std::find(entry.platforms.begin(), entry.platforms.end(), index) != entry.platforms.end() &&
                     (!entry.from || change.seconds >= *entry.from) && (!entry.until || change.seconds < *entry.until);
            });
        if (!available) {
          reject_change(
              "unavailable",
              fmt::format("setting `{}` could not be changed on {} at that time", info.name, *change.platform),
              change.platform_at);
          continue;
        }
      }
      if (change.time_key > now_key) {
        ++ledger.after_now_;
        continue;
      }
      if (change.value == ChangeValue::bad) {
        ++ledger.bad_values_read_as_off_;
        note(line, true, "bad_value_read_as_off", fmt::format("{} is neither on nor off", change.bad_value),
             change.value_at);
      }
      SubjectState& state = ledger.subjects_[std::move(change.subject)];
      if (state.empty()) state.resize(slot_count);
      Change& slot = state[ledger.first_slot_[setting] + named->second.slot];
      if (!slot.present || change.time_key >= slot.time_key) {
        const std::uint8_t value = change.value == ChangeValue::unset ? 0 : change.value == ChangeValue::on ? 2 : 1;
        const auto line_kept = line.number <= 0xFFFFFFFFu ? static_cast<std::uint32_t>(line.number) : 0u;
        slot = Change{change.time_key, line_kept, value, true};
      }
      ++ledger.applied_;
    }
  }
  return ledger;
}

std::optional<bool> ConsentLedger::value(std::size_t setting, std::string_view subject_key) const {
  if (subjects_.empty()) return std::nullopt;
  const auto found = subjects_.find(subject_key);
  if (found == subjects_.end()) return std::nullopt;
  return value_of(found->second, setting);
}

std::optional<ConsentLedger::Source> ConsentLedger::source(std::size_t setting, std::string_view subject_key) const {
  if (subjects_.empty()) return std::nullopt;
  const auto found = subjects_.find(subject_key);
  if (found == subjects_.end()) return std::nullopt;
  const Change* change = change_of(found->second, setting);
  if (change == nullptr) return std::nullopt;
  return Source{change->value == 2, change->line};
}

const ConsentLedger::Change* ConsentLedger::change_of(const SubjectState& state, std::size_t setting) const {
  // The first name with a value decides: own name, then former names in policy order. A name
  // set back to the default (null) has none.
  for (std::size_t slot = first_slot_[setting]; slot < first_slot_[setting + 1]; ++slot) {
    const Change& change = state[slot];
    if (change.present && change.value != 0) return &change;
  }
  return nullptr;
}

std::optional<bool> ConsentLedger::value_of(const SubjectState& state, std::size_t setting) const {
  const Change* change = change_of(state, setting);
  if (change == nullptr) return std::nullopt;
  return change->value == 2;
}

std::uint64_t ConsentLedger::subjects_with_value(std::size_t setting, bool on) const {
  std::uint64_t count = 0;
  for (const auto& [subject, state] : subjects_) count += value_of(state, setting) == on ? 1 : 0;
  return count;
}

}  // namespace usegate::records

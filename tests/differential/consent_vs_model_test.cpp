// `usegate eval --consent` against a model of the consent rules written here from DESIGN.md
// and docs/cli.md, independent of records/consent_ledger.cpp:
//
// - each subject's state as of `--now`: per setting name, the last change at or before `now`
//   (file order breaks ties); a change after `now` is counted, not applied;
// - a change is rejected (counted by cause, never applied) when its line is not a JSON object,
//   a field is missing, the setting is unknown, the time cannot be read, or — for a setting
//   with `available` lines — the platform is missing or unknown, or no line admits the
//   platform at that instant (`from` inclusive, `until` exclusive);
// - a value other than on, off, true, false or null counts as off;
// - a setting's effective value: the value under its own name, else under its former names in
//   the order written, else the record's own value, else the default;
// - subjects match by value: an integer and its decimal text are one subject, other numbers
//   by value, other strings byte for byte;
// - a record whose subject cannot be read counts every setting as off.
//
// Random policies (with settings, a platform enum and availability windows), random change
// streams aimed at every window bound and at `now`, and random records; the decision and reason
// of every record must be the interpreter's with the model's consent, and the summary's consent
// counts the model's. Each rule the runtime does not follow yet has a test case of its own.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "civil_time.hpp"
#include "differential_check.hpp"
#include "json_lines.hpp"
#include "random_policy.hpp"
#include "random_record.hpp"
#include "support.hpp"

namespace {

using namespace usegate;
using namespace usegate::differential;

// Which parts of the rules a test case exercises; the plain case uses none of them.
struct ConsentKnobs {
  bool bad_change_values = false;    // "OFF", 1, "maybe", {} as a change's value
  bool numeric_subjects = false;     // 50, 50.0, 5e1 and "50" as one subject
  bool unreadable_subjects = false;  // records whose `user` is null, true, an object or absent
  bool every_former_name = false;    // changes under any former name, not only the first
};

// A subject as written in JSON, and who it is: `i:` an integer, `n:` another number by value,
// `s:` a string byte for byte.
struct Subject {
  std::string json;
  std::string identity;
};

const std::vector<Subject> text_subjects = {
    {"\"u1\"", "s:u1"},
    {"\"u\\u0031\"", "s:u1"},  // the same string, escaped
    {"\"U1\"", "s:U1"},
    {"\"u2\"", "s:u2"},
    {"\"u3\"", "s:u3"},
    {"\"u1 \"", "s:u1 "},
    {"\"\"", "s:"},
    {"\"\xc3\xbc\"", "s:\xc3\xbc"},
    {"\"workspace-9\"", "s:workspace-9"},
};

const std::vector<Subject> numeric_subjects = {
    {"50", "i:50"},
    {"50.0", "i:50"},
    {"5e1", "i:50"},
    {"500e-1", "i:50"},
    {"\"50\"", "i:50"},
    {"7", "i:7"},
    {"\"7\"", "i:7"},
    {"-7", "i:-7"},
    {"\"-7\"", "i:-7"},
    {"2.5", "n:2.5"},
    {"25e-1", "n:2.5"},
    {"9007199254740993", "i:9007199254740993"},  // 2^53 + 1: a double would make it 2^53
    {"\"9007199254740993\"", "i:9007199254740993"},
    {"9007199254740992", "i:9007199254740992"},
    {"\"u1\"", "s:u1"},
};

// Record subjects that cannot be read; empty text: no `user` field at all.
const std::vector<std::string> unreadable_subjects = {"null", "true", "{\"id\":\"u1\"}", "[\"u1\"]", ""};

int uniform(std::mt19937_64& rng, int low, int high) {
  return std::uniform_int_distribution<int>(low, high)(rng);
}
bool chance(std::mt19937_64& rng, double p) {
  return std::bernoulli_distribution(p)(rng);
}
template <typename T>
const T& pick(std::mt19937_64& rng, const std::vector<T>& items) {
  return items[static_cast<std::size_t>(uniform(rng, 0, static_cast<int>(items.size()) - 1))];
}

// An instant as a time key: twice the whole seconds, plus one when there is a fraction (the
// fraction is always one half here, so equal keys are equal instants).
std::int64_t key_of(std::int64_t seconds, bool half) {
  return 2 * seconds + (half ? 1 : 0);
}

// A setting as the model sees it, from the generator's structure (not from the checker).
struct ModelSetting {
  std::string name;
  std::vector<std::string> names;  // own, then former ones in order
  bool default_on = true;
  std::vector<RandomAvailability> availability;
};

// One change line and what the model makes of it.
struct Change {
  std::string text;
  std::string reject_cause;  // empty: accepted
  std::string identity;      // subject
  std::string name;          // the setting name written
  std::size_t setting = 0;
  std::optional<bool> value;  // none: unset (null)
  std::int64_t key = 0;
};

struct Model {
  std::vector<ModelSetting> settings;
  std::vector<std::string> platforms;  // the policy's `enum platform`
  std::int64_t now = 0;

  // subject -> setting name -> (time key, value)
  std::map<std::string, std::map<std::string, std::pair<std::int64_t, std::optional<bool>>>> state;
  std::uint64_t applied = 0, rejected = 0, after_now = 0;
  std::map<std::string, std::uint64_t> rejected_by_cause;

  std::optional<std::size_t> setting_named(const std::string& name) const {
    for (std::size_t i = 0; i < settings.size(); ++i) {
      if (std::find(settings[i].names.begin(), settings[i].names.end(), name) != settings[i].names.end()) return i;
    }
    return std::nullopt;
  }

  bool admits(const ModelSetting& setting, const std::string& platform, std::int64_t key) const {
    return std::any_of(setting.availability.begin(), setting.availability.end(), [&](const RandomAvailability& line) {
      return std::find(line.platforms.begin(), line.platforms.end(), platform) != line.platforms.end() &&
             (!line.from || key >= 2 * *line.from) && (!line.until || key < 2 * *line.until);
    });
  }

  void apply(const Change& change) {
    if (!change.reject_cause.empty()) {
      ++rejected;
      ++rejected_by_cause[change.reject_cause];
      return;
    }
    if (change.key > 2 * now) {
      ++after_now;
      return;
    }
    ++applied;
    auto& slot = state[change.identity];
    const auto found = slot.find(change.name);
    if (found == slot.end() || change.key >= found->second.first) slot[change.name] = {change.key, change.value};
  }

  // The effective value of a setting for a record: the stream's state for its subject, name by
  // name; else the record's own value; else the default. Unreadable subject: off.
  bool consents(std::size_t index, const std::optional<std::string>& identity,
                const compiler::InterpreterInput& record) const {
    if (!identity) return false;
    const ModelSetting& setting = settings[index];
    if (const auto subject = state.find(*identity); subject != state.end()) {
      for (const auto& name : setting.names) {
        const auto found = subject->second.find(name);
        if (found != subject->second.end() && found->second.second) return *found->second.second;
      }
    }
    const auto own = record.consent.find(setting.name);
    if (own == record.consent.end() || own->second.kind == compiler::RecordValue::Kind::null) return setting.default_on;
    return (own->second.kind == compiler::RecordValue::Kind::string && own->second.text == "on") ||
           (own->second.kind == compiler::RecordValue::Kind::boolean && own->second.boolean);
  }
};

// The instants worth aiming at for a setting: its window bounds and `now`.
std::vector<std::int64_t> bounds_of(const ModelSetting& setting, std::int64_t now) {
  std::vector<std::int64_t> bounds{now};
  for (const auto& line : setting.availability) {
    if (line.from) bounds.push_back(*line.from);
    if (line.until) bounds.push_back(*line.until);
  }
  return bounds;
}

// `ts` for an instant, in one of the forms a change may use.
std::string time_json(std::int64_t seconds, bool half, std::mt19937_64& rng) {
  switch (uniform(rng, 0, 4)) {
    case 0: return fmt::format("{}{}", seconds, half ? ".5" : "");
    case 1: return fmt::format("\"{}\"", datetime_text(seconds + 7200, half ? ".5+02:00" : "+02:00"));
    case 2:
      if (!half && seconds % 86400 == 0) return fmt::format("\"{}\"", date_text(seconds));
      [[fallthrough]];
    default: return fmt::format("\"{}\"", datetime_text(seconds, half ? ".5Z" : "Z"));
  }
}

Change make_change(const Model& model, const std::vector<Subject>& subjects, const ConsentKnobs& knobs,
                   std::mt19937_64& rng) {
  Change change;
  const Subject& subject = pick(rng, subjects);
  change.identity = subject.identity;
  change.setting = static_cast<std::size_t>(uniform(rng, 0, static_cast<int>(model.settings.size()) - 1));
  const ModelSetting& setting = model.settings[change.setting];
  // The own name or a former one; only the first former name unless the knob says otherwise.
  const std::size_t former_names =
      knobs.every_former_name ? setting.names.size() - 1 : std::min<std::size_t>(setting.names.size() - 1, 1);
  change.name = former_names == 0 || chance(rng, 0.45)
                    ? setting.name
                    : setting.names[static_cast<std::size_t>(uniform(rng, 1, static_cast<int>(former_names)))];

  // The value.
  std::string value_json;
  switch (uniform(rng, 0, 9)) {
    case 0:
    case 1: value_json = "\"on\""; break;
    case 2:
    case 3: value_json = "\"off\""; break;
    case 4: value_json = "true"; break;
    case 5: value_json = "false"; break;
    case 6: value_json = "null"; break;
    default: {
      static const std::vector<std::string> bad = {"\"OFF\"", "\"On\"", "1", "0", "\"maybe\"", "\"\"", "{}"};
      value_json = knobs.bad_change_values ? pick(rng, bad) : "\"off\"";
      break;
    }
  }
  // Only on and true grant consent; null is unset; anything else counts as off.
  if (value_json != "null") change.value = value_json == "\"on\"" || value_json == "true";

  // The time: at or around a bound, or anywhere from mid-2023 to 2026.
  std::int64_t seconds = 0;
  bool half = false;
  if (chance(rng, 0.6)) {
    static const std::vector<std::int64_t> deltas = {-86400, -1, 0, 0, 0, 1, 86400};
    seconds = pick(rng, bounds_of(setting, model.now)) + pick(rng, deltas);
    half = chance(rng, 0.2);
    if (half && chance(rng, 0.5)) seconds -= 1;  // half a second before the bound
  } else {
    seconds = std::uniform_int_distribution<std::int64_t>(1685577600, 1798761600)(rng);
    half = chance(rng, 0.1);
  }
  change.key = key_of(seconds, half);
  std::string ts_json = time_json(seconds, half, rng);

  // The platform.
  std::optional<std::string> platform;
  if (!model.platforms.empty() && (chance(rng, 0.9) || !setting.availability.empty())) {
    if (!setting.availability.empty() && chance(rng, 0.7)) {
      platform = pick(rng, pick(rng, setting.availability).platforms);
    } else {
      platform = pick(rng, model.platforms);
    }
  }

  // At most one defect, so that the cause is never in doubt.
  std::string setting_name = change.name;
  bool drop_user = false, drop_setting = false, drop_value = false, drop_ts = false;
  const int defect = uniform(rng, 0, 99);
  if (defect == 0) {
    drop_user = true, change.reject_cause = "missing_field";
  } else if (defect == 1) {
    drop_setting = true, change.reject_cause = "missing_field";
  } else if (defect == 2) {
    drop_value = true, change.reject_cause = "missing_field";
  } else if (defect == 3) {
    drop_ts = true, change.reject_cause = "missing_field";
  } else if (defect <= 5) {
    setting_name = "no_such_setting", change.reject_cause = "unknown_setting";
  } else if (defect <= 7) {
    ts_json = chance(rng, 0.5) ? "\"2024-02-30\"" : "\"soon\"", change.reject_cause = "bad_time";
  } else if (defect == 8) {
    change.text = "{\"user\": " + subject.json + ", \"setting\"";
    change.reject_cause = "invalid_json";
    return change;
  } else if (defect == 9) {
    change.text = "[" + subject.json + "]";
    change.reject_cause = "not_an_object";
    return change;
  } else if (!setting.availability.empty() && defect <= 12) {
    if (defect == 10) {
      platform.reset();
      change.reject_cause = "missing_field";
    } else {
      platform = "smart_fridge";
      change.reject_cause = "unknown_platform";
    }
  }
  if (change.reject_cause.empty() && !setting.availability.empty() && !model.admits(setting, *platform, change.key)) {
    change.reject_cause = "unavailable";
  }

  std::vector<std::string> fields;
  if (!drop_user) fields.push_back("\"user\": " + subject.json);
  if (!drop_setting) fields.push_back("\"setting\": \"" + setting_name + "\"");
  if (!drop_value) fields.push_back("\"value\": " + value_json);
  if (platform) fields.push_back("\"platform\": \"" + *platform + "\"");
  if (!drop_ts) fields.push_back("\"ts\": " + ts_json);
  if (chance(rng, 0.3)) std::shuffle(fields.begin(), fields.end(), rng);
  change.text = "{";
  for (std::size_t i = 0; i < fields.size(); ++i) change.text += (i ? ", " : "") + fields[i];
  change.text += "}";
  return change;
}

struct Scale {
  int policies;
  int changes;
  int records;
};

Scale consent_scale() {
  if (testing::reduced_scale()) return {10, 40, 60};
  return {50, 80, 150};
}

struct ConsentRecord {
  std::string line;
  compiler::InterpreterInput record;
  std::string user;                     // the `"user":...` member, or empty for none
  std::optional<std::string> identity;  // none: the subject cannot be read
};

// The model with `changes` applied to a copy of `base` (which has none).
Model applied(const Model& base, const std::vector<Change>& changes) {
  Model model = base;
  for (const auto& change : changes) model.apply(change);
  return model;
}

// What the interpreter decides for a record with the model's consent.
struct ModelAnswer {
  differential::Answer answer;
  std::string consent;  // `setting on, ...`, for the report
};

ModelAnswer model_answer(const Model& model, const compiler::CheckedPolicy& checked, const ConsentRecord& entry) {
  compiler::InterpreterInput decided = entry.record;
  decided.consent.clear();
  ModelAnswer result;
  for (std::size_t s = 0; s < model.settings.size(); ++s) {
    const bool on = model.consents(s, entry.identity, entry.record);
    decided.consent[model.settings[s].name] = compiler::RecordValue::of(std::string(on ? "on" : "off"));
    result.consent +=
        fmt::format("{}{} {}", result.consent.empty() ? "" : ", ", model.settings[s].name, on ? "on" : "off");
  }
  result.answer = interpreter_answer(checked, decided);
  return result;
}

bool same_answer(const EvalLine& line, std::uint64_t number, const differential::Answer& expected) {
  return line.line == number && line.decision == (expected.allowed ? "allow" : "deny") &&
         line.reason == expected.reason;
}

std::string changes_file(const std::vector<Change>& changes) {
  std::string text;
  for (const auto& change : changes) text += change.text + "\n";
  return text;
}

// `usegate eval --consent` on one record; nothing when it does not answer in the usual shape.
std::optional<EvalLine> eval_one(const std::string& policy_path, const std::vector<Change>& changes,
                                 const ConsentRecord& entry, std::int64_t now, const std::string& directory) {
  const std::string consent_path = directory + "/shrinking.jsonl";
  testing::write_text(consent_path, changes_file(changes));
  const auto result = testing::run_usegate(
      {"eval", "--policy", policy_path, "--consent", consent_path, "--now", std::to_string(now)}, entry.line);
  std::vector<EvalLine> lines;
  if (result.exit_code != 0 || !parse_eval_output(result.out, lines) || lines.size() != 1) return std::nullopt;
  return lines.front();
}

// Drops changes and record fields while the program still disagrees with the model on the
// record; returns the report of what is left.
std::string shrink_consent_case(const Model& base, const compiler::CheckedPolicy& checked,
                                const std::string& policy_path, std::vector<Change> changes, ConsentRecord entry,
                                const std::string& directory) {
  const auto fails = [&](const std::vector<Change>& c, const ConsentRecord& e) {
    const auto line = eval_one(policy_path, c, e, base.now, directory);
    return !line || !same_answer(*line, 1, model_answer(applied(base, c), checked, e).answer);
  };
  const auto relined = [](ConsentRecord e) {
    e.line = json_line(e.record, e.user);
    return e;
  };
  entry = relined(entry);
  if (!fails(changes, entry)) return "(the record alone agrees: the disagreement needs other records)\n";
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t i = changes.size(); i-- > 0;) {
      std::vector<Change> fewer = changes;
      fewer.erase(fewer.begin() + static_cast<std::ptrdiff_t>(i));
      if (fails(fewer, entry)) {
        changes = std::move(fewer);
        changed = true;
      }
    }
    ConsentRecord smaller = entry;
    smaller.record = shrink_record(entry.record, [&](const compiler::InterpreterInput& r) {
      ConsentRecord e = entry;
      e.record = r;
      return fails(changes, relined(e));
    });
    if (smaller.record.attributes.size() != entry.record.attributes.size() ||
        smaller.record.consent.size() != entry.record.consent.size()) {
      entry = relined(smaller);
      changed = true;
    }
  }
  const Model model = applied(base, changes);
  const ModelAnswer expected = model_answer(model, checked, entry);
  const auto line = eval_one(policy_path, changes, entry, base.now, directory);
  return fmt::format(
      "--- minimal consent changes ---\n{}--- minimal record ---\n{}--- answers ---\nmodel consent: {}\n"
      "interpreter with the model's consent: {}\neval: {}\n",
      changes_file(changes), entry.line, expected.consent, describe_answer(expected.answer),
      line ? line->decision + " (" + line->reason + ")" : std::string("no answer"));
}

void run_consent_case(const std::string& test_name, const ConsentKnobs& knobs, std::uint64_t salt) {
  const Scale size = consent_scale();
  const std::uint64_t base = base_seed();
  MESSAGE(test_name << ": base seed " << base << " (USEGATE_SEED=" << base << " reproduces this run), " << size.policies
                    << " policies");
  const std::string directory = testing::scratch_directory(fmt::format("consent-model-{}", salt));
  std::uint64_t records_compared = 0, changes_applied = 0, changes_unavailable = 0, decided_by_optout = 0;
  std::vector<Subject> subjects = knobs.numeric_subjects ? numeric_subjects : text_subjects;
  for (int index = 0; index < size.policies; ++index) {
    const std::uint64_t seed = mix_seed(base ^ mix_seed(salt * 1000003ULL + static_cast<std::uint64_t>(index)));
    const RandomPolicy random = generate_policy(seed, PolicyShape{.settings_with_availability = true});
    const std::string policy_text = random.render();
    const Pipeline pipeline = run_pipeline(policy_text, compiler::CompileOptions{});
    REQUIRE_MESSAGE(pipeline.table.has_value(), "policy seed " << seed << ": " << pipeline.errors);
    const compiler::CheckedPolicy& checked = *pipeline.checked;
    std::mt19937_64 rng(mix_seed(seed ^ 0x636F6E73656E74ULL));

    Model model;
    for (const auto& declaration : random.declarations) {
      if (const auto* setting = std::get_if<RandomSetting>(&declaration)) {
        ModelSetting modelled{setting->name, {setting->name}, setting->default_on, setting->availability};
        modelled.names.insert(modelled.names.end(), setting->formerly.begin(), setting->formerly.end());
        model.settings.push_back(std::move(modelled));
      }
      if (const auto* attribute = std::get_if<RandomAttribute>(&declaration)) {
        if (attribute->name == "platform") model.platforms = attribute->values;
      }
    }
    REQUIRE(!model.settings.empty());
    // `now` on a window bound (or a second off it) or on a random day.
    std::vector<std::int64_t> bounds;
    for (const auto& setting : model.settings) {
      for (const std::int64_t bound : bounds_of(setting, 0)) {
        if (bound != 0) bounds.push_back(bound);
      }
    }
    model.now = !bounds.empty() && chance(rng, 0.6)
                    ? pick(rng, bounds) + uniform(rng, -1, 1)
                    : std::uniform_int_distribution<std::int64_t>(1704067200, 1767225600)(rng);

    const Model base_model = model;
    std::vector<Change> changes;
    for (int i = 0; i < size.changes; ++i) {
      changes.push_back(make_change(model, subjects, knobs, rng));
      model.apply(changes.back());
      changes_unavailable += changes.back().reject_cause == "unavailable" ? 1 : 0;
    }
    const std::string changes_text = changes_file(changes);
    changes_applied += model.applied;
    const std::string consent_path = directory + "/changes.jsonl";
    testing::write_text(consent_path, changes_text);
    const std::string policy_path = directory + "/random.policy";
    testing::write_text(policy_path, policy_text);

    const RecordGenerator generator(checked);
    std::vector<ConsentRecord> records;
    std::string input;
    for (int i = 0; i < size.records; ++i) {
      ConsentRecord entry;
      entry.record = generator.next(rng);
      entry.record.now = model.now;
      // The record's own values under own names only: records reading former names is tested
      // in eval_vs_interpreter_test.cpp.
      for (const auto& setting : model.settings) {
        for (std::size_t n = 1; n < setting.names.size(); ++n) entry.record.consent.erase(setting.names[n]);
      }
      if (knobs.unreadable_subjects && chance(rng, 0.3)) {
        const std::string& text = pick(rng, unreadable_subjects);
        if (!text.empty()) entry.user = "\"user\":" + text;
      } else {
        // Mostly subjects the stream names; now and then one it does not.
        const Subject subject = chance(rng, 0.85) ? pick(rng, subjects) : Subject{"\"stranger\"", "s:stranger"};
        entry.user = "\"user\":" + subject.json;
        entry.identity = subject.identity;
      }
      entry.line = json_line(entry.record, entry.user);
      input += entry.line;
      records.push_back(std::move(entry));
    }
    const std::string summary_path = directory + "/summary.json";
    const auto result = testing::run_usegate({"eval", "--policy", policy_path, "--consent", consent_path, "--now",
                                              std::to_string(model.now), "--summary", summary_path},
                                             input);
    const std::string reproduce = fmt::format(
        "reproduce: USEGATE_SEED={} differential_tests -tc='{}' (policy #{}, policy seed {}, --now {} ({}))", base,
        test_name, index, seed, model.now, datetime_text(model.now));
    REQUIRE_MESSAGE(result.exit_code == 0, reproduce << "\n" << result.err);
    std::vector<EvalLine> lines;
    REQUIRE_MESSAGE(parse_eval_output(result.out, lines), reproduce << "\n" << result.out);
    REQUIRE(lines.size() == records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
      const ConsentRecord& entry = records[i];
      const ModelAnswer expected = model_answer(model, checked, entry);
      decided_by_optout += expected.answer.reason.starts_with("optout_") ? 1 : 0;
      if (!same_answer(lines[i], i + 1, expected.answer)) {
        FAIL(reproduce << "\n--- policy ---\n"
                       << policy_text << "--- record (line " << i + 1 << ") ---\n"
                       << entry.line << "--- answers ---\nmodel consent: " << expected.consent
                       << "\ninterpreter with the model's consent: " << describe_answer(expected.answer)
                       << "\neval: " << lines[i].decision << " (" << lines[i].reason << ")\n"
                       << shrink_consent_case(base_model, checked, policy_path, changes, entry, directory));
      }
      ++records_compared;
    }
    if (!knobs.bad_change_values) {
      const std::string summary = testing::read_text(summary_path);
      std::string causes = "{";
      for (const auto& [cause, count] : model.rejected_by_cause) {
        causes += fmt::format("{}\"{}\":{}", causes.size() > 1 ? "," : "", cause, count);
      }
      causes += "}";
      const std::string expected_counts = fmt::format(
          "\"consent_applied\":{},\"consent_rejected\":{},\"consent_rejected_by_cause\":{},\"consent_after_now\":{}",
          model.applied, model.rejected, causes, model.after_now);
      CHECK_MESSAGE(summary.find(expected_counts) != std::string::npos,
                    reproduce << "\nexpected " << expected_counts << "\nin " << summary << "--- consent changes ---\n"
                              << changes_text);
    }
  }
  MESSAGE(records_compared << " records compared, " << changes_applied << " changes applied, " << changes_unavailable
                           << " refused as unavailable, " << decided_by_optout << " records denied by an opt-out");
  CHECK(changes_unavailable > 0);
  CHECK(decided_by_optout > 0);
}

}  // namespace

TEST_CASE("consent vs model: text subjects with own and former names and availability windows") {
  run_consent_case("consent vs model: text subjects with own and former names and availability windows", ConsentKnobs{},
                   1);
}

TEST_CASE("consent vs model: former names read in the order written") {
  run_consent_case("consent vs model: former names read in the order written", ConsentKnobs{.every_former_name = true},
                   5);
}

TEST_CASE("consent vs model: bad change values count as off") {
  run_consent_case("consent vs model: bad change values count as off", ConsentKnobs{.bad_change_values = true}, 2);
}

TEST_CASE("consent vs model: subjects matched by value") {
  run_consent_case("consent vs model: subjects matched by value", ConsentKnobs{.numeric_subjects = true}, 3);
}

TEST_CASE("consent vs model: records whose subject cannot be read count as off") {
  run_consent_case("consent vs model: records whose subject cannot be read count as off",
                   ConsentKnobs{.unreadable_subjects = true}, 4);
}

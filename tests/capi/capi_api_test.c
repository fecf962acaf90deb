/* The C API on the bundled August 2024 X policy: names, decisions from strings, fields, codes
 * and columns, JSON records, consent, and every way a call can fail (damaged artifacts, bad
 * records and bindings, NULL pointers), each with its exact status and message.
 *
 *   capi_api_test ARTIFACT DATA_DIR TEST */
/* POSIX threads (C11's thrd_create escapes ThreadSanitizer's interception in glibc). */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c_test.h"
#include "usegate.h"

/* Messages of the C++ library, passed through as they are. */
/* The two checksums, stored and computed, are the artifact's: 8 hex digits each. */
#define EXPECTED_FLIPPED "corrupted artifact: checksum ######## does not match the content (########)"
#define EXPECTED_NOT_ARTIFACT "not a usegate artifact (the file does not start with `USEGATE`)"
#define EXPECTED_NO_FILE "cannot read `/nonexistent/x.ugt`: No such file or directory"
/* Bindings mistakes come rendered as every usegate diagnostic is: headline, source line, caret, help. */
#define EXPECTED_BAD_BINDINGS                         \
  "bindings:2:3: error: unknown attribute `regoin`\n" \
  " 2 |   regoin: geo.region\n"                       \
  "   |   ^~~~~~\n"                                   \
  "   = help: did you mean `region`?\n"
#define EXPECTED_NOT_YAML                                 \
  "bindings:1:2: error: end of sequence flow not found\n" \
  " 1 | [\n"                                              \
  "   |  ^\n"

static const char* artifact_path;
static const char* data_dir;

/* Whether `text` is `pattern` with each `#` a lowercase hex digit. */
static int matches_with_hex(const char* text, const char* pattern) {
  if (strlen(text) != strlen(pattern)) {
    fprintf(stderr, "`%s` does not match `%s`\n", text, pattern);
    return 0;
  }
  for (size_t i = 0; pattern[i] != '\0'; ++i) {
    const int hex = (text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f');
    if (pattern[i] == '#' ? !hex : text[i] != pattern[i]) {
      fprintf(stderr, "`%s` does not match `%s`\n", text, pattern);
      return 0;
    }
  }
  return 1;
}

static usegate_policy* load_policy(void) {
  usegate_policy* policy = NULL;
  usegate_error* error = NULL;
  if (usegate_policy_load_file(artifact_path, &policy, &error) != USEGATE_OK) {
    fprintf(stderr, "cannot load `%s`: %s\n", artifact_path, usegate_error_message(error));
    exit(2);
  }
  return policy;
}

static usegate_string text(const char* value) {
  usegate_string result;
  result.data = value;
  result.size = value ? strlen(value) : 0;
  return result;
}

/* The variables of the X policy, found by name. */
enum { category, purpose, region, visibility, ts, now_variable, grok_sharing, variable_total };
static const char* const variable_names[variable_total] = {"category", "purpose", "region",      "visibility",
                                                           "ts",       "now",     "grok_sharing"};
static size_t where[variable_total];

static void find_variables(const usegate_policy* policy) {
  for (int v = 0; v < variable_total; ++v) {
    CHECK_INT(usegate_find_variable(policy, variable_names[v], strlen(variable_names[v]), &where[v], NULL), USEGATE_OK);
  }
}

/* The rows of docs/examples/embed_decide.expected: purpose, category, region, ts, grok_sharing. */
struct row {
  const char* values[5];
  int allowed;
  const char* reason;
};
static const struct row rows[] = {
    {{"training", "post", "US", "2024-06-01", NULL}, 1, "train_on_posts"},
    {{"training", "post", "US", "2024-06-01", "off"}, 0, "optout_grok_sharing"},
    {{"training", "post", "EU", "2024-06-01T09:30:00+02:00", NULL}, 0, "eu_suspension"},
    {{"training", "post", "EU", "2024-08-02", NULL}, 1, "train_on_posts"},
    {{"fine_tuning", "interaction", "EU", "2024-06-01", NULL}, 1, "train_on_grok_use"},
    {{"training", "post", NULL, "2024-06-01", NULL}, 0, "eu_suspension_unreadable"},
};
enum { row_count = sizeof rows / sizeof rows[0] };

static void row_strings(const struct row* row, usegate_string* values) {
  values[where[purpose]] = text(row->values[0]);
  values[where[category]] = text(row->values[1]);
  values[where[region]] = text(row->values[2]);
  values[where[ts]] = text(row->values[3]);
  values[where[grok_sharing]] = text(row->values[4]);
  values[where[visibility]] = text("public");
  values[where[now_variable]] = text("2024-09-04");
}

static void test_names(void) {
  usegate_policy* policy = load_policy();
  CHECK_STR(usegate_version(), USEGATE_EXPECTED_VERSION);
  CHECK_STR(usegate_policy_name(policy), "x_grok");
  CHECK_STR(usegate_policy_version(policy), "2024-08-08");
  CHECK_STR(usegate_policy_title(policy), "X: use of posts and Grok interactions for Grok training");
  CHECK_INT(usegate_variable_count(policy), variable_total);
  find_variables(policy);
  for (int v = 0; v < variable_total; ++v) CHECK_STR(usegate_variable_name(policy, where[v]), variable_names[v]);
  CHECK(usegate_variable_name(policy, variable_total) == NULL);

  size_t index = 99;
  usegate_error* error = NULL;
  CHECK_INT(usegate_find_variable(policy, "platform", 8, &index, &error), USEGATE_ERROR_NOT_FOUND);
  CHECK_INT(usegate_error_code(error), USEGATE_ERROR_NOT_FOUND);
  CHECK_STR(usegate_error_message(error), "the policy has no variable `platform`");
  CHECK_INT(index, 99);
  usegate_error_free(error);

  static const char* const reasons[] = {"default",         "optout_grok_sharing", "realtime_public",
                                        "train_on_posts",  "train_on_grok_use",   "protected_posts",
                                        "direct_messages", "eu_suspension",       "eu_suspension_unreadable"};
  CHECK_INT(usegate_reason_count(policy), sizeof reasons / sizeof reasons[0]);
  for (size_t r = 0; r < sizeof reasons / sizeof reasons[0]; ++r) {
    CHECK_STR(usegate_reason_name(policy, (uint16_t)r), reasons[r]);
  }
  CHECK_STR(usegate_reason_name(policy, USEGATE_INVALID_INPUT_REASON), "invalid_input");
  CHECK_STR(usegate_reason_name(policy, 9), "invalid_input");
  CHECK_STR(usegate_status_name(USEGATE_ERROR_INVALID_ARTIFACT), "invalid_artifact");
  CHECK_STR(usegate_status_name(42), "unknown");
  CHECK_STR(usegate_reject_cause_name(USEGATE_REJECT_DUPLICATE_KEY), "duplicate_key");
  CHECK_STR(usegate_reject_cause_name(8), "unknown");
  usegate_policy_free(policy);
}

static void test_decide_strings_fields_and_codes(void) {
  usegate_policy* policy = load_policy();
  find_variables(policy);
  for (int i = 0; i < row_count; ++i) {
    usegate_string values[variable_total];
    row_strings(&rows[i], values);
    usegate_decision decision = {9, 9, 9};
    CHECK_INT(usegate_decide_strings(policy, values, variable_total, &decision, NULL), USEGATE_OK);
    CHECK_INT(decision.allowed, rows[i].allowed);
    CHECK_STR(usegate_reason_name(policy, decision.reason), rows[i].reason);

    /* The same as fields, `now` as epoch seconds (2024-09-04), and through codes. */
    usegate_field fields[variable_total];
    usegate_code codes[variable_total];
    for (int v = 0; v < variable_total; ++v) {
      memset(&fields[v], 0, sizeof fields[v]);
      fields[v].kind = values[v].data ? USEGATE_FIELD_STRING : USEGATE_FIELD_ABSENT;
      fields[v].text = values[v];
    }
    fields[where[now_variable]].kind = USEGATE_FIELD_NUMBER;
    fields[where[now_variable]].number = 1725408000;
    usegate_decision from_fields = {9, 9, 9};
    CHECK_INT(usegate_decide_fields(policy, fields, variable_total, &from_fields, NULL), USEGATE_OK);
    CHECK(from_fields.allowed == decision.allowed && from_fields.reason == decision.reason);
    for (int v = 0; v < variable_total; ++v) {
      CHECK_INT(usegate_encode_field(policy, (size_t)v, &fields[v], &codes[v], NULL), USEGATE_OK);
    }
    usegate_code now_code = 0;
    CHECK_INT(usegate_encode_time(policy, where[now_variable], 1725408000, &now_code, NULL), USEGATE_OK);
    CHECK_INT(now_code, codes[where[now_variable]]);
    usegate_decision from_codes = {9, 9, 9};
    CHECK_INT(usegate_decide_codes(policy, codes, variable_total, &from_codes, NULL), USEGATE_OK);
    CHECK(from_codes.allowed == decision.allowed && from_codes.reason == decision.reason);
  }

  /* A boolean where the policy expects a region is `unknown`; JSON null is `missing`. */
  usegate_field fields[variable_total];
  memset(fields, 0, sizeof fields);
  fields[where[purpose]].kind = USEGATE_FIELD_STRING;
  fields[where[purpose]].text = text("training");
  fields[where[category]].kind = USEGATE_FIELD_STRING;
  fields[where[category]].text = text("post");
  fields[where[visibility]].kind = USEGATE_FIELD_STRING;
  fields[where[visibility]].text = text("public");
  fields[where[now_variable]].kind = USEGATE_FIELD_NUMBER;
  fields[where[now_variable]].number = 1725408000;
  fields[where[region]].kind = USEGATE_FIELD_BOOL;
  fields[where[region]].boolean = 1;
  usegate_decision decision;
  CHECK_INT(usegate_decide_fields(policy, fields, variable_total, &decision, NULL), USEGATE_OK);
  CHECK_INT(decision.allowed, 0);
  CHECK_STR(usegate_reason_name(policy, decision.reason), "eu_suspension_unreadable");
  fields[where[region]].kind = USEGATE_FIELD_STRING;
  fields[where[region]].text = text("US");
  fields[where[grok_sharing]].kind = USEGATE_FIELD_NULL; /* the default: on */
  CHECK_INT(usegate_decide_fields(policy, fields, variable_total, &decision, NULL), USEGATE_OK);
  CHECK_INT(decision.allowed, 1);
  CHECK_STR(usegate_reason_name(policy, decision.reason), "train_on_posts");
  fields[where[grok_sharing]].kind = USEGATE_FIELD_STRING;
  fields[where[grok_sharing]].text = text("OFF"); /* neither on nor off: off */
  CHECK_INT(usegate_decide_fields(policy, fields, variable_total, &decision, NULL), USEGATE_OK);
  CHECK_INT(decision.allowed, 0);
  CHECK_STR(usegate_reason_name(policy, decision.reason), "optout_grok_sharing");

  /* A code out of range is denied as invalid input, never read past the table. */
  usegate_code codes[variable_total];
  for (int v = 0; v < variable_total; ++v)
    CHECK_INT(usegate_encode_field(policy, (size_t)v, &fields[v], &codes[v], NULL), USEGATE_OK);
  codes[where[category]] = 60000;
  CHECK_INT(usegate_decide_codes(policy, codes, variable_total, &decision, NULL), USEGATE_OK);
  CHECK_INT(decision.allowed, 0);
  CHECK_INT(decision.reason, USEGATE_INVALID_INPUT_REASON);
  usegate_policy_free(policy);
}

static void test_columns(void) {
  usegate_policy* policy = load_policy();
  find_variables(policy);
  /* Enough rows to cross the library's steps of 1024, each row one of the six above. */
  enum { batch_rows = 2500 };
  usegate_string* string_columns[variable_total];
  usegate_code* code_columns[variable_total];
  for (int v = 0; v < variable_total; ++v) {
    string_columns[v] = calloc(batch_rows, sizeof(usegate_string));
    code_columns[v] = calloc(batch_rows, sizeof(usegate_code));
  }
  usegate_decision expected[row_count];
  for (int i = 0; i < row_count; ++i) {
    usegate_string values[variable_total];
    row_strings(&rows[i], values);
    CHECK_INT(usegate_decide_strings(policy, values, variable_total, &expected[i], NULL), USEGATE_OK);
  }
  for (int row = 0; row < batch_rows; ++row) {
    usegate_string values[variable_total];
    row_strings(&rows[row * 7 % row_count], values);
    for (int v = 0; v < variable_total; ++v) {
      string_columns[v][row] = values[v];
      usegate_field field;
      memset(&field, 0, sizeof field);
      field.kind = values[v].data ? USEGATE_FIELD_STRING : USEGATE_FIELD_ABSENT;
      field.text = values[v];
      CHECK_INT(usegate_encode_field(policy, (size_t)v, &field, &code_columns[v][row], NULL), USEGATE_OK);
    }
  }
  usegate_decision* from_strings = calloc(batch_rows, sizeof(usegate_decision));
  usegate_decision* from_codes = calloc(batch_rows, sizeof(usegate_decision));
  CHECK_INT(usegate_decide_string_columns(policy, (const usegate_string* const*)string_columns, variable_total,
                                          batch_rows, from_strings, NULL),
            USEGATE_OK);
  CHECK_INT(usegate_decide_code_columns(policy, (const usegate_code* const*)code_columns, variable_total, batch_rows,
                                        from_codes, NULL),
            USEGATE_OK);
  int mismatches = 0;
  for (int row = 0; row < batch_rows; ++row) {
    const usegate_decision want = expected[row * 7 % row_count];
    if (from_strings[row].allowed != want.allowed || from_strings[row].reason != want.reason) ++mismatches;
    if (from_codes[row].allowed != want.allowed || from_codes[row].reason != want.reason) ++mismatches;
  }
  CHECK_INT(mismatches, 0);

  /* A NULL string column is absent in every row: no consent set, the default (on) applies. */
  usegate_string* saved = string_columns[where[grok_sharing]];
  string_columns[where[grok_sharing]] = NULL;
  CHECK_INT(usegate_decide_string_columns(policy, (const usegate_string* const*)string_columns, variable_total, 2,
                                          from_strings, NULL),
            USEGATE_OK);
  CHECK_INT(from_strings[0].allowed, 1);
  string_columns[where[grok_sharing]] = saved;

  /* A NULL code column, or the wrong number of columns, decides nothing: every row denied. */
  usegate_error* error = NULL;
  usegate_code* saved_codes = code_columns[where[region]];
  code_columns[where[region]] = NULL;
  CHECK_INT(usegate_decide_code_columns(policy, (const usegate_code* const*)code_columns, variable_total, 3, from_codes,
                                        &error),
            USEGATE_ERROR_INVALID_ARGUMENT);
  CHECK_STR(usegate_error_message(error), "a column of codes is NULL");
  usegate_error_free(error);
  code_columns[where[region]] = saved_codes;
  CHECK_INT(from_codes[0].allowed, 0);
  CHECK_INT(from_codes[0].reason, USEGATE_INVALID_INPUT_REASON);
  error = NULL;
  CHECK_INT(
      usegate_decide_string_columns(policy, (const usegate_string* const*)string_columns, 3, 3, from_strings, &error),
      USEGATE_ERROR_INVALID_ARGUMENT);
  CHECK_STR(usegate_error_message(error), "expected 7 columns (one per variable), got 3");
  usegate_error_free(error);
  CHECK_INT(from_strings[2].reason, USEGATE_INVALID_INPUT_REASON);
  CHECK_INT(usegate_decide_code_columns(policy, NULL, 0, 0, NULL, NULL), USEGATE_ERROR_INVALID_ARGUMENT);

  for (int v = 0; v < variable_total; ++v) {
    free(string_columns[v]);
    free(code_columns[v]);
  }
  free(from_strings);
  free(from_codes);
  usegate_policy_free(policy);
}

static void test_damaged_artifacts(void) {
  size_t size = 0;
  char* bytes = read_whole_file(artifact_path, &size);
  usegate_policy* policy = NULL;
  usegate_error* error = NULL;
  CHECK_INT(usegate_policy_load_bytes(bytes, size, &policy, NULL), USEGATE_OK);
  usegate_policy_free(policy);

  /* Cut at every length of the header and then every 97th, and the same bytes flipped: each
   * refused, with a message, none loaded. (Every length would load the artifact a hundred
   * thousand times over.) */
  int loaded = 0, silent = 0;
  for (size_t cut = 0; cut < size; cut += cut < 512 ? 1 : 97) {
    policy = NULL;
    error = NULL;
    if (usegate_policy_load_bytes(bytes, cut, &policy, &error) != USEGATE_ERROR_INVALID_ARTIFACT) ++loaded;
    if (policy != NULL) ++loaded;
    if (error == NULL || usegate_error_message(error)[0] == '\0') ++silent;
    usegate_error_free(error);
  }
  for (size_t at = 0; at < size; at += at < 512 ? 1 : 97) {
    bytes[at] = (char)(bytes[at] ^ 0x20);
    policy = NULL;
    error = NULL;
    if (usegate_policy_load_bytes(bytes, size, &policy, &error) != USEGATE_ERROR_INVALID_ARTIFACT) ++loaded;
    if (policy != NULL) ++loaded;
    if (error == NULL || usegate_error_message(error)[0] == '\0') ++silent;
    usegate_error_free(error);
    bytes[at] = (char)(bytes[at] ^ 0x20);
  }
  CHECK_INT(loaded, 0);
  CHECK_INT(silent, 0);

  error = NULL;
  CHECK_INT(usegate_policy_load_bytes(bytes, size - 1, &policy, &error), USEGATE_ERROR_INVALID_ARTIFACT);
  CHECK_INT(usegate_error_code(error), USEGATE_ERROR_INVALID_ARTIFACT);
  char truncated[128];
  snprintf(truncated, sizeof truncated, "truncated artifact: %zu bytes of %zu", size - 1, size);
  CHECK_STR(usegate_error_message(error), truncated);
  usegate_error_free(error);
  bytes[size / 2] = (char)(bytes[size / 2] ^ 0x01);
  error = NULL;
  CHECK_INT(usegate_policy_load_bytes(bytes, size, &policy, &error), USEGATE_ERROR_INVALID_ARTIFACT);
  CHECK(matches_with_hex(usegate_error_message(error), EXPECTED_FLIPPED));
  usegate_error_free(error);
  error = NULL;
  CHECK_INT(usegate_policy_load_bytes("usegate", 7, &policy, &error), USEGATE_ERROR_INVALID_ARTIFACT);
  CHECK_STR(usegate_error_message(error), EXPECTED_NOT_ARTIFACT);
  usegate_error_free(error);
  error = NULL;
  CHECK_INT(usegate_policy_load_file("/nonexistent/x.ugt", &policy, &error), USEGATE_ERROR_IO);
  CHECK_STR(usegate_error_message(error), EXPECTED_NO_FILE);
  CHECK(policy == NULL);
  usegate_error_free(error);
  free(bytes);
}

static usegate_reader* default_reader(const usegate_policy* policy) {
  usegate_reader* reader = NULL;
  CHECK_INT(usegate_reader_new(policy, NULL, 0, NULL, 1725148800, NULL, 0, &reader, NULL), USEGATE_OK);
  return reader;
}

static void expect_rejected(usegate_reader* reader, const char* json, int cause, const char* message) {
  usegate_record_decision decision = {9, 9, 9, 9};
  usegate_error* error = NULL;
  CHECK_INT(usegate_reader_decide(reader, json, strlen(json), &decision, &error), USEGATE_ERROR_INVALID_RECORD);
  CHECK_INT(decision.allowed, 0);
  CHECK_INT(decision.rejected, 1);
  CHECK_INT(decision.cause, cause);
  CHECK_STR(usegate_error_message(error), message);
  usegate_error_free(error);
}

static void test_records(void) {
  usegate_policy* policy = load_policy();
  usegate_reader* reader = default_reader(policy);
  static const char allowed[] =
      "{\"user\":\"u1\",\"purpose\":\"training\",\"category\":\"post\",\"region\":\"US\",\"visibility\":\"public\"}";
  usegate_record_decision decision = {9, 9, 9, 9};
  CHECK_INT(usegate_reader_decide(reader, allowed, strlen(allowed), &decision, NULL), USEGATE_OK);
  CHECK_INT(decision.allowed, 1);
  CHECK_INT(decision.rejected, 0);
  CHECK_INT(decision.cause, USEGATE_REJECT_NONE);
  CHECK_STR(usegate_reason_name(policy, decision.reason), "train_on_posts");

  expect_rejected(reader, "{\"purpose\":\"training\"", USEGATE_REJECT_INVALID_JSON,
                  "record rejected as invalid_json: the text is not one line of one JSON value");
  expect_rejected(reader, "{\"purpose\":\"training\",\"purpose\":\"training\"}", USEGATE_REJECT_DUPLICATE_KEY,
                  "record rejected as duplicate_key: a key occurs twice in an object the bindings read");
  expect_rejected(reader, "[1]", USEGATE_REJECT_NOT_AN_OBJECT,
                  "record rejected as not_an_object: the record is JSON but not an object");
  expect_rejected(reader, "{\"purpose\":\"tr\xff\"}", USEGATE_REJECT_INVALID_UTF8,
                  "record rejected as invalid_utf8: the text holds bytes that are not UTF-8");
  expect_rejected(reader, "{\"n\":1e999}", USEGATE_REJECT_NUMBER_OUT_OF_RANGE,
                  "record rejected as number_out_of_range: a number does not fit a double (or, as an integer, 64 "
                  "bits)");
  expect_rejected(reader, "{\"purpose\":\n\"training\"}", USEGATE_REJECT_INVALID_JSON,
                  "record rejected as invalid_json: the text is not one line of one JSON value");
  expect_rejected(reader, "", USEGATE_REJECT_INVALID_JSON,
                  "record rejected as invalid_json: the text is not one line of one JSON value");
  /* Without a place for the error, the status and the decision still say it. */
  CHECK_INT(usegate_reader_decide(reader, "nul", 3, &decision, NULL), USEGATE_ERROR_INVALID_RECORD);
  CHECK_INT(decision.cause, USEGATE_REJECT_INVALID_JSON);
  /* The reader goes on after a rejected record. */
  CHECK_INT(usegate_reader_decide(reader, allowed, strlen(allowed), &decision, NULL), USEGATE_OK);
  CHECK_INT(decision.allowed, 1);
  usegate_reader_free(reader);
  usegate_policy_free(policy);
}

static void test_bindings_consent_and_purposes(void) {
  usegate_policy* policy = load_policy();
  usegate_reader* reader = NULL;
  usegate_error* error = NULL;
  static const char bad_bindings[] = "attributes:\n  regoin: geo.region\n";
  CHECK_INT(usegate_reader_new(policy, bad_bindings, strlen(bad_bindings), NULL, 0, NULL, 0, &reader, &error),
            USEGATE_ERROR_INVALID_BINDINGS);
  CHECK_STR(usegate_error_message(error), EXPECTED_BAD_BINDINGS);
  CHECK(reader == NULL);
  usegate_error_free(error);
  error = NULL;
  CHECK_INT(usegate_reader_new(policy, "[", 1, NULL, 0, NULL, 0, &reader, &error), USEGATE_ERROR_INVALID_BINDINGS);
  CHECK_STR(usegate_error_message(error), EXPECTED_NOT_YAML);
  usegate_error_free(error);

  char path[4096];
  snprintf(path, sizeof path, "%s/consent.jsonl", data_dir);
  size_t size = 0;
  char* changes = read_whole_file(path, &size);
  usegate_ledger* ledger = NULL;
  CHECK_INT(usegate_ledger_from_jsonl(policy, changes, size, 1725148800, &ledger, NULL), USEGATE_OK);
  usegate_ledger_counts counts;
  CHECK_INT(usegate_ledger_get_counts(ledger, &counts, NULL), USEGATE_OK);
  CHECK_INT(counts.applied, 6);
  CHECK_INT(counts.rejected, 2);
  CHECK_INT(counts.bad_values_read_as_off, 0);
  CHECK_INT(counts.after_now, 0);

  /* A ledger belongs to the policy handle it was read for. */
  usegate_policy* other = load_policy();
  error = NULL;
  CHECK_INT(usegate_reader_new(other, NULL, 0, ledger, 0, NULL, 0, &reader, &error), USEGATE_ERROR_INVALID_ARGUMENT);
  CHECK_STR(usegate_error_message(error), "the ledger was read for another policy handle");
  usegate_error_free(error);
  usegate_policy_free(other);

  const usegate_string purposes[] = {text("training"), text("realtime_answers")};
  CHECK_INT(usegate_reader_new(policy, NULL, 0, ledger, 1725148800, purposes, 2, &reader, NULL), USEGATE_OK);
  /* Handles share what they need: the reader outlives the ledger and the policy. */
  usegate_ledger_free(ledger);
  usegate_policy_free(policy);
  static const char from_a[] =
      "{\"user\":\"a\",\"purpose\":\"fine_tuning\",\"category\":\"post\",\"region\":\"US\",\"visibility\":\"public\"}";
  /* Without a purpose of its own: decided for the reader's purposes only. */
  static const char from_u2[] = "{\"user\":\"u2\",\"category\":\"post\",\"region\":\"US\",\"visibility\":\"public\"}";
  static const char protected_u2[] =
      "{\"user\":\"u2\",\"category\":\"post\",\"region\":\"US\",\"visibility\":\"protected\"}";
  usegate_record_decision decision;
  CHECK_INT(usegate_reader_decide(reader, from_a, strlen(from_a), &decision, NULL), USEGATE_OK);
  CHECK_INT(decision.allowed, 0);
  CHECK_INT(decision.reason, 1); /* optout_grok_sharing: `a` turned sharing off on the web */
  CHECK_INT(usegate_reader_decide(reader, from_u2, strlen(from_u2), &decision, NULL), USEGATE_OK);
  CHECK_INT(decision.allowed, 1);
  CHECK_INT(decision.reason, 3); /* train_on_posts, the first purpose's reason */
  CHECK_INT(usegate_reader_decide(reader, protected_u2, strlen(protected_u2), &decision, NULL), USEGATE_OK);
  CHECK_INT(decision.allowed, 0);
  CHECK_INT(decision.reason, 5); /* protected_posts: training denies */
  usegate_reader_free(reader);

  policy = load_policy();
  const usegate_string unknown_purpose[] = {text("advertising")};
  error = NULL;
  CHECK_INT(usegate_reader_new(policy, NULL, 0, NULL, 0, unknown_purpose, 1, &reader, &error), USEGATE_ERROR_NOT_FOUND);
  CHECK_STR(usegate_error_message(error), "the policy declares no purpose `advertising`");
  usegate_error_free(error);
  free(changes);
  usegate_policy_free(policy);
}

static void test_null_arguments(void) {
  usegate_policy* policy = load_policy();
  usegate_error* error = NULL;
  usegate_decision decision = {1, 0, 0};
  CHECK_INT(usegate_decide_strings(NULL, NULL, 0, &decision, &error), USEGATE_ERROR_INVALID_ARGUMENT);
  CHECK_STR(usegate_error_message(error), "`policy` and `values` must not be NULL");
  CHECK_INT(decision.allowed, 0);
  usegate_error_free(error);
  usegate_string three[3] = {text("training"), text("post"), text("US")};
  error = NULL;
  decision.allowed = 1;
  CHECK_INT(usegate_decide_strings(policy, three, 3, &decision, &error), USEGATE_ERROR_INVALID_ARGUMENT);
  CHECK_STR(usegate_error_message(error), "expected 7 strings (one per variable), got 3");
  CHECK_INT(decision.allowed, 0);
  CHECK_INT(decision.reason, USEGATE_INVALID_INPUT_REASON);
  usegate_error_free(error);
  error = NULL;
  usegate_code code = 0;
  CHECK_INT(usegate_encode_time(policy, 7, 0, &code, &error), USEGATE_ERROR_INVALID_ARGUMENT);
  CHECK_STR(usegate_error_message(error), "variable 7 is out of range (the policy has 7)");
  usegate_error_free(error);
  find_variables(policy);
  error = NULL;
  CHECK_INT(usegate_encode_time(policy, where[region], 0, &code, &error), USEGATE_ERROR_INVALID_ARGUMENT);
  CHECK_STR(usegate_error_message(error), "variable `region` is not a time");
  usegate_error_free(error);
  CHECK_INT(usegate_decide_fields(policy, NULL, 7, NULL, NULL), USEGATE_ERROR_INVALID_ARGUMENT);
  CHECK_INT(usegate_decide_codes(policy, NULL, 7, &decision, NULL), USEGATE_ERROR_INVALID_ARGUMENT);
  CHECK_INT(usegate_find_variable(policy, NULL, 3, NULL, NULL), USEGATE_ERROR_INVALID_ARGUMENT);
  CHECK_INT(usegate_policy_load_file(NULL, NULL, NULL), USEGATE_ERROR_INVALID_ARGUMENT);
  usegate_policy_free(policy);
  policy = (usegate_policy*)&code; /* overwritten with NULL */
  CHECK_INT(usegate_policy_load_bytes(NULL, 5, &policy, NULL), USEGATE_ERROR_INVALID_ARGUMENT);
  CHECK(policy == NULL);
  CHECK_INT(usegate_ledger_from_jsonl(NULL, "", 0, 0, NULL, NULL), USEGATE_ERROR_INVALID_ARGUMENT);
  CHECK_INT(usegate_ledger_get_counts(NULL, NULL, NULL), USEGATE_ERROR_INVALID_ARGUMENT);
  CHECK_INT(usegate_reader_decide(NULL, "{}", 2, NULL, NULL), USEGATE_ERROR_INVALID_ARGUMENT);
  CHECK_INT(usegate_error_code(NULL), USEGATE_ERROR_INVALID_ARGUMENT);
  CHECK_STR(usegate_error_message(NULL), "");
  CHECK_INT(usegate_variable_count(NULL), 0);
  usegate_policy_free(NULL);
  usegate_ledger_free(NULL);
  usegate_reader_free(NULL);
  usegate_error_free(NULL);
}

/* One policy and one ledger shared by four threads, each with its own reader, deciding the
 * records of data/flat.jsonl over and over: every decision as on one thread. */
enum { thread_count = 4, max_records = 64, rounds = 50 };

struct worker {
  const usegate_policy* policy;
  const usegate_ledger* ledger;
  const char* lines[max_records];
  size_t sizes[max_records];
  usegate_record_decision expected[max_records];
  size_t count;
  int mismatches;
};

static void* decide_records(void* argument) {
  struct worker* worker = argument;
  usegate_reader* reader = NULL;
  if (usegate_reader_new(worker->policy, NULL, 0, worker->ledger, 1725148800, NULL, 0, &reader, NULL) != USEGATE_OK) {
    ++worker->mismatches;
    return NULL;
  }
  for (int round = 0; round < rounds; ++round) {
    for (size_t i = 0; i < worker->count; ++i) {
      usegate_record_decision decision;
      (void)usegate_reader_decide(reader, worker->lines[i], worker->sizes[i], &decision, NULL);
      if (memcmp(&decision, &worker->expected[i], sizeof decision) != 0) ++worker->mismatches;
    }
  }
  usegate_reader_free(reader);
  return NULL;
}

static void test_threads(void) {
  usegate_policy* policy = load_policy();
  char path[4096];
  size_t size = 0;
  snprintf(path, sizeof path, "%s/consent.jsonl", data_dir);
  char* changes = read_whole_file(path, &size);
  usegate_ledger* ledger = NULL;
  CHECK_INT(usegate_ledger_from_jsonl(policy, changes, size, 1725148800, &ledger, NULL), USEGATE_OK);
  snprintf(path, sizeof path, "%s/flat.jsonl", data_dir);
  char* records = read_whole_file(path, &size);

  static struct worker workers[thread_count];
  struct worker first = {0};
  first.policy = policy;
  first.ledger = ledger;
  for (char* line = records; *line != '\0' && first.count < max_records;) {
    char* end = strchr(line, '\n');
    if (end == NULL) end = line + strlen(line);
    if (end > line && end[-1] != ' ') { /* the blank lines of the file are spaces or empty */
      first.lines[first.count] = line;
      first.sizes[first.count] = (size_t)(end - line) - (end[-1] == '\r' ? 1 : 0);
      ++first.count;
    }
    line = *end ? end + 1 : end;
  }
  usegate_reader* reader = NULL;
  CHECK_INT(usegate_reader_new(policy, NULL, 0, ledger, 1725148800, NULL, 0, &reader, NULL), USEGATE_OK);
  int allowed = 0, rejected = 0;
  for (size_t i = 0; i < first.count; ++i) {
    (void)usegate_reader_decide(reader, first.lines[i], first.sizes[i], &first.expected[i], NULL);
    allowed += first.expected[i].allowed;
    rejected += first.expected[i].rejected;
  }
  usegate_reader_free(reader);
  CHECK_INT(first.count, 24);
  CHECK_INT(allowed, 7);
  CHECK_INT(rejected, 7);

  pthread_t threads[thread_count];
  for (int t = 0; t < thread_count; ++t) {
    workers[t] = first;
    CHECK_INT(pthread_create(&threads[t], NULL, decide_records, &workers[t]), 0);
  }
  for (int t = 0; t < thread_count; ++t) {
    CHECK_INT(pthread_join(threads[t], NULL), 0);
    CHECK_INT(workers[t].mismatches, 0);
  }
  usegate_ledger_free(ledger);
  usegate_policy_free(policy);
  free(changes);
  free(records);
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: capi_api_test ARTIFACT DATA_DIR TEST\n");
    return 2;
  }
  artifact_path = argv[1];
  data_dir = argv[2];
  static const struct {
    const char* name;
    void (*run)(void);
  } tests[] = {
      {"names", test_names},
      {"decide", test_decide_strings_fields_and_codes},
      {"columns", test_columns},
      {"damaged_artifacts", test_damaged_artifacts},
      {"records", test_records},
      {"bindings_consent_purposes", test_bindings_consent_and_purposes},
      {"null_arguments", test_null_arguments},
      {"threads", test_threads},
  };
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; ++i) {
    if (strcmp(tests[i].name, argv[3]) == 0) {
      tests[i].run();
      return c_test_failures == 0 ? 0 : 1;
    }
  }
  fprintf(stderr, "no test `%s`\n", argv[3]);
  return 2;
}

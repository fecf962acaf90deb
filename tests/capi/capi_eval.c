/* `usegate eval` through the C API: reads a JSON Lines file line by line as eval does (empty
 * and blank lines are no records, `\r\n` ends a line like `\n`) and prints eval's line for
 * each record. tests/capi/eval_equal.cmake compares its output with the program's.
 *
 *   capi_eval ARTIFACT RECORDS NOW [BINDINGS|-] [CONSENT|-] [PURPOSE,PURPOSE...|-] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read_file.h"
#include "usegate.h"

static int fail_with(usegate_error* error) {
  fprintf(stderr, "capi_eval: %s: %s\n", usegate_status_name(usegate_error_code(error)), usegate_error_message(error));
  usegate_error_free(error);
  return 3;
}

static int is_blank(const char* text, size_t size) {
  for (size_t i = 0; i < size; ++i) {
    if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r') return 0;
  }
  return 1;
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: capi_eval ARTIFACT RECORDS NOW [BINDINGS|-] [CONSENT|-] [PURPOSES|-]\n");
    return 2;
  }
  const int64_t now = strtoll(argv[3], NULL, 10);
  usegate_error* error = NULL;
  usegate_policy* policy = NULL;
  if (usegate_policy_load_file(argv[1], &policy, &error) != USEGATE_OK) return fail_with(error);

  size_t bindings_size = 0;
  char* bindings = argc > 4 && strcmp(argv[4], "-") != 0 ? read_whole_file(argv[4], &bindings_size) : NULL;
  usegate_ledger* ledger = NULL;
  if (argc > 5 && strcmp(argv[5], "-") != 0) {
    size_t size = 0;
    char* changes = read_whole_file(argv[5], &size);
    const usegate_status status = usegate_ledger_from_jsonl(policy, changes, size, now, &ledger, &error);
    free(changes);
    if (status != USEGATE_OK) return fail_with(error);
  }
  usegate_string purposes[8];
  size_t purpose_count = 0;
  if (argc > 6 && strcmp(argv[6], "-") != 0) {
    for (const char* at = argv[6]; purpose_count < 8;) {
      const char* comma = strchr(at, ',');
      purposes[purpose_count].data = at;
      purposes[purpose_count].size = comma ? (size_t)(comma - at) : strlen(at);
      ++purpose_count;
      if (comma == NULL) break;
      at = comma + 1;
    }
  }
  usegate_reader* reader = NULL;
  if (usegate_reader_new(policy, bindings, bindings_size, ledger, now, purposes, purpose_count, &reader, &error) !=
      USEGATE_OK) {
    return fail_with(error);
  }
  /* The reader keeps what it needs: everything else may go now. */
  free(bindings);
  usegate_ledger_free(ledger);

  size_t size = 0;
  char* records = read_whole_file(argv[2], &size);
  unsigned long line_number = 0;
  for (size_t at = 0; at < size;) {
    const char* newline = memchr(records + at, '\n', size - at);
    const size_t end = newline ? (size_t)(newline - records) : size;
    size_t text_end = end;
    if (text_end > at && records[text_end - 1] == '\r') --text_end;
    ++line_number;
    const char* text = records + at;
    const size_t text_size = text_end - at;
    at = newline ? end + 1 : size;
    if (is_blank(text, text_size)) continue;
    usegate_record_decision decision;
    const usegate_status status = usegate_reader_decide(reader, text, text_size, &decision, NULL);
    if (status != USEGATE_OK && status != USEGATE_ERROR_INVALID_RECORD) {
      fprintf(stderr, "capi_eval: line %lu: %s\n", line_number, usegate_status_name(status));
      return 3;
    }
    const char* verdict = decision.rejected ? "reject" : decision.allowed ? "allow" : "deny";
    const char* reason =
        decision.rejected ? usegate_reject_cause_name(decision.cause) : usegate_reason_name(policy, decision.reason);
    printf("{\"line\":%lu,\"decision\":\"%s\",\"reason\":\"%s\"}\n", line_number, verdict, reason);
  }
  free(records);
  usegate_reader_free(reader);
  usegate_policy_free(policy);
  return 0;
}

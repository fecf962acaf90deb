/* Decides a JSON Lines file with an installed usegate through its C ABI (usegate.h), as
 * `usegate eval` does, printing one line of eval's output per record.
 *   decide_records_c ARTIFACT RECORDS BINDINGS CONSENT NOW */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <usegate.h>

static char* read_whole_file(const char* path, size_t* size) {
  FILE* file = fopen(path, "rb");
  if (file == NULL) {
    fprintf(stderr, "decide_records_c: cannot read `%s`\n", path);
    exit(2);
  }
  size_t capacity = 4096;
  size_t used = 0;
  char* bytes = malloc(capacity);
  for (;;) {
    if (bytes == NULL) exit(2);
    used += fread(bytes + used, 1, capacity - used - 1, file);
    if (used + 1 < capacity) break;
    capacity *= 2;
    bytes = realloc(bytes, capacity);
  }
  fclose(file);
  bytes[used] = '\0';
  *size = used;
  return bytes;
}

static int fail_with(usegate_error* error) {
  fprintf(stderr, "decide_records_c: %s: %s\n", usegate_status_name(usegate_error_code(error)),
          usegate_error_message(error));
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
  if (argc != 6) {
    fprintf(stderr, "usage: decide_records_c ARTIFACT RECORDS BINDINGS CONSENT NOW\n");
    return 2;
  }
  const int64_t now = strtoll(argv[5], NULL, 10);
  usegate_error* error = NULL;
  usegate_policy* policy = NULL;
  if (usegate_policy_load_file(argv[1], &policy, &error) != USEGATE_OK) return fail_with(error);

  size_t size = 0;
  char* changes = read_whole_file(argv[4], &size);
  usegate_ledger* ledger = NULL;
  const usegate_status read = usegate_ledger_from_jsonl(policy, changes, size, now, &ledger, &error);
  free(changes);
  if (read != USEGATE_OK) return fail_with(error);

  char* bindings = read_whole_file(argv[3], &size);
  usegate_reader* reader = NULL;
  const usegate_status made = usegate_reader_new(policy, bindings, size, ledger, now, NULL, 0, &reader, &error);
  free(bindings);
  usegate_ledger_free(ledger); /* the reader keeps what it needs */
  if (made != USEGATE_OK) return fail_with(error);

  char* records = read_whole_file(argv[2], &size);
  unsigned long line_number = 0;
  for (size_t at = 0; at < size;) {
    const char* newline = memchr(records + at, '\n', size - at);
    const size_t end = newline ? (size_t)(newline - records) : size;
    const char* text = records + at;
    const size_t text_size = end - at;
    at = newline ? end + 1 : size;
    ++line_number;
    if (is_blank(text, text_size)) continue;
    usegate_record_decision decision;
    const usegate_status status = usegate_reader_decide(reader, text, text_size, &decision, NULL);
    if (status != USEGATE_OK && status != USEGATE_ERROR_INVALID_RECORD) {
      fprintf(stderr, "decide_records_c: line %lu: %s\n", line_number, usegate_status_name(status));
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

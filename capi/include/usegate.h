/* usegate C API: decide whether a record may be used for a purpose, from a compiled policy.
 *
 * For C and anything with a foreign function interface (Go, Rust, Java, C#, Python ctypes).
 * Only opaque handles, fixed-width integers, doubles and byte strings cross this boundary;
 * no C++ exception ever does: every call catches everything and returns a status.
 *
 *   usegate_policy* policy = NULL;
 *   usegate_error* error = NULL;
 *   if (usegate_policy_load_file("x-grok.ugt", &policy, &error) != USEGATE_OK) {
 *     fprintf(stderr, "%s\n", usegate_error_message(error));
 *     usegate_error_free(error);
 *     return 1;
 *   }
 *   size_t purpose;
 *   usegate_find_variable(policy, "purpose", 7, &purpose, NULL);   // once, not per record
 *   ...
 *   usegate_policy_free(policy);
 *
 * Decisions are those of `usegate eval` exactly (docs/language.md): a field that is absent or
 * null is `missing`, one that cannot be read is `unknown`, an unset consent takes the setting's
 * default, a consent value other than on/off counts as off, and an input that cannot be
 * decided is denied (reason `invalid_input`), never allowed.
 *
 * Errors. Every call that can fail returns a usegate_status and, when `error` is not NULL,
 * stores a new usegate_error there on failure (and leaves it untouched on success). The caller
 * owns it: read it with usegate_error_code / usegate_error_message, release it with
 * usegate_error_free. Passing NULL for `error` is always allowed.
 *
 * Strings are (pointer, size) pairs of UTF-8 bytes, not NUL-terminated, unless a parameter is
 * a `const char*` documented as NUL-terminated. Strings the library returns are NUL-terminated
 * and live as long as the handle that returned them.
 *
 * Threads. A policy and a ledger are immutable once made: every call taking a `const` handle
 * may run on any number of threads at once. A record reader holds a parser: one thread at a
 * time per reader (make one per thread). A handle may be freed once no call uses it; handles
 * share what they refer to, so a policy may be freed before the readers made from it.
 *
 * Docs: docs/embedding.md, "From C (and any FFI)". */
#ifndef USEGATE_H
#define USEGATE_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define USEGATE_API
#else
#define USEGATE_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status and errors */

typedef enum usegate_status {
  USEGATE_OK = 0,
  USEGATE_ERROR_INVALID_ARGUMENT = 1, /* a NULL handle or pointer, an index out of range, a size that does not fit */
  USEGATE_ERROR_NOT_FOUND = 2,        /* a name the policy does not declare */
  USEGATE_ERROR_IO = 3,               /* a file that cannot be read */
  USEGATE_ERROR_INVALID_ARTIFACT = 4, /* not an artifact, unsupported version, truncated or corrupted */
  USEGATE_ERROR_INVALID_BINDINGS = 5, /* bindings that are not YAML or do not fit the policy */
  USEGATE_ERROR_INVALID_RECORD = 6,   /* a record that cannot be read: rejected, never allowed */
  USEGATE_ERROR_OUT_OF_MEMORY = 7,
  USEGATE_ERROR_INTERNAL = 8, /* a bug: please report it with the message */
  /* loading with a public key: the artifact is not signed, is signed by another key, or its
   * signature does not match its bytes */
  USEGATE_ERROR_UNTRUSTED_ARTIFACT = 9
} usegate_status;

typedef struct usegate_error usegate_error;

/* Thread-safe; the name of a status (`invalid_artifact`), "unknown" for other values. */
USEGATE_API const char* usegate_status_name(int status);
/* Thread-safe on distinct errors. */
USEGATE_API usegate_status usegate_error_code(const usegate_error* error);
/* The message (`invalid artifact at byte 12: ...`), NUL-terminated, valid until the error is freed. */
USEGATE_API const char* usegate_error_message(const usegate_error* error);
/* NULL is allowed. */
USEGATE_API void usegate_error_free(usegate_error* error);

/* The library's version, `MAJOR.MINOR.PATCH`. Thread-safe. */
USEGATE_API const char* usegate_version(void);

/* ---- policies */

typedef struct usegate_policy usegate_policy;

/* Loads an artifact (`usegate build POLICY -o FILE`). `path` is NUL-terminated. Thread-safe. */
USEGATE_API usegate_status usegate_policy_load_file(const char* path, usegate_policy** policy, usegate_error** error);
/* The same from bytes, which are copied: the caller may free them on return. Thread-safe. */
USEGATE_API usegate_status usegate_policy_load_bytes(const void* bytes, size_t size, usegate_policy** policy,
                                                     usegate_error** error);

/* The size of an Ed25519 public key: the 32 bytes written in hex in a `.pub` file of
 * `usegate keygen` (docs/artifact.md, "Key files"). */
#define USEGATE_PUBLIC_KEY_SIZE 32u
/* Loads an artifact only when `public_key` (`public_key_size` must be USEGATE_PUBLIC_KEY_SIZE)
 * signed it (`usegate build POLICY --sign KEY`): the signature is checked before the artifact
 * is read. USEGATE_ERROR_UNTRUSTED_ARTIFACT for an unsigned artifact, one signed by another
 * key, or one whose signature does not match its bytes; USEGATE_ERROR_INVALID_ARTIFACT for a
 * damaged one. Without a key, usegate_policy_load_file loads a signed artifact too, without
 * looking at its signature. Thread-safe. */
USEGATE_API usegate_status usegate_policy_load_file_verified(const char* path, const uint8_t* public_key,
                                                             size_t public_key_size, usegate_policy** policy,
                                                             usegate_error** error);
/* The same from bytes, which are copied. Thread-safe. */
USEGATE_API usegate_status usegate_policy_load_bytes_verified(const void* bytes, size_t size, const uint8_t* public_key,
                                                              size_t public_key_size, usegate_policy** policy,
                                                              usegate_error** error);
/* NULL is allowed. */
USEGATE_API void usegate_policy_free(usegate_policy* policy);

/* The policy's name, title and version as declared; NUL-terminated. */
USEGATE_API const char* usegate_policy_name(const usegate_policy* policy);
USEGATE_API const char* usegate_policy_title(const usegate_policy* policy);
USEGATE_API const char* usegate_policy_version(const usegate_policy* policy);

/* ---- names, resolved once
 *
 * Variables are the attributes the policy tests, `now`, and one per setting (the user's
 * consent). Every decision takes one value or code per variable, in index order. */

USEGATE_API size_t usegate_variable_count(const usegate_policy* policy);
/* The variable's name, NUL-terminated; NULL when `index` is out of range. */
USEGATE_API const char* usegate_variable_name(const usegate_policy* policy, size_t index);
/* USEGATE_ERROR_NOT_FOUND for a name that is no variable of the policy. */
USEGATE_API usegate_status usegate_find_variable(const usegate_policy* policy, const char* name, size_t name_size,
                                                 size_t* index, usegate_error** error);

/* Reasons: 0 is `default`, then one per rule in policy order (its id, or `optout_<setting>`). */
USEGATE_API size_t usegate_reason_count(const usegate_policy* policy);
/* The reason's name, NUL-terminated; `invalid_input` for USEGATE_INVALID_INPUT_REASON and any
 * other number past the policy's reasons. */
USEGATE_API const char* usegate_reason_name(const usegate_policy* policy, uint16_t reason);

/* The reason of decisions on input that cannot be decided. */
#define USEGATE_INVALID_INPUT_REASON 0xFFFFu

/* ---- decisions */

typedef struct usegate_decision {
  uint8_t allowed; /* 1 allowed, 0 denied */
  uint8_t reserved;
  uint16_t reason; /* see usegate_reason_name */
} usegate_decision;

/* A byte string; `data` NULL stands for an absent field (`missing`). */
typedef struct usegate_string {
  const char* data;
  size_t size;
} usegate_string;

/* One field of a record as JSON would give it. */
typedef enum usegate_field_kind {
  USEGATE_FIELD_ABSENT = 0,
  USEGATE_FIELD_NULL = 1,
  USEGATE_FIELD_BOOL = 2,
  USEGATE_FIELD_NUMBER = 3,
  USEGATE_FIELD_STRING = 4,
  USEGATE_FIELD_OTHER = 5 /* an object or an array */
} usegate_field_kind;

typedef struct usegate_field {
  int32_t kind;        /* usegate_field_kind; any other value reads as an object (`unknown`) */
  int32_t boolean;     /* USEGATE_FIELD_BOOL: nonzero is true */
  double number;       /* USEGATE_FIELD_NUMBER */
  usegate_string text; /* USEGATE_FIELD_STRING */
} usegate_field;

/* Input codes: which cell of its partition a value falls in. Encoding once and deciding from
 * codes is the fastest way to decide many records with few distinct values. */
typedef uint16_t usegate_code;

/* One field per variable (`count` must be the variable count). Thread-safe. */
USEGATE_API usegate_status usegate_decide_fields(const usegate_policy* policy, const usegate_field* fields,
                                                 size_t count, usegate_decision* decision, usegate_error** error);
/* One string per variable, each read as a JSON string would be (enum values, ISO-8601 times,
 * `on`/`off` consent); `data` NULL is absent. A boolean or number attribute given a string is
 * `unknown`, as in a record: use usegate_decide_fields for those. Thread-safe. */
USEGATE_API usegate_status usegate_decide_strings(const usegate_policy* policy, const usegate_string* values,
                                                  size_t count, usegate_decision* decision, usegate_error** error);

/* The code of one field for one variable. Thread-safe. */
USEGATE_API usegate_status usegate_encode_field(const usegate_policy* policy, size_t variable,
                                                const usegate_field* field, usegate_code* code, usegate_error** error);
/* The code of an epoch time for a time variable (`now`, or a time attribute). Thread-safe. */
USEGATE_API usegate_status usegate_encode_time(const usegate_policy* policy, size_t variable, int64_t epoch_seconds,
                                               usegate_code* code, usegate_error** error);
/* One code per variable. A code out of range is denied with USEGATE_INVALID_INPUT_REASON
 * (status USEGATE_OK: the decision is the answer). Thread-safe. */
USEGATE_API usegate_status usegate_decide_codes(const usegate_policy* policy, const usegate_code* codes, size_t count,
                                                usegate_decision* decision, usegate_error** error);

/* Batches of columns: `columns[v][row]` is the value of variable v in row `row`, for every
 * variable (`column_count` is the variable count); `decisions` has `rows` entries. Thread-safe
 * (the caller splits rows across threads if it wants to). */
USEGATE_API usegate_status usegate_decide_code_columns(const usegate_policy* policy, const usegate_code* const* columns,
                                                       size_t column_count, size_t rows, usegate_decision* decisions,
                                                       usegate_error** error);
/* Strings read as in usegate_decide_strings. A NULL column is absent in every row. */
USEGATE_API usegate_status usegate_decide_string_columns(const usegate_policy* policy,
                                                         const usegate_string* const* columns, size_t column_count,
                                                         size_t rows, usegate_decision* decisions,
                                                         usegate_error** error);

/* ---- consent changes
 *
 * JSON Lines of {"user", "setting", "value", "platform", "ts"} read with the rules of
 * `usegate eval --consent` as of `now` (epoch seconds): each subject's last change at or
 * before `now`; changes made where or when a setting was not available, or otherwise
 * unreadable, are rejected (counted, never applied); a value neither on nor off is read as off. */

typedef struct usegate_ledger usegate_ledger;

/* The ledger belongs to `policy` (its settings); the text is not kept. Thread-safe. */
USEGATE_API usegate_status usegate_ledger_from_jsonl(const usegate_policy* policy, const char* text, size_t size,
                                                     int64_t now, usegate_ledger** ledger, usegate_error** error);
/* NULL is allowed. */
USEGATE_API void usegate_ledger_free(usegate_ledger* ledger);

typedef struct usegate_ledger_counts {
  uint64_t applied; /* bad values read as off included */
  uint64_t bad_values_read_as_off;
  uint64_t rejected;
  uint64_t after_now; /* changes later than `now`, not applied */
} usegate_ledger_counts;

/* Thread-safe. */
USEGATE_API usegate_status usegate_ledger_get_counts(const usegate_ledger* ledger, usegate_ledger_counts* counts,
                                                     usegate_error** error);

/* ---- JSON records, as `usegate eval` decides them */

typedef struct usegate_reader usegate_reader;

/* A record reader: `bindings` is the text of a bindings file (YAML, docs/cli.md), or NULL
 * with size 0 for the defaults; `ledger`, made for the same policy, may be NULL (no consent
 * changes); `now` is epoch seconds; `purposes`, when `purpose_count` is not 0, decides each
 * record for these purposes in place of its own (as `--purpose P,Q`: allowed only if every
 * purpose allows). Bindings that do not fit the policy are USEGATE_ERROR_INVALID_BINDINGS
 * with the message `bindings:LINE:COL: error: ...`. Thread-safe. */
USEGATE_API usegate_status usegate_reader_new(const usegate_policy* policy, const char* bindings, size_t bindings_size,
                                              const usegate_ledger* ledger, int64_t now, const usegate_string* purposes,
                                              size_t purpose_count, usegate_reader** reader, usegate_error** error);
/* NULL is allowed. */
USEGATE_API void usegate_reader_free(usegate_reader* reader);

/* Why a record could not be read: the `reason` `usegate eval` gives a rejected line. */
typedef enum usegate_reject_cause {
  USEGATE_REJECT_NONE = 0,
  USEGATE_REJECT_INVALID_JSON = 1, /* not JSON, something after the value, or more than one line */
  USEGATE_REJECT_INVALID_UTF8 = 2,
  USEGATE_REJECT_NOT_AN_OBJECT = 3,
  USEGATE_REJECT_TOO_DEEP = 4,
  USEGATE_REJECT_DUPLICATE_KEY = 5, /* a key twice in an object the bindings read */
  USEGATE_REJECT_NUMBER_OUT_OF_RANGE = 6,
  USEGATE_REJECT_LINE_TOO_LONG = 7 /* longer than 64 MiB, eval's default --max-line */
} usegate_reject_cause;

/* `invalid_json`, ...; `none` for USEGATE_REJECT_NONE, "unknown" for other values. Thread-safe. */
USEGATE_API const char* usegate_reject_cause_name(int cause);

typedef struct usegate_record_decision {
  uint8_t allowed;  /* 1 allowed, 0 denied or rejected */
  uint8_t rejected; /* 1: the record could not be read (see cause) */
  uint16_t reason;  /* when not rejected: see usegate_reason_name */
  int32_t cause;    /* usegate_reject_cause */
} usegate_record_decision;

/* Decides one record: the text of one JSON Lines line, without its line terminator. There is
 * no line to skip: an empty or blank text (eval skips such lines) is invalid_json, and so is a
 * text holding a `\n` (eval would read two lines). A record that cannot be read fills
 * `decision` (rejected, not allowed) and returns USEGATE_ERROR_INVALID_RECORD, with the message
 * `record rejected as CAUSE: ...`. One thread at a time per reader. */
USEGATE_API usegate_status usegate_reader_decide(usegate_reader* reader, const char* json, size_t size,
                                                 usegate_record_decision* decision, usegate_error** error);

#ifdef __cplusplus
}
#endif

#endif /* USEGATE_H */

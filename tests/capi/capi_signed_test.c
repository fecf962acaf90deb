/* Signed artifacts through the C API: loading with a public key accepts only what that key
 * signed, and a signed artifact decides exactly as the unsigned one.
 *
 *   capi_signed_test SIGNED_ARTIFACT UNSIGNED_ARTIFACT DATA_DIR TEST
 *
 * DATA_DIR holds test-signing.pub (the key that signed SIGNED_ARTIFACT) and test-other.pub. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c_test.h"
#include "usegate.h"

static const char* signed_path;
static const char* unsigned_path;
static const char* data_dir;

/* The 32 bytes of a `.pub` file written by `usegate keygen`. */
static void read_public_key(const char* name, uint8_t key[USEGATE_PUBLIC_KEY_SIZE]) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", data_dir, name);
  size_t size = 0;
  char* text = read_whole_file(path, &size);
  const char* hex = strstr(text, "usegate-public-key ed25519 ");
  if (hex == NULL) {
    fprintf(stderr, "no public key in `%s`\n", path);
    exit(2);
  }
  hex += strlen("usegate-public-key ed25519 ");
  for (size_t i = 0; i < USEGATE_PUBLIC_KEY_SIZE; ++i) {
    unsigned value = 0;
    if (sscanf(hex + 2 * i, "%2x", &value) != 1) exit(2);
    key[i] = (uint8_t)value;
  }
  free(text);
}

static int starts_with(const char* text, const char* prefix) {
  if (strncmp(text, prefix, strlen(prefix)) == 0) return 1;
  fprintf(stderr, "`%s` does not start with `%s`\n", text, prefix);
  return 0;
}

static void test_verified_loads(void) {
  uint8_t key[USEGATE_PUBLIC_KEY_SIZE];
  read_public_key("test-signing.pub", key);
  size_t size = 0;
  char* bytes = read_whole_file(signed_path, &size);
  usegate_policy* verified = NULL;
  usegate_policy* from_file = NULL;
  usegate_policy* without_key = NULL;
  usegate_policy* unsigned_policy = NULL;
  CHECK_INT(usegate_policy_load_bytes_verified(bytes, size, key, sizeof key, &verified, NULL), USEGATE_OK);
  CHECK_INT(usegate_policy_load_file_verified(signed_path, key, sizeof key, &from_file, NULL), USEGATE_OK);
  /* Without a key the signature is stepped over. */
  CHECK_INT(usegate_policy_load_bytes(bytes, size, &without_key, NULL), USEGATE_OK);
  CHECK_INT(usegate_policy_load_file(unsigned_path, &unsigned_policy, NULL), USEGATE_OK);
  if (verified == NULL || from_file == NULL || without_key == NULL || unsigned_policy == NULL) exit(1);
  CHECK_STR(usegate_policy_version(verified), "2024-08-08");

  /* Every code of every variable (and one past the last), the others at code 2: the same
   * decision from all four. */
  const size_t count = usegate_variable_count(unsigned_policy);
  CHECK_INT(usegate_variable_count(verified), count);
  usegate_code codes[64];
  if (count > 64) exit(2);
  for (size_t v = 0; v < count; ++v) codes[v] = 2;
  size_t compared = 0;
  for (size_t v = 0; v < count; ++v) {
    for (usegate_code code = 0; code < 40; ++code) {
      codes[v] = code;
      usegate_decision expected, got;
      CHECK_INT(usegate_decide_codes(unsigned_policy, codes, count, &expected, NULL), USEGATE_OK);
      const usegate_policy* others[3] = {verified, from_file, without_key};
      for (size_t i = 0; i < 3; ++i) {
        CHECK_INT(usegate_decide_codes(others[i], codes, count, &got, NULL), USEGATE_OK);
        CHECK_INT(got.allowed, expected.allowed);
        CHECK_INT(got.reason, expected.reason);
        ++compared;
      }
    }
    codes[v] = 2;
  }
  CHECK_INT(compared, count * 40 * 3);
  usegate_policy_free(verified);
  usegate_policy_free(from_file);
  usegate_policy_free(without_key);
  usegate_policy_free(unsigned_policy);
  free(bytes);
}

static void test_refused(void) {
  uint8_t key[USEGATE_PUBLIC_KEY_SIZE], other[USEGATE_PUBLIC_KEY_SIZE];
  read_public_key("test-signing.pub", key);
  read_public_key("test-other.pub", other);
  usegate_policy* policy = NULL;
  usegate_error* error = NULL;

  /* An unsigned artifact, given a key. */
  CHECK_INT(usegate_policy_load_file_verified(unsigned_path, key, sizeof key, &policy, &error),
            USEGATE_ERROR_UNTRUSTED_ARTIFACT);
  CHECK(policy == NULL);
  CHECK_INT(usegate_error_code(error), USEGATE_ERROR_UNTRUSTED_ARTIFACT);
  char expected[512];
  snprintf(expected, sizeof expected,
           "`%s`: artifact is not signed; with a public key (key id c009f68a0fc4e156) only an artifact signed by it "
           "is accepted",
           unsigned_path);
  CHECK_STR(usegate_error_message(error), expected);
  usegate_error_free(error);
  CHECK_STR(usegate_status_name(USEGATE_ERROR_UNTRUSTED_ARTIFACT), "untrusted_artifact");

  /* Another key. */
  size_t size = 0;
  char* bytes = read_whole_file(signed_path, &size);
  error = NULL;
  CHECK_INT(usegate_policy_load_bytes_verified(bytes, size, other, sizeof other, &policy, &error),
            USEGATE_ERROR_UNTRUSTED_ARTIFACT);
  CHECK(policy == NULL);
  CHECK_STR(usegate_error_message(error),
            "artifact is signed by key c009f68a0fc4e156, not by the given key "
            "1d84e8633e11ce17");
  usegate_error_free(error);

  /* Every byte of the header and the trailer flipped, and every 97th of the rest: refused,
   * with a message, never loaded. */
  int loaded = 0, silent = 0, untrusted = 0;
  for (size_t at = 0; at < size; at += (at < 512 || at + 100 >= size) ? 1 : 97) {
    bytes[at] = (char)(bytes[at] ^ 0x20);
    policy = NULL;
    error = NULL;
    const usegate_status status = usegate_policy_load_bytes_verified(bytes, size, key, sizeof key, &policy, &error);
    if (status == USEGATE_OK || policy != NULL) ++loaded;
    if (status == USEGATE_ERROR_UNTRUSTED_ARTIFACT) ++untrusted;
    if (error == NULL || usegate_error_message(error)[0] == '\0') ++silent;
    usegate_error_free(error);
    usegate_policy_free(policy);
    bytes[at] = (char)(bytes[at] ^ 0x20);
  }
  CHECK_INT(loaded, 0);
  CHECK_INT(silent, 0);
  CHECK(untrusted > 500);

  /* A byte of the body: the signature no longer matches. */
  bytes[size / 2] = (char)(bytes[size / 2] ^ 0x01);
  error = NULL;
  CHECK_INT(usegate_policy_load_bytes_verified(bytes, size, key, sizeof key, &policy, &error),
            USEGATE_ERROR_UNTRUSTED_ARTIFACT);
  CHECK(starts_with(usegate_error_message(error), "signature does not match the artifact: "));
  usegate_error_free(error);
  bytes[size / 2] = (char)(bytes[size / 2] ^ 0x01);

  /* The trailer cut short. */
  error = NULL;
  CHECK_INT(usegate_policy_load_bytes_verified(bytes, size - 1, key, sizeof key, &policy, &error),
            USEGATE_ERROR_INVALID_ARTIFACT);
  CHECK_STR(usegate_error_message(error), "invalid artifact: truncated signature: 83 bytes of 84");
  usegate_error_free(error);

  /* Arguments. */
  error = NULL;
  CHECK_INT(usegate_policy_load_bytes_verified(bytes, size, key, 31, &policy, &error), USEGATE_ERROR_INVALID_ARGUMENT);
  CHECK_STR(usegate_error_message(error), "a public key is 32 bytes, got 31");
  usegate_error_free(error);
  error = NULL;
  CHECK_INT(usegate_policy_load_file_verified(signed_path, NULL, 32, &policy, &error), USEGATE_ERROR_INVALID_ARGUMENT);
  CHECK_STR(usegate_error_message(error), "no public key (`public_key` is NULL)");
  usegate_error_free(error);
  CHECK_INT(usegate_policy_load_file_verified(NULL, key, sizeof key, &policy, NULL), USEGATE_ERROR_INVALID_ARGUMENT);
  CHECK_INT(usegate_policy_load_bytes_verified(bytes, size, key, sizeof key, NULL, NULL),
            USEGATE_ERROR_INVALID_ARGUMENT);
  CHECK_INT(usegate_policy_load_file_verified("/nonexistent/x.ugt", key, sizeof key, &policy, NULL), USEGATE_ERROR_IO);
  free(bytes);
}

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: capi_signed_test SIGNED_ARTIFACT UNSIGNED_ARTIFACT DATA_DIR TEST\n");
    return 2;
  }
  signed_path = argv[1];
  unsigned_path = argv[2];
  data_dir = argv[3];
  if (strcmp(argv[4], "verified_loads") == 0) {
    test_verified_loads();
  } else if (strcmp(argv[4], "refused") == 0) {
    test_refused();
  } else {
    fprintf(stderr, "no test `%s`\n", argv[4]);
    return 2;
  }
  return c_test_failures == 0 ? 0 : 1;
}

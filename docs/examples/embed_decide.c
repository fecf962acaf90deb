/* Decide whether records may be used for training, through the C API (usegate.h).
   Build: link against libusegate (usegate::c). Run: embed_decide_c x-grok-2024-08.ugt */
#include <stdio.h>
#include <string.h>

#include <usegate.h>

static usegate_string text(const char* value) {
  usegate_string result = {value, value ? strlen(value) : 0}; /* NULL: the field is absent */
  return result;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: embed_decide_c ARTIFACT\n");
    return 2;
  }
  /* Load once; a damaged or truncated artifact is a status and a message, never a crash. */
  usegate_policy* policy = NULL;
  usegate_error* error = NULL;
  if (usegate_policy_load_file(argv[1], &policy, &error) != USEGATE_OK) {
    fprintf(stderr, "%s\n", usegate_error_message(error));
    usegate_error_free(error);
    return 1;
  }

  /* Resolve names once: where each value goes in a row. */
  enum { purpose, category, region, visibility, ts, now, sharing, names };
  static const char* const name[names] = {"purpose", "category", "region", "visibility", "ts", "now", "grok_sharing"};
  size_t index[names];
  for (int i = 0; i < names; ++i) {
    if (usegate_find_variable(policy, name[i], strlen(name[i]), &index[i], &error) != USEGATE_OK) {
      fprintf(stderr, "%s\n", usegate_error_message(error));
      usegate_error_free(error);
      usegate_policy_free(policy);
      return 1;
    }
  }
  if (usegate_variable_count(policy) != names) {
    fprintf(stderr, "expected a policy of %d variables\n", names);
    usegate_policy_free(policy);
    return 1;
  }

  /* purpose, category, region, visibility, ts, now, the user's choice (NULL: never set) */
  static const char* const records[][names] = {
      {"training", "post", "US", "public", "2024-06-01", "2024-09-04", NULL},
      {"training", "post", "US", "public", "2024-06-01", "2024-09-04", "off"},
      {"training", "post", "EU", "public", "2024-06-01T09:30:00+02:00", "2024-09-04", "on"},
      {"training", "post", "EU", "public", "2024-08-02", "2024-09-04", "on"},
      {"fine_tuning", "interaction", "EU", NULL, "2024-06-01", "2024-09-04", NULL},
      {"training", "post", NULL, "public", "2024-06-01", "2024-09-04", NULL},
  };
  for (size_t r = 0; r < sizeof records / sizeof records[0]; ++r) {
    usegate_string values[names];
    for (int i = 0; i < names; ++i) values[index[i]] = text(records[r][i]);
    usegate_decision decision;
    if (usegate_decide_strings(policy, values, names, &decision, &error) != USEGATE_OK) {
      fprintf(stderr, "%s\n", usegate_error_message(error));
      usegate_error_free(error);
      usegate_policy_free(policy);
      return 1;
    }
    printf("%-11s %-11s %-4s %-20s -> %s (%s)\n", records[r][purpose], records[r][category],
           records[r][region] ? records[r][region] : "-", records[r][ts], decision.allowed ? "allow" : "deny",
           usegate_reason_name(policy, decision.reason));
  }
  usegate_policy_free(policy);
  return 0;
}

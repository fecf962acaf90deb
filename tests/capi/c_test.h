/* A few checks for the C tests: each failed check prints where and what, and the program
 * exits with 1 at the end when any failed. */
#ifndef USEGATE_C_TEST_H
#define USEGATE_C_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read_file.h"

static int c_test_failures = 0;

#define CHECK(condition)                                                            \
  do {                                                                              \
    if (!(condition)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
      ++c_test_failures;                                                            \
    }                                                                               \
  } while (0)

#define CHECK_INT(actual, expected)                                                                     \
  do {                                                                                                  \
    const long long c_test_actual = (long long)(actual);                                                \
    const long long c_test_expected = (long long)(expected);                                            \
    if (c_test_actual != c_test_expected) {                                                             \
      fprintf(stderr, "%s:%d: %s is %lld, expected %lld\n", __FILE__, __LINE__, #actual, c_test_actual, \
              c_test_expected);                                                                         \
      ++c_test_failures;                                                                                \
    }                                                                                                   \
  } while (0)

#define CHECK_STR(actual, expected)                                                          \
  do {                                                                                       \
    const char* c_test_actual = (actual);                                                    \
    const char* c_test_expected = (expected);                                                \
    if (c_test_actual == NULL || strcmp(c_test_actual, c_test_expected) != 0) {              \
      fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #actual, \
              c_test_actual ? c_test_actual : "(null)", c_test_expected);                    \
      ++c_test_failures;                                                                     \
    }                                                                                        \
  } while (0)

#endif

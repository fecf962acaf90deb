/* Reading a whole file, for the C tests. */
#ifndef USEGATE_C_READ_FILE_H
#define USEGATE_C_READ_FILE_H

#include <stdio.h>
#include <stdlib.h>

/* The whole file, NUL-terminated (which `size` does not count); exits when it cannot be read. */
static char* read_whole_file(const char* path, size_t* size) {
  FILE* file = fopen(path, "rb");
  if (file == NULL) {
    fprintf(stderr, "cannot read `%s`\n", path);
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

#endif

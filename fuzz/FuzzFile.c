#include "fuzz/FuzzFile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[4096];
static char paths[4][4096];

static void cleanup(void) {
  for (int i = 0; i < 4; ++i)
    if (paths[i][0])
      unlink(paths[i]);
  if (dir[0])
    rmdir(dir);
}

const char *fuzz_dir(void) {
  if (!dir[0]) {
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/nnc-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
      perror("fuzz: mkdtemp");
      abort();
    }
    atexit(cleanup);
  }
  return dir;
}

const char *fuzz_write_file(int slot, const char *suffix, const uint8_t *data, size_t size) {
  char *path = paths[slot];
  if (path[0])
    unlink(path);
  snprintf(path, sizeof paths[slot], "%s/%s", fuzz_dir(), suffix);
  FILE *f = fopen(path, "wb");
  if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
    perror("fuzz: writing the scratch file");
    abort();
  }
  return path;
}

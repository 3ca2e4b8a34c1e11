/* Two threads, each with its own instance, save to one path 300 times each: every save
 * succeeds (their temporary files were both named path.tmp.PID, and 16 of 600 failed). */
#include "tiny.h"

#include <pthread.h>
#include <stdio.h>

static const char *path;

static void *saver(void *arg) {
  nnc_model *m = tiny_create((uint64_t)(uintptr_t)arg);
  long failed = 0;
  for (int i = 0; i < 300; ++i)
    if (tiny_save(m, path) != 0) {
      if (failed++ == 0)
        printf("%s\n", nnc_last_error());
    }
  tiny_destroy(m);
  return (void *)failed;
}

int main(int argc, char **argv) {
  path = argv[1];
  pthread_t t[2];
  for (uintptr_t i = 0; i < 2; ++i)
    pthread_create(&t[i], NULL, saver, (void *)(i + 1));
  long failed = 0;
  for (int i = 0; i < 2; ++i) {
    void *r;
    pthread_join(t[i], &r);
    failed += (long)r;
  }
  nnc_model *m = tiny_create(1);
  printf("failed saves: %ld; the result loads: %d\n", failed, tiny_load(m, path));
  tiny_destroy(m);
  return 0;
}

/* NAME_load on files that are not regular checkpoints: each returns at once with a
 * message (argv[1]: a folder holding a FIFO named "fifo"). */
#include "tiny.h"

#include <stdio.h>

int main(int argc, char **argv) {
  (void)argc;
  nnc_model *m = tiny_create(1);
  char fifo[4096];
  snprintf(fifo, sizeof fifo, "%s/fifo", argv[1]);
  const char *paths[] = {"/dev/urandom", "/dev/zero", "/dev/null", fifo, argv[1]};
  for (int i = 0; i < 5; ++i)
    printf("%d %s\n", tiny_load(m, paths[i]), nnc_last_error());
  tiny_destroy(m);
  return 0;
}

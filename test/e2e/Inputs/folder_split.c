/* nnrt's image-folder training and validation lists (runtime/folder.c), printed as
 * keras_folder_split.py prints Keras's: folder_split DIR SEED SPLIT. */
#include "runtime/folder.h"
#include "runtime/nnrt.h"

#include <stdio.h>
#include <stdlib.h>

static int print_subset(const char *dir, uint32_t seed, double split, int validation) {
  nnrt_folder f;
  int rc = nnrt_folder_index(dir, &f);
  if (rc == 0) {
    nnrt_folder_shuffle(&f, seed);
    rc = nnrt_folder_subset(&f, split, validation);
  }
  if (rc != 0) {
    fprintf(stderr, "error: %s\n", nnc_last_error());
    nnrt_folder_free(&f);
    return 1;
  }
  if (!validation) {
    printf("classes:");
    for (int c = 0; c < f.nclasses; ++c)
      printf(" %s", f.classes[c]);
    printf("\n");
  }
  for (int64_t i = 0; i < f.n; ++i)
    printf("%s %d %s\n", validation ? "validation" : "training", f.labels[i], f.paths[i]);
  nnrt_folder_free(&f);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: folder_split DIR SEED SPLIT\n");
    return 2;
  }
  uint32_t seed = (uint32_t)strtoul(argv[2], NULL, 10);
  double split = atof(argv[3]);
  if (print_subset(argv[1], seed, split, 0) != 0)
    return 1;
  return split > 0 ? print_subset(argv[1], seed, split, 1) : 0;
}

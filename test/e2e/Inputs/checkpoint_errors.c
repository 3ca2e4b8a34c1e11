/* Feeds damaged and foreign checkpoints to xor.so's load. */
#include "xor.h"
#include "cancer.h"

#include <stdio.h>
#include <string.h>

static void copy_prefix(const char *from, const char *to, long bytes, long flip) {
  FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
  for (long i = 0; bytes < 0 || i < bytes; ++i) {
    int c = fgetc(in);
    if (c == EOF)
      break;
    fputc(i == flip ? c ^ 0x40 : c, out);
  }
  fclose(in);
  fclose(out);
}

int main(int argc, char **argv) {
  char good[4096], path[4096];
  snprintf(good, sizeof good, "%s/xor.ckpt", argv[1]);
  nnc_model *m = xor_create(1);
  xor_save(m, good);
  float x[2] = {1, 0}, before, after;
  xor_predict(m, x, 1, &before);

  snprintf(path, sizeof path, "%s/truncated.ckpt", argv[1]);
  copy_prefix(good, path, 40, -1);
  printf("truncated: %s\n", xor_load(m, path) ? nnc_last_error() : "loaded?!");

  snprintf(path, sizeof path, "%s/flipped.ckpt", argv[1]);
  copy_prefix(good, path, -1, 30);
  printf("flipped: %s\n", xor_load(m, path) ? nnc_last_error() : "loaded?!");

  nnc_model *c = cancer_create(1);
  snprintf(path, sizeof path, "%s/cancer.ckpt", argv[1]);
  cancer_save(c, path);
  printf("other model: %s\n", xor_load(m, path) ? nnc_last_error() : "loaded?!");

  snprintf(path, sizeof path, "%s/garbage.ckpt", argv[1]);
  FILE *g = fopen(path, "wb");
  fputs("this is not a checkpoint at all, just text", g);
  fclose(g);
  printf("not a checkpoint: %s\n", xor_load(m, path) ? nnc_last_error() : "loaded?!");

  xor_predict(m, x, 1, &after);
  printf("weights unchanged: %s\n", memcmp(&before, &after, sizeof before) ? "no" : "yes");
  cancer_destroy(c);
  xor_destroy(m);
  return 0;
}

/* Predicts a float32 .npy batch through the shared library's C API with a checkpoint
 * and prints each sample as the executable's `predict --top 1` does:
 *   so_predict CKPT X.npy  ->  "X.npy[i]: class C P" (the path as given) */
#include HEADER

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define FN(verb) CAT(NAME, verb)
#define IN_SIZE CAT(UNAME, _INPUT_SIZE)
#define OUT_SIZE CAT(UNAME, _OUTPUT_SIZE)

int main(int argc, char **argv) {
  if (argc != 3)
    return fprintf(stderr, "usage: so_predict CKPT X.npy\n"), 2;
  FILE *f = fopen(argv[2], "rb");
  unsigned char head[10];
  if (!f || fread(head, 1, 10, f) != 10 || memcmp(head, "\x93NUMPY\x01", 7) != 0)
    return fprintf(stderr, "not a version-1 .npy: %s\n", argv[2]), 1;
  fseek(f, 10 + (head[8] | head[9] << 8), SEEK_SET); /* float32 data, C order */
  static float x[64 * IN_SIZE], y[64 * OUT_SIZE];
  size_t n = fread(x, sizeof(float) * IN_SIZE, 64, f);
  fclose(f);
  nnc_model *m = FN(_create)(1);
  if (!m || FN(_load)(m, argv[1]) != 0 || FN(_predict)(m, x, (int64_t)n, y) != 0)
    return fprintf(stderr, "error: %s\n", nnc_last_error()), 1;
  for (size_t s = 0; s < n; ++s) {
    const float *p = y + s * OUT_SIZE;
    int best = 0;
    for (int c = 1; c < OUT_SIZE; ++c)
      if (p[c] > p[best])
        best = c;
    printf("%s[%zu]: class %d %.4f\n", argv[2], s, best, p[best]);
  }
  FN(_destroy)(m);
  return 0;
}

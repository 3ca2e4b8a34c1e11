/* End-to-end driver: uses only the generated header. Builds with -DHEADER="x.h",
 * -DNAME=x (the C prefix) and -DUNAME=X (its upper case). Writes input.bin,
 * output.bin and weights.ckpt into the folder argv[1] for nnc-reference, after
 * checking the C API's contract (save/load round trip, bad arguments, batch sizes). */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include HEADER

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STR2(a) #a
#define STR(a) STR2(a)
#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define FN(verb) CAT(NAME, verb)
#define IN_SIZE CAT(UNAME, _INPUT_SIZE)
#define OUT_SIZE CAT(UNAME, _OUTPUT_SIZE)

static int fail(const char *what) {
  fprintf(stderr, "FAILED: %s (%s)\n", what, nnc_last_error());
  return 1;
}

static int write_file(const char *dir, const char *leaf, const void *data, size_t bytes) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, leaf);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, bytes, f) != bytes)
    return 1;
  return fclose(f) != 0;
}

/* A few optimizer steps, when the model has a train step: the weights compared with the
 * reference then hold non-zero biases and BatchNormalization statistics and scales that
 * are not the identity (fresh from create they are, and an indexing error in either
 * would not show). Labels follow the output: class ids, 0/1, or one-hot rows. */
static int train_a_little(nnc_model *m, const float *x, int64_t n) {
  typedef int (*train_fn)(nnc_model *, const float *, const void *, int64_t, float *);
  train_fn train = (train_fn)dlsym(RTLD_DEFAULT, STR(NAME) "_train_step");
  if (!train)
    return 0;
  int64_t labelSize = CAT(UNAME, _LABEL_SIZE);
  float *labels = calloc((size_t)(n * labelSize), sizeof(float));
  for (int64_t i = 0; i < n; ++i) {
    if (labelSize == 1)
      labels[i] = (float)(OUT_SIZE > 1 ? i % OUT_SIZE : i % 2);
    else
      labels[i * labelSize + i % labelSize] = 1.0f;
  }
  float loss = 0;
  int rc = 0;
  for (int step = 0; step < 3 && rc == 0; ++step)
    rc = train(m, x, labels, n, &loss);
  free(labels);
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 3)
    return fprintf(stderr, "usage: main DIR N [INPUT_MAX]\n"), 2;
  const char *dir = argv[1];
  int64_t n = atoll(argv[2]);
  /* Inputs uniform in [0, INPUT_MAX): 255 for pixel models (they rescale), 1 for models
   * that take features as they come, so their first layer is not saturated. */
  float inputMax = argc > 3 ? (float)atof(argv[3]) : 255.0f;
  nnc_model *m = FN(_create)(7);
  if (!m)
    return fail("create");
  float *x = malloc(sizeof(float) * n * IN_SIZE), *y = malloc(sizeof(float) * n * OUT_SIZE);
  float *y2 = malloc(sizeof(float) * n * OUT_SIZE);
  uint32_t state = 12345;
  for (int64_t i = 0; i < n * IN_SIZE; ++i) {
    state = state * 1664525u + 1013904223u;
    x[i] = (float)(state >> 8) / (float)(1u << 24) * inputMax;
  }
  if (train_a_little(m, x, n))
    return fail("train_step");
  if (FN(_predict)(m, x, n, y))
    return fail("predict");
  for (int64_t i = 0; i < n * OUT_SIZE; ++i)
    if (!isfinite(y[i]))
      return fail("predict gave a non-finite value");
  /* Batch size does not change a sample's prediction. */
  if (FN(_predict)(m, x + IN_SIZE, 1, y2))
    return fail("predict one");
  for (int i = 0; i < OUT_SIZE; ++i)
    if (fabsf(y2[i] - y[OUT_SIZE + i]) > 1e-5f * (1 + fabsf(y[OUT_SIZE + i])))
      return fail("batch of 1 differs from the same sample in a batch");
  char ckpt[4096];
  snprintf(ckpt, sizeof ckpt, "%s/weights.ckpt", dir);
  if (FN(_save)(m, ckpt))
    return fail("save");
  /* A different seed gives different weights; loading restores the saved ones. */
  nnc_model *other = FN(_create)(8);
  if (!other || FN(_predict)(other, x, n, y2))
    return fail("second instance");
  if (memcmp(y, y2, sizeof(float) * n * OUT_SIZE) == 0)
    return fail("seeds 7 and 8 gave the same predictions");
  if (FN(_load)(other, ckpt) || FN(_predict)(other, x, n, y2))
    return fail("load");
  if (memcmp(y, y2, sizeof(float) * n * OUT_SIZE) != 0)
    return fail("load did not restore the saved weights");
  /* Bad arguments are errors, not crashes. */
  if (FN(_predict)(m, NULL, n, y) == 0 || nnc_last_error()[0] == 0)
    return fail("predict accepted a null input");
  if (FN(_predict)(m, x, -3, y) == 0)
    return fail("predict accepted a negative count");
  if (FN(_predict)(m, x, 0, y) != 0)
    return fail("predict of zero samples");
  if (FN(_load)(m, "/nonexistent/weights.ckpt") == 0)
    return fail("load of a missing file");
  if (write_file(dir, "input.bin", x, sizeof(float) * n * IN_SIZE) ||
      write_file(dir, "output.bin", y, sizeof(float) * n * OUT_SIZE))
    return fail("writing results");
  FN(_destroy)(other);
  FN(_destroy)(m);
  FN(_destroy)(NULL);
  free(x);
  free(y);
  free(y2);
  printf("ok: %lld samples of %d values predicted\n", (long long)n, OUT_SIZE);
  return 0;
}

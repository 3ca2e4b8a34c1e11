/* The C API's train_step and evaluate refuse sample counts too large for one call before
 * reading any sample, and non-finite inputs; save and load refuse non-finite weights. */
#include "tiny.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static char path[4096];

static const char *at(const char *dir, const char *name) {
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return path;
}

int main(int argc, char **argv) {
  const char *dir = argv[1], *mode = argv[2];
  nnc_model *m = tiny_create(1);
  float x[4 * TINY_INPUT_SIZE] = {0, 0, 0, 1, 1, 0, 1, 1}, y[4 * TINY_LABEL_SIZE] = {0};
  float loss = 0, metrics[4], before[4 * TINY_OUTPUT_SIZE], after[4 * TINY_OUTPUT_SIZE];
  if (strcmp(mode, "calls") == 0) {
    printf("train INT64_MAX: %d %s\n", tiny_train_step(m, x, y, INT64_MAX, &loss), nnc_last_error());
    printf("train 2^40: %d %s\n", tiny_train_step(m, x, y, (int64_t)1 << 40, &loss), nnc_last_error());
    printf("evaluate INT64_MAX: %d %s\n", tiny_evaluate(m, x, y, INT64_MAX, &loss, metrics), nnc_last_error());
    printf("evaluate INT64_MAX/4: %d %s\n", tiny_evaluate(m, x, y, INT64_MAX / 4, &loss, metrics), nnc_last_error());
    printf("evaluate 2^40: %d %s\n", tiny_evaluate(m, x, y, (int64_t)1 << 40, &loss, metrics), nnc_last_error());
    tiny_predict(m, x, 4, before);
    x[5] = INFINITY;
    printf("train inf: %d %s\n", tiny_train_step(m, x, y, 4, &loss), nnc_last_error());
    x[5] = NAN;
    printf("evaluate nan: %d %s\n", tiny_evaluate(m, x, y, 4, &loss, metrics), nnc_last_error());
    x[5] = 0;
    tiny_predict(m, x, 4, after);
    printf("weights unchanged: %s\n", memcmp(before, after, sizeof before) ? "no" : "yes");
    printf("save good: %d\n", tiny_save(m, at(dir, "good.ckpt")));
  } else if (strcmp(mode, "load") == 0) {
    tiny_predict(m, x, 4, before);
    printf("load nan: %d %s\n", tiny_load(m, at(dir, "nan.ckpt")), nnc_last_error());
    tiny_predict(m, x, 4, after);
    printf("weights unchanged: %s\n", memcmp(before, after, sizeof before) ? "no" : "yes");
  } else if (strcmp(mode, "diverge") == 0) {
    /* Inputs and targets of 1e30 (finite) give gradients beyond float: NaN weights. */
    for (int i = 0; i < 8; ++i)
      x[i] = y[i] = 1e30f;
    for (int i = 0; i < 3; ++i)
      tiny_train_step(m, x, y, 4, &loss);
    printf("save: %d %s\n", tiny_save(m, at(dir, "bad.ckpt")), nnc_last_error());
  }
  tiny_destroy(m);
  return 0;
}

/* Prints a compiled model's predictions on 8 pixel-like samples and its losses over 10
 * train steps (batch 8) from seeded weights, for comparing -O0 with -O2 builds. Built
 * with -DHEADER="x.h" -DNAME=x -DUNAME=X, as predict_main.c.
 *   --load CKPT   predict with these weights (and train no step)
 *   --save CKPT   save the weights after the train steps
 * With -DFROZEN (a model compiled with --inference --weights): predictions only. */
#include HEADER

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define FN(verb) CAT(NAME, verb)
#define IN_SIZE CAT(UNAME, _INPUT_SIZE)
#define OUT_SIZE CAT(UNAME, _OUTPUT_SIZE)
#define LABEL_SIZE CAT(UNAME, _LABEL_SIZE)

enum { kBatch = 8, kSteps = 10 };
static uint32_t state = 12345;

static float uniform(void) {
  state = state * 1664525u + 1013904223u;
  return (float)(state >> 8) / (float)(1u << 24);
}

#ifndef FROZEN
/* kSteps train steps on fresh pixel-like batches, each loss printed; then save. */
static int train(nnc_model *m, float *x, const char *save) {
  float *labels = calloc((size_t)kBatch * (LABEL_SIZE ? LABEL_SIZE : 1), sizeof(float));
  if (!labels)
    return fprintf(stderr, "out of memory\n"), 1;
  for (int step = 0; step < kSteps; ++step) {
    for (int i = 0; i < kBatch * IN_SIZE; ++i)
      x[i] = uniform() * 255.0f;
    for (int i = 0; i < kBatch; ++i) {
      int cls = (int)(uniform() * (OUT_SIZE > 1 ? OUT_SIZE : 2));
      if (LABEL_SIZE == 1)
        labels[i] = (float)cls; /* a class id, or a 0/1 target */
      else
        for (int j = 0; j < LABEL_SIZE; ++j)
          labels[i * LABEL_SIZE + j] = j == cls ? 1.0f : 0.0f;
    }
    float loss;
    if (FN(_train_step)(m, x, labels, kBatch, &loss))
      return fprintf(stderr, "train_step: %s\n", nnc_last_error()), free(labels), 1;
    printf("loss %.9g\n", loss);
  }
  free(labels);
  if (save && FN(_save)(m, save))
    return fprintf(stderr, "save: %s\n", nnc_last_error()), 1;
  return 0;
}
#endif

int main(int argc, char **argv) {
  const char *load = argc > 2 && strcmp(argv[1], "--load") == 0 ? argv[2] : NULL;
  const char *save = argc > 2 && strcmp(argv[1], "--save") == 0 ? argv[2] : NULL;
  nnc_model *m = FN(_create)(7);
  float *x = malloc(sizeof(float) * kBatch * IN_SIZE), *y = malloc(sizeof(float) * kBatch * OUT_SIZE);
  if (!m || !x || !y)
    return fprintf(stderr, "create: %s\n", nnc_last_error()), 1;
  if (load && FN(_load)(m, load))
    return fprintf(stderr, "load: %s\n", nnc_last_error()), 1;
  for (int i = 0; i < kBatch * IN_SIZE; ++i)
    x[i] = uniform() * 255.0f;
  if (FN(_predict)(m, x, kBatch, y))
    return fprintf(stderr, "predict: %s\n", nnc_last_error()), 1;
  for (int i = 0; i < kBatch * OUT_SIZE; ++i)
    printf("predict %.9g\n", y[i]);
  int rc = 0;
#ifndef FROZEN
  if (LABEL_SIZE != 0 && !load)
    rc = train(m, x, save);
#else
  (void)save;
#endif
  FN(_destroy)(m);
  free(x);
  free(y);
  return rc;
}

/* Training entry points: one optimizer step, and batched evaluation. */
#include "runtime/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The optimizer's step count lives in the variable with role ITERATIONS (saved in
 * checkpoints), as a float: exact up to 2^24 steps. */
static float *iterations(nnc_model *m) {
  for (int64_t i = 0; i < m->nvars; ++i)
    if (nnrt_var(m, i)[NNRT_VAR_ROLE] == NNRT_ROLE_ITERATIONS)
      return m->weights[i];
  return NULL;
}

/* Labels the loss cannot take, refused as fit refuses them: sparse class ids outside
 * 0..classes-1 or not whole, and non-finite targets of any loss (Keras's
 * binary_crossentropy takes any finite target, so only those are checked there). Each
 * head's labels are checked against its own loss and output. */
int nnrt_check_labels(const int64_t *desc, const char *head_names, const float *y, int64_t n,
                      const char *verb) {
  int64_t per = desc[NNRT_DESC_LABELS], heads = desc[NNRT_DESC_HEADS];
  const char *name = head_names;
  for (int64_t h = 0; h < heads; ++h, name += strlen(name) + 1) {
    const int64_t *head = nnrt_head(desc, h);
    int64_t size = head[NNRT_HEAD_LABEL_SIZE], at = head[NNRT_HEAD_LABEL_OFFSET];
    int sparse = head[NNRT_HEAD_LOSS] == NNRT_LOSS_SPARSE_CATEGORICAL;
    int64_t classes = sparse && size > 0 ? head[NNRT_HEAD_OUTPUT_SIZE] / size : 0;
    char which[300] = "";
    if (heads > 1)
      snprintf(which, sizeof which, " for output '%s'", name);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < size; ++j) {
        float label = y[i * per + at + j];
        if (sparse && !(label >= 0 && label < (float)classes && label == floorf(label)))
          return heads > 1
                     ? nnrt_fail("%s: sample %lld has label %g%s, which has %lld classes: "
                                 "sparse_categorical_crossentropy takes class ids 0..%lld",
                                 verb, (long long)i, label, which, (long long)classes,
                                 (long long)classes - 1)
                     : nnrt_fail("%s: sample %lld has label %g, but sparse_categorical_"
                                 "crossentropy over the model's %lld outputs takes class ids "
                                 "0..%lld",
                                 verb, (long long)i, label, (long long)classes,
                                 (long long)classes - 1);
        if (!isfinite(label))
          return nnrt_fail("%s: sample %lld has a non-finite target%s (%g at value %lld of its "
                           "%lld)",
                           verb, (long long)i, which, label, (long long)j, (long long)size);
      }
  }
  return 0;
}

static int check_labels(const nnc_model *m, const float *y, int64_t n, const char *verb) {
  return nnrt_check_labels(m->desc, m->head_names, y, n, verb);
}

static int check(nnc_model *m, const float *x, const void *y, int64_t n, const float *loss,
                 const char *verb) {
  if (!m)
    return nnrt_fail("%s: null model", verb);
  if (!m->evaluate)
    return nnrt_fail("%s: the model was compiled without compile() (no loss or optimizer)", verb);
  if (!m->train && strcmp(verb, "train_step") == 0)
    return nnrt_fail("train_step: the model was compiled with --inference (no training step)");
  if (n <= 0)
    return nnrt_fail("%s: the sample count must be positive, got %lld", verb, (long long)n);
  if (!x || !y || !loss)
    return nnrt_fail("%s: null input, label or loss pointer", verb);
  return nnrt_check_count(m, n, verb);
}

/* A C API instance's inputs must be finite: one inf input gave a finite loss while every
 * weight became NaN. The executable's fit --allow-nonfinite trains on them on purpose. */
static int check_inputs(const nnc_model *m, const float *x, int64_t n, const char *verb) {
  int64_t per = m->desc[NNRT_DESC_INPUT];
  for (int64_t i = 0; m->strict && per > 0 && i < n * per; ++i)
    if (!isfinite(x[i]))
      return nnrt_fail("%s: sample %lld has a non-finite input (%g at index %lld of its %lld)",
                       verb, (long long)(i / per), x[i], (long long)(i % per), (long long)per);
  return 0;
}

/* Whether the last byte of a buffer of `floats` values at p is in this process's memory
 * (mincore fails with ENOMEM on an unmapped page): a count larger than the caller's
 * buffers, such as 2^40 samples, is refused instead of read until a segfault. */
static int reaches(const float *p, int64_t floats) {
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t last = (uintptr_t)p + (uintptr_t)floats * sizeof(float) - 1;
  unsigned char resident;
  return floats <= 0 || mincore((void *)(last & ~(page - 1)), 1, &resident) == 0;
}

static int check_samples(const nnc_model *m, const float *x, const void *y, int64_t n,
                         const char *verb) {
  int64_t in = m->desc[NNRT_DESC_INPUT], lab = m->desc[NNRT_DESC_LABELS];
  if (!reaches(x, n * in) || !reaches((const float *)y, n * lab))
    return nnrt_fail("%s: the %s buffer cannot hold %lld samples (its end is outside this "
                     "process's memory)",
                     verb, reaches(x, n * in) ? "label" : "input", (long long)n);
  if (check_labels(m, (const float *)y, n, verb) != 0)
    return -1;
  return check_inputs(m, x, n, verb);
}

NNRT_EXPORT int nnrt_train_step(nnc_model *m, const float *x, const void *y, int64_t n,
                                float *loss, float *metrics) {
  nnrt_clear_error();
  if (check(m, x, y, n, loss, "train_step") != 0)
    return -1;
  /* The train step's plan holds at least ARENA_MIN_BATCH samples (fit()'s batch). */
  int64_t minBatch = m->desc[NNRT_DESC_ARENA_MIN_BATCH];
  if (nnrt_reserve_arena(m, n < minBatch ? minBatch : n, "train_step") != 0)
    return -1;
  if (check_samples(m, x, y, n, "train_step") != 0)
    return -1;
  float *iter = iterations(m);
  if (!iter)
    return nnrt_fail("train_step: the model has no optimizer step counter");
  if (*iter >= 16777216.0f)
    return nnrt_fail("train_step: the step counter reached 2^24 steps");
  uint32_t counter[2] = {(uint32_t)(m->seed ^ (m->seed >> 32)), (uint32_t)*iter + 1};
  float results[1 + 64];
  int64_t nm = m->desc[NNRT_DESC_METRICS];
  if (nm > 64)
    return nnrt_fail("train_step: %lld metrics exceed the runtime's limit", (long long)nm);
  if (nnrt_device_enter(m) != 0)
    return -1;
  unsigned fp = nnrt_fp_enter();
  int rc = m->train(m->weights, x, (const float *)y, counter, n, results, m->arena);
  nnrt_fp_leave(fp);
  nnrt_device_leave(m, 1);
  if (rc != 0) {
    if (nnc_last_error()[0] == 0)
      nnrt_fail("train_step: kernel failed with code %d", rc);
    return -1;
  }
  *iter += 1.0f;
  *loss = results[0];
  for (int64_t i = 0; metrics && i < nm; ++i)
    metrics[i] = results[1 + i];
  if (!isfinite(results[0]))
    return nnrt_fail("train_step: the loss is %s (diverged: lower the learning rate?)",
                     isnan(results[0]) ? "NaN" : "infinite");
  return 0;
}

NNRT_EXPORT int nnrt_evaluate(nnc_model *m, const float *x, const void *y, int64_t n,
                              float *loss, float *metrics) {
  enum { kBatch = 256 };
  nnrt_clear_error();
  if (check(m, x, y, n, loss, "evaluate") != 0)
    return -1;
  int64_t nm = m->desc[NNRT_DESC_METRICS];
  if (nm > 64)
    return nnrt_fail("evaluate: %lld metrics exceed the runtime's limit", (long long)nm);
  if (nm > 0 && !metrics)
    return nnrt_fail("evaluate: null metrics pointer");
  int64_t batch = n < kBatch ? n : kBatch;
  if (nnrt_reserve_arena(m, batch, "evaluate") != 0 || check_samples(m, x, y, n, "evaluate") != 0)
    return -1;
  double sums[1 + 64] = {0};
  float results[1 + 64];
  const float *labels = (const float *)y;
  if (nnrt_device_enter(m) != 0)
    return -1;
  for (int64_t start = 0; start < n; start += batch) {
    int64_t count = n - start < batch ? n - start : batch;
    unsigned fp = nnrt_fp_enter();
    int rc = m->evaluate(m->weights, x + start * m->desc[NNRT_DESC_INPUT],
                         labels + start * m->desc[NNRT_DESC_LABELS], NULL, count, results,
                         m->arena);
    nnrt_fp_leave(fp);
    if (rc != 0) {
      nnrt_device_leave(m, 0);
      if (nnc_last_error()[0] == 0)
        nnrt_fail("evaluate: kernel failed with code %d", rc);
      return -1;
    }
    for (int64_t i = 0; i <= nm; ++i)
      sums[i] += (double)results[i] * (double)count;
  }
  nnrt_device_leave(m, 0);
  *loss = (float)(sums[0] / (double)n);
  for (int64_t i = 0; i < nm; ++i)
    metrics[i] = (float)(sums[1 + i] / (double)n);
  return 0;
}

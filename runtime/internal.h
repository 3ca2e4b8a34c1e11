/* nnrt internals shared by its source files. */
#ifndef NNRT_INTERNAL_H
#define NNRT_INTERNAL_H

#include "runtime/nnrt.h"

#include <stddef.h>

#define NNRT_EXPORT __attribute__((visibility("default")))

struct nnc_model {
  const int64_t *desc;
  int64_t nvars;
  const char **names; /* nvars pointers into the descriptor's names */
  float **weights;    /* nvars tensors */
  nnrt_fn forward, train, evaluate;
  const char **metric_names; /* desc[NNRT_DESC_METRICS] pointers */
  uint64_t seed;             /* draws Dropout masks in training */
  float *arena;
  int64_t arena_capacity; /* floats */
};

/* Grows the model's arena for a call on n samples; 0, or -1 with the error set. */
int nnrt_reserve_arena(nnc_model *m, int64_t n, const char *verb);

static inline const int64_t *nnrt_var(const nnc_model *m, int64_t i) {
  return m->desc + NNRT_DESC_VARS + i * NNRT_VAR_FIELDS;
}

/* Records the message returned by nnc_last_error(); returns -1. */
int nnrt_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void nnrt_clear_error(void);

/* Fills a variable's tensor with its initializer's values. */
void nnrt_init_variable(float *data, const int64_t *var, uint64_t seed, int64_t index);

#endif

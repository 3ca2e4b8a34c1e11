/* nnrt: the runtime linked into every nnc output. This header is the contract between
 * the code nnc generates and the runtime; users include the generated NAME.h instead. */
#ifndef NNRT_H
#define NNRT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nnc_model nnc_model;

/* A Halide kernel's argv entry point: args[i] is the i-th halide_buffer_t*. */
typedef int (*nnrt_kernel_fn)(void **args);

/* The generated forward pass: weights in variable order, x and y row-major, arena
 * holding n * arena-floats-per-sample floats. Returns 0 or a kernel's error code. */
typedef int (*nnrt_forward_fn)(float *const *weights, const float *x, int64_t n, float *y,
                               float *arena);

/* Layout of the model descriptor the generated code passes to nnrt_create. */
enum {
  NNRT_DESC_ABI = 0,      /* NNRT_ABI_VERSION */
  NNRT_DESC_NVARS = 1,
  NNRT_DESC_INPUT = 2,    /* floats per input sample */
  NNRT_DESC_OUTPUT = 3,   /* floats per output sample */
  NNRT_DESC_ARENA = 4,    /* arena floats per sample */
  NNRT_DESC_VARS = 5,     /* then per variable: NNRT_VAR_FIELDS values */
  NNRT_VAR_COUNT = 0, NNRT_VAR_INIT = 1, NNRT_VAR_FAN_IN = 2, NNRT_VAR_FAN_OUT = 3,
  NNRT_VAR_TRAINABLE = 4, NNRT_VAR_FIELDS = 5
};
#define NNRT_ABI_VERSION 1

/* Initializers, as numbered in the descriptor. */
enum {
  NNRT_INIT_ZEROS = 0, NNRT_INIT_ONES = 1, NNRT_INIT_GLOROT_UNIFORM = 2,
  NNRT_INIT_GLOROT_NORMAL = 3, NNRT_INIT_HE_UNIFORM = 4, NNRT_INIT_HE_NORMAL = 5,
  NNRT_INIT_LECUN_UNIFORM = 6, NNRT_INIT_LECUN_NORMAL = 7
};

/* `names` holds the variables' names, each terminated by a NUL. */
nnc_model *nnrt_create(const int64_t *desc, const char *names, nnrt_forward_fn forward,
                       uint64_t seed);
void nnrt_destroy(nnc_model *model);
int nnrt_load(nnc_model *model, const char *path);
int nnrt_save(const nnc_model *model, const char *path);
int nnrt_predict(nnc_model *model, const float *x, int64_t n, float *y);

/* Calls a kernel on `count` dense float tensors. dims holds, per tensor, its rank
 * and then its extents innermost first; an extent of -k stands for k * n (n: the batch). */
int nnrt_invoke(nnrt_kernel_fn fn, int32_t count, float *const *data, const int64_t *dims,
                int64_t n);

/* Copies count floats (for outputs that alias an earlier buffer). */
void nnrt_copy(float *dst, const float *src, int64_t count);

/* The message of the last failed call on this thread ("" when none). */
const char *nnc_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* NNRT_H */

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

/* A generated function (@forward, @evaluate or @train_step): weights in variable
 * order, x and labels row-major, counter = (seed, step) for training, n samples; out
 * receives the prediction (forward) or the loss then the metrics; arena holds
 * arena-fixed + n * arena-per-sample floats. Returns 0 or a kernel's error code. */
typedef int (*nnrt_fn)(float *const *weights, const float *x, const float *labels,
                       const uint32_t *counter, int64_t n, float *out, float *arena);

/* Layout of the model descriptor the generated code passes to nnrt_create. */
enum {
  NNRT_DESC_ABI = 0,         /* NNRT_ABI_VERSION */
  NNRT_DESC_NVARS = 1,
  NNRT_DESC_INPUT = 2,       /* floats per input sample */
  NNRT_DESC_OUTPUT = 3,      /* floats per output sample */
  NNRT_DESC_ARENA = 4,       /* arena floats per sample */
  NNRT_DESC_ARENA_FIXED = 5, /* arena floats whatever the batch */
  NNRT_DESC_LABELS = 6,      /* label floats per sample (0: not compiled for training) */
  NNRT_DESC_METRICS = 7,     /* compiled metrics */
  NNRT_DESC_FIT_EPOCHS = 8,  /* model.fit() defaults from the source */
  NNRT_DESC_FIT_BATCH = 9,
  NNRT_DESC_FIT_VALSPLIT_PPM = 10, /* validation_split in millionths */
  NNRT_DESC_FIT_VALDATA = 11,      /* fit() was given validation_data */
  NNRT_DESC_LOSS = 12,       /* NNRT_LOSS_* */
  NNRT_DESC_ARENA_MIN_BATCH = 13, /* train_step's arena is planned for at least this many
                                     samples: fixed + max(n, this) * ARENA floats */
  NNRT_DESC_DEVICE = 14,     /* NNRT_DEVICE_*: where the kernels run */
  NNRT_DESC_HEADS = 15,      /* outputs with a loss (0: not compiled for training) */
  NNRT_DESC_VARS = 16,       /* then per variable: NNRT_VAR_FIELDS values */
  NNRT_VAR_COUNT = 0, NNRT_VAR_INIT = 1, NNRT_VAR_FAN_IN = 2, NNRT_VAR_FAN_OUT = 3,
  NNRT_VAR_ROLE = 4, NNRT_VAR_RANK = 5, NNRT_VAR_DIMS = 6, /* up to 4 dimensions */
  NNRT_VAR_FIELDS = 10,
  /* after the variables, per head: its loss and where its output and labels sit in a
   * sample's output and label rows (a model of one output: the whole rows) */
  NNRT_HEAD_LOSS = 0, NNRT_HEAD_OUTPUT_OFFSET = 1, NNRT_HEAD_OUTPUT_SIZE = 2,
  NNRT_HEAD_LABEL_OFFSET = 3, NNRT_HEAD_LABEL_SIZE = 4, NNRT_HEAD_FIELDS = 5
};
#define NNRT_ABI_VERSION 7

/* Where a model's kernels run (nnc --target): the host CPU, or a CUDA GPU whose
 * memory holds the weights and the arena between calls. */
enum { NNRT_DEVICE_HOST = 0, NNRT_DEVICE_CUDA = 1 };

/* A weight tensor of at least this many floats (512 KiB, half a core's L2 on the machines
 * measured) is split over the threads even in a batch-1 call (the Dense kernel's
 * one-row schedule; the runtime then leaves the call on the pool): each core reads its
 * part and keeps it in its own cache from call to call. */
enum { NNRT_WIDE_WEIGHTS = 128 * 1024 };

/* Losses. */
enum {
  NNRT_LOSS_SPARSE_CATEGORICAL = 0, NNRT_LOSS_CATEGORICAL = 1, NNRT_LOSS_BINARY = 2,
  NNRT_LOSS_MEAN_SQUARED = 3
};

/* Variable roles. */
enum {
  NNRT_ROLE_FROZEN = 0,    /* a non-trainable weight or statistic */
  NNRT_ROLE_TRAINABLE = 1,
  NNRT_ROLE_SLOT = 2,      /* optimizer state */
  NNRT_ROLE_ITERATIONS = 3 /* the optimizer's step count (1 float) */
};

/* Initializers, as numbered in the descriptor. */
enum {
  NNRT_INIT_ZEROS = 0, NNRT_INIT_ONES = 1, NNRT_INIT_GLOROT_UNIFORM = 2,
  NNRT_INIT_GLOROT_NORMAL = 3, NNRT_INIT_HE_UNIFORM = 4, NNRT_INIT_HE_NORMAL = 5,
  NNRT_INIT_LECUN_UNIFORM = 6, NNRT_INIT_LECUN_NORMAL = 7,
  NNRT_INIT_CONSTANT = 8 /* frozen into the binary (nnc --weights): the values start at
                            constants + var[NNRT_VAR_FAN_IN] */
};

/* Checks the checkpoint at `path` whole, then calls fn on each of its tensors in order
 * (the model's, then fit state named "fit/..."); `data` may be unaligned. 0, or -1 with
 * the error set (also when fn returns non-zero). Used by nnc --weights. */
typedef int (*nnrt_tensor_fn)(const char *name, int64_t count, const float *data, void *ctx);
int nnrt_read_checkpoint(const char *path, nnrt_tensor_fn fn, void *ctx);

/* `names` holds the variables' names, then the metrics' names, then the heads' names
 * (the output layers'), then the model's name
 * (the output's NAME), each terminated by a NUL. `constants` holds the values of NNRT_INIT_CONSTANT variables (NULL when there
 * are none). train and evaluate are NULL for a model compiled without compile() or
 * with --inference. */
nnc_model *nnrt_create(const int64_t *desc, const char *names, const float *constants,
                       nnrt_fn forward, nnrt_fn train, nnrt_fn evaluate, uint64_t seed);
void nnrt_destroy(nnc_model *model);
int nnrt_load(nnc_model *model, const char *path);
int nnrt_save(const nnc_model *model, const char *path);
int nnrt_predict(nnc_model *model, const float *x, int64_t n, float *y);
/* One optimizer step on n samples; loss and (unless NULL) metrics receive the
 * batch's values in training mode. */
int nnrt_train_step(nnc_model *model, const float *x, const void *y, int64_t n, float *loss,
                    float *metrics);
/* Loss and metrics in inference mode over n samples, in batches. */
int nnrt_evaluate(nnc_model *model, const float *x, const void *y, int64_t n, float *loss,
                  float *metrics);

/* The exported C API (NAME_create, ...) calls these with its model's descriptor and
 * names. They check that `model` is a live instance (created, not yet destroyed) of that
 * same model and that no other thread is in a call on it, then call the functions
 * above; a failed check is -1 (NULL, or nothing for destroy) with the error set. */
nnc_model *nnrt_api_create(const int64_t *desc, const char *names, const float *constants,
                           nnrt_fn forward, nnrt_fn train, nnrt_fn evaluate, uint64_t seed);
void nnrt_api_destroy(const int64_t *desc, const char *names, nnc_model *model);
int nnrt_api_load(const int64_t *desc, const char *names, nnc_model *model, const char *path);
int nnrt_api_save(const int64_t *desc, const char *names, nnc_model *model, const char *path);
int nnrt_api_predict(const int64_t *desc, const char *names, nnc_model *model, const float *x,
                     int64_t n, float *y);
int nnrt_api_train_step(const int64_t *desc, const char *names, nnc_model *model,
                        const float *x, const void *y, int64_t n, float *loss);
int nnrt_api_evaluate(const int64_t *desc, const char *names, nnc_model *model,
                      const float *x, const void *y, int64_t n, float *loss, float *metrics);

/* Calls a kernel on `count` dense tensors. dims holds, per tensor, a rank word (the
 * rank, plus NNRT_UINT32 for a uint32 tensor; float otherwise) and then its extents
 * innermost first; an extent of -k stands for k * n (n: the batch). */
#define NNRT_UINT32 0x100
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

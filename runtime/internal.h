/* nnrt internals shared by its source files. */
#ifndef NNRT_INTERNAL_H
#define NNRT_INTERNAL_H

#include "runtime/nnrt.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>

#define NNRT_EXPORT __attribute__((visibility("default")))

struct nnc_model {
  const int64_t *desc;
  int64_t nvars;
  const char **names; /* nvars pointers into the descriptor's names */
  float **weights;    /* nvars tensors */
  nnrt_fn forward, train, evaluate;
  const char **metric_names; /* desc[NNRT_DESC_METRICS] pointers */
  const char *head_names;    /* desc[NNRT_DESC_HEADS] names, each NUL-terminated */
  uint64_t seed;             /* draws Dropout masks in training */
  float *arena;
  int64_t arena_capacity; /* floats */
  int frozen;             /* weights compiled in (nnc --weights): no checkpoint loads */
  struct nnrt_device *device; /* device copies of a --target=cuda model (device.c) */
  const char *model;          /* the output's name (NAME_create), after the metric names */
  atomic_int busy;            /* a C API call is running on it (api.c) */
  int wide; /* a weight tensor of NNRT_WIDE_WEIGHTS floats or more (batch-1 calls use the
             * pool: nnrt.c) */
  int strict; /* a C API instance (NAME_create): refuses non-finite inputs in train_step and
               * evaluate, and checkpoints of non-finite weights in save and load; the
               * executable's instances (fit --allow-nonfinite) leave it 0 */
};

/* The model name stored after the variables' and metrics' names ("" when absent). */
const char *nnrt_model_name(const int64_t *desc, const char *names);
/* The heads' names in a model's names, one after the other. */
const char *nnrt_head_names(const int64_t *desc, const char *names);

/* Frees what an instance holds, not the struct itself (nnrt_destroy frees both). */
void nnrt_release(nnc_model *m);

/* Subnormals: kernels run with flush-to-zero and denormals-are-zero (MXCSR FTZ 0x8000,
 * DAZ 0x0040 on x86-64; a no-op elsewhere), as TensorFlow's CPU threads do: an Adam
 * moment decaying to the smallest subnormal otherwise made every later step several
 * times slower. nnrt_fp_enter returns the caller's state; nnrt_fp_leave restores it.
 * x86-64 only: elsewhere (aarch64's FPCR.FZ) the caller's mode stays. */
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
enum { NNRT_MXCSR_FTZ_DAZ = 0x8040, NNRT_MXCSR_ROUNDING = 0x6000 };
static inline unsigned nnrt_fp_enter(void) { /* also rounds to nearest, whatever the caller's */
  unsigned saved = _mm_getcsr(), want = (saved & ~NNRT_MXCSR_ROUNDING) | NNRT_MXCSR_FTZ_DAZ;
  if (saved != want)
    _mm_setcsr(want);
  return saved;
}
static inline void nnrt_fp_leave(unsigned saved) {
  if (_mm_getcsr() != saved)
    _mm_setcsr(saved);
}
#else
static inline unsigned nnrt_fp_enter(void) { return 0; }
static inline void nnrt_fp_leave(unsigned saved) { (void)saved; }
#endif

/* Grows the model's arena for a call on n samples; 0, or -1 with the error set. */
int nnrt_reserve_arena(nnc_model *m, int64_t n, const char *verb);
/* Refuses a sample count whose arena or buffers could not be addressed ("N samples are
 * too many for one call", as predict says), before anything reads n samples. */
int nnrt_check_count(const nnc_model *m, int64_t n, const char *verb);
/* n label rows that every head's loss takes (class ids in range, finite targets);
 * `head_names`: the heads' names one after the other. 0, or -1 with the error set. */
int nnrt_check_labels(const int64_t *desc, const char *head_names, const float *y, int64_t n,
                      const char *verb);

static inline const int64_t *nnrt_var(const nnc_model *m, int64_t i) {
  return m->desc + NNRT_DESC_VARS + i * NNRT_VAR_FIELDS;
}

/* The descriptor's record of head h (after the variables' records). */
static inline const int64_t *nnrt_head(const int64_t *desc, int64_t h) {
  return desc + NNRT_DESC_VARS + desc[NNRT_DESC_NVARS] * NNRT_VAR_FIELDS +
         h * NNRT_HEAD_FIELDS;
}

/* Device memory of models compiled for a GPU (runtime/device.c); no-ops for others.
 * Kernels run between nnrt_device_enter (allocates, uploads host-newer weights; 0 or
 * -1 with the error set) and nnrt_device_leave (wrote_weights: a training step). */
int nnrt_device_enter(nnc_model *m);
void nnrt_device_leave(nnc_model *m, int wrote_weights);
/* Whether the model's kernels can run here (a --target=cuda model: a GPU is found and
 * its memory allocated): 0, or -1 with the error set. Lets commands fail before long
 * work such as loading a dataset. */
int nnrt_device_ready(nnc_model *m);
/* Before the runtime reads m->weights: copies device-newer weights back (0 or -1). */
int nnrt_weights_on_host(nnc_model *m);
/* After the runtime wrote m->weights: the next kernel call uploads them. */
void nnrt_weights_changed(nnc_model *m);
void nnrt_device_release(nnc_model *m);
/* Inside nnrt_invoke: a tensor in the running model's arena or weights is bound to
 * its device copy; unbind copies results back to host memory. 0 or Halide's error. */
struct halide_buffer_t;
int nnrt_device_bind(struct halide_buffer_t *b);
int nnrt_device_unbind(struct halide_buffer_t *b);
/* nnrt_copy for a running device model: 0 or an error; 1 when not on a device. */
int nnrt_device_copy(float *dst, const float *src, int64_t count);

/* Makes the kernels' parallel loops run on nnrt's thread pool (runtime/threads.c). */
void nnrt_threads_install(void);
/* While on, this thread's kernel loops run on it alone: a small call (batch-1 predict)
 * costs less than waking the pool. */
void nnrt_threads_serial(int on);
/* A call whose activations (batch x arena floats per sample) stay below this runs its
 * loops on the calling thread, unless the model has a weight tensor of at least
 * NNRT_WIDE_WEIGHTS floats (nnrt.h): such a layer is split over the threads even for one
 * sample, so that each core reads (and keeps in its own cache) a part of it. */
#define NNRT_SERIAL_FLOATS (64 * 1024)

// NNRT_PROFILE=1: per-kernel wall time, reported at exit (profile.c).
int nnrt_profile_enabled(void);
long long nnrt_profile_now(void);
void nnrt_profile_add(const void *fn, long long ns);

/* Records the message returned by nnc_last_error(); returns -1. */
int nnrt_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void nnrt_clear_error(void);

/* A named tensor of a checkpoint. */
typedef struct {
  char name[256];
  int64_t count;
  const float *data;
} nnrt_record;
typedef int (*nnrt_record_fn)(const nnrt_record *record, void *ctx);

/* nnrt_save plus `extra` records after the model's tensors (names "fit/..."). */
int nnrt_save_with(const nnc_model *m, const char *path, const nnrt_record *extra, int nextra);
/* nnrt_load that hands each extra record to `extra` (NULL: ignored) before any weight
 * changes; a non-zero return from it fails the load. */
int nnrt_load_with(nnc_model *m, const char *path, nnrt_record_fn extra, void *ctx);
/* Loads the model weights whose names appear in `path` (another model's checkpoint:
 * transfer learning); *loaded of *total. */
int nnrt_load_matching(nnc_model *m, const char *path, int64_t *loaded, int64_t *total);

/* An output file being written (runtime/output.c): nnrt_output_open gives `f`, a file
 * beside `path`; nnrt_output_commit(o, ok) syncs it and renames it over `path` when ok
 * (else removes it). Both return 0, or -1 with the error set ("cannot write WHAT 'path'"). */
typedef struct {
  FILE *f;
  const char *path, *what;
  char *tmp;
  size_t cap;
  int unnamed;
} nnrt_output;
int nnrt_output_open(nnrt_output *o, const char *path, const char *what);
int nnrt_output_commit(nnrt_output *o, int ok);
/* Checks, before long work, that `path` (if not NULL) can be written: its folder exists
 * and is writable. 0, or -1 with the error set. */
int nnrt_output_check(const char *path, const char *what);

/* Fills a variable's tensor with its initializer's values. */
void nnrt_init_variable(float *data, const int64_t *var, uint64_t seed, int64_t index);

#endif

/* The fit loop: epochs of shuffled mini-batches with a Keras-style progress bar,
 * validation, callbacks, per-epoch checkpoints with the fit's own state (so an
 * interrupted fit resumes exactly), and the history as CSV / JSON / SVG. */
#ifndef NNRT_FIT_H
#define NNRT_FIT_H

#include "runtime/callbacks.h"

/* Samples read on demand (image folders): fetch fills x (count * input floats) and y
 * (count * label floats) with the samples index[0..count); 0, or -1 with the error set.
 * fit calls it from its loader thread, one call at a time, a batch ahead of training. */
typedef struct {
  int (*fetch)(void *ctx, const int64_t *index, int64_t count, float *x, float *y);
  void *ctx;
} nnrt_source;

typedef struct {
  const float *x; /* n * input floats (unused with a source) */
  const float *y; /* n * label floats */
  int64_t n;
  const nnrt_source *source; /* NULL: the samples are x and y */
} nnrt_samples;

/* Copies (or fetches) samples index[0..count) into x and y. 0, or -1. */
int nnrt_gather(nnc_model *model, const nnrt_samples *set, const int64_t *index, int64_t count,
                float *x, float *y);

/* nnrt_evaluate over a sample set, fetched in chunks when it has a source. */
int nnrt_evaluate_samples(nnc_model *model, const nnrt_samples *set, float *loss,
                          float *metrics);

typedef struct {
  int64_t epochs;           /* the last epoch (Keras's epochs) */
  int64_t initial_epoch;    /* the first, 0-based: resuming continues the numbering */
  int64_t batch_size;
  int64_t steps_per_epoch;  /* 0: every sample once per epoch (Keras's steps_per_epoch) */
  uint64_t seed;            /* shuffling order (per epoch index) */
  int shuffle;
  const char *save_path;    /* checkpoint + fit state after every epoch and on SIGINT */
  const char *resume_path;  /* continue the fit whose state this checkpoint holds */
  const char *history_path; /* .json: Keras's History; .svg: the curves; else CSV */
  const char *plot_path;    /* the curves as SVG */
  int verbose;              /* 0: silent; 1: a progress bar per epoch */
  nnrt_callback *callbacks;
  int ncallbacks;
} nnrt_fit_options;

enum { NNRT_FIT_INTERRUPTED = 1 };

struct sigaction;
/* Installs the fit loop's SIGINT handler (saving the previous action in `previous`
 * when not NULL): a SIGINT from then on stops the next nnrt_fit at a step boundary. */
void nnrt_fit_catch_sigint(struct sigaction *previous);

/* Trains `model` on `train`, evaluating on `val` after each epoch when val.n > 0.
 * Returns 0; NNRT_FIT_INTERRUPTED after SIGINT (the state is saved to save_path, or
 * to fit-interrupted.ckpt); or -1 with nnc_last_error() set. */
int nnrt_fit(nnc_model *model, nnrt_samples train, nnrt_samples val,
             const nnrt_fit_options *options);

#endif

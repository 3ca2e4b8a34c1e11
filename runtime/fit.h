/* The fit loop: epochs of shuffled mini-batches with a Keras-style progress bar,
 * validation, per-epoch checkpoints and a history CSV. */
#ifndef NNRT_FIT_H
#define NNRT_FIT_H

#include "runtime/nnrt.h"

typedef struct {
  const float *x; /* n * input floats */
  const float *y; /* n * label floats */
  int64_t n;
} nnrt_samples;

typedef struct {
  int64_t epochs;         /* the last epoch (Keras's epochs) */
  int64_t initial_epoch;  /* the first, 0-based: resuming continues the numbering */
  int64_t batch_size;
  uint64_t seed;            /* shuffling order (per epoch index) */
  int shuffle;
  const char *save_path;    /* checkpoint written after every epoch; NULL: none */
  const char *history_path; /* CSV: epoch,loss,<metrics>,val_loss,val_<metrics>; NULL: none */
  int verbose;              /* 0: silent; 1: a progress bar per epoch */
} nnrt_fit_options;

/* Trains `model` on `train`, evaluating on `val` after each epoch when val.n > 0.
 * Returns 0, or -1 with nnc_last_error() set (the last completed epoch's checkpoint
 * stays on disk). */
int nnrt_fit(nnc_model *model, nnrt_samples train, nnrt_samples val,
             const nnrt_fit_options *options);

#endif

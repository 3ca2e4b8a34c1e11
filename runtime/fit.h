/* The fit loop: epochs of shuffled mini-batches with a Keras-style progress bar,
 * validation, callbacks, per-epoch checkpoints with the fit's own state (so an
 * interrupted fit resumes exactly), and the history as CSV / JSON / SVG. */
#ifndef NNRT_FIT_H
#define NNRT_FIT_H

#include "runtime/callbacks.h"

typedef struct {
  const float *x; /* n * input floats */
  const float *y; /* n * label floats */
  int64_t n;
} nnrt_samples;

typedef struct {
  int64_t epochs;           /* the last epoch (Keras's epochs) */
  int64_t initial_epoch;    /* the first, 0-based: resuming continues the numbering */
  int64_t batch_size;
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

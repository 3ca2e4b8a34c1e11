/* Keras callbacks run by the fit loop at the end of each epoch: ModelCheckpoint and
 * EarlyStopping, with Keras 2.15's semantics and messages. */
#ifndef NNRT_CALLBACKS_H
#define NNRT_CALLBACKS_H

#include "runtime/nnrt.h"
#include "runtime/paths.h"

#include <stdio.h>

enum { NNRT_MODEL_CHECKPOINT = 0, NNRT_EARLY_STOPPING = 1 };

typedef struct {
  int kind;
  char monitor[64];
  int maximize; /* mode, resolved from auto as Keras does for this callback */
  int verbose;
  /* ModelCheckpoint */
  char filepath[1024];
  int save_best_only;
  /* EarlyStopping */
  double min_delta, baseline;
  int has_baseline, restore_best_weights;
  int64_t patience, start_from_epoch;
  /* state (saved with a resumable fit) */
  double best;
  int64_t wait, best_epoch, stopped_epoch;
  float **best_weights; /* model weights (not optimizer state) of the best epoch */
  /* files a formatted ModelCheckpoint path must not replace (the command's inputs and
   * other outputs); checked at each save, since {epoch} and {val_loss} are known only then */
  const nnrt_path_use *protect;
  int nprotect;
} nnrt_callback;

/* One epoch's logs: loss, metrics, val_loss, val_metrics. */
typedef struct {
  const char *names[2 + 2 * 64];
  char storage[2 + 2 * 64][72];
  double values[2 + 2 * 64];
  int count;
} nnrt_logs;

/* Parses "[Class]" / "key=value" text (as nnc emits it) into at most `max` callbacks;
 * returns the count, or -1 with the error set for an unknown class or key. */
int nnrt_parse_callbacks(const char *text, nnrt_callback *out, int max);
/* Checks a ModelCheckpoint filepath's {field:spec} patterns before training: 0, or -1
 * with the error set for a spec Keras's str.format would refuse (or nnc cannot honour). */
int nnrt_check_checkpoint_pattern(const char *pattern);
/* Fills a callback's derived fields (mode, initial best) after its keys are set. */
void nnrt_callback_begin(nnrt_callback *cb);
/* Runs every callback's epoch end; sets *stop when one stops training. 0 or -1. */
int nnrt_callbacks_epoch_end(nnrt_callback *cbs, int count, nnc_model *m, int64_t epoch,
                             const nnrt_logs *logs, int *stop, FILE *out);
/* Keras's on_train_end messages. */
void nnrt_callbacks_train_end(nnrt_callback *cbs, int count, FILE *out);
void nnrt_callbacks_free(nnrt_callback *cbs, int count, int64_t nvars);

/* Copies the model's weights (roles FROZEN and TRAINABLE) into *saved (allocated on
 * first use), or back from it. */
int nnrt_copy_weights(nnc_model *m, float ***saved, int restore);

/* Before a checkpoint is written to `path`: every tensor (weights and optimizer state)
 * is finite, else -1 with the first bad value named (fit's NaN stop should have fired). */
int nnrt_check_finite_weights(nnc_model *m, const char *path);
/* 1 with `why` naming the first non-finite value ("'dense.kernel'[0] is nan"), 0 when
 * every tensor is finite, -1 with the error set. */
int nnrt_find_nonfinite(nnc_model *m, char *why, size_t cap);

#endif

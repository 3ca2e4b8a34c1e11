/* images:DIR for the executable's fit and evaluate: an image folder's training or
 * validation subset (Keras's split, runtime/folder.h) as samples decoded on demand by
 * fit's loader thread, so the folder need not fit in memory. */
#ifndef NNRT_IMAGES_H
#define NNRT_IMAGES_H

#include "runtime/fit.h"
#include "runtime/folder.h"

enum { NNRT_LABELS_INT, NNRT_LABELS_BINARY, NNRT_LABELS_CATEGORICAL };

typedef struct {
  double validation_split; /* Keras's validation_split (0: no split) */
  uint32_t seed;           /* the split's shuffle seed */
  int strict;              /* a file that is not a readable image fails instead of a warning */
  int label_mode;          /* NNRT_LABELS_*, or -1: from the model's loss */
} nnrt_images_options;

typedef struct {
  nnrt_folder folder;
  nnrt_source source;
  int height, width, channels, label_mode, strict;
  int64_t input, labels; /* floats per sample */
  unsigned char *failed; /* files already reported as unreadable */
} nnrt_images;

/* Opens the training (validation = 0) or validation subset of DIR for a model with
 * descriptor `desc` and input shape `shape` (the rank, then the dimensions without the
 * batch: (H, W, C) with C 1 or 3, or (H, W)): color mode and image size come from the
 * model, the label mode from its loss unless the options name one. 0, or -1. */
int nnrt_images_open(nnrt_images *s, const int64_t *desc, const int64_t *shape, const char *dir,
                     const nnrt_images_options *o, int validation);
/* The subset as fit's samples (valid while `s` is). */
nnrt_samples nnrt_images_samples(nnrt_images *s);
void nnrt_images_close(nnrt_images *s);

/* "int", "binary" or "categorical" as NNRT_LABELS_*; -1 when none. */
int nnrt_parse_label_mode(const char *name);

#endif

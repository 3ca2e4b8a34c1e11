/* Training history: per-epoch loss and metrics (train and validation), written as CSV
 * (Keras's CSVLogger layout), JSON (History.history) or an SVG plot of the curves. */
#ifndef NNRT_HISTORY_H
#define NNRT_HISTORY_H

#include <stdint.h>

enum { NNRT_HISTORY_MAX_COLUMNS = 2 + 2 * 64 };

typedef struct {
  int columns;                               /* loss, metrics..., val_loss, val_metrics... */
  char names[NNRT_HISTORY_MAX_COLUMNS][72];
  int64_t epochs;                            /* rows */
  int64_t *epoch;                            /* the 0-based epoch of each row */
  double *values;                            /* epochs * columns */
} nnrt_history;

int nnrt_history_add(nnrt_history *h, int64_t epoch, const double *row);
void nnrt_history_free(nnrt_history *h);
/* Writes `h` to `path`: JSON when it ends in .json, SVG when .svg, else CSV. */
int nnrt_history_write(const nnrt_history *h, const char *path, const char *what);
/* Reads a history CSV (as written above or by Keras's CSVLogger). */
int nnrt_history_read_csv(const char *path, nnrt_history *h);

#endif

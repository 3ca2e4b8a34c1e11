/* Datasets for the training runtime: Fashion-MNIST / MNIST (IDX .gz), IDX folders and
 * CSV tables, as dense float arrays. */
#ifndef NNRT_DATA_H
#define NNRT_DATA_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  float *x;           /* n * sample_size features, row-major */
  float *y;           /* n labels (class ids or targets) */
  int64_t n;          /* samples */
  int64_t sample_size;
} nnrt_dataset;

typedef struct {
  char delimiter;     /* ',' unless set */
  int64_t label;      /* label column; -1: the last */
} nnrt_csv_options;

/* Loads the training (test = 0) or test (test = 1) part of `spec`:
 *   fashion_mnist, mnist   IDX .gz files under $NNC_DATA/<name> or /usr/share/datasets/<name>
 *   idx:DIR                DIR/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]
 *   csv:FILE               one sample per row, the label in options->label (CSV has no
 *                          separate test part: test = 1 loads the same rows)
 * Pixels are kept as 0..255 (the models rescale). Returns 0, or -1 with nnc_last_error()
 * set (a missing dataset names the Debian package that provides it). */
int nnrt_load_dataset(const char *spec, int test, const nnrt_csv_options *options,
                      nnrt_dataset *out);
void nnrt_free_dataset(nnrt_dataset *data);

#ifdef __cplusplus
}
#endif

#endif

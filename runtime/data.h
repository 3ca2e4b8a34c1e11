/* Datasets for the training runtime: Fashion-MNIST / MNIST (IDX .gz), IDX folders and
 * CSV tables, as dense float arrays. */
#ifndef NNRT_DATA_H
#define NNRT_DATA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  float *x;           /* n * sample_size features, row-major */
  float *y;           /* n * label_size labels (class ids or targets) */
  int64_t label_size; /* labels per sample: 1, or csv label_columns */
  int64_t n;          /* samples */
  int64_t sample_size;
  int64_t skipped;    /* CSV rows dropped by skip_bad_rows */
  char labels[4096];  /* the file the labels came from (error messages) */
} nnrt_dataset;

typedef struct {
  char delimiter;     /* ',' unless set */
  int64_t label;      /* label column; -1: the last */
  int64_t label_columns; /* 0 or 1: one label per row; k: k columns from `label` (-1: the
                            last k), for a model of several outputs */
  int skip_bad_rows;  /* skip (and count) rows with a field that is not a number */
  int allow_nonfinite; /* accept nan, inf and values beyond float32's range */
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

/* The files `spec` may read (those that exist; idx:DIR and fashion_mnist / mnist: the
 * IDX files, csv:FILE: FILE; images:DIR: none), each `cap` bytes in `files`. Returns
 * how many, at most `max`. */
int nnrt_dataset_files(const char *spec, char *files, size_t cap, int max);

/* Keeps the samples whose class id is listed in `spec` ("5,6,7" or "5-9"), renumbered
 * by their place in the list (--classes). 0, or -1 with the error set. */
int nnrt_filter_classes(nnrt_dataset *d, const char *spec);

#ifdef __cplusplus
}
#endif

#endif

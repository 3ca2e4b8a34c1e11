/* The data side of the fit loop: each epoch's order and the training data's fingerprint. */
#ifndef NNRT_FIT_DATA_H
#define NNRT_FIT_DATA_H

#include "runtime/fit.h"

#include <stdint.h>

/* Each epoch's order from (seed, epoch) alone, so a resumed fit repeats it. */
void nnrt_epoch_order(int64_t *order, int64_t n, uint64_t seed, int64_t epoch, int shuffle);

/* The training data's fingerprint, stored with the fit state so that --resume refuses
 * other data of the same size: all of x and y in memory; 64 evenly spread samples of a
 * source (image folders, read on demand). 0, or -1 with the error set. */
int nnrt_data_fingerprint(nnc_model *m, const nnrt_samples *set, uint64_t *out);

#endif

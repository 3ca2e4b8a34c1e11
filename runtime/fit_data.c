/* The data side of the fit loop: each epoch's order and the training data's
 * fingerprint (see fit_data.h). */
#include "runtime/fit_data.h"

#include "runtime/internal.h"

#include <stdlib.h>
#include <string.h>

static uint64_t splitmix(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Each epoch's order from (seed, epoch) alone, so a resumed fit repeats it. */
void nnrt_epoch_order(int64_t *order, int64_t n, uint64_t seed, int64_t epoch, int shuffle) {
  for (int64_t i = 0; i < n; ++i)
    order[i] = i;
  uint64_t state = seed * 0x2545F4914F6CDD1Dull + (uint64_t)epoch;
  for (int64_t i = n - 1; shuffle && i > 0; --i) {
    int64_t j = (int64_t)(splitmix(&state) % (uint64_t)(i + 1));
    int64_t t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

/* FNV-1a 64 over 8-byte words (then the tail's bytes): ~1 GB/s. */
static uint64_t fnv_words(uint64_t h, const void *data, size_t bytes) {
  const unsigned char *b = data;
  size_t i = 0;
  for (; i + 8 <= bytes; i += 8) {
    uint64_t w;
    memcpy(&w, b + i, 8);
    h = (h ^ w) * 0x100000001B3ull;
  }
  for (; i < bytes; ++i)
    h = (h ^ b[i]) * 0x100000001B3ull;
  return h;
}

/* The training data's fingerprint, stored with the fit state so that --resume refuses
 * other data of the same size: all of x and y in memory; 64 evenly spread samples of a
 * source (image folders, read on demand). */
int nnrt_data_fingerprint(nnc_model *m, const nnrt_samples *set, uint64_t *out) {
  enum { kProbes = 64 };
  int64_t in = m->desc[NNRT_DESC_INPUT], lab = m->desc[NNRT_DESC_LABELS], n = set->n;
  int64_t head[3] = {n, in, lab};
  uint64_t h = fnv_words(0xCBF29CE484222325ull, head, sizeof head);
  if (!set->source) {
    h = fnv_words(h, set->x, (size_t)(n * in) * sizeof(float));
    *out = fnv_words(h, set->y, (size_t)(n * lab) * sizeof(float));
    return 0;
  }
  int64_t count = n < kProbes ? n : kProbes, index[kProbes];
  for (int64_t k = 0; k < count; ++k)
    index[k] = count > 1 ? (int64_t)((double)k * (double)(n - 1) / (double)(count - 1)) : 0;
  float *x = malloc((size_t)(count * in) * sizeof(float));
  float *y = malloc((size_t)(count * lab) * sizeof(float));
  int rc = x && y ? nnrt_gather(m, set, index, count, x, y) : nnrt_fail("fit: out of memory");
  if (rc == 0) {
    h = fnv_words(h, x, (size_t)(count * in) * sizeof(float));
    *out = fnv_words(h, y, (size_t)(count * lab) * sizeof(float));
  }
  free(x);
  free(y);
  return rc;
}

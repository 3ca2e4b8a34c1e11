/* .npy arrays (NumPy's format 1.0 / 2.0 / 3.0) of float32 or uint8, read as floats. */
#ifndef NNRT_NPY_H
#define NNRT_NPY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { NNRT_NPY_MAX_RANK = 32 };

typedef struct {
  float *data;    /* count floats (malloc'd) */
  int64_t count;  /* the product of the shape */
  int rank;
  int64_t shape[NNRT_NPY_MAX_RANK];
} nnrt_npy;

/* Parses the .npy file `b` (size bytes) read from `path`. The header is validated in
 * full: version, a terminated dict with exactly descr, fortran_order and shape, dtype
 * '<f4' or '|u1', C order, positive dimensions, and a data part of exactly the shape's
 * bytes. Float values that are nan or infinite are refused (naming the element) unless
 * allow_nonfinite. Returns 1 (out filled), 0 when `b` is not a .npy file (no magic
 * string), or -1 with nnc_last_error() set. */
int nnrt_npy_parse(const char *path, const unsigned char *b, size_t size, int allow_nonfinite,
                   nnrt_npy *out);

/* The shape as "(2, 28, 28)" into buf. */
void nnrt_npy_shape_text(const nnrt_npy *a, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif

#endif

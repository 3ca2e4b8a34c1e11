/* Kernels run with flush-to-zero and denormals-are-zero, and the caller's MXCSR is
 * the same after every call as before it. argv[1]: "check" (the default), or "time":
 * predicts on subnormal inputs for a while and prints the rate. */
#include "halve.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xmmintrin.h>

enum { kSamples = 1 << 16 }; /* large enough for the pool's threads to take part */

int main(void) {
  float *x = malloc(sizeof(float) * kSamples * HALVE_INPUT_SIZE);
  float *y = malloc(sizeof(float) * kSamples * HALVE_OUTPUT_SIZE);
  for (int i = 0; i < kSamples * HALVE_INPUT_SIZE; ++i)
    x[i] = i % 2 ? FLT_MIN : FLT_MIN / 4; /* a normal whose half is subnormal; a subnormal */
  nnc_model *m = halve_create(1);
  unsigned states[] = {_mm_getcsr() & ~0x8040u, _mm_getcsr() | 0x8040u, 0x1f80u | 0x6000u};
  for (int s = 0; s < 3; ++s) {
    _mm_setcsr(states[s]);
    int rc = halve_predict(m, x, kSamples, y);
    unsigned after = _mm_getcsr();
    _mm_setcsr(0x1f80);
    int flushed = 0;
    for (int i = 0; i < kSamples * HALVE_OUTPUT_SIZE; ++i)
      flushed += y[i] == 0.0f;
    printf("caller MXCSR %#x: rc %d, after %#x (%s), outputs flushed %d of %d\n", states[s], rc,
           after, after == states[s] ? "unchanged" : "CHANGED", flushed,
           kSamples * HALVE_OUTPUT_SIZE);
  }
  /* The host's own arithmetic keeps subnormals. */
  volatile float tiny = FLT_MIN;
  printf("host FLT_MIN/2 after the calls: %s\n", tiny / 2 != 0 ? "subnormal" : "flushed");
  halve_destroy(m);
  free(x);
  free(y);
  return 0;
}

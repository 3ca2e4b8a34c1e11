/* Keras's weight initializers, drawn from a seeded counter-based generator so that
 * NAME_create(seed) gives the same weights on every run and every machine. */
#include "runtime/internal.h"

#include <math.h>

/* SplitMix64 of (seed, variable, element): independent of evaluation order. */
static uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/* Uniform in (0, 1). */
static double uniform(uint64_t seed, int64_t var, int64_t i, uint64_t draw) {
  uint64_t bits = mix(mix(mix(seed) ^ (uint64_t)var) ^ ((uint64_t)i << 8 ^ draw));
  return ((bits >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* Normal truncated at two standard deviations (Keras redraws outside), unit scale. */
static double truncated_normal(uint64_t seed, int64_t var, int64_t i) {
  for (uint64_t draw = 0;; draw += 2) {
    double u1 = uniform(seed, var, i, draw), u2 = uniform(seed, var, i, draw + 1);
    double z = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
    if (fabs(z) <= 2.0)
      return z;
  }
}

void nnrt_init_variable(float *data, const int64_t *var, uint64_t seed, int64_t index) {
  int64_t count = var[NNRT_VAR_COUNT];
  double fan_in = (double)var[NNRT_VAR_FAN_IN], fan_out = (double)var[NNRT_VAR_FAN_OUT];
  double limit = 0, stddev = 0;
  /* Keras's truncated normal divides by the std of a unit normal truncated at 2. */
  const double trunc = 0.87962566103423978;
  switch (var[NNRT_VAR_INIT]) {
  case NNRT_INIT_ONES:
    for (int64_t i = 0; i < count; ++i)
      data[i] = 1.0f;
    return;
  case NNRT_INIT_GLOROT_UNIFORM: limit = sqrt(6.0 / (fan_in + fan_out)); break;
  case NNRT_INIT_HE_UNIFORM: limit = sqrt(6.0 / fan_in); break;
  case NNRT_INIT_LECUN_UNIFORM: limit = sqrt(3.0 / fan_in); break;
  case NNRT_INIT_GLOROT_NORMAL: stddev = sqrt(2.0 / (fan_in + fan_out)) / trunc; break;
  case NNRT_INIT_HE_NORMAL: stddev = sqrt(2.0 / fan_in) / trunc; break;
  case NNRT_INIT_LECUN_NORMAL: stddev = sqrt(1.0 / fan_in) / trunc; break;
  default:
    for (int64_t i = 0; i < count; ++i)
      data[i] = 0.0f;
    return;
  }
  for (int64_t i = 0; i < count; ++i)
    data[i] = limit > 0 ? (float)((2.0 * uniform(seed, index, i, 0) - 1.0) * limit)
                        : (float)(truncated_normal(seed, index, i) * stddev);
}

/* BatchNormalization's moving statistics: after each train step they are
 *   moving = moving * momentum + batch * (1 - momentum)
 * (the batch variance biased for 2-D inputs, unbiased for feature maps, as Keras),
 * checked against the batch computed here in double; then predict() serves them:
 * its outputs equal a reference forward pass (normalised with the moving statistics,
 * gamma, beta, then Dense + softmax) computed here from the model's weights.
 * Builds like predict_main.c (-DHEADER, -DNAME, -DUNAME); reads the weights through
 * the runtime's internal struct. usage: bn_moving MOMENTUM EPSILON UNBIASED(0|1) */
#include HEADER
#include "runtime/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define FN(verb) CAT(NAME, verb)
#define IN_SIZE CAT(UNAME, _INPUT_SIZE)
#define OUT_SIZE CAT(UNAME, _OUTPUT_SIZE)

enum { N = 8, STEPS = 3 };

static float *var(nnc_model *m, const char *suffix, int64_t *count) {
  size_t ls = strlen(suffix);
  for (int64_t v = 0; v < m->nvars; ++v) {
    size_t ln = strlen(m->names[v]);
    if (ln >= ls && strcmp(m->names[v] + ln - ls, suffix) == 0) {
      if (count)
        *count = nnrt_var(m, v)[NNRT_VAR_COUNT];
      return m->weights[v];
    }
  }
  fprintf(stderr, "FAILED: no variable ending in '%s'\n", suffix);
  exit(1);
}

static double worst = 0;
static void expect(const char *what, int c, double got, double want) {
  double err = fabs(got - want) / fmax(1.0, fabs(want));
  if (err > worst)
    worst = err;
  if (err > 1e-5)
    printf("MISMATCH %s[%d]: %.8g, expected %.8g\n", what, c, got, want);
}

int main(int argc, char **argv) {
  if (argc != 4)
    return fprintf(stderr, "usage: bn_moving MOMENTUM EPSILON UNBIASED\n"), 2;
  double momentum = atof(argv[1]), epsilon = atof(argv[2]);
  int unbiased = atoi(argv[3]);
  nnc_model *m = FN(_create)(3);
  int64_t channels;
  float *mm = var(m, ".moving_mean", &channels), *mv = var(m, ".moving_variance", NULL);
  float *gamma = var(m, ".gamma", NULL), *beta = var(m, ".beta", NULL);
  float *kernel = var(m, ".kernel", NULL), *bias = var(m, "dense.bias", NULL);
  int64_t spatial = IN_SIZE / channels;
  float x[N * IN_SIZE], y[N], out[N * OUT_SIZE], loss;
  double expMean[64], expVar[64];
  for (int64_t c = 0; c < channels; ++c)
    expMean[c] = 0, expVar[c] = 1;
  uint32_t state = 7;
  for (int step = 0; step < STEPS; ++step) {
    /* Channel c is centred on 2c + step with a spread that grows with c. */
    for (int i = 0; i < N * IN_SIZE; ++i) {
      state = state * 1664525u + 1013904223u;
      int c = i % channels;
      x[i] = (float)(2 * c + step + (1 + c) * ((double)(state >> 8) / (1 << 24) - 0.5));
    }
    for (int i = 0; i < N; ++i)
      y[i] = (float)(i % OUT_SIZE);
    if (FN(_train_step)(m, x, y, N, &loss) != 0)
      return fprintf(stderr, "FAILED: train_step: %s\n", nnc_last_error()), 1;
    for (int64_t c = 0; c < channels; ++c) {
      double sum = 0, sq = 0, count = (double)N * spatial;
      for (int i = 0; i < N * spatial; ++i)
        sum += x[i * channels + c];
      double mean = sum / count;
      for (int i = 0; i < N * spatial; ++i)
        sq += (x[i * channels + c] - mean) * (x[i * channels + c] - mean);
      double variance = sq / (unbiased ? count - 1 : count);
      expMean[c] = expMean[c] * momentum + mean * (1 - momentum);
      expVar[c] = expVar[c] * momentum + variance * (1 - momentum);
      expect("moving_mean", (int)c, mm[c], expMean[c]);
      expect("moving_variance", (int)c, mv[c], expVar[c]);
    }
  }
  /* predict() normalises with the moving statistics. */
  if (FN(_predict)(m, x, N, out) != 0)
    return fprintf(stderr, "FAILED: predict: %s\n", nnc_last_error()), 1;
  for (int i = 0; i < N; ++i) {
    double z[OUT_SIZE], top = -1e300, total = 0;
    for (int o = 0; o < OUT_SIZE; ++o) {
      z[o] = bias[o];
      for (int f = 0; f < IN_SIZE; ++f) {
        int c = f % channels;
        double h = (x[i * IN_SIZE + f] - mm[c]) / sqrt(mv[c] + epsilon) * gamma[c] + beta[c];
        z[o] += h * kernel[f * OUT_SIZE + o];
      }
      top = fmax(top, z[o]);
    }
    for (int o = 0; o < OUT_SIZE; ++o)
      total += exp(z[o] - top);
    for (int o = 0; o < OUT_SIZE; ++o)
      expect("prediction", i * OUT_SIZE + o, out[i * OUT_SIZE + o], exp(z[o] - top) / total);
  }
  printf("%lld channels, %d steps: worst relative difference %.2e\n", (long long)channels, STEPS,
         worst);
  FN(_destroy)(m);
  if (worst > 1e-5)
    return printf("FAILED\n"), 1;
  printf("ok\n");
  return 0;
}

/* Whole-pipeline gradient check: the compiled train step's gradient against central
 * differences of the compiled loss. The model trains with SGD(learning_rate=1), so one
 * step moves every trainable weight by exactly minus its gradient: g = w0 - w1.
 * Builds like predict_main.c (-DHEADER, -DNAME, -DUNAME) and reads the weights through
 * the runtime's internal model struct.
 * usage: gradcheck N LABELS [train]   LABELS: sparse|onehot|binary|real|heads
 * (heads: each head of a model of several outputs gets the labels its loss takes).
 * With `train`, the loss differentiated is the training-mode one (BatchNormalization on
 * the batch's statistics, Dropout's mask): the train step's own loss, taken with every
 * variable (moving statistics, the step counter that draws the mask) restored after
 * each step, so that each evaluation sees the same mask and the same state. */
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
#define LABEL_SIZE CAT(UNAME, _LABEL_SIZE)
#define METRICS CAT(UNAME, _METRIC_COUNT)

static uint32_t state = 2024;
static float uniform(void) { /* [0, 1) */
  state = state * 1664525u + 1013904223u;
  return (float)(state >> 8) / (float)(1u << 24);
}

static int training_mode;

/* Every variable's values, to put back after a training-mode evaluation. */
static float **snapshot(nnc_model *m) {
  float **copy = calloc(m->nvars, sizeof *copy);
  for (int64_t v = 0; v < m->nvars; ++v) {
    size_t bytes = nnrt_var(m, v)[NNRT_VAR_COUNT] * sizeof(float);
    copy[v] = malloc(bytes);
    memcpy(copy[v], m->weights[v], bytes);
  }
  return copy;
}

static void put_back(nnc_model *m, float **copy) {
  for (int64_t v = 0; v < m->nvars; ++v)
    memcpy(m->weights[v], copy[v], nnrt_var(m, v)[NNRT_VAR_COUNT] * sizeof(float));
}

static void release(nnc_model *m, float **copy) {
  for (int64_t v = 0; v < m->nvars; ++v)
    free(copy[v]);
  free(copy);
}

static double loss_at(nnc_model *m, const float *x, const float *y, int64_t n) {
  float loss, metrics[METRICS + 1];
  if (training_mode) {
    float **state = snapshot(m);
    int rc = FN(_train_step)(m, x, y, n, &loss);
    put_back(m, state);
    release(m, state);
    if (rc != 0) {
      fprintf(stderr, "FAILED: train_step (%s)\n", nnc_last_error());
      exit(1);
    }
    return loss;
  }
  if (FN(_evaluate)(m, x, y, n, &loss, metrics) != 0) {
    fprintf(stderr, "FAILED: evaluate (%s)\n", nnc_last_error());
    exit(1);
  }
  return loss;
}

int main(int argc, char **argv) {
  if (argc < 3)
    return fprintf(stderr, "usage: gradcheck N LABELS\n"), 2;
  int64_t n = atoll(argv[1]);
  const char *mode = argv[2];
  training_mode = argc > 3 && !strcmp(argv[3], "train");
  nnc_model *m = FN(_create)(5);
  float *x = malloc(sizeof(float) * n * IN_SIZE), *y = calloc(n * LABEL_SIZE, sizeof(float));
  for (int64_t i = 0; i < n * IN_SIZE; ++i)
    x[i] = 2 * uniform() - 1;
  for (int64_t s = 0; !strcmp(mode, "heads") && s < n; ++s)
    for (int64_t h = 0; h < m->desc[NNRT_DESC_HEADS]; ++h) {
      const int64_t *head = nnrt_head(m->desc, h);
      int64_t loss = head[NNRT_HEAD_LOSS], size = head[NNRT_HEAD_LABEL_SIZE];
      int cls = (int)(uniform() * head[NNRT_HEAD_OUTPUT_SIZE]);
      for (int64_t c = 0; c < size; ++c) {
        float *t = &y[s * LABEL_SIZE + head[NNRT_HEAD_LABEL_OFFSET] + c];
        *t = loss == NNRT_LOSS_SPARSE_CATEGORICAL ? (float)cls
             : loss == NNRT_LOSS_CATEGORICAL      ? (float)(c == cls)
             : loss == NNRT_LOSS_BINARY           ? (float)(uniform() < 0.5f)
                                                  : 2 * uniform() - 1;
      }
    }
  for (int64_t s = 0; strcmp(mode, "heads") && s < n; ++s) {
    int cls = (int)(uniform() * OUT_SIZE);
    for (int64_t c = 0; c < LABEL_SIZE; ++c) {
      float *t = &y[s * LABEL_SIZE + c];
      if (!strcmp(mode, "sparse"))
        *t = (float)cls;
      else if (!strcmp(mode, "onehot"))
        *t = c == cls;
      else if (!strcmp(mode, "binary"))
        *t = uniform() < 0.5f;
      else
        *t = 2 * uniform() - 1;
    }
  }
  /* w0 (every variable), then one step: g = w0 - w1. */
  float **w0 = snapshot(m), **grad = calloc(m->nvars, sizeof *grad);
  float stepLoss;
  if (FN(_train_step)(m, x, y, n, &stepLoss) != 0)
    return fprintf(stderr, "FAILED: train_step (%s)\n", nnc_last_error()), 1;
  /* The gradient from the trainable weights' change; then every variable as before
   * the step (the moving statistics and the step counter too). */
  for (int64_t v = 0; v < m->nvars; ++v) {
    int64_t count = nnrt_var(m, v)[NNRT_VAR_COUNT];
    grad[v] = malloc(count * sizeof(float));
    for (int64_t i = 0; i < count; ++i)
      grad[v][i] = w0[v][i] - m->weights[v][i];
  }
  put_back(m, w0);
  double base = loss_at(m, x, y, n);
  if (fabs(base - stepLoss) > 1e-5 * fmax(1, fabs(base)))
    return fprintf(stderr, "FAILED: train_step loss %g != evaluate loss %g\n", stepLoss, base), 1;
  /* Central differences of the loss along directions in each trainable tensor: the
   * gradient's own (derivative |g|) and a random one r (derivative g.r), both unit
   * length. Per-element differences would drown small entries in float32 noise. */
  const double h = getenv("GRADCHECK_H") ? atof(getenv("GRADCHECK_H")) : 1e-2;
  double worst = 0;
  int checked = 0;
  for (int64_t v = 0; v < m->nvars; ++v) {
    if (nnrt_var(m, v)[NNRT_VAR_ROLE] != NNRT_ROLE_TRAINABLE)
      continue;
    int64_t count = nnrt_var(m, v)[NNRT_VAR_COUNT];
    double *dir = malloc(count * sizeof(double));
    double norm = 0;
    for (int64_t i = 0; i < count; ++i)
      norm += (double)grad[v][i] * grad[v][i];
    norm = sqrt(norm);
    for (int pass = 0; pass < 2; ++pass) {
      double len = 0, expect = 0;
      for (int64_t i = 0; i < count; ++i) {
        dir[i] = pass == 0 ? grad[v][i] : 2 * uniform() - 1;
        len += dir[i] * dir[i];
      }
      len = sqrt(len);
      for (int64_t i = 0; i < count; ++i) {
        dir[i] = len > 0 ? dir[i] / len : 0;
        expect += dir[i] * grad[v][i];
      }
      for (int64_t i = 0; i < count; ++i)
        m->weights[v][i] = (float)(w0[v][i] + h * dir[i]);
      double up = loss_at(m, x, y, n);
      for (int64_t i = 0; i < count; ++i)
        m->weights[v][i] = (float)(w0[v][i] - h * dir[i]);
      double down = loss_at(m, x, y, n);
      memcpy(m->weights[v], w0[v], count * sizeof(float));
      double fd = (up - down) / (2 * h);
      /* Relative to the gradient's norm, or to 0.1 for a tensor whose gradient is
       * (nearly) zero (a bias before BatchNormalization in training): the float32
       * loss's rounding leaves ~1e-5 of noise in a difference quotient. */
      double err = fabs(fd - expect) / fmax(norm, 0.1);
      if (err > worst)
        worst = err;
      if (err > 1e-3)
        fprintf(stderr, "MISMATCH %s along %s: train step %.6g, finite difference %.6g\n",
                m->names[v], pass ? "a random direction" : "its gradient", expect, fd);
      ++checked;
    }
    free(dir);
  }
  printf("checked %d directional derivatives, max relative error %.2e\n", checked, worst);
  for (int64_t v = 0; v < m->nvars; ++v)
    free(grad[v]);
  release(m, w0);
  free(grad);
  free(x);
  free(y);
  FN(_destroy)(m);
  if (worst > 1e-3)
    return fprintf(stderr, "FAILED: gradient mismatch\n"), 1;
  printf("ok\n");
  return 0;
}

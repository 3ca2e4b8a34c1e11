/* The fit loop (see fit.h). */
#include "runtime/fit.h"

#include "runtime/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { kMaxMetrics = 64 };

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint64_t splitmix(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static void shuffle(int64_t *order, int64_t n, uint64_t seed, int64_t epoch) {
  uint64_t state = seed * 0x2545F4914F6CDD1Dull + (uint64_t)epoch;
  for (int64_t i = n - 1; i > 0; --i) {
    int64_t j = (int64_t)(splitmix(&state) % (uint64_t)(i + 1));
    int64_t t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

/* "1875/1875 [==============================] - 3s 2ms/step - loss: 0.4000 - accuracy: 0.8600" */
static void progress(FILE *out, int64_t done, int64_t steps, double elapsed, int final,
                     const char **names, int64_t nm, const double *sums, int64_t seen) {
  int width = 30, filled = steps ? (int)(width * done / steps) : width;
  char bar[32];
  for (int i = 0; i < width; ++i)
    bar[i] = i < filled ? '=' : (i == filled && !final ? '>' : '.');
  if (final)
    memset(bar, '=', (size_t)width);
  bar[width] = 0;
  int digits = snprintf(NULL, 0, "%lld", (long long)steps);
  fprintf(out, "%*lld/%lld [%s] - ", digits, (long long)done, (long long)steps, bar);
  if (final) {
    double perStep = done ? elapsed / (double)done : 0;
    fprintf(out, "%.0fs %.0f%s/step", elapsed, perStep >= 1 ? perStep : perStep * 1e3,
            perStep >= 1 ? "s" : "ms");
  } else {
    double eta = done ? elapsed / (double)done * (double)(steps - done) : 0;
    fprintf(out, "ETA: %.0fs", eta);
  }
  fprintf(out, " - loss: %.4f", sums[0] / (double)seen);
  for (int64_t i = 0; i < nm; ++i)
    fprintf(out, " - %s: %.4f", names[i], sums[1 + i] / (double)seen);
}

int nnrt_fit(nnc_model *m, nnrt_samples train, nnrt_samples val, const nnrt_fit_options *o) {
  if (!m || !o)
    return nnrt_fail("fit: null model or options");
  if (train.n <= 0)
    return nnrt_fail("fit: no training samples");
  if (o->batch_size <= 0 || o->epochs < 0 || o->initial_epoch < 0)
    return nnrt_fail("fit: batch size and epochs must be positive");
  int64_t nm = m->desc[NNRT_DESC_METRICS];
  if (nm > kMaxMetrics)
    return nnrt_fail("fit: too many metrics");
  int64_t in = m->desc[NNRT_DESC_INPUT], lab = m->desc[NNRT_DESC_LABELS];
  int64_t batch = o->batch_size < train.n ? o->batch_size : train.n;
  int64_t steps = (train.n + batch - 1) / batch;
  int64_t *order = malloc((size_t)train.n * sizeof *order);
  float *bx = malloc((size_t)(batch * in) * sizeof(float));
  float *by = malloc((size_t)(batch * lab) * sizeof(float));
  FILE *history = NULL;
  int rc = 0;
  if (!order || !bx || !by) {
    rc = nnrt_fail("fit: out of memory");
    goto done;
  }
  if (o->history_path) {
    history = fopen(o->history_path, "w");
    if (!history) {
      rc = nnrt_fail("fit: cannot write history '%s'", o->history_path);
      goto done;
    }
    fprintf(history, "epoch,loss");
    for (int64_t i = 0; i < nm; ++i)
      fprintf(history, ",%s", m->metric_names[i]);
    if (val.n > 0) {
      fprintf(history, ",val_loss");
      for (int64_t i = 0; i < nm; ++i)
        fprintf(history, ",val_%s", m->metric_names[i]);
    }
    fprintf(history, "\n");
  }
  int tty = isatty(fileno(stdout));
  for (int64_t i = 0; i < train.n; ++i)
    order[i] = i;
  for (int64_t epoch = o->initial_epoch; epoch < o->epochs; ++epoch) {
    if (o->shuffle) { /* each epoch's order from (seed, epoch) alone: resuming repeats it */
      for (int64_t i = 0; i < train.n; ++i)
        order[i] = i;
      shuffle(order, train.n, o->seed, epoch);
    }
    if (o->verbose)
      printf("Epoch %lld/%lld\n", (long long)epoch + 1, (long long)o->epochs);
    double sums[1 + kMaxMetrics] = {0}, start = now(), lastDraw = 0;
    int64_t seen = 0;
    for (int64_t s = 0; s < steps; ++s) {
      int64_t first = s * batch, count = train.n - first < batch ? train.n - first : batch;
      for (int64_t k = 0; k < count; ++k) {
        int64_t src = order[first + k];
        memcpy(bx + k * in, train.x + src * in, (size_t)in * sizeof(float));
        memcpy(by + k * lab, train.y + src * lab, (size_t)lab * sizeof(float));
      }
      float loss, metrics[kMaxMetrics];
      if (nnrt_train_step(m, bx, by, count, &loss, metrics) != 0) {
        rc = -1;
        if (o->verbose)
          printf("\n");
        goto done;
      }
      sums[0] += (double)loss * (double)count;
      for (int64_t i = 0; i < nm; ++i)
        sums[1 + i] += (double)metrics[i] * (double)count;
      seen += count;
      double t = now() - start;
      if (o->verbose && tty && (t - lastDraw > 0.1 || s + 1 == steps)) {
        lastDraw = t;
        printf("\r");
        progress(stdout, s + 1, steps, t, 0, m->metric_names, nm, sums, seen);
        fflush(stdout);
      }
    }
    double elapsed = now() - start;
    float vloss = 0, vmetrics[kMaxMetrics];
    if (val.n > 0 && nnrt_evaluate(m, val.x, val.y, val.n, &vloss, vmetrics) != 0) {
      rc = -1;
      goto done;
    }
    if (o->verbose) {
      if (tty)
        printf("\r");
      progress(stdout, steps, steps, elapsed, 1, m->metric_names, nm, sums, seen);
      if (val.n > 0) {
        printf(" - val_loss: %.4f", vloss);
        for (int64_t i = 0; i < nm; ++i)
          printf(" - val_%s: %.4f", m->metric_names[i], vmetrics[i]);
      }
      printf("\n");
      fflush(stdout);
    }
    if (history) {
      fprintf(history, "%lld,%.6g", (long long)epoch, sums[0] / (double)seen);
      for (int64_t i = 0; i < nm; ++i)
        fprintf(history, ",%.6g", sums[1 + i] / (double)seen);
      if (val.n > 0) {
        fprintf(history, ",%.6g", vloss);
        for (int64_t i = 0; i < nm; ++i)
          fprintf(history, ",%.6g", vmetrics[i]);
      }
      fprintf(history, "\n");
      fflush(history);
    }
    if (o->save_path && nnrt_save(m, o->save_path) != 0) {
      rc = -1;
      goto done;
    }
  }
done:
  if (history && fclose(history) != 0 && rc == 0)
    rc = nnrt_fail("fit: cannot write history '%s'", o->history_path);
  free(order);
  free(bx);
  free(by);
  return rc;
}

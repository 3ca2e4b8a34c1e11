/* The fit loop (see fit.h). */
#include "runtime/fit.h"
#include "runtime/fit_data.h"
#include "runtime/history.h"
#include "runtime/internal.h"

#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { kMaxMetrics = 64, kStateVersion = 1 };

static volatile sig_atomic_t interrupted;
static void on_sigint(int sig) {
  (void)sig;
  interrupted = 1;
}

void nnrt_fit_catch_sigint(struct sigaction *previous) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_sigint;
  sigaction(SIGINT, &action, previous);
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* "1875/1875 [==============================] - 3s 2ms/step - loss: 0.4000 - accuracy: 0.8600" */
static void progress(FILE *out, int64_t done, int64_t steps, double elapsed, int final,
                     const char **names, int64_t nm, const double *sums, int64_t seen) {
  int width = 30, filled = steps ? (int)(width * done / steps) : width;
  char bar[32];
  for (int i = 0; i < width; ++i)
    bar[i] = final || i < filled ? '=' : (i == filled ? '>' : '.');
  bar[width] = 0;
  int digits = snprintf(NULL, 0, "%lld", (long long)steps);
  fprintf(out, "%*lld/%lld [%s] - ", digits, (long long)done, (long long)steps, bar);
  if (final) {
    double perStep = done ? elapsed / (double)done : 0;
    fprintf(out, "%.0fs %.0f%s/step", elapsed, perStep >= 1 ? perStep : perStep * 1e3,
            perStep >= 1 ? "s" : "ms");
  } else {
    fprintf(out, "ETA: %.0fs", done ? elapsed / (double)done * (double)(steps - done) : 0);
  }
  fprintf(out, " - loss: %.4f", seen ? sums[0] / (double)seen : 0);
  for (int64_t i = 0; i < nm; ++i)
    fprintf(out, " - %s: %.4f", names[i], seen ? sums[1 + i] / (double)seen : 0);
}

/* Where the fit stands: what a resumed fit needs to continue bit for bit. */
typedef struct {
  int64_t epoch, step, seen, batch, n, stopped;
  uint64_t seed;
  double sums[1 + kMaxMetrics];
  uint64_t data; /* the training data's fingerprint (0: none, a checkpoint before it) */
} position;

/* The fit state as "fit/..." records of a checkpoint: doubles stored bit for bit. */
typedef struct {
  double *values;
  int64_t count, cap;
} doubles;

static int push(doubles *d, double v) {
  if (d->count == d->cap) {
    int64_t cap = d->cap ? d->cap * 2 : 256;
    double *grown = realloc(d->values, (size_t)cap * sizeof *grown);
    if (!grown)
      return nnrt_fail("fit: out of memory");
    d->values = grown;
    d->cap = cap;
  }
  d->values[d->count++] = v;
  return 0;
}

static int save_state(nnc_model *m, const char *path, const position *pos,
                      const nnrt_fit_options *o, const nnrt_history *h) {
  doubles state = {0}, hist = {0};
  int64_t nm = m->desc[NNRT_DESC_METRICS];
  if (nnrt_check_finite_weights(m, path) != 0)
    return -1;
  double head[] = {kStateVersion, (double)pos->epoch, (double)pos->step, (double)pos->seen,
                   (double)pos->batch, (double)pos->n, (double)pos->stopped,
                   (double)(pos->seed >> 32), (double)(pos->seed & 0xFFFFFFFFu),
                   (double)nm, (double)o->ncallbacks};
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < sizeof head / sizeof *head; ++i)
    rc = push(&state, head[i]);
  for (int64_t i = 0; rc == 0 && i <= nm; ++i)
    rc = push(&state, pos->sums[i]);
  for (int i = 0; rc == 0 && i < o->ncallbacks; ++i) {
    const nnrt_callback *cb = &o->callbacks[i];
    double v[] = {cb->best, (double)cb->wait, (double)cb->best_epoch, (double)cb->stopped_epoch,
                  cb->best_weights != NULL};
    for (size_t k = 0; rc == 0 && k < 5; ++k)
      rc = push(&state, v[k]);
  }
  rc = rc ? rc : push(&hist, h->columns);
  for (int64_t r = 0; rc == 0 && r < h->epochs; ++r) {
    rc = push(&hist, (double)h->epoch[r]);
    for (int c = 0; rc == 0 && c < h->columns; ++c)
      rc = push(&hist, h->values[r * h->columns + c]);
  }
  /* records: state, history, the data's fingerprint, then each callback's best weights */
  double data[2] = {(double)(pos->data >> 32), (double)(pos->data & 0xFFFFFFFFu)};
  int nrec = 3, cap = 3 + o->ncallbacks * (int)m->nvars;
  nnrt_record *recs = calloc((size_t)cap, sizeof *recs);
  if (!recs && rc == 0)
    rc = nnrt_fail("fit: out of memory");
  if (recs && rc == 0) {
    snprintf(recs[0].name, sizeof recs[0].name, "fit/state");
    recs[0].count = state.count * 2;
    recs[0].data = (const float *)state.values;
    snprintf(recs[1].name, sizeof recs[1].name, "fit/history");
    recs[1].count = hist.count * 2;
    recs[1].data = (const float *)hist.values;
    snprintf(recs[2].name, sizeof recs[2].name, "fit/data");
    recs[2].count = 4;
    recs[2].data = (const float *)data;
    for (int i = 0; i < o->ncallbacks; ++i)
      for (int64_t v = 0; o->callbacks[i].best_weights && v < m->nvars; ++v)
        if (o->callbacks[i].best_weights[v]) {
          snprintf(recs[nrec].name, sizeof recs[nrec].name, "fit/best%d/%s", i, m->names[v]);
          recs[nrec].count = nnrt_var(m, v)[NNRT_VAR_COUNT];
          recs[nrec].data = o->callbacks[i].best_weights[v];
          ++nrec;
        }
    rc = nnrt_save_with(m, path, recs, nrec);
  }
  free(recs);
  free(state.values);
  free(hist.values);
  return rc;
}

typedef struct {
  nnc_model *m;
  const nnrt_fit_options *o;
  position *pos;
  nnrt_history *h;
  int found;
  int has_data;  /* the checkpoint holds fit/data (older ones do not) */
  uint64_t data; /* its fingerprint */
} restore_ctx;

/* A whole number in [lo, hi]: what every count of the fit state must be. */
static int whole(double v, double lo, double hi) { return v >= lo && v <= hi && v == floor(v); }

static int corrupt(const restore_ctx *c, const char *field, double v) {
  return nnrt_fail("checkpoint '%s': its fit state is corrupt (%s %.17g)", c->o->resume_path,
                   field, v);
}

/* Every field of a fit/state record (d, count doubles, already matched to the model):
 * out-of-range values gave negative epochs, epochs of 10^12 and casts of NaN. */
static int check_state(const restore_ctx *c, const double *d, int64_t nm) {
  static const char *const names[] = {"epoch", "step", "samples seen", "batch size",
                                      "sample count", "stopped flag", "seed", "seed"};
  const double kMax = 9007199254740992.0; /* 2^53: doubles hold every whole number below */
  const double hi[] = {2147483647.0, kMax, kMax, kMax, kMax, 1, 4294967295.0, 4294967295.0};
  const double lo[] = {0, 0, 0, 1, 1, 0, 0, 0};
  for (int i = 0; i < 8; ++i)
    if (!whole(d[1 + i], lo[i], hi[i]))
      return corrupt(c, names[i], d[1 + i]);
  if (d[3] > d[5])
    return corrupt(c, "samples seen", d[3]);
  for (int64_t i = 0; i <= nm; ++i)
    if (isinf(d[11 + i]))
      return corrupt(c, "metric sum", d[11 + i]);
  for (int i = 0; i < c->o->ncallbacks; ++i) {
    const double *v = d + 11 + nm + 1 + 5 * i;
    if (isnan(v[0]))
      return corrupt(c, "callback best", v[0]);
    if (!whole(v[1], 0, 2147483647.0))
      return corrupt(c, "callback wait", v[1]);
    if (!whole(v[2], -1, 2147483647.0))
      return corrupt(c, "callback best epoch", v[2]);
    if (!whole(v[3], -1, 2147483647.0))
      return corrupt(c, "callback stopped epoch", v[3]);
    if (v[4] != 0 && v[4] != 1)
      return corrupt(c, "callback best-weights flag", v[4]);
  }
  return 0;
}

/* The history record: a column count, then rows of an epoch and that many values. */
static int check_history(const restore_ctx *c, const double *d, int64_t count) {
  if (count == 0)
    return 0;
  if (!whole(d[0], 0, 2 * (1 + kMaxMetrics)))
    return corrupt(c, "history columns", d[0]);
  int64_t row = 1 + (int64_t)d[0];
  if ((count - 1) % row != 0)
    return corrupt(c, "history values", (double)(count - 1));
  for (int64_t at = 1; at < count; at += row)
    if (!whole(d[at], 0, 2147483647.0))
      return corrupt(c, "history epoch", d[at]);
  return 0;
}

static int restore_record(const nnrt_record *r, void *arg) {
  restore_ctx *c = arg;
  int64_t count = r->count / 2;
  double *d = malloc((size_t)(count + 1) * sizeof *d);
  if (!d)
    return nnrt_fail("resume: out of memory");
  memcpy(d, r->data, (size_t)count * sizeof *d);
  int rc = 0;
  if (!strcmp(r->name, "fit/state")) {
    position *p = c->pos;
    int64_t nm = c->m->desc[NNRT_DESC_METRICS];
    if (count < 11 || d[0] != kStateVersion || d[9] != (double)nm ||
        d[10] != c->o->ncallbacks || count != 11 + nm + 1 + 5 * (int64_t)d[10]) {
      free(d);
      return nnrt_fail("resume: the fit state does not match this model and its callbacks");
    }
    if (check_state(c, d, nm) != 0) {
      free(d);
      return -1;
    }
    p->epoch = (int64_t)d[1];
    p->step = (int64_t)d[2];
    p->seen = (int64_t)d[3];
    p->batch = (int64_t)d[4];
    p->n = (int64_t)d[5];
    p->stopped = (int64_t)d[6];
    p->seed = (uint64_t)d[7] << 32 | (uint64_t)d[8];
    memcpy(p->sums, d + 11, (size_t)(nm + 1) * sizeof *d);
    for (int i = 0; i < c->o->ncallbacks; ++i) {
      nnrt_callback *cb = &c->o->callbacks[i];
      const double *v = d + 11 + nm + 1 + 5 * i;
      cb->best = v[0];
      cb->wait = (int64_t)v[1];
      cb->best_epoch = (int64_t)v[2];
      cb->stopped_epoch = (int64_t)v[3];
    }
    c->found = 1;
  } else if (!strcmp(r->name, "fit/history")) {
    int bad = check_history(c, d, count) != 0;
    int columns = !bad && count ? (int)d[0] : 0;
    if (bad) {
      rc = -1;
    } else if (columns != c->h->columns) {
      rc = nnrt_fail("resume: the saved history has %d columns, this fit %d", columns,
                     c->h->columns);
    } else {
      for (int64_t at = 1; rc == 0 && at + columns < count + 1; at += 1 + columns)
        rc = nnrt_history_add(c->h, (int64_t)d[at], d + at + 1);
    }
  } else if (!strcmp(r->name, "fit/data")) {
    if (count != 2 || !whole(d[0], 0, 4294967295.0) || !whole(d[1], 0, 4294967295.0))
      rc = corrupt(c, "data fingerprint", count ? d[0] : 0);
    c->has_data = rc == 0;
    c->data = rc == 0 ? (uint64_t)d[0] << 32 | (uint64_t)d[1] : 0;
  } else if (!strncmp(r->name, "fit/best", 8)) {
    int i = atoi(r->name + 8);
    const char *name = strchr(r->name + 8, '/');
    for (int64_t v = 0; name && i >= 0 && i < c->o->ncallbacks && v < c->m->nvars; ++v)
      if (!strcmp(c->m->names[v], name + 1) && r->count == nnrt_var(c->m, v)[NNRT_VAR_COUNT]) {
        nnrt_callback *cb = &c->o->callbacks[i];
        if (!cb->best_weights && !(cb->best_weights = calloc((size_t)c->m->nvars, sizeof(float *))))
          rc = nnrt_fail("resume: out of memory");
        else if (!(cb->best_weights[v] = malloc((size_t)r->count * sizeof(float))))
          rc = nnrt_fail("resume: out of memory");
        else
          memcpy(cb->best_weights[v], r->data, (size_t)r->count * sizeof(float));
      }
  }
  free(d);
  return rc;
}

static void log_names(nnc_model *m, int withVal, nnrt_logs *logs, nnrt_history *h) {
  int64_t nm = m->desc[NNRT_DESC_METRICS];
  int k = 0;
  for (int v = 0; v <= withVal; ++v)
    for (int64_t i = -1; i < nm; ++i, ++k) {
      snprintf(logs->storage[k], sizeof logs->storage[k], "%s%s", v ? "val_" : "",
               i < 0 ? "loss" : m->metric_names[i]);
      logs->names[k] = logs->storage[k];
      snprintf(h->names[k], sizeof h->names[k], "%s", logs->storage[k]);
    }
  logs->count = h->columns = k;
}

static int write_outputs(const nnrt_fit_options *o, const nnrt_history *h) {
  if (o->history_path && nnrt_history_write(h, o->history_path, "history") != 0)
    return -1;
  if (o->plot_path && nnrt_history_write(h, o->plot_path, "plot") != 0)
    return -1;
  return 0;
}

int nnrt_gather(nnc_model *m, const nnrt_samples *set, const int64_t *index, int64_t count,
                float *x, float *y) {
  if (set->source)
    return set->source->fetch(set->source->ctx, index, count, x, y);
  int64_t in = m->desc[NNRT_DESC_INPUT], lab = m->desc[NNRT_DESC_LABELS];
  for (int64_t k = 0; k < count; ++k) {
    memcpy(x + k * in, set->x + index[k] * in, (size_t)in * sizeof(float));
    memcpy(y + k * lab, set->y + index[k] * lab, (size_t)lab * sizeof(float));
  }
  return 0;
}

int nnrt_evaluate_samples(nnc_model *m, const nnrt_samples *set, float *loss, float *metrics) {
  if (!set->source)
    return nnrt_evaluate(m, set->x, set->y, set->n, loss, metrics);
  enum { kChunk = 256 };
  int64_t in = m->desc[NNRT_DESC_INPUT], lab = m->desc[NNRT_DESC_LABELS];
  int64_t nm = m->desc[NNRT_DESC_METRICS], chunk = set->n < kChunk ? set->n : kChunk;
  int64_t index[kChunk];
  float *x = malloc((size_t)(chunk * in) * sizeof(float));
  float *y = malloc((size_t)(chunk * lab) * sizeof(float));
  double sums[1 + kMaxMetrics] = {0};
  float part[kMaxMetrics];
  int rc = x && y && nm <= kMaxMetrics ? 0 : nnrt_fail("evaluate: out of memory");
  for (int64_t first = 0; rc == 0 && first < set->n; first += chunk) {
    int64_t count = set->n - first < chunk ? set->n - first : chunk;
    for (int64_t k = 0; k < count; ++k)
      index[k] = first + k;
    float l = 0;
    rc = nnrt_gather(m, set, index, count, x, y);
    if (rc == 0)
      rc = nnrt_evaluate(m, x, y, count, &l, part);
    for (int64_t i = 0; rc == 0 && i <= nm; ++i)
      sums[i] += (double)(i ? part[i - 1] : l) * (double)count;
  }
  if (rc == 0) {
    *loss = (float)(sums[0] / (double)set->n);
    for (int64_t i = 0; i < nm; ++i)
      metrics[i] = (float)(sums[1 + i] / (double)set->n);
  }
  free(x);
  free(y);
  return rc;
}

/* The next batch, fetched by a loader thread while the current one trains (when the
 * samples come from a source; in-memory samples are copied in place). */
typedef struct {
  nnc_model *m;
  const nnrt_samples *set;
  const int64_t *index;
  int64_t count;
  float *x, *y;
  int rc, running;
  char error[1024];
  pthread_t thread;
} loader;

static void *loader_main(void *arg) {
  loader *l = arg;
  l->rc = nnrt_gather(l->m, l->set, l->index, l->count, l->x, l->y);
  if (l->rc != 0)
    snprintf(l->error, sizeof l->error, "%s", nnc_last_error());
  return NULL;
}

static int loader_start(loader *l, const int64_t *index, int64_t count) {
  l->index = index;
  l->count = count;
  l->rc = 0;
  if (!l->set->source)
    return 0; /* gathered when waited for */
  if (pthread_create(&l->thread, NULL, loader_main, l) != 0)
    return nnrt_fail("fit: cannot start the data loader thread");
  l->running = 1;
  return 0;
}

static int loader_wait(loader *l) {
  if (!l->running)
    return l->count ? nnrt_gather(l->m, l->set, l->index, l->count, l->x, l->y) : 0;
  pthread_join(l->thread, NULL);
  l->running = 0;
  return l->rc ? nnrt_fail("%s", l->error) : 0;
}

int nnrt_fit(nnc_model *m, nnrt_samples train, nnrt_samples val, const nnrt_fit_options *o) {
  if (!m || !o)
    return nnrt_fail("fit: null model or options");
  if (train.n <= 0)
    return nnrt_fail("fit: no training samples");
  if (o->batch_size <= 0 || o->epochs < 0 || o->initial_epoch < 0)
    return nnrt_fail("fit: batch size and epochs must be positive");
  /* An output that cannot be written fails now, not after the first epoch's work. */
  if (nnrt_output_check(o->save_path, "checkpoint") != 0 ||
      nnrt_output_check(o->history_path, "history") != 0 ||
      nnrt_output_check(o->plot_path, "plot") != 0)
    return -1;
  for (int i = 0; i < o->ncallbacks; ++i)
    if (o->callbacks[i].kind == NNRT_MODEL_CHECKPOINT &&
        nnrt_output_check(o->callbacks[i].filepath, "ModelCheckpoint file") != 0)
      return -1;
  int64_t nm = m->desc[NNRT_DESC_METRICS];
  if (nm > kMaxMetrics)
    return nnrt_fail("fit: too many metrics");
  int64_t in = m->desc[NNRT_DESC_INPUT], lab = m->desc[NNRT_DESC_LABELS];
  int64_t batch = o->batch_size < train.n ? o->batch_size : train.n;
  int64_t steps = (train.n + batch - 1) / batch;
  if (o->steps_per_epoch > 0 && o->steps_per_epoch < steps)
    steps = o->steps_per_epoch;
  nnrt_logs logs;
  nnrt_history h;
  memset(&h, 0, sizeof h);
  log_names(m, val.n > 0, &logs, &h);
  position pos = {o->initial_epoch, 0, 0, o->batch_size, train.n, 0, o->seed, {0}, 0};
  if ((o->save_path || o->resume_path) && nnrt_data_fingerprint(m, &train, &pos.data) != 0) {
    nnrt_history_free(&h);
    return -1;
  }
  if (o->resume_path) {
    restore_ctx ctx = {m, o, &pos, &h, 0, 0, 0};
    if (nnrt_load_with(m, o->resume_path, restore_record, &ctx) != 0) {
      nnrt_history_free(&h);
      return -1;
    }
    const char *why = !ctx.found                  ? "holds no fit state (save it with --save)"
                      : pos.batch != o->batch_size ? "was started with another batch size"
                      : pos.seed != o->seed        ? "was started with another seed"
                      : pos.n != train.n           ? "was started on another number of samples"
                                                   : NULL;
    if (!why && ctx.has_data && ctx.data != pos.data) {
      nnrt_history_free(&h);
      return nnrt_fail("checkpoint '%s' was saved while fitting other data (fingerprints "
                       "differ); start a new fit with --weights %s to keep its weights",
                       o->resume_path, o->resume_path);
    }
    if (!why && pos.epoch > o->epochs) {
      nnrt_history_free(&h);
      return nnrt_fail("cannot resume from '%s': it stands at epoch %lld, past this fit's "
                       "%lld epochs (--epochs)", o->resume_path, (long long)pos.epoch,
                       (long long)o->epochs);
    }
    if (!why && pos.step > steps) {
      nnrt_history_free(&h);
      return nnrt_fail("checkpoint '%s': its fit state is corrupt (step %lld of an epoch of "
                       "%lld steps)", o->resume_path, (long long)pos.step, (long long)steps);
    }
    if (why) {
      nnrt_history_free(&h);
      return nnrt_fail("cannot resume from '%s': it %s", o->resume_path, why);
    }
    if (o->verbose)
      printf("Resuming at epoch %lld, step %lld of %lld\n", (long long)pos.epoch + 1,
             (long long)pos.step, (long long)steps);
  }
  int64_t *order = malloc((size_t)train.n * sizeof *order);
  float *bx = malloc((size_t)(2 * batch * in) * sizeof(float));
  float *by = malloc((size_t)(2 * batch * lab) * sizeof(float));
  loader next[2] = {{m, &train, NULL, 0, bx, by, 0, 0, "", 0},
                    {m, &train, NULL, 0, bx + batch * in, by + batch * lab, 0, 0, "", 0}};
  int rc = 0, tty = isatty(fileno(stdout)), stop = (int)pos.stopped;
  int64_t savedEpoch = -1; /* the last epoch whose end this run saved */
  struct sigaction previous;
  nnrt_fit_catch_sigint(&previous);
  if (!order || !bx || !by) {
    rc = nnrt_fail("fit: out of memory");
    goto done;
  }
  for (; !stop && pos.epoch < o->epochs; ++pos.epoch, pos.step = 0, pos.seen = 0) {
    nnrt_epoch_order(order, train.n, o->seed, pos.epoch, o->shuffle);
    if (o->verbose && pos.step == 0)
      printf("Epoch %lld/%lld\n", (long long)pos.epoch + 1, (long long)o->epochs);
    if (pos.step == 0)
      memset(pos.sums, 0, sizeof pos.sums);
    double start = now(), lastDraw = 0;
    if (pos.step < steps && loader_start(&next[pos.step % 2], order + pos.step * batch,
                                         train.n - pos.step * batch < batch
                                             ? train.n - pos.step * batch
                                             : batch) != 0) {
      rc = -1;
      goto done;
    }
    for (; pos.step < steps; ++pos.step) {
      loader *cur = &next[pos.step % 2];
      if (loader_wait(cur) != 0) {
        char why[1024];
        snprintf(why, sizeof why, "%s", nnc_last_error());
        rc = nnrt_fail("epoch %lld, batch %lld: %s", (long long)pos.epoch + 1,
                       (long long)pos.step + 1, why);
        goto done;
      }
      if (pos.step + 1 < steps) { /* the next batch loads while this one trains */
        int64_t first = (pos.step + 1) * batch;
        if (loader_start(&next[(pos.step + 1) % 2], order + first,
                         train.n - first < batch ? train.n - first : batch) != 0) {
          rc = -1;
          goto done;
        }
      }
      if (interrupted) {
        const char *path = o->save_path ? o->save_path : "fit-interrupted.ckpt";
        if (o->verbose)
          printf("\n");
        if (save_state(m, path, &pos, o, &h) != 0) {
          rc = -1;
          goto done;
        }
        fprintf(stderr, "Interrupted at epoch %lld, step %lld of %lld: saved to %s; continue "
                        "with --resume %s\n",
                (long long)pos.epoch + 1, (long long)pos.step, (long long)steps, path, path);
        rc = NNRT_FIT_INTERRUPTED;
        goto done;
      }
      int64_t count = cur->count;
      float loss, metrics[kMaxMetrics];
      if (nnrt_train_step(m, cur->x, cur->y, count, &loss, metrics) != 0) {
        char why[512], kept[1200] = "";
        snprintf(why, sizeof why, "%s", nnc_last_error());
        if (o->save_path && savedEpoch >= 0)
          snprintf(kept, sizeof kept, "; %s keeps the weights of epoch %lld", o->save_path,
                   (long long)savedEpoch + 1);
        rc = nnrt_fail("epoch %lld, batch %lld: %s; training stopped%s", (long long)pos.epoch + 1,
                       (long long)pos.step + 1, why, kept);
        if (o->verbose)
          printf("\n");
        goto done;
      }
      pos.sums[0] += (double)loss * (double)count;
      for (int64_t i = 0; i < nm; ++i)
        pos.sums[1 + i] += (double)metrics[i] * (double)count;
      pos.seen += count;
      double t = now() - start;
      if (o->verbose && tty && (t - lastDraw > 0.1 || pos.step + 1 == steps)) {
        lastDraw = t;
        printf("\r");
        progress(stdout, pos.step + 1, steps, t, 0, m->metric_names, nm, pos.sums, pos.seen);
        fflush(stdout);
      }
    }
    double elapsed = now() - start;
    float vloss = 0, vmetrics[kMaxMetrics];
    if (val.n > 0 && nnrt_evaluate_samples(m, &val, &vloss, vmetrics) != 0) {
      rc = -1;
      goto done;
    }
    if (o->verbose) {
      if (tty)
        printf("\r");
      progress(stdout, steps, steps, elapsed, 1, m->metric_names, nm, pos.sums, pos.seen);
      if (val.n > 0) {
        printf(" - val_loss: %.4f", vloss);
        for (int64_t i = 0; i < nm; ++i)
          printf(" - val_%s: %.4f", m->metric_names[i], vmetrics[i]);
      }
      printf("\n");
      fflush(stdout);
    }
    for (int64_t i = 0; i <= nm; ++i)
      logs.values[i] = pos.sums[i] / (double)pos.seen;
    if (val.n > 0) {
      logs.values[nm + 1] = vloss;
      for (int64_t i = 0; i < nm; ++i)
        logs.values[nm + 2 + i] = vmetrics[i];
    }
    if (nnrt_history_add(&h, pos.epoch, logs.values) != 0 || write_outputs(o, &h) != 0 ||
        nnrt_callbacks_epoch_end(o->callbacks, o->ncallbacks, m, pos.epoch, &logs, &stop,
                                 stdout) != 0) {
      rc = -1;
      goto done;
    }
    if (o->save_path) { /* the next epoch's start, with everything needed to resume */
      position next = pos;
      next.epoch += 1;
      next.step = next.seen = 0;
      next.stopped = stop;
      memset(next.sums, 0, sizeof next.sums);
      if (save_state(m, o->save_path, &next, o, &h) != 0) {
        rc = -1;
        goto done;
      }
      savedEpoch = pos.epoch;
    }
  }
  nnrt_callbacks_train_end(o->callbacks, o->ncallbacks, stdout);
done:
  for (int i = 0; i < 2; ++i)
    if (next[i].running) { /* a batch still loading when training stopped */
      pthread_join(next[i].thread, NULL);
      next[i].running = 0;
    }
  sigaction(SIGINT, &previous, NULL);
  nnrt_history_free(&h);
  free(order);
  free(bx);
  free(by);
  return rc;
}

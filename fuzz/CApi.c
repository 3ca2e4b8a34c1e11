/* libFuzzer target: sequences of C API calls (create, destroy, predict, train_step,
 * evaluate, save, load, two threads at once) on instances of two compiled models, mlp
 * (16 -> 10 classes) and tiny (2 -> 2 binary), with random sizes, labels and NULLs, each
 * call made through either model's functions. Buffers are sized for the model whose
 * function is called, so a call that let another model's instance through would write
 * out of bounds (ASan). Checked: calls on destroyed or foreign instances fail, calls with
 * good arguments succeed, every failure sets a message. Input: 3 bytes per call. */
#include "fuzz/FuzzFile.h"
#include "mlp.h"
#include "tiny.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kSlots = 4, kMaxCalls = 48, kMaxSamples = 9 };

typedef struct {
  int64_t in, out, labels, metrics;
  nnc_model *(*create)(uint64_t);
  void (*destroy)(nnc_model *);
  int (*load)(nnc_model *, const char *);
  int (*save)(nnc_model *, const char *);
  int (*predict)(nnc_model *, const float *, int64_t, float *);
  int (*train_step)(nnc_model *, const float *, const void *, int64_t, float *);
  int (*evaluate)(nnc_model *, const float *, const void *, int64_t, float *, float *);
} api;

static const api kModels[2] = {
    {MLP_INPUT_SIZE, MLP_OUTPUT_SIZE, MLP_LABEL_SIZE, MLP_METRIC_COUNT, mlp_create, mlp_destroy,
     mlp_load, mlp_save, mlp_predict, mlp_train_step, mlp_evaluate},
    {TINY_INPUT_SIZE, TINY_OUTPUT_SIZE, TINY_LABEL_SIZE, TINY_METRIC_COUNT, tiny_create,
     tiny_destroy, tiny_load, tiny_save, tiny_predict, tiny_train_step, tiny_evaluate}};

typedef struct {
  nnc_model *m;
  int model; /* which model created it */
  int live;  /* 0: destroyed (m is stale) or empty */
} slot;

static void check(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "fuzz-capi: %s (last error: '%s')\n", what, nnc_last_error());
    abort();
  }
}

/* A call that must fail: rc -1 with a message. */
static void refused(int rc, const char *what) {
  check(rc == -1 && nnc_last_error()[0] != 0, what);
}

typedef struct {
  const api *a;
  nnc_model *m;
  int rc;
  char error[256];
} race;

static void *race_predict(void *arg) {
  race *r = (race *)arg;
  static _Thread_local float x[kMaxSamples * MLP_INPUT_SIZE], y[kMaxSamples * MLP_OUTPUT_SIZE];
  r->rc = r->a->predict(r->m, x, kMaxSamples, y);
  snprintf(r->error, sizeof r->error, "%s", nnc_last_error());
  return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  slot s[kSlots] = {{0}};
  float *x = NULL, *y = NULL, *labels = NULL;
  char path[2][4096];
  snprintf(path[0], sizeof path[0], "%s/mlp.ckpt", fuzz_dir());
  snprintf(path[1], sizeof path[1], "%s/tiny.ckpt", fuzz_dir());
  remove(path[0]);
  remove(path[1]);
  for (size_t at = 0, calls = 0; at + 3 <= size && calls < kMaxCalls; at += 3, ++calls) {
    int op = data[at] & 7, which = (data[at] >> 3) & 3, via = (data[at] >> 5) & 1;
    int nulls = (data[at] >> 6) & 3; /* 1: a NULL buffer, 2: a NULL instance */
    int64_t n = (int64_t)(data[at + 1] % (kMaxSamples + 2)) - 1; /* -1 .. kMaxSamples */
    uint8_t value = data[at + 2];
    const api *a = &kModels[via];
    slot *t = &s[which];
    nnc_model *m = nulls == 2 ? NULL : t->m;
    /* The call is good when the instance is live and of the called model. */
    int good = m && t->live && t->model == via;
    free(x), free(y), free(labels);
    int64_t count = n > 0 ? n : 1;
    x = calloc((size_t)(count * a->in), sizeof *x);
    y = calloc((size_t)(count * a->out), sizeof *y);
    labels = calloc((size_t)(count * a->labels), sizeof *labels);
    for (int64_t i = 0; i < count * a->in; ++i)
      x[i] = (float)((value * 31 + i * 7) % 17) / 8.0f - 1.0f;
    for (int64_t i = 0; i < count * a->labels; ++i) /* mostly valid, sometimes not */
      labels[i] = value < 200 ? (float)((value + i) % (via ? 2 : 10))
                  : value < 230 ? (float)(value - 215)
                                : (value & 1 ? NAN : 2.5f);
    /* value < 200: class ids or 0/1 targets; 200..229: value - 215 everywhere (a class
     * id for mlp only from 215 to 224, any finite target suits tiny's binary loss);
     * 230 and up: NaN or 2.5 (a target, not a class id). */
    int bad_labels = via == 0 ? value >= 200 && !(value >= 215 && value <= 224)
                              : value >= 230 && (value & 1);
    float loss, metrics[4];
    float *xs = nulls == 1 && (value & 1) ? NULL : x, *ys = nulls == 1 && !(value & 1) ? NULL : y;
    int rc;
    switch (op) {
    case 0: /* create into the slot (a live one is destroyed first) */
      if (t->m && t->live)
        kModels[t->model].destroy(t->m);
      t->m = a->create(value);
      check(t->m != NULL, "create failed");
      t->model = via;
      t->live = 1;
      break;
    case 1: /* destroy, maybe through the wrong model, maybe twice */
      a->destroy(m);
      if (!m)
        check(nnc_last_error()[0] == 0, "destroy(NULL) set an error");
      else if (good)
        t->live = 0;
      else
        check(nnc_last_error()[0] != 0, "a bad destroy set no error");
      break;
    case 2:
      rc = a->predict(m, xs, n, ys);
      if (good && n >= 0 && (n == 0 || (xs && ys)))
        check(rc == 0, "a good predict failed");
      else if (!good || n < 0)
        refused(rc, "a bad predict was not refused");
      break;
    case 3:
      rc = a->train_step(m, xs, labels, n, &loss);
      if (!good || n <= 0 || !xs)
        refused(rc, "a bad train_step was not refused");
      else if (bad_labels)
        refused(rc, "train_step took labels the loss cannot take");
      break;
    case 4:
      rc = a->evaluate(m, xs, labels, n, &loss, metrics);
      if (!good || n <= 0 || !xs)
        refused(rc, "a bad evaluate was not refused");
      else if (bad_labels)
        refused(rc, "evaluate took labels the loss cannot take");
      else
        check(rc == 0, "a good evaluate failed");
      break;
    case 5:
      rc = a->save(m, path[value & 1]);
      if (good)
        check(rc == 0, "a good save failed");
      else
        refused(rc, "a bad save was not refused");
      break;
    case 6: { /* load a saved checkpoint (maybe the other model's), a damaged one or none */
      const char *from = path[value & 1];
      if (value & 2) {
        FILE *f = fopen(from, "rb");
        uint8_t buf[8192];
        size_t got = f ? fread(buf, 1, sizeof buf, f) : 0;
        if (f)
          fclose(f);
        if (got)
          buf[value % got] ^= (uint8_t)(1 + (value >> 2));
        from = fuzz_write_file(0, "damaged.ckpt", buf, got);
      }
      rc = a->load(m, from);
      if (!good)
        refused(rc, "a bad load was not refused");
      else if (rc != 0)
        check(nnc_last_error()[0] != 0, "a failed load set no error");
      break;
    }
    case 7: { /* two threads predict on one instance: each succeeds or is told it is busy */
      if (!good)
        break;
      race r[2] = {{a, m, 2, ""}, {a, m, 2, ""}};
      pthread_t th;
      check(pthread_create(&th, NULL, race_predict, &r[1]) == 0, "pthread_create");
      race_predict(&r[0]);
      pthread_join(th, NULL);
      for (int i = 0; i < 2; ++i)
        check(r[i].rc == 0 || strstr(r[i].error, "in use by another thread"),
              "a concurrent predict failed otherwise");
      break;
    }
    }
  }
  free(x), free(y), free(labels);
  for (int i = 0; i < kSlots; ++i)
    if (s[i].m && s[i].live)
      kModels[s[i].model].destroy(s[i].m);
  return 0;
}

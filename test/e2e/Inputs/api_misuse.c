/* Misuse of the generated C API: another model's instance, NULL and double destroy,
 * calls on a destroyed instance, and two threads calling one instance at once. */
#include "mlp.h"
#include "tiny.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

enum { kSamples = 256 };
/* Each thread its own inputs: a call that read or wrote the other's would show. */
static float x[2][kSamples * MLP_INPUT_SIZE], want[2][kSamples * MLP_OUTPUT_SIZE];
static nnc_model *shared;
static int wrong, busy, other, ok;
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Predicts until both threads have overlapped a few times (or 10 s): every call either
 * succeeds with the single-threaded result or fails as "in use by another thread". */
static void *hammer(void *arg) {
  (void)arg;
  static float y[2][kSamples * MLP_OUTPUT_SIZE];
  static _Thread_local int self = -1;
  static int next;
  pthread_mutex_lock(&count_lock);
  self = next++;
  pthread_mutex_unlock(&count_lock);
  double end = now() + 10;
  for (int i = 0; now() < end; ++i) {
    int rc = mlp_predict(shared, x[self], kSamples, y[self]);
    pthread_mutex_lock(&count_lock);
    if (rc == 0 && memcmp(y[self], want[self], sizeof want[self]) != 0)
      ++wrong;
    else if (rc == 0)
      ++ok;
    else if (strstr(nnc_last_error(), "in use by another thread"))
      ++busy;
    else
      ++other;
    int done = busy >= 20 && i >= 200;
    pthread_mutex_unlock(&count_lock);
    if (done)
      break;
  }
  return NULL;
}

int main(void) {
  nnc_model *mlp = mlp_create(1), *tiny = tiny_create(2);
  float two[2] = {0, 0}, canary[16], in[MLP_INPUT_SIZE] = {0}, loss;
  for (int i = 0; i < 16; ++i)
    canary[i] = 12345;
  /* 10 outputs into a 2-float buffer: refused before anything is written. */
  int rc = tiny_predict(mlp, in, 1, canary);
  printf("tiny_predict(mlp): %d %s\n", rc, nnc_last_error());
  printf("untouched: %s\n", canary[2] == 12345 && canary[0] == 12345 ? "yes" : "no");
  printf("mlp_predict(tiny): %d %s\n", mlp_predict(tiny, in, 1, two), nnc_last_error());
  printf("tiny_train_step(mlp): %d %s\n", tiny_train_step(mlp, in, two, 1, &loss),
         nnc_last_error());
  printf("tiny_save(mlp): %d %s\n", tiny_save(mlp, "/nonexistent/x.ckpt"), nnc_last_error());
  tiny_destroy(mlp); /* refused: mlp stays alive */
  printf("tiny_destroy(mlp): %s\n", nnc_last_error());
  printf("mlp still works: %d\n", mlp_predict(mlp, in, 1, canary));

  mlp_destroy(NULL);
  printf("destroy(NULL): '%s'\n", nnc_last_error());
  tiny_destroy(tiny);
  tiny_destroy(tiny);
  printf("second destroy: %s\n", nnc_last_error());
  printf("predict after destroy: %d %s\n", tiny_predict(tiny, in, 1, two), nnc_last_error());
  printf("load after destroy: %d %s\n", tiny_load(tiny, "x.ckpt"), nnc_last_error());
  printf("evaluate after destroy: %d %s\n", tiny_evaluate(tiny, in, two, 1, &loss, &loss),
         nnc_last_error());

  /* Two threads on one instance. */
  for (int i = 0; i < kSamples * MLP_INPUT_SIZE; ++i) {
    x[0][i] = (float)((i * 37) % 101) / 50.0f - 1.0f;
    x[1][i] = (float)((i * 53) % 97) / -40.0f + 1.0f;
  }
  shared = mlp;
  for (int k = 0; k < 2; ++k)
    if (mlp_predict(shared, x[k], kSamples, want[k]) != 0)
      return fprintf(stderr, "%s\n", nnc_last_error()), 1;
  pthread_t t[2];
  for (int i = 0; i < 2; ++i)
    pthread_create(&t[i], NULL, hammer, NULL);
  for (int i = 0; i < 2; ++i)
    pthread_join(t[i], NULL);
  printf("threads: wrong %d, other errors %d, overlaps detected: %s, successes: %s\n", wrong,
         other, busy > 0 ? "yes" : "no", ok > 0 ? "yes" : "no");
  mlp_destroy(mlp);
  return 0;
}

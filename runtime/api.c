/* The checked C API behind the generated NAME_* functions: a registry of live
 * instances, each instance's model identity, and a busy flag against overlapping calls. */
#include "runtime/internal.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

/* Live instances: an open-addressing set of pointers (linear probing, no tombstones:
 * removal shifts the cluster back), grown at 1/2 load. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static nnc_model **slots;
static size_t capacity, used;

/* Destroyed instances' structs are freed only after kQuarantine later destroys, so that
 * a stale pointer is not soon the address of a new instance. */
enum { kQuarantine = 64 };
static nnc_model *quarantine[kQuarantine];
static size_t quarantined;

static size_t slot_of(const nnc_model *m) {
  uintptr_t h = (uintptr_t)m;
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  return (size_t)h & (capacity - 1);
}

static size_t find(const nnc_model *m) { /* capacity when absent */
  if (!capacity)
    return 0;
  for (size_t i = slot_of(m);; i = (i + 1) & (capacity - 1)) {
    if (slots[i] == m)
      return i;
    if (!slots[i])
      return capacity;
  }
}

static void put(nnc_model *m) {
  size_t i = slot_of(m);
  while (slots[i])
    i = (i + 1) & (capacity - 1);
  slots[i] = m;
  ++used;
}

static int add(nnc_model *m) {
  if (2 * (used + 1) > capacity) {
    size_t grown = capacity ? 2 * capacity : 64, old = capacity;
    nnc_model **fresh = calloc(grown, sizeof *fresh), **prev = slots;
    if (!fresh)
      return -1;
    slots = fresh;
    capacity = grown;
    used = 0;
    for (size_t i = 0; i < old; ++i)
      if (prev[i])
        put(prev[i]);
    free(prev);
  }
  put(m);
  return 0;
}

static void remove_at(size_t i) {
  slots[i] = NULL;
  --used;
  for (size_t j = (i + 1) & (capacity - 1); slots[j]; j = (j + 1) & (capacity - 1)) {
    nnc_model *m = slots[j];
    slots[j] = NULL;
    --used;
    put(m);
  }
}

const char *nnrt_head_names(const int64_t *desc, const char *names) {
  for (int64_t i = 0; i < desc[NNRT_DESC_NVARS] + desc[NNRT_DESC_METRICS]; ++i)
    names += strlen(names) + 1;
  return names;
}

const char *nnrt_model_name(const int64_t *desc, const char *names) {
  names = nnrt_head_names(desc, names);
  for (int64_t i = 0; i < desc[NNRT_DESC_HEADS]; ++i)
    names += strlen(names) + 1;
  return names;
}

/* With the lock held: 0 when m is a live instance of the model (desc, names), else -1
 * with the error set. */
static int check_locked(const int64_t *desc, const char *names, nnc_model *m,
                        const char *verb) {
  if (find(m) == capacity)
    return nnrt_fail("%s: %p is not a live %s instance (destroyed, or not returned by "
                     "%s_create)",
                     verb, (void *)m, nnrt_model_name(desc, names), nnrt_model_name(desc, names));
  if (m->desc != desc)
    return nnrt_fail("%s: this instance was created by %s_create, not %s_create (another "
                     "model's instance)",
                     verb, m->model, nnrt_model_name(desc, names));
  return 0;
}

/* Checks that m is a live instance of the model (desc, names) and marks it busy. */
static int enter(const int64_t *desc, const char *names, nnc_model *m, const char *verb) {
  nnrt_clear_error();
  if (!m)
    return nnrt_fail("%s: null model", verb);
  pthread_mutex_lock(&lock);
  int rc = check_locked(desc, names, m, verb), idle = 0;
  if (rc == 0 && !atomic_compare_exchange_strong(&m->busy, &idle, 1))
    rc = nnrt_fail("%s: the instance is in use by another thread (an instance takes one "
                   "call at a time; use one instance per thread)",
                   verb);
  pthread_mutex_unlock(&lock);
  return rc;
}

static int leave(nnc_model *m, int rc) {
  atomic_store(&m->busy, 0);
  return rc;
}

NNRT_EXPORT nnc_model *nnrt_api_create(const int64_t *desc, const char *names,
                                       const float *constants, nnrt_fn forward, nnrt_fn train,
                                       nnrt_fn evaluate, uint64_t seed) {
  nnc_model *m = nnrt_create(desc, names, constants, forward, train, evaluate, seed);
  if (!m)
    return NULL;
  m->strict = 1;
  pthread_mutex_lock(&lock);
  int rc = add(m);
  pthread_mutex_unlock(&lock);
  if (rc != 0) {
    nnrt_destroy(m);
    nnrt_fail("create: out of memory");
    return NULL;
  }
  return m;
}

NNRT_EXPORT void nnrt_api_destroy(const int64_t *desc, const char *names, nnc_model *m) {
  nnrt_clear_error();
  if (!m)
    return;
  for (;;) {
    pthread_mutex_lock(&lock);
    if (check_locked(desc, names, m, "destroy") != 0) {
      pthread_mutex_unlock(&lock);
      return;
    }
    size_t at = find(m);
    int idle = 0;
    if (atomic_compare_exchange_strong(&m->busy, &idle, 1)) {
      remove_at(at);
      nnc_model *evicted = quarantine[quarantined % kQuarantine];
      quarantine[quarantined++ % kQuarantine] = m;
      pthread_mutex_unlock(&lock);
      nnrt_release(m);
      free(evicted);
      return;
    }
    pthread_mutex_unlock(&lock); /* another thread's call: destroy when it returns */
    sched_yield();
  }
}

NNRT_EXPORT int nnrt_api_load(const int64_t *desc, const char *names, nnc_model *m,
                              const char *path) {
  if (enter(desc, names, m, "load") != 0)
    return -1;
  return leave(m, nnrt_load(m, path));
}

NNRT_EXPORT int nnrt_api_save(const int64_t *desc, const char *names, nnc_model *m,
                              const char *path) {
  if (enter(desc, names, m, "save") != 0)
    return -1;
  return leave(m, nnrt_save(m, path));
}

NNRT_EXPORT int nnrt_api_predict(const int64_t *desc, const char *names, nnc_model *m,
                                 const float *x, int64_t n, float *y) {
  if (enter(desc, names, m, "predict") != 0)
    return -1;
  return leave(m, nnrt_predict(m, x, n, y));
}

NNRT_EXPORT int nnrt_api_train_step(const int64_t *desc, const char *names, nnc_model *m,
                                    const float *x, const void *y, int64_t n, float *loss) {
  if (enter(desc, names, m, "train_step") != 0)
    return -1;
  return leave(m, nnrt_train_step(m, x, y, n, loss, NULL));
}

NNRT_EXPORT int nnrt_api_evaluate(const int64_t *desc, const char *names, nnc_model *m,
                                  const float *x, const void *y, int64_t n, float *loss,
                                  float *metrics) {
  if (enter(desc, names, m, "evaluate") != 0)
    return -1;
  return leave(m, nnrt_evaluate(m, x, y, n, loss, metrics));
}

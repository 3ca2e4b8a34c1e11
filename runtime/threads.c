/* The kernels' parallel loops: a small spinning thread pool that replaces Halide's
 * default halide_do_par_for.
 *
 * Why: a training step is a chain of 20-60 kernels of 10 us to 1 ms each, every one
 * with a parallel loop. Halide's default pool takes a mutex for every iteration and
 * its idle workers yield or sleep between loops, so each loop paid a wake-up and lock
 * traffic (a quarter of fashion-cnn's batch-32 step under perf). Here the caller
 * publishes the loop, takes iterations itself with an atomic counter, and idle
 * workers spin for a short while before they sleep: a worker is back on the next
 * kernel's loop within a cache-line transfer.
 *
 * Threads: HL_NUM_THREADS when set (as for Halide's pool), else the CPUs this process
 * may run on; the caller is one of them. One loop runs on the pool at a time: a loop
 * started while the pool is busy (another thread's model, or a loop nested inside a
 * parallel loop) runs on its caller's thread alone. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "runtime/internal.h"

#include "HalideRuntime.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#pragma weak halide_set_custom_do_par_for

enum { kMaxWorkers = 63 };
/* How long an idle worker spins for the next loop before it sleeps (nanoseconds):
 * longer than the host code between two kernels of a step, short enough that an
 * idle process gives its cores back at once. */
static const long kSpinNs = 200 * 1000;

/* Each thread's share of a loop: a contiguous range, taken in chunks from the front
 * by its owner and, once the owner's own share is done, by the others. */
typedef struct {
  _Alignas(64) atomic_int next;
  int end;
} share_t;

/* Fields written by different threads at different times sit on their own cache
 * lines: idle workers spin on `generation`, which changes once per loop, while the
 * iteration counters change with every chunk. */
typedef struct {
  pthread_once_t once;
  int workers; /* threads besides the caller */
  pthread_t threads[kMaxWorkers];
  pthread_mutex_t lock; /* guards sleeping workers' condition */
  pthread_cond_t wake;
  atomic_int sleeping;
  atomic_int quit;
  atomic_flag busy; /* a caller owns the pool */
  _Alignas(64) atomic_uint generation; /* bumped for every loop (and for shutdown) */
  /* The loop being run: written by its caller while no worker is inside (active == 0
   * after open was cleared), published by open = 1. */
  _Alignas(64) atomic_int open;
  halide_task_t task;
  void *user_context;
  uint8_t *closure;
  int min, chunk;
  _Alignas(64) atomic_int active;
  _Alignas(64) atomic_int done;
  atomic_int error;
  share_t share[kMaxWorkers + 1];
} pool_t;

static pool_t pool = {.once = PTHREAD_ONCE_INIT,
                      .lock = PTHREAD_MUTEX_INITIALIZER,
                      .wake = PTHREAD_COND_INITIALIZER,
                      .busy = ATOMIC_FLAG_INIT};
static _Thread_local int in_worker;
/* Set by nnrt_threads_serial around small calls: their loops run on the caller. */
static _Thread_local int serial_call;

static inline void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

static long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000L + t.tv_nsec;
}

/* Runs chunks of one share until it is empty. */
static void drain(share_t *share) {
  const int chunk = pool.chunk;
  for (;;) {
    int first = atomic_fetch_add_explicit(&share->next, chunk, memory_order_relaxed);
    if (first >= share->end)
      return;
    int end = first + chunk < share->end ? first + chunk : share->end;
    for (int i = first; i < end; ++i) {
      int rc = pool.task(pool.user_context, pool.min + i, pool.closure);
      if (rc != 0) {
        int none = 0;
        atomic_compare_exchange_strong(&pool.error, &none, rc);
      }
    }
    atomic_fetch_add_explicit(&pool.done, end - first, memory_order_release);
  }
}

/* Thread `self` (0: the caller) runs its own share of the open loop, then helps with
 * the others'. Shares are fixed slices of the iteration space, so a thread works on
 * the same rows of the batch in consecutive kernels and finds them in its own cache. */
static void run_iterations(int self) {
  int threads = pool.workers + 1;
  for (int k = 0; k < threads; ++k)
    drain(&pool.share[(self + k) % threads]);
}

/* Waits until the generation moves past `seen` or the pool shuts down (a worker that
 * starts late may read the shutdown's generation as its first): spins kSpinNs, then
 * sleeps. */
static unsigned await_generation(unsigned seen) {
  long start = now_ns();
  for (unsigned spins = 1;; ++spins) {
    unsigned g = atomic_load_explicit(&pool.generation, memory_order_acquire);
    if (g != seen || atomic_load_explicit(&pool.quit, memory_order_relaxed))
      return g;
    relax();
    if (spins % 256 == 0 && now_ns() - start > kSpinNs)
      break;
  }
  pthread_mutex_lock(&pool.lock);
  atomic_fetch_add(&pool.sleeping, 1);
  while (atomic_load(&pool.generation) == seen && !atomic_load(&pool.quit))
    pthread_cond_wait(&pool.wake, &pool.lock);
  atomic_fetch_sub(&pool.sleeping, 1);
  pthread_mutex_unlock(&pool.lock);
  return atomic_load(&pool.generation);
}

static void *worker_main(void *arg) {
  int self = (int)(intptr_t)arg;
  in_worker = 1;
  nnrt_fp_enter(); /* this thread runs kernels only: flush subnormals for good */
  unsigned seen = atomic_load(&pool.generation);
  for (;;) {
    seen = await_generation(seen);
    if (atomic_load(&pool.quit))
      return NULL;
    atomic_fetch_add(&pool.active, 1);
    if (atomic_load(&pool.open))
      run_iterations(self);
    atomic_fetch_sub(&pool.active, 1);
  }
}

static void wake_workers(void) {
  atomic_fetch_add(&pool.generation, 1);
  if (atomic_load(&pool.sleeping) > 0) {
    pthread_mutex_lock(&pool.lock);
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.lock);
  }
}

static int thread_count(void) {
  const char *env = getenv("HL_NUM_THREADS");
  if (env && atoi(env) > 0)
    return atoi(env);
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

static void start_workers(void) {
  int want = thread_count() - 1;
  if (want > kMaxWorkers)
    want = kMaxWorkers;
  for (int i = 0; i < want; ++i) {
    if (pthread_create(&pool.threads[pool.workers], NULL, worker_main,
                       (void *)(intptr_t)(pool.workers + 1)) != 0)
      break; /* fewer threads: the loops still run, the caller takes what is left */
    ++pool.workers;
  }
}

/* The output's library may be unloaded (dlclose): its workers must not outlive it. */
__attribute__((destructor)) static void stop_workers(void) {
  if (pool.workers == 0)
    return;
  atomic_store(&pool.quit, 1);
  wake_workers();
  for (int i = 0; i < pool.workers; ++i)
    pthread_join(pool.threads[i], NULL);
  pool.workers = 0;
}

static int run_serial(void *user_context, halide_task_t task, int min, int extent,
                      uint8_t *closure) {
  for (int i = 0; i < extent; ++i) {
    int rc = task(user_context, min + i, closure);
    if (rc != 0)
      return rc;
  }
  return 0;
}

static int do_par_for(void *user_context, halide_task_t task, int min, int extent,
                      uint8_t *closure) {
  if (extent <= 1 || in_worker || serial_call)
    return run_serial(user_context, task, min, extent, closure);
  pthread_once(&pool.once, start_workers);
  if (pool.workers == 0 || atomic_flag_test_and_set(&pool.busy))
    return run_serial(user_context, task, min, extent, closure);
  pool.task = task;
  pool.user_context = user_context;
  pool.closure = closure;
  pool.min = min;
  int threads = pool.workers + 1;
  /* Chunks: a few per share, so that a share left by a slowed-down thread is split. */
  pool.chunk = extent / (4 * threads);
  if (pool.chunk < 1)
    pool.chunk = 1;
  for (int t = 0; t < threads; ++t) {
    atomic_store_explicit(&pool.share[t].next, (int)((int64_t)extent * t / threads),
                          memory_order_relaxed);
    pool.share[t].end = (int)((int64_t)extent * (t + 1) / threads);
  }
  atomic_store_explicit(&pool.done, 0, memory_order_relaxed);
  atomic_store_explicit(&pool.error, 0, memory_order_relaxed);
  atomic_store(&pool.open, 1);
  wake_workers();
  run_iterations(0);
  /* Iterations still running on workers; a preempted one may take a while. */
  for (unsigned spins = 1; atomic_load_explicit(&pool.done, memory_order_acquire) < extent;
       ++spins) {
    relax();
    if (spins % 4096 == 0)
      sched_yield();
  }
  atomic_store(&pool.open, 0);
  while (atomic_load(&pool.active) > 0)
    relax();
  int rc = atomic_load(&pool.error);
  atomic_flag_clear(&pool.busy);
  return rc;
}

void nnrt_threads_serial(int on) { serial_call = on; }

void nnrt_threads_install(void) {
  if (halide_set_custom_do_par_for)
    halide_set_custom_do_par_for(do_par_for);
}

// NNRT_PROFILE=1: wall time of every kernel call, summed per kernel and printed to stderr
// when the process exits (most expensive first). Names come from the output's exported
// kernel symbols (MODEL_FUNCTION_kN_OP). Off by default: one getenv per process.
#include "internal.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { kMaxKernels = 512 };

static struct {
  const void *fn;
  long long ns, calls;
} g_kernels[kMaxKernels];
static int g_count, g_enabled = -1;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

int nnrt_profile_enabled(void) {
  if (g_enabled < 0) {
    const char *v = getenv("NNRT_PROFILE");
    g_enabled = v && *v && *v != '0';
  }
  return g_enabled;
}

long long nnrt_profile_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

void nnrt_profile_add(const void *fn, long long ns) {
  pthread_mutex_lock(&g_lock);
  int i = 0;
  while (i < g_count && g_kernels[i].fn != fn)
    ++i;
  if (i == g_count && g_count < kMaxKernels)
    g_kernels[g_count++].fn = fn;
  if (i < g_count) {
    g_kernels[i].ns += ns;
    g_kernels[i].calls += 1;
  }
  pthread_mutex_unlock(&g_lock);
}

static int by_total(const void *a, const void *b) {
  long long x = ((const __typeof__(g_kernels[0]) *)a)->ns;
  long long y = ((const __typeof__(g_kernels[0]) *)b)->ns;
  return x < y ? 1 : x > y ? -1 : 0;
}

__attribute__((destructor)) static void nnrt_profile_report(void) {
  if (g_count == 0)
    return;
  qsort(g_kernels, (size_t)g_count, sizeof g_kernels[0], by_total);
  long long total = 0;
  for (int i = 0; i < g_count; ++i)
    total += g_kernels[i].ns;
  fprintf(stderr, "nnrt profile: %d kernels, %.3f ms in kernel calls\n", g_count, total / 1e6);
  fprintf(stderr, "%10s %10s %12s %6s  %s\n", "calls", "mean us", "total ms", "%", "kernel");
  for (int i = 0; i < g_count; ++i) {
    Dl_info info;
    const char *name = dladdr(g_kernels[i].fn, &info) && info.dli_sname ? info.dli_sname : "?";
    int length = (int)strlen(name);
    if (length > 5 && strcmp(name + length - 5, "_argv") == 0)
      length -= 5; // the Halide wrapper nnrt_invoke calls
    fprintf(stderr, "%10lld %10.1f %12.3f %6.1f  %.*s\n", g_kernels[i].calls,
            g_kernels[i].ns / 1e3 / (double)g_kernels[i].calls, g_kernels[i].ns / 1e6,
            total ? 100.0 * (double)g_kernels[i].ns / (double)total : 0.0, length, name);
  }
}

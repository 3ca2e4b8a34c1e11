/* This machine's peak fp32 FLOP/s: THREADS threads each run independent AVX-512 FMA
 * chains (12 accumulators of 16 floats, enough to cover the FMA latency) for SECONDS.
 *   peak THREADS SECONDS  ->  {"gflops": G, "threads": T}
 * Built by bench.py with -O2 -mavx512f -mfma (AVX2 fallback when AVX-512 is absent). */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double seconds;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

#ifdef __AVX512F__
typedef __m512 vec;
#define LANES 16
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define STORE _mm512_storeu_ps
#else
typedef __m256 vec;
#define LANES 8
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define STORE _mm256_storeu_ps
#endif

/* 12 named accumulators (registers, not an array the compiler may keep in memory):
 * more independent FMA chains than latency x FMA units on current x86 cores. */
#define STEP(r) r = FMA(r, a, b)
static void *run(void *arg) {
  double *flops = arg;
  vec a = SET1(0.999999f), b = SET1(1e-7f);
  vec r0 = SET1(1.0f), r1 = SET1(1.1f), r2 = SET1(1.2f), r3 = SET1(1.3f), r4 = SET1(1.4f),
      r5 = SET1(1.5f), r6 = SET1(1.6f), r7 = SET1(1.7f), r8 = SET1(1.8f), r9 = SET1(1.9f),
      r10 = SET1(2.0f), r11 = SET1(2.1f);
  long long rounds = 0;
  double start = now();
  do {
    for (int r = 0; r < 4096; ++r) {
      STEP(r0); STEP(r1); STEP(r2); STEP(r3); STEP(r4); STEP(r5);
      STEP(r6); STEP(r7); STEP(r8); STEP(r9); STEP(r10); STEP(r11);
    }
    rounds += 4096;
  } while (now() - start < seconds);
  double elapsed = now() - start;
  vec total = FMA(r0, a, FMA(r1, a, FMA(r2, a, FMA(r3, a, FMA(r4, a, FMA(r5, a, r6))))));
  total = FMA(r7, a, FMA(r8, a, FMA(r9, a, FMA(r10, a, FMA(r11, a, total)))));
  float sink[LANES];
  STORE(sink, total);
  *flops = (double)rounds * 12 * LANES * 2 / elapsed + sink[0] * 1e-30;
  return NULL;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 2;
  seconds = argc > 2 ? atof(argv[2]) : 1.0;
  if (threads < 1 || threads > 256)
    return 2;
  pthread_t t[256];
  double flops[256];
  for (int i = 0; i < threads; ++i)
    pthread_create(&t[i], NULL, run, &flops[i]);
  double sum = 0;
  for (int i = 0; i < threads; ++i) {
    pthread_join(t[i], NULL);
    sum += flops[i];
  }
  printf("{\"gflops\": %.2f, \"threads\": %d, \"lanes\": %d}\n", sum * 1e-9, threads, LANES);
  return 0;
}

/* This machine's peak fp32 FLOP/s: THREADS threads each run independent AVX-512 FMA
 * chains (16 accumulators of 16 floats, enough to cover the FMA latency) for SECONDS.
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

static void *run(void *arg) {
  double *flops = arg;
  vec acc[16];
  for (int i = 0; i < 16; ++i)
    acc[i] = SET1(1.0f + (float)i * 1e-3f);
  vec a = SET1(0.999999f), b = SET1(1e-7f);
  long long rounds = 0;
  double start = now();
  do {
    for (int r = 0; r < 1000; ++r)
      for (int i = 0; i < 16; ++i)
        acc[i] = FMA(acc[i], a, b);
    rounds += 1000;
  } while (now() - start < seconds);
  double elapsed = now() - start;
  float sink[LANES];
  vec total = acc[0];
  for (int i = 1; i < 16; ++i)
    total = FMA(acc[i], a, total);
  STORE(sink, total);
  *flops = (double)rounds * 16 * LANES * 2 / elapsed + sink[0] * 1e-30;
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

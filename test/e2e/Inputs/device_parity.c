/* Compares a model built for the CPU with the same model built with --target=cuda,
 * through the C API of both shared libraries:
 *   device_parity CPU.so CUDA.so PREFIX INPUT_SIZE LABEL_SIZE OUTPUT_SIZE CLASSES STEPS TOL
 * 1. predictions of both, created with the same seed, on 64 pixel-like samples
 *    (bound 1e-4 relative to the largest prediction);
 * 2. STEPS train steps of batch 32 on each, from the same start and on the same
 *    batches, each device training its own weights (nothing is copied across): every
 *    step's loss (bound TOL relative);
 * 3. both trained models saved: every tensor of the two checkpoints (weights, moving
 *    statistics, optimizer slots) compared (bound TOL relative to the tensor's largest
 *    value), and each model's predictions with its own weights (bound TOL).
 * A wrong gradient on either device changes the weights it trains: step 3 fails.
 * Prints the largest relative differences; exit 1 when a bound is exceeded or a call
 * fails. */
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct nnc_model nnc_model;
typedef struct {
  nnc_model *(*create)(uint64_t);
  int (*predict)(nnc_model *, const float *, int64_t, float *);
  int (*train)(nnc_model *, const float *, const void *, int64_t, float *);
  int (*save)(nnc_model *, const char *);
  int (*load)(nnc_model *, const char *);
  const char *(*error)(void);
} api;

static void *need(void *lib, const char *prefix, const char *name) {
  char full[256];
  snprintf(full, sizeof full, "%s_%s", prefix, name);
  void *f = dlsym(lib, full);
  if (!f) {
    fprintf(stderr, "device_parity: no %s\n", full);
    exit(2);
  }
  return f;
}

static api open_api(const char *path, const char *prefix) {
  void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    fprintf(stderr, "device_parity: %s\n", dlerror());
    exit(2);
  }
  api a = {need(lib, prefix, "create"), need(lib, prefix, "predict"),
           need(lib, prefix, "train_step"), need(lib, prefix, "save"),
           need(lib, prefix, "load"), dlsym(lib, "nnc_last_error")};
  return a;
}

static void check(int rc, const api *a, const char *what) {
  if (rc != 0) {
    fprintf(stderr, "device_parity: %s: %s\n", what, a->error ? a->error() : "failed");
    exit(1);
  }
}

static uint64_t state = 12345;
static float uniform(void) {
  state = state * 6364136223846793005ull + 1442695040888963407ull;
  return (float)(state >> 40) / 16777216.0f;
}

/* max |a - b| / max |a| */
static double rel_diff(const float *a, const float *b, int64_t count) {
  double diff = 0, scale = 1e-30;
  for (int64_t i = 0; i < count; ++i) {
    if (!isfinite(a[i]) || !isfinite(b[i]))
      return INFINITY;
    diff = fmax(diff, fabs((double)a[i] - (double)b[i]));
    scale = fmax(scale, fabs((double)a[i]));
  }
  return diff / scale;
}

/* A checkpoint's tensors (the format of docs/c-api.md: magic, version, count, then per
 * tensor a name length, the name, a value count and the floats; a checksum last). */
typedef struct {
  int count;
  char names[256][128];
  int64_t sizes[256];
  float *values[256];
} tensors;

static void read_checkpoint(const char *path, tensors *t) {
  FILE *f = fopen(path, "rb");
  char magic[8];
  uint32_t header[2];
  if (!f || fread(magic, 1, 8, f) != 8 || fread(header, 4, 2, f) != 2 || header[1] > 256) {
    fprintf(stderr, "device_parity: cannot read checkpoint %s\n", path);
    exit(1);
  }
  t->count = (int)header[1];
  for (int i = 0; i < t->count; ++i) {
    uint32_t len;
    uint64_t n;
    if (fread(&len, 4, 1, f) != 1 || len >= 128 || fread(t->names[i], 1, len, f) != len ||
        fread(&n, 8, 1, f) != 1 || !(t->values[i] = malloc(n * sizeof(float))) ||
        fread(t->values[i], sizeof(float), n, f) != n) {
      fprintf(stderr, "device_parity: malformed checkpoint %s\n", path);
      exit(1);
    }
    t->names[i][len] = 0;
    t->sizes[i] = (int64_t)n;
  }
  fclose(f);
}

/* The largest difference of any tensor, relative to that tensor's largest value. */
static double compare_checkpoints(const char *a, const char *b, double tolerance) {
  static tensors ta, tb;
  read_checkpoint(a, &ta);
  read_checkpoint(b, &tb);
  if (ta.count != tb.count) {
    printf("checkpoints hold %d and %d tensors\n", ta.count, tb.count);
    return INFINITY;
  }
  double worst = 0;
  for (int i = 0; i < ta.count; ++i) {
    if (strcmp(ta.names[i], tb.names[i]) != 0 || ta.sizes[i] != tb.sizes[i]) {
      printf("tensor %d: %s[%lld] vs %s[%lld]\n", i, ta.names[i], (long long)ta.sizes[i],
             tb.names[i], (long long)tb.sizes[i]);
      return INFINITY;
    }
    double d = rel_diff(ta.values[i], tb.values[i], ta.sizes[i]);
    if (d > tolerance)
      printf("trained tensor %s differs: %.3g relative\n", ta.names[i], d);
    worst = fmax(worst, d);
    free(ta.values[i]);
    free(tb.values[i]);
  }
  printf("trained weights (%d tensors, each device its own): max relative difference %.3g\n",
         ta.count, worst);
  return worst;
}

int main(int argc, char **argv) {
  if (argc != 10) {
    fprintf(stderr, "usage: %s CPU.so CUDA.so PREFIX INPUT_SIZE LABEL_SIZE OUTPUT_SIZE "
                    "CLASSES STEPS TOLERANCE\n", argv[0]);
    return 2;
  }
  double tolerance = atof(argv[9]);
  api cpu = open_api(argv[1], argv[3]), gpu = open_api(argv[2], argv[3]);
  int64_t in = atoll(argv[4]), lab = atoll(argv[5]), out = atoll(argv[6]);
  int64_t classes = atoll(argv[7]), steps = atoll(argv[8]);
  enum { kSamples = 64, kBatch = 32 };
  float *x = malloc(sizeof(float) * (size_t)(kSamples * in));
  float *y = calloc((size_t)(kBatch * (lab ? lab : 1)), sizeof(float));
  float *pc = malloc(sizeof(float) * (size_t)(kSamples * out));
  float *pg = malloc(sizeof(float) * (size_t)(kSamples * out));
  if (!x || !y || !pc || !pg)
    return fprintf(stderr, "out of memory\n"), 1;
  nnc_model *mc = cpu.create(42), *mg = gpu.create(42);
  if (!mc || !mg)
    return fprintf(stderr, "device_parity: create failed\n"), 1;
  for (int64_t i = 0; i < kSamples * in; ++i)
    x[i] = uniform() * 255.0f;
  check(cpu.predict(mc, x, kSamples, pc), &cpu, "cpu predict");
  check(gpu.predict(mg, x, kSamples, pg), &gpu, "cuda predict");
  double initial = rel_diff(pc, pg, kSamples * out);
  printf("predict (same initial weights): max relative difference %.3g\n", initial);

  double worstLoss = 0;
  float *batch = malloc(sizeof(float) * (size_t)(kBatch * in));
  for (int64_t s = 0; s < steps; ++s) {
    for (int64_t i = 0; i < kBatch * in; ++i)
      batch[i] = uniform() * 255.0f;
    for (int64_t i = 0; i < kBatch; ++i)
      y[i * (lab ? lab : 1)] = (float)(int64_t)(uniform() * (float)classes);
    float lc, lg;
    check(cpu.train(mc, batch, y, kBatch, &lc), &cpu, "cpu train_step");
    check(gpu.train(mg, batch, y, kBatch, &lg), &gpu, "cuda train_step");
    double d = fabs((double)lc - (double)lg) / fmax(fabs((double)lc), 1e-30);
    worstLoss = fmax(worstLoss, d);
    if (s == 0 || s == steps - 1)
      printf("step %lld: loss cpu %.6f cuda %.6f\n", (long long)s + 1, lc, lg);
  }
  printf("train steps: %lld, largest relative loss difference %.3g\n", (long long)steps,
         worstLoss);

  /* 3. Each device's own trained weights, tensor by tensor, from its checkpoint. */
  char pathC[64], pathG[64];
  snprintf(pathC, sizeof pathC, "/tmp/device_parity_%d_cpu.ckpt", (int)getpid());
  snprintf(pathG, sizeof pathG, "/tmp/device_parity_%d_gpu.ckpt", (int)getpid());
  check(cpu.save(mc, pathC), &cpu, "cpu save");
  check(gpu.save(mg, pathG), &gpu, "cuda save");
  double worstWeight = compare_checkpoints(pathC, pathG, tolerance);
  remove(pathC);
  remove(pathG);
  check(cpu.predict(mc, x, kSamples, pc), &cpu, "cpu predict");
  check(gpu.predict(mg, x, kSamples, pg), &gpu, "cuda predict");
  double trained = rel_diff(pc, pg, kSamples * out);
  printf("predict (each device's own trained weights): max relative difference %.3g\n", trained);
  int ok = initial <= 1e-4 && worstLoss <= tolerance && worstWeight <= tolerance &&
           trained <= tolerance;
  printf("%s\n", ok ? "PARITY OK" : "PARITY FAILED");
  return ok ? 0 : 1;
}

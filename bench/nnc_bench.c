/* Times one compiled model (NAME.so from `nnc model.nn -o NAME.so`) through its C API:
 *   nnc_bench LIB PREFIX MODE BATCH SECONDS INPUT_SIZE LABEL_SIZE OUTPUT_SIZE CLASSES
 * MODE: train (NAME_train_step), infer (NAME_predict). Inputs are uniform 0..255, labels
 * class ids below CLASSES (0/1 for CLASSES = 2 with one output). After two warm-up
 * calls it repeats the call for at least SECONDS and prints one JSON line:
 *   {"images_per_s": R, "ms_per_call": T, "calls": N}
 * The bench's orchestrator (bench.py) runs it interleaved with the PyTorch peer. */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct nnc_model nnc_model;
typedef nnc_model *(*create_fn)(uint64_t);
typedef void (*destroy_fn)(nnc_model *);
typedef int (*predict_fn)(nnc_model *, const float *, int64_t, float *);
typedef int (*train_fn)(nnc_model *, const float *, const void *, int64_t, float *);
typedef const char *(*error_fn)(void);

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void *symbol(void *lib, const char *prefix, const char *name) {
  char full[256];
  snprintf(full, sizeof full, "%s_%s", prefix, name);
  void *f = dlsym(lib, full);
  if (!f) {
    fprintf(stderr, "nnc_bench: %s has no %s\n", prefix, full);
    exit(2);
  }
  return f;
}

int main(int argc, char **argv) {
  if (argc != 10) {
    fprintf(stderr, "usage: %s LIB PREFIX train|infer BATCH SECONDS INPUT_SIZE LABEL_SIZE "
                    "OUTPUT_SIZE CLASSES\n", argv[0]);
    return 2;
  }
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    fprintf(stderr, "nnc_bench: %s\n", dlerror());
    return 2;
  }
  const char *prefix = argv[2];
  int train = strcmp(argv[3], "train") == 0;
  int64_t batch = atoll(argv[4]), in = atoll(argv[6]), lab = atoll(argv[7]);
  int64_t out = atoll(argv[8]), classes = atoll(argv[9]);
  double seconds = atof(argv[5]);
  create_fn create = (create_fn)symbol(lib, prefix, "create");
  destroy_fn destroy = (destroy_fn)symbol(lib, prefix, "destroy");
  predict_fn predict = (predict_fn)symbol(lib, prefix, "predict");
  train_fn step = train ? (train_fn)symbol(lib, prefix, "train_step") : NULL;
  error_fn error = (error_fn)dlsym(lib, "nnc_last_error");
  float *x = malloc((size_t)(batch * in) * sizeof(float));
  float *y = calloc((size_t)(batch * (lab > out ? lab : out)), sizeof(float));
  uint64_t state = 12345;
  for (int64_t i = 0; i < batch * in; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    x[i] = (float)(state >> 40) * (255.0f / 16777216.0f);
  }
  for (int64_t i = 0; train && i < batch; ++i)
    y[i * lab] = (float)(i % classes);
  nnc_model *m = create(42);
  if (!m || !x || !y) {
    fprintf(stderr, "nnc_bench: cannot create the model\n");
    return 1;
  }
  float loss;
  int64_t calls = 0;
  double start = 0;
  for (int64_t i = 0;; ++i) {
    if (i == 2)
      start = now();
    int rc = train ? step(m, x, y, batch, &loss) : predict(m, x, batch, y);
    if (rc != 0) {
      fprintf(stderr, "nnc_bench: %s\n", error ? error() : "call failed");
      return 1;
    }
    if (i >= 2 && ++calls > 0 && now() - start >= seconds)
      break;
  }
  double elapsed = now() - start;
  printf("{\"images_per_s\": %.3f, \"ms_per_call\": %.4f, \"calls\": %lld}\n",
         (double)(calls * batch) / elapsed, elapsed * 1e3 / (double)calls, (long long)calls);
  destroy(m);
  free(x);
  free(y);
  return 0;
}

/* Times training epochs of one compiled model on Fashion-MNIST the way `fit` runs them:
 *   nnc_epoch LIB PREFIX DATA_DIR BATCH EPOCHS FRACTION SEED
 * Loads DATA_DIR/train-{images-idx3,labels-idx1}-ubyte.gz (zlib; pixels 0..255 as floats,
 * labels as float class ids, as `fit --data fashion_mnist` does), creates the model with
 * SEED, runs two warm-up steps on the first batch, then EPOCHS epochs: each epoch a fresh
 * permutation (fit's epoch_order: splitmix64 from (SEED, epoch), Fisher-Yates), every batch
 * gathered from it into a buffer and passed to PREFIX_train_step; the last batch may be
 * short, as in fit. FRACTION < 1 trains that share of each epoch's steps (smoke runs).
 * Prints one JSON line:
 *   {"images_per_s": R, "images": N, "steps": S, "seconds": T, "epoch_seconds": [...],
 *    "loss": L}
 * The orchestrator (bench.py) runs it interleaved with the PyTorch peer (torch_peer.py),
 * which trains on the same batches in the same order (torch_data.py). */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

typedef struct nnc_model nnc_model;
typedef nnc_model *(*create_fn)(uint64_t);
typedef void (*destroy_fn)(nnc_model *);
typedef int (*train_fn)(nnc_model *, const float *, const void *, int64_t, float *);
typedef const char *(*error_fn)(void);

enum { kMaxEpochs = 64 };

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void die(const char *what, const char *detail) {
  fprintf(stderr, "nnc_epoch: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  exit(1);
}

/* One IDX file's payload (after its header) as bytes; *count is the first dimension. */
static unsigned char *read_idx(const char *dir, const char *name, int64_t *count,
                               int64_t *item) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s-ubyte.gz", dir, name);
  gzFile f = gzopen(path, "rb");
  if (!f)
    die("cannot open", path);
  unsigned char head[4];
  if (gzread(f, head, 4) != 4 || head[0] || head[1] || head[2] != 8)
    die("not an IDX file of bytes", path);
  int64_t dims[4] = {1, 1, 1, 1};
  for (int d = 0; d < head[3] && d < 4; ++d) {
    unsigned char b[4];
    if (gzread(f, b, 4) != 4)
      die("truncated IDX header", path);
    dims[d] = (int64_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
  }
  *count = dims[0];
  *item = dims[1] * dims[2] * dims[3];
  size_t bytes = (size_t)(*count * *item);
  unsigned char *data = malloc(bytes);
  if (!data || gzread(f, data, (unsigned)bytes) != (int)bytes)
    die("cannot read", path);
  gzclose(f);
  return data;
}

static uint64_t splitmix(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* runtime/fit_data.c's nnrt_epoch_order, so the batches are fit's batches for this seed. */
static void epoch_order(int64_t *order, int64_t n, uint64_t seed, int64_t epoch) {
  for (int64_t i = 0; i < n; ++i)
    order[i] = i;
  uint64_t state = seed * 0x2545F4914F6CDD1Dull + (uint64_t)epoch;
  for (int64_t i = n - 1; i > 0; --i) {
    int64_t j = (int64_t)(splitmix(&state) % (uint64_t)(i + 1));
    int64_t t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

static void *symbol(void *lib, const char *prefix, const char *name) {
  char full[256];
  snprintf(full, sizeof full, "%s_%s", prefix, name);
  void *f = dlsym(lib, full);
  if (!f)
    die("no such symbol", full);
  return f;
}

int main(int argc, char **argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: %s LIB PREFIX DATA_DIR BATCH EPOCHS FRACTION SEED\n", argv[0]);
    return 2;
  }
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib)
    die("dlopen", dlerror());
  const char *prefix = argv[2];
  int64_t batch = atoll(argv[4]), epochs = atoll(argv[5]);
  double fraction = atof(argv[6]);
  uint64_t seed = strtoull(argv[7], NULL, 10);
  if (batch < 1 || epochs < 1 || epochs > kMaxEpochs || fraction <= 0 || fraction > 1)
    die("bad BATCH, EPOCHS or FRACTION", NULL);
  int64_t n, in, nl, one;
  unsigned char *pixels = read_idx(argv[3], "train-images-idx3", &n, &in);
  unsigned char *labels = read_idx(argv[3], "train-labels-idx1", &nl, &one);
  if (nl != n)
    die("images and labels differ in count", argv[3]);
  float *x = malloc((size_t)(n * in) * sizeof(float));
  float *y = malloc((size_t)n * sizeof(float));
  float *bx = malloc((size_t)(batch * in) * sizeof(float));
  float *by = malloc((size_t)batch * sizeof(float));
  int64_t *order = malloc((size_t)n * sizeof *order);
  if (!x || !y || !bx || !by || !order)
    die("out of memory", NULL);
  for (int64_t i = 0; i < n * in; ++i)
    x[i] = (float)pixels[i];
  for (int64_t i = 0; i < n; ++i)
    y[i] = (float)labels[i];
  free(pixels);
  free(labels);

  create_fn create = (create_fn)symbol(lib, prefix, "create");
  destroy_fn destroy = (destroy_fn)symbol(lib, prefix, "destroy");
  train_fn step = (train_fn)symbol(lib, prefix, "train_step");
  error_fn error = (error_fn)dlsym(lib, "nnc_last_error");
  nnc_model *m = create(seed);
  if (!m)
    die("cannot create the model", error ? error() : NULL);
  float loss = 0;
  for (int w = 0; w < 2; ++w) /* warm-up: the pool's threads, the arena's pages */
    if (step(m, x, y, batch < n ? batch : n, &loss) != 0)
      die("train_step", error ? error() : NULL);

  int64_t full = (n + batch - 1) / batch;
  int64_t steps = (int64_t)(fraction * (double)full + 0.999999);
  steps = steps < 1 ? 1 : steps > full ? full : steps;
  int64_t images = 0;
  double epochSeconds[kMaxEpochs], start = now();
  for (int64_t e = 0; e < epochs; ++e) {
    double epochStart = now();
    epoch_order(order, n, seed, e);
    for (int64_t s = 0; s < steps; ++s) {
      int64_t first = s * batch, count = n - first < batch ? n - first : batch;
      for (int64_t k = 0; k < count; ++k) { /* fit's in-memory gather */
        memcpy(bx + k * in, x + order[first + k] * in, (size_t)in * sizeof(float));
        by[k] = y[order[first + k]];
      }
      if (step(m, bx, by, count, &loss) != 0)
        die("train_step", error ? error() : NULL);
      images += count;
    }
    epochSeconds[e] = now() - epochStart;
  }
  double seconds = now() - start;
  printf("{\"images_per_s\": %.3f, \"images\": %lld, \"steps\": %lld, \"seconds\": %.4f, "
         "\"loss\": %.5f, \"epoch_seconds\": [",
         (double)images / seconds, (long long)images, (long long)(steps * epochs), seconds,
         loss);
  for (int64_t e = 0; e < epochs; ++e)
    printf("%s%.4f", e ? ", " : "", epochSeconds[e]);
  printf("]}\n");
  destroy(m);
  free(x);
  free(y);
  free(bx);
  free(by);
  free(order);
  return 0;
}

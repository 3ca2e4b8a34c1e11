/* The standalone executable's main (nnc model.nn -o NAME): subcommands over the
 * compiled model that nnrt_exe_program() describes.
 *   NAME predict [--weights W] [--top K] FILE...   FILE: PNG/JPEG, .npy (float32/uint8), IDX
 *   NAME summary                                    the Keras-style summary
 *   NAME fit / NAME evaluate                        training (runtime/commands.c) */
#include "runtime/callbacks.h"
#include "runtime/image.h"
#include "runtime/internal.h"
#include "runtime/program.h"

#include "runtime/npy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

static const int64_t *input_shape;

typedef struct {
  float *data;
  int64_t count;   /* floats */
  int64_t samples; /* from a .npy shape; 0: count / the input size */
} floats;

static int allow_nonfinite;
static int64_t input_size;

static int usage(const char *prog) {
  fprintf(stderr,
          "usage: %s predict [--weights W] [--top K] FILE...   (FILE: PNG/JPEG, .npy or IDX)\n"
          "         [--allow-nonfinite]     accept nan and inf in .npy files\n"
          "       %s summary\n"
          "       %s fit --data D [options]      (%s fit --help lists them)\n"
          "       %s evaluate --data D --weights W [options]\n"
          "       %s plot-history HISTORY.csv -o CURVES.svg\n"
          "       %s filters [--weights W] [--layer NAME] -o FILTERS.png\n",
          prog, prog, prog, prog, prog, prog, prog);
  return 2;
}

/* The most bytes predict reads from one file (a float32 array of 2^30 values). */
static const size_t kMaxInput = (size_t)1 << 32;

/* A gzip-compressed IDX file, read no further than its header says (a gzip bomb or a
 * false count stops at the header's size). */
static unsigned char *read_gz_idx(const char *path, size_t *size) {
  gzFile f = gzopen(path, "rb");
  unsigned char head[4 + 4 * 255], *buf = NULL;
  if (!f) {
    nnrt_fail("cannot open '%s': %s", path, strerror(errno));
    return NULL;
  }
  int got = gzread(f, head, 4);
  size_t dims = got == 4 ? head[3] : 0, off = 4 + 4 * dims;
  uint64_t n = 1;
  if (got != 4 || head[0] || head[1] || head[2] != 0x08 || dims == 0) {
    nnrt_fail("'%s' is gzip-compressed but not an IDX file of unsigned bytes", path);
    goto done;
  }
  if (gzread(f, head + 4, (unsigned)(4 * dims)) != (int)(4 * dims)) {
    nnrt_fail("'%s': truncated IDX header", path);
    goto done;
  }
  for (size_t d = 0; d < dims; ++d) {
    const unsigned char *q = head + 4 + 4 * d;
    uint64_t v = (uint64_t)q[0] << 24 | (uint64_t)q[1] << 16 | (uint64_t)q[2] << 8 | q[3];
    if (v == 0 || n > (kMaxInput - off) / v) {
      nnrt_fail("'%s': the IDX header's shape is empty or larger than the %zu bytes predict "
                "reads", path, kMaxInput);
      goto done;
    }
    n *= v;
  }
  buf = malloc(off + (size_t)n + 1);
  if (!buf) {
    nnrt_fail("out of memory reading '%s'", path);
    goto done;
  }
  memcpy(buf, head, off);
  size_t have = 0;
  for (int r; have < n + 1; have += (size_t)r) {
    size_t want = n + 1 - have;
    r = gzread(f, buf + off + have, (unsigned)(want > (1u << 30) ? (1u << 30) : want));
    if (r < 0) {
      int code;
      nnrt_fail("'%s': %s", path, gzerror(f, &code));
      free(buf);
      buf = NULL;
      goto done;
    }
    if (r == 0)
      break;
  }
  if (have != n) {
    nnrt_fail("'%s': the IDX header promises %llu values but the file holds %s", path,
              (unsigned long long)n, have > n ? "more" : "fewer");
    free(buf);
    buf = NULL;
    goto done;
  }
  *size = off + (size_t)n;
done:
  gzclose(f);
  return buf;
}

/* A regular file, whole (its size checked first). */
static unsigned char *read_all(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    nnrt_fail("cannot open '%s': %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  unsigned char magic[2] = {0, 0}, *buf = NULL;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    nnrt_fail("'%s' is not a regular file", path);
  } else if ((uint64_t)st.st_size > kMaxInput) {
    nnrt_fail("'%s' is %lld bytes: larger than the %zu bytes predict reads from a file", path,
              (long long)st.st_size, kMaxInput);
  } else if (fread(magic, 1, 2, f) == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
    fclose(f);
    return read_gz_idx(path, size);
  } else if (!(buf = malloc((size_t)st.st_size + 1))) {
    nnrt_fail("out of memory reading '%s'", path);
  } else {
    rewind(f);
    size_t n = fread(buf, 1, (size_t)st.st_size + 1, f);
    if (n != (size_t)st.st_size) {
      nnrt_fail("'%s' changed size while being read", path);
      free(buf);
      buf = NULL;
    }
    *size = n;
  }
  fclose(f);
  return buf;
}

/* .npy: the sample count from its shape, which must be one input or a batch of them. */
static int parse_npy(const char *path, const unsigned char *b, size_t size, floats *out) {
  nnrt_npy a;
  int rc = nnrt_npy_parse(path, b, size, allow_nonfinite, &a);
  if (rc <= 0)
    return rc;
  int64_t inSize = input_size, rest = 1;
  for (int d = 1; d < a.rank; ++d)
    rest *= a.shape[d];
  out->data = a.data;
  out->count = a.count;
  if (a.rank >= 1 && rest == inSize && a.count == a.shape[0] * inSize)
    out->samples = a.shape[0];
  else if (a.count == inSize)
    out->samples = 1;
  if (out->samples > 0)
    return 1;
  char text[256];
  nnrt_npy_shape_text(&a, text, sizeof text);
  free(a.data);
  out->data = NULL;
  return nnrt_fail("'%s' has shape %s: neither one sample of the model's input (%lld values) "
                   "nor a batch of them", path, text, (long long)inSize);
}

/* IDX files of unsigned bytes (magic 0x0000 08 NN). */
static int parse_idx(const char *path, const unsigned char *b, size_t size, floats *out) {
  if (size < 4 || b[0] || b[1] || b[2] != 0x08)
    return 0;
  size_t dims = b[3], off = 4 + 4 * dims, n = 1;
  if (dims == 0 || size < off)
    return nnrt_fail("'%s': truncated IDX header", path);
  for (size_t d = 0; d < dims; ++d) {
    size_t v = (size_t)b[4 + 4 * d] << 24 | (size_t)b[5 + 4 * d] << 16 |
               (size_t)b[6 + 4 * d] << 8 | b[7 + 4 * d];
    if (v == 0 || n > (size - off) / v)
      return nnrt_fail("'%s': the IDX header promises more values than the file's %zu", path,
                       size - off);
    n *= v;
  }
  if (size - off != n)
    return nnrt_fail("'%s': the IDX header promises %zu values but the file holds %zu", path,
                     n, size - off);
  out->data = malloc((n ? n : 1) * sizeof(float));
  if (!out->data)
    return nnrt_fail("out of memory");
  for (size_t i = 0; i < n; ++i)
    out->data[i] = b[off + i];
  out->count = (int64_t)n;
  return 1;
}

/* An image, when the model takes one: (H, W, C) with C 1 or 3, or (H, W) grayscale. */
static int load_image(const char *path, floats *out) {
  int64_t rank = input_shape[0];
  int64_t h = input_shape[1], w = rank >= 2 ? input_shape[2] : 0;
  int64_t c = rank == 3 ? input_shape[3] : 1;
  if (rank < 2 || rank > 3 || (c != 1 && c != 3))
    return 0;
  out->data = malloc((size_t)(h * w * c) * sizeof(float));
  if (!out->data)
    return nnrt_fail("out of memory");
  int rc = nnrt_read_image(path, (int)h, (int)w, (int)c, out->data);
  if (rc <= 0) {
    free(out->data);
    out->data = NULL;
    return rc;
  }
  out->count = h * w * c;
  return 1;
}

static int load_input(const char *path, floats *out) {
  struct stat st; /* a device or FIFO would be read without end */
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
    return nnrt_fail("'%s' is not a regular file", path);
  int image = load_image(path, out);
  if (image != 0)
    return image > 0 ? 0 : -1;
  size_t size = 0;
  unsigned char *b = read_all(path, &size);
  if (!b)
    return -1;
  int rc = parse_npy(path, b, size, out);
  if (rc == 0)
    rc = parse_idx(path, b, size, out);
  if (rc == 0)
    rc = nnrt_fail("'%s' is not a PNG/JPEG image (for this model's input), a .npy array "
                   "or an IDX file", path);
  free(b);
  return rc > 0 ? 0 : -1;
}

/* One output's values: the value itself, or the top classes by score, best first. */
static void print_scores(const float *p, int64_t size, int top) {
  if (size == 1) {
    printf(" %.4f", p[0]);
    return;
  }
  int used[64] = {0};
  for (int k = 0; k < top && k < size && k < 64; ++k) {
    int64_t best = -1;
    for (int64_t c = 0; c < size; ++c) {
      int taken = 0;
      for (int j = 0; j < k; ++j)
        taken |= used[j] == c;
      if (!taken && (best < 0 || p[c] > p[best]))
        best = c;
    }
    used[k] = (int)best;
    printf(" class %lld %.4f%s", (long long)best, p[best], k + 1 < top ? "," : "");
  }
}

static int predict(nnc_model *m, const int64_t *desc, const char *names, const char *file,
                   int top) {
  floats in = {0, 0, 0};
  if (load_input(file, &in) != 0)
    return -1;
  int64_t inSize = desc[NNRT_DESC_INPUT], outSize = desc[NNRT_DESC_OUTPUT];
  if (in.samples == 0 && (in.count == 0 || in.count % inSize != 0)) {
    free(in.data);
    return nnrt_fail("'%s' holds %lld values, not a whole number of %lld-value samples", file,
                     (long long)in.count, (long long)inSize);
  }
  int64_t n = in.samples ? in.samples : in.count / inSize;
  float *y = malloc((size_t)(n * outSize) * sizeof(float));
  if (!y || nnrt_predict(m, in.data, n, y) != 0) {
    free(in.data);
    free(y);
    return y ? -1 : nnrt_fail("out of memory");
  }
  for (int64_t s = 0; s < n; ++s) {
    printf("%s[%lld]:", file, (long long)s);
    if (desc[NNRT_DESC_HEADS] > 1) { /* each output on its own: "name: scores;" */
      const char *name = nnrt_head_names(desc, names);
      for (int64_t h = 0; h < desc[NNRT_DESC_HEADS]; ++h, name += strlen(name) + 1) {
        const int64_t *head = nnrt_head(desc, h);
        printf("%s %s:", h ? ";" : "", name);
        int64_t size = head[NNRT_HEAD_OUTPUT_SIZE];
        print_scores(y + s * outSize + head[NNRT_HEAD_OUTPUT_OFFSET], size,
                     top < size ? top : (int)size);
      }
    } else {
      print_scores(y + s * outSize, outSize, top);
    }
    printf("\n");
  }
  free(in.data);
  free(y);
  return 0;
}

int main(int argc, char **argv) {
  nnrt_program program;
  nnrt_exe_program(&program);
  const int64_t *desc = program.desc;
  input_shape = program.input_shape;
  input_size = desc[NNRT_DESC_INPUT];
  if (argc < 2)
    return usage(argv[0]);
  if (strcmp(argv[1], "summary") == 0) {
    fputs(program.summary, stdout);
    return 0;
  }
  if (strcmp(argv[1], "fit") == 0)
    return nnrt_command_fit(&program, argc, argv);
  if (strcmp(argv[1], "evaluate") == 0)
    return nnrt_command_evaluate(&program, argc, argv);
  if (strcmp(argv[1], "plot-history") == 0)
    return nnrt_command_plot_history(argc, argv);
  if (strcmp(argv[1], "filters") == 0)
    return nnrt_command_filters(&program, argc, argv);
  if (strcmp(argv[1], "predict") != 0)
    return usage(argv[0]);
  const char *weights = NULL;
  int top = 3, first = 2;
  for (; first < argc && strncmp(argv[first], "--", 2) == 0; first += 2) {
    if (strcmp(argv[first], "--allow-nonfinite") == 0) {
      allow_nonfinite = 1;
      --first;
      continue;
    }
    if (first + 1 >= argc)
      return usage(argv[0]);
    if (strcmp(argv[first], "--weights") == 0)
      weights = argv[first + 1];
    else if (strcmp(argv[first], "--top") == 0 && atoi(argv[first + 1]) > 0)
      top = atoi(argv[first + 1]);
    else
      return usage(argv[0]);
  }
  if (first >= argc)
    return usage(argv[0]);
  nnc_model *m = nnrt_create(desc, program.names, program.constants, program.forward, program.train,
                             program.evaluate, 42);
  if (!m || (weights && nnrt_load(m, weights) != 0)) {
    fprintf(stderr, "%s: error: %s\n", argv[0], nnc_last_error());
    nnrt_destroy(m);
    return 1;
  }
  char why[512];
  if (weights && nnrt_find_nonfinite(m, why, sizeof why) > 0)
    fprintf(stderr, "%s: warning: the weights in '%s' are not finite (%s): predictions will "
                    "be nan\n", argv[0], weights, why);
  if (!weights && !program.constants)
    fprintf(stderr, "%s: warning: no --weights given; predicting with freshly initialised "
                    "weights\n", argv[0]);
  int rc = 0;
  for (int i = first; i < argc; ++i)
    if (predict(m, desc, program.names, argv[i], top) != 0) {
      fprintf(stderr, "%s: error: %s\n", argv[0], nnc_last_error());
      rc = 1;
    }
  nnrt_destroy(m);
  return rc;
}

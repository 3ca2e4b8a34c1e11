/* The standalone executable's main (nnc model.nn -o NAME): subcommands over the
 * compiled model that nnrt_exe_program() describes.
 *   NAME predict [--weights W] [--top K] FILE...   FILE: PNG/JPEG, .npy (float32/uint8), IDX
 *   NAME summary                                    the Keras-style summary
 *   NAME fit / NAME evaluate                        training (runtime/commands.c) */
#include "runtime/image.h"
#include "runtime/internal.h"
#include "runtime/program.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int64_t *input_shape;

typedef struct {
  float *data;
  int64_t count; /* floats */
} floats;

static int usage(const char *prog) {
  fprintf(stderr,
          "usage: %s predict [--weights W] [--top K] FILE...   (FILE: PNG/JPEG, .npy or IDX)\n"
          "       %s summary\n"
          "       %s fit --data D [options]      (%s fit --help lists them)\n"
          "       %s evaluate --data D --weights W [options]\n"
          "       %s plot-history HISTORY.csv -o CURVES.svg\n"
          "       %s filters [--weights W] [--layer NAME] -o FILTERS.png\n",
          prog, prog, prog, prog, prog, prog, prog);
  return 2;
}

static unsigned char *read_all(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    nnrt_fail("cannot open '%s': %s", path, strerror(errno));
    return NULL;
  }
  size_t cap = 1 << 16, n = 0;
  unsigned char *buf = malloc(cap);
  for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
    n += got;
    if (n == cap) {
      unsigned char *grown = realloc(buf, cap *= 2);
      if (!grown) {
        free(buf);
        buf = NULL;
      }
      buf = grown;
    }
  }
  fclose(f);
  if (!buf)
    nnrt_fail("out of memory reading '%s'", path);
  *size = n;
  return buf;
}

/* .npy version 1/2/3 with dtype <f4 or |u1 in C order. */
static int parse_npy(const char *path, const unsigned char *b, size_t size, floats *out) {
  if (size < 10 || memcmp(b, "\x93NUMPY", 6) != 0)
    return 0;
  size_t hlen, off;
  if (b[6] == 1) {
    hlen = b[8] | (size_t)b[9] << 8;
    off = 10;
  } else {
    if (size < 12)
      return nnrt_fail("'%s': truncated .npy header", path);
    hlen = b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 | (size_t)b[11] << 24;
    off = 12;
  }
  if (off + hlen > size)
    return nnrt_fail("'%s': truncated .npy header", path);
  char header[1024];
  size_t copy = hlen < sizeof header - 1 ? hlen : sizeof header - 1;
  memcpy(header, b + off, copy);
  header[copy] = 0;
  int isFloat = strstr(header, "'<f4'") != NULL, isByte = strstr(header, "'|u1'") != NULL;
  if (!isFloat && !isByte)
    return nnrt_fail("'%s': only float32 (<f4) and uint8 (|u1) .npy arrays are supported", path);
  if (strstr(header, "'fortran_order': True"))
    return nnrt_fail("'%s': Fortran-ordered .npy arrays are not supported", path);
  size_t bytes = size - off - hlen, n = isFloat ? bytes / 4 : bytes;
  out->data = malloc((n ? n : 1) * sizeof(float));
  if (!out->data)
    return nnrt_fail("out of memory");
  for (size_t i = 0; i < n; ++i) {
    if (isFloat)
      memcpy(&out->data[i], b + off + hlen + 4 * i, 4);
    else
      out->data[i] = b[off + hlen + i];
  }
  out->count = (int64_t)n;
  return 1;
}

/* IDX files of unsigned bytes (magic 0x0000 08 NN). */
static int parse_idx(const char *path, const unsigned char *b, size_t size, floats *out) {
  if (size < 4 || b[0] || b[1] || b[2] != 0x08)
    return 0;
  size_t dims = b[3], off = 4 + 4 * dims, n = 1;
  if (dims == 0 || size < off)
    return nnrt_fail("'%s': truncated IDX header", path);
  for (size_t d = 0; d < dims; ++d)
    n *= (size_t)b[4 + 4 * d] << 24 | (size_t)b[5 + 4 * d] << 16 | (size_t)b[6 + 4 * d] << 8 |
         b[7 + 4 * d];
  if (size - off < n)
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

static int predict(nnc_model *m, const int64_t *desc, const char *file, int top) {
  floats in = {0, 0};
  if (load_input(file, &in) != 0)
    return -1;
  int64_t inSize = desc[NNRT_DESC_INPUT], outSize = desc[NNRT_DESC_OUTPUT];
  if (in.count == 0 || in.count % inSize != 0) {
    free(in.data);
    return nnrt_fail("'%s' holds %lld values, not a whole number of %lld-value samples", file,
                     (long long)in.count, (long long)inSize);
  }
  int64_t n = in.count / inSize;
  float *y = malloc((size_t)(n * outSize) * sizeof(float));
  if (!y || nnrt_predict(m, in.data, n, y) != 0) {
    free(in.data);
    free(y);
    return y ? -1 : nnrt_fail("out of memory");
  }
  for (int64_t s = 0; s < n; ++s) {
    const float *p = y + s * outSize;
    printf("%s[%lld]:", file, (long long)s);
    if (outSize == 1) {
      printf(" %.4f\n", p[0]);
      continue;
    }
    /* The top classes by score, best first. */
    int used[64] = {0};
    for (int k = 0; k < top && k < outSize && k < 64; ++k) {
      int64_t best = -1;
      for (int64_t c = 0; c < outSize; ++c) {
        int taken = 0;
        for (int j = 0; j < k; ++j)
          taken |= used[j] == c;
        if (!taken && (best < 0 || p[c] > p[best]))
          best = c;
      }
      used[k] = (int)best;
      printf(" class %lld %.4f%s", (long long)best, p[best], k + 1 < top ? "," : "");
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
  if (!weights && !program.constants)
    fprintf(stderr, "%s: warning: no --weights given; predicting with freshly initialised "
                    "weights\n", argv[0]);
  int rc = 0;
  for (int i = first; i < argc; ++i)
    if (predict(m, desc, argv[i], top) != 0) {
      fprintf(stderr, "%s: error: %s\n", argv[0], nnc_last_error());
      rc = 1;
    }
  nnrt_destroy(m);
  return rc;
}

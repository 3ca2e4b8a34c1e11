/* Datasets for the training runtime: Fashion-MNIST / MNIST (IDX .gz), IDX folders and
 * CSV tables, as dense float arrays. */
#include "runtime/data.h"

#include "runtime/internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

/* Reads a whole file, gunzipping it when it is gzip-compressed (gzread passes plain
 * files through). */
static unsigned char *read_maybe_gz(const char *path, size_t *size) {
  gzFile f = gzopen(path, "rb");
  if (!f) {
    nnrt_fail("cannot open '%s': %s", path, strerror(errno));
    return NULL;
  }
  size_t cap = 1 << 16, n = 0;
  unsigned char *buf = malloc(cap);
  for (;;) {
    if (!buf)
      break;
    if (n == cap) {
      unsigned char *grown = cap > ((size_t)1 << 34) ? NULL : realloc(buf, cap * 2);
      if (!grown) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = grown;
      cap *= 2;
    }
    int got = gzread(f, buf + n, (unsigned)(cap - n > (1u << 30) ? (1u << 30) : cap - n));
    if (got < 0) {
      int code;
      nnrt_fail("'%s' is not a readable gzip or IDX file: %s", path, gzerror(f, &code));
      free(buf);
      gzclose(f);
      return NULL;
    }
    if (got == 0)
      break;
    n += (size_t)got;
  }
  gzclose(f);
  if (!buf)
    nnrt_fail("out of memory reading '%s'", path);
  *size = n;
  return buf;
}

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Parses an IDX file of unsigned bytes: its item count and item size. */
static float *read_idx(const char *path, int64_t *count, int64_t *item) {
  size_t size = 0;
  unsigned char *b = read_maybe_gz(path, &size);
  if (!b)
    return NULL;
  float *out = NULL;
  if (size < 4 || b[0] || b[1] || b[2] != 0x08 || b[3] == 0) {
    nnrt_fail("'%s' is not an IDX file of unsigned bytes (wrong magic number)", path);
    goto done;
  }
  size_t dims = b[3], header = 4 + 4 * dims;
  if (size < header) {
    nnrt_fail("'%s': truncated IDX header", path);
    goto done;
  }
  uint64_t n = be32(b + 4), per = 1;
  for (size_t d = 1; d < dims; ++d)
    per *= be32(b + 4 + 4 * d);
  if (n == 0 || per == 0 || (size - header) / per < n || (size - header) != n * per) {
    nnrt_fail("'%s': the header promises %llu items of %llu values but the file holds %zu "
              "values",
              path, (unsigned long long)n, (unsigned long long)per, size - header);
    goto done;
  }
  out = malloc(n * per * sizeof(float));
  if (!out) {
    nnrt_fail("out of memory reading '%s'", path);
    goto done;
  }
  for (uint64_t i = 0; i < n * per; ++i)
    out[i] = b[header + i];
  *count = (int64_t)n;
  *item = (int64_t)per;
done:
  free(b);
  return out;
}

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* DIR/<prefix>-<kind>-ubyte, with or without .gz. */
static int idx_path(char *out, size_t cap, const char *dir, const char *prefix, const char *kind) {
  snprintf(out, cap, "%s/%s-%s-ubyte.gz", dir, prefix, kind);
  if (exists(out))
    return 1;
  snprintf(out, cap, "%s/%s-%s-ubyte", dir, prefix, kind);
  return exists(out);
}

static int load_idx_dir(const char *dir, int test, const char *package, nnrt_dataset *out) {
  char images[4096], labels[4096];
  const char *prefix = test ? "t10k" : "train";
  if (!idx_path(images, sizeof images, dir, prefix, "images-idx3") ||
      !idx_path(labels, sizeof labels, dir, prefix, "labels-idx1")) {
    if (package)
      return nnrt_fail("dataset not found: no %s-images-idx3-ubyte.gz in '%s'; %s", prefix,
                       dir, package);
    return nnrt_fail("no %s-images-idx3-ubyte[.gz] and %s-labels-idx1-ubyte[.gz] in '%s'",
                     prefix, prefix, dir);
  }
  int64_t n = 0, per = 0, nl = 0, lper = 0;
  out->x = read_idx(images, &n, &per);
  if (!out->x)
    return -1;
  out->y = read_idx(labels, &nl, &lper);
  if (!out->y) {
    nnrt_free_dataset(out);
    return -1;
  }
  if (nl != n || lper != 1) {
    nnrt_free_dataset(out);
    return nnrt_fail("'%s' holds %lld labels for %lld images in '%s'", labels, (long long)nl,
                     (long long)n, images);
  }
  out->n = n;
  out->sample_size = per;
  return 0;
}

/* Reads the field starting at *f (ending at `delim` or `stop`) into *value and moves
 * *f past its delimiter. Returns whether the field is a number. */
static int parse_field(const unsigned char *text, size_t *f, size_t stop, char delim,
                       double *value) {
  size_t g = *f;
  while (g < stop && text[g] != (unsigned char)delim)
    ++g;
  char buf[128];
  size_t len = g - *f;
  int fits = len < sizeof buf;
  if (!fits)
    len = sizeof buf - 1;
  memcpy(buf, text + *f, len);
  buf[len] = 0;
  *f = g + 1;
  char *endp;
  *value = strtod(buf, &endp);
  while (*endp && isspace((unsigned char)*endp))
    ++endp;
  return fits && endp != buf && *endp == 0;
}

/* CSV: numbers separated by `delimiter`; a first line that is not all numbers is a
 * header. Every row must have the same number of fields. */
static int load_csv(const char *path, const nnrt_csv_options *opt, nnrt_dataset *out) {
  size_t size = 0;
  unsigned char *text = read_maybe_gz(path, &size);
  if (!text)
    return -1;
  char delim = opt && opt->delimiter ? opt->delimiter : ',';
  int64_t labelCol = opt ? opt->label : -1;
  int64_t fields = -1, rows = 0, cap = 0, used = 0;
  double *values = NULL;
  int rc = 0;
  size_t pos = 0;
  for (int64_t line = 1; pos < size && rc == 0; ++line) {
    size_t end = pos;
    while (end < size && text[end] != '\n')
      ++end;
    size_t stop = end > pos && text[end - 1] == '\r' ? end - 1 : end;
    if (stop == pos) { /* blank line */
      pos = end + 1;
      continue;
    }
    /* Append this row's fields after the rows so far; a header is rolled back. */
    int64_t count = 0;
    int numeric = 1;
    for (size_t f = pos; f <= stop && rc == 0; ++count) {
      if (used + count >= cap) {
        cap = cap ? cap * 2 : 1024;
        double *grown = realloc(values, (size_t)cap * sizeof(double));
        if (!grown)
          rc = nnrt_fail("out of memory reading '%s'", path);
        else
          values = grown;
      }
      if (rc == 0)
        numeric &= parse_field(text, &f, stop, delim, &values[used + count]);
    }
    if (rc != 0)
      break;
    if (!numeric && rows == 0 && fields < 0) {
      pos = end + 1; /* the header */
      continue;
    }
    if (!numeric)
      rc = nnrt_fail("%s:%lld: a field is not a number", path, (long long)line);
    else if (fields >= 0 && count != fields)
      rc = nnrt_fail("%s:%lld: %lld fields where earlier rows have %lld", path,
                     (long long)line, (long long)count, (long long)fields);
    fields = count;
    used += count;
    ++rows;
    pos = end + 1;
  }
  free(text);
  if (rc == 0 && rows == 0)
    rc = nnrt_fail("'%s' holds no data rows", path);
  if (rc == 0 && fields < 2)
    rc = nnrt_fail("'%s' needs at least one feature column and a label column", path);
  int64_t label = labelCol < 0 ? fields - 1 : labelCol;
  if (rc == 0 && label >= fields)
    rc = nnrt_fail("label column %lld does not exist in '%s' (%lld columns)", (long long)label,
                   path, (long long)fields);
  if (rc == 0) {
    out->n = rows;
    out->sample_size = fields - 1;
    out->x = malloc((size_t)(rows * (fields - 1)) * sizeof(float));
    out->y = malloc((size_t)rows * sizeof(float));
    if (!out->x || !out->y) {
      nnrt_free_dataset(out);
      rc = nnrt_fail("out of memory reading '%s'", path);
    } else {
      for (int64_t r = 0; r < rows; ++r) {
        int64_t k = 0;
        for (int64_t c = 0; c < fields; ++c) {
          double v = values[r * fields + c];
          if (c == label)
            out->y[r] = (float)v;
          else
            out->x[r * (fields - 1) + k++] = (float)v;
        }
      }
    }
  }
  free(values);
  return rc;
}

NNRT_EXPORT int nnrt_load_dataset(const char *spec, int test, const nnrt_csv_options *options,
                                  nnrt_dataset *out) {
  nnrt_clear_error();
  if (!spec || !out)
    return nnrt_fail("load_dataset: null argument");
  memset(out, 0, sizeof *out);
  if (strncmp(spec, "idx:", 4) == 0)
    return load_idx_dir(spec + 4, test, NULL, out);
  if (strncmp(spec, "csv:", 4) == 0)
    return load_csv(spec + 4, options, out);
  if (strcmp(spec, "fashion_mnist") == 0 || strcmp(spec, "mnist") == 0) {
    const char *name = strcmp(spec, "mnist") == 0 ? "mnist" : "fashion-mnist";
    const char *root = getenv("NNC_DATA");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", root && *root ? root : "/usr/share/datasets", name);
    const char *package = strcmp(spec, "mnist") == 0
                              ? "MNIST is not packaged by Debian: put its IDX files in "
                                "$NNC_DATA/mnist"
                              : "install Debian's dataset-fashion-mnist package (apt-get "
                                "install dataset-fashion-mnist) or set NNC_DATA";
    return load_idx_dir(dir, test, package, out);
  }
  return nnrt_fail("unknown dataset '%s': use fashion_mnist, mnist, idx:DIR or csv:FILE", spec);
}

NNRT_EXPORT void nnrt_free_dataset(nnrt_dataset *data) {
  if (!data)
    return;
  free(data->x);
  free(data->y);
  data->x = data->y = NULL;
  data->n = data->sample_size = 0;
}

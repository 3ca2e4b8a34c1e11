/* Datasets for the training runtime: Fashion-MNIST / MNIST (IDX .gz), IDX folders and
 * CSV tables, as dense float arrays. */
#include "runtime/data.h"

#include "runtime/internal.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

/* The bytes an IDX file's header declares (header and values) + 1, once `b` holds the
 * header; 0 while it does not (or the magic is wrong: the reader reports that). */
static size_t idx_limit(const unsigned char *b, size_t n) {
  if (n < 4 || b[0] || b[1] || b[2] != 0x08 || b[3] == 0 || n < 4 + 4 * (size_t)b[3])
    return 0;
  size_t header = 4 + 4 * (size_t)b[3];
  uint64_t total = 1;
  for (size_t d = 0; d < b[3]; ++d) {
    uint64_t v = (uint64_t)b[4 + 4 * d] << 24 | (uint64_t)b[5 + 4 * d] << 16 |
                 (uint64_t)b[6 + 4 * d] << 8 | b[7 + 4 * d];
    total = v && total > ((uint64_t)1 << 40) / v ? ((uint64_t)1 << 40) : total * v;
  }
  return header + (size_t)total + 1;
}

/* Reads a whole file, gunzipping it when it is gzip-compressed (gzread passes plain
 * files through). With `idx`, reading stops one byte past what the IDX header declares
 * (a gzip bomb is not inflated beyond it; the caller reports the extra bytes). */
static unsigned char *read_maybe_gz(const char *path, int idx, size_t *size) {
  struct stat st; /* a device or FIFO would be read without end */
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
    nnrt_fail("'%s' is not a regular file", path);
    return NULL;
  }
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
    size_t want = cap - n > (1u << 30) ? (1u << 30) : cap - n;
    size_t limit = idx ? idx_limit(buf, n) : 0;
    if ((limit && n >= limit) ||
        (idx && !limit && n >= 4 && (buf[0] || buf[1] || buf[2] != 0x08 || buf[3] == 0)))
      break; /* all the header declares + 1 byte, or not an IDX file */
    if (limit && want > limit - n)
      want = limit - n;
    else if (idx && !limit && want > 4 + 4 * 255 - n && n < 4 + 4 * 255)
      want = 4 + 4 * 255 - n; /* the header first, then at most what it declares */
    int got = gzread(f, buf + n, (unsigned)want);
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
  unsigned char *b = read_maybe_gz(path, 1, &size);
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
  if (n && per && (size - header) / per >= n && (size - header) != n * per) {
    nnrt_fail("'%s': the IDX header promises %llu values but the file holds more", path,
              (unsigned long long)(n * per));
    goto done;
  }
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
  out->label_size = 1;
  snprintf(out->labels, sizeof out->labels, "%s", labels);
  return 0;
}

/* A CSV field: a number, empty, or text (quoted numbers such as "0" are numbers). */
enum { kNumber, kEmpty, kText };

/* Reads the field starting at *f (ending at `delim` or `stop`) and moves *f past its
 * delimiter: surrounding blanks and one pair of double quotes are dropped. Returns its
 * kind; *value is the number, `shown` the field's first characters (messages). */
static int parse_field(const unsigned char *text, size_t *f, size_t stop, char delim,
                       double *value, char *shown, size_t shownCap) {
  size_t a = *f, g = *f;
  while (g < stop && text[g] != (unsigned char)delim)
    ++g;
  *f = g + 1;
  size_t b = g;
  while (a < b && text[a] != (unsigned char)delim && isspace(text[a]))
    ++a;
  while (b > a && isspace(text[b - 1]))
    --b;
  if (b - a >= 2 && text[a] == '"' && text[b - 1] == '"')
    ++a, --b;
  snprintf(shown, shownCap, "%.*s%s", (int)(b - a < 40 ? b - a : 40), (const char *)text + a,
           b - a > 40 ? "..." : "");
  if (a == b)
    return kEmpty;
  char buf[128];
  if (b - a >= sizeof buf)
    return kText;
  memcpy(buf, text + a, b - a);
  buf[b - a] = 0;
  char *endp;
  *value = strtod(buf, &endp);
  return endp != buf && *endp == 0 ? kNumber : kText;
}

/* A row's first field that is not a finite number. */
typedef struct {
  int64_t line, col;
  int kind;
  int64_t count; /* the row's fields */
  char shown[64];
} bad_row;

static int bad_field(const char *path, int64_t line, int64_t col, int kind, const char *shown) {
  if (kind == kEmpty)
    return nnrt_fail("%s:%lld: column %lld is empty (--skip-bad-rows skips such rows)", path,
                     (long long)line, (long long)col);
  if (kind == kText)
    return nnrt_fail("%s:%lld: column %lld: '%s' is not a number (only a first line without "
                     "numbers is a header; --skip-bad-rows skips such rows)",
                     path, (long long)line, (long long)col, shown);
  return nnrt_fail("%s:%lld: column %lld: '%s' is not a finite float32 value "
                   "(--allow-nonfinite accepts it)", path, (long long)line, (long long)col,
                   shown);
}

/* CSV: numbers separated by `delimiter`. The first line is a header when none of its
 * fields is a number, or when it mixes numbers and text and has another number of fields
 * than the next row (sklearn's data files); any other field that is not a finite number is an error naming
 * the line and column (skip_bad_rows: the row is skipped and counted; allow_nonfinite:
 * nan and inf are kept). Every row must have the same number of fields. */
static int load_csv(const char *path, const nnrt_csv_options *opt, nnrt_dataset *out) {
  size_t size = 0;
  unsigned char *text = read_maybe_gz(path, 0, &size);
  if (!text)
    return -1;
  char delim = opt && opt->delimiter ? opt->delimiter : ',';
  int64_t labelCol = opt ? opt->label : -1;
  int skipBad = opt && opt->skip_bad_rows, allowNonfinite = opt && opt->allow_nonfinite;
  int64_t fields = -1, rows = 0, cap = 0, used = 0, skipped = 0;
  double *values = NULL;
  int rc = 0, first = 1;
  bad_row pending = {0, 0, 0, 0, ""};
  size_t pos = size >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0; /* a UTF-8 BOM */
  if (size >= 2 && ((text[0] == 0xFF && text[1] == 0xFE) || (text[0] == 0xFE && text[1] == 0xFF))) {
    rc = nnrt_fail("'%s' is UTF-16 text (byte-order mark %02X %02X): save it as UTF-8", path,
                   text[0], text[1]);
    free(text);
    return rc;
  }
  const unsigned char *nul = memchr(text, 0, size);
  if (nul) { /* strtod would stop there, silently cutting the field short */
    int64_t line = 1, col = 1;
    for (const unsigned char *c = text; c < nul; ++c) {
      if (*c == '\n' || (*c == '\r' && c[1] != '\n'))
        ++line, col = 1;
      else if (*c == (unsigned char)delim)
        ++col;
    }
    rc = nnrt_fail("%s:%lld: column %lld: a NUL byte (a binary file, or UTF-16 text?)", path,
                   (long long)line, (long long)col);
    free(text);
    return rc;
  }
  for (int64_t line = 1; pos < size && rc == 0; ++line) {
    size_t end = pos; /* lines end at \n, \r\n or a lone \r (classic Mac OS) */
    while (end < size && text[end] != '\n' && text[end] != '\r')
      ++end;
    size_t stop = end;
    size_t next = end + 1 + (end + 1 < size && text[end] == '\r' && text[end + 1] == '\n');
    if (stop == pos) { /* blank line */
      pos = next;
      continue;
    }
    /* Append this row's fields after the rows so far; a header or bad row is dropped. */
    int64_t count = 0, numbers = 0, badCol = 0;
    int badKind = kNumber;
    char shown[64], badShown[64] = "";
    for (size_t f = pos; f <= stop && rc == 0; ++count) {
      if (used + count >= cap) {
        cap = cap ? cap * 2 : 1024;
        double *grown = realloc(values, (size_t)cap * sizeof(double));
        if (!grown)
          rc = nnrt_fail("out of memory reading '%s'", path);
        else
          values = grown;
      }
      if (rc != 0)
        break;
      double *v = &values[used + count];
      int kind = parse_field(text, &f, stop, delim, v, shown, sizeof shown);
      numbers += kind == kNumber;
      int nonfinite = kind == kNumber && !allowNonfinite && !(fabs(*v) <= FLT_MAX);
      if ((kind != kNumber || nonfinite) && badCol == 0) {
        badCol = count + 1;
        badKind = kind;
        memcpy(badShown, shown, sizeof shown);
      }
    }
    if (rc != 0)
      break;
    pos = next;
    if (pending.line) { /* the first line was a header if this row's width differs */
      if (count != pending.count)
        fields = -1;
      else if (skipBad)
        ++skipped;
      else {
        line = pending.line, badCol = pending.col, badKind = pending.kind;
        memcpy(badShown, pending.shown, sizeof badShown);
        rc = bad_field(path, line, badCol, badKind, badShown);
        break;
      }
      pending.line = 0;
    }
    int header = first && numbers == 0;
    if (first && badCol != 0 && badKind != kNumber && numbers > 0) {
      /* numbers and text: sklearn's "569,30,malignant,benign" is a header of another
       * width than the rows; decided by the next row */
      pending = (bad_row){line, badCol, badKind, count, ""};
      memcpy(pending.shown, badShown, sizeof badShown);
      header = 1;
    }
    first = 0;
    if (header)
      continue;
    if (badCol == 0 && fields >= 0 && count != fields) {
      if (skipBad) {
        ++skipped;
        continue;
      }
      rc = nnrt_fail("%s:%lld: %lld fields where earlier rows have %lld", path,
                     (long long)line, (long long)count, (long long)fields);
      break;
    }
    if (badCol != 0) {
      if (skipBad) {
        ++skipped;
        continue;
      }
      rc = bad_field(path, line, badCol, badKind, badShown);
      break;
    }
    fields = count;
    used += count;
    ++rows;
  }
  free(text);
  if (rc == 0 && pending.line && !skipBad)
    rc = bad_field(path, pending.line, pending.col, pending.kind, pending.shown);
  else if (rc == 0 && pending.line)
    ++skipped;
  if (rc == 0 && rows == 0)
    rc = nnrt_fail("'%s' holds no data rows%s", path, skipped ? " (all were skipped)" : "");
  int64_t width = opt && opt->label_columns > 1 ? opt->label_columns : 1;
  if (rc == 0 && fields < width + 1)
    rc = width == 1
             ? nnrt_fail("'%s' needs at least one feature column and a label column", path)
             : nnrt_fail("'%s' needs at least one feature column and the model's %lld label "
                         "columns, but has %lld columns",
                         path, (long long)width, (long long)fields);
  int64_t label = labelCol < 0 ? fields - width : labelCol;
  if (rc == 0 && label + width > fields)
    rc = width == 1 ? nnrt_fail("label column %lld does not exist in '%s' (%lld columns)",
                                (long long)label, path, (long long)fields)
                    : nnrt_fail("label columns %lld..%lld do not exist in '%s' (%lld columns)",
                                (long long)label, (long long)(label + width - 1), path,
                                (long long)fields);
  if (rc == 0) {
    out->n = rows;
    out->sample_size = fields - width;
    out->label_size = width;
    out->skipped = skipped;
    snprintf(out->labels, sizeof out->labels, "%s", path);
    out->x = malloc((size_t)(rows * (fields - width)) * sizeof(float));
    out->y = malloc((size_t)(rows * width) * sizeof(float));
    if (!out->x || !out->y) {
      nnrt_free_dataset(out);
      rc = nnrt_fail("out of memory reading '%s'", path);
    } else {
      for (int64_t r = 0; r < rows; ++r) {
        int64_t k = 0;
        for (int64_t c = 0; c < fields; ++c) {
          double v = values[r * fields + c];
          if (c >= label && c < label + width)
            out->y[r * width + c - label] = (float)v;
          else
            out->x[r * (fields - width) + k++] = (float)v;
        }
      }
    }
  }
  free(values);
  return rc;
}

/* The folder of fashion_mnist / mnist, and the hint when it is missing. */
static const char *named_dir(const char *spec, char *dir, size_t cap) {
  int mnist = strcmp(spec, "mnist") == 0;
  const char *root = getenv("NNC_DATA");
  snprintf(dir, cap, "%s/%s", root && *root ? root : "/usr/share/datasets",
           mnist ? "mnist" : "fashion-mnist");
  return mnist ? "MNIST is not packaged by Debian: put its IDX files in $NNC_DATA/mnist"
               : "install Debian's dataset-fashion-mnist package (apt-get install "
                 "dataset-fashion-mnist) or set NNC_DATA";
}

int nnrt_dataset_files(const char *spec, char *files, size_t cap, int max) {
  int n = 0;
  if (strncmp(spec, "csv:", 4) == 0) {
    if (max > 0 && exists(spec + 4))
      snprintf(files, cap, "%s", spec + 4), ++n;
    return n;
  }
  char dir[4096];
  if (strncmp(spec, "idx:", 4) == 0)
    snprintf(dir, sizeof dir, "%s", spec + 4);
  else if (strcmp(spec, "fashion_mnist") == 0 || strcmp(spec, "mnist") == 0)
    named_dir(spec, dir, sizeof dir);
  else
    return 0;
  static const char *const kinds[] = {"train-images-idx3", "train-labels-idx1",
                                       "t10k-images-idx3", "t10k-labels-idx1"};
  for (int k = 0; k < 4; ++k)
    for (int gz = 0; gz < 2 && n < max; ++gz) {
      char *f = files + (size_t)n * cap;
      snprintf(f, cap, "%s/%s-ubyte%s", dir, kinds[k], gz ? ".gz" : "");
      n += exists(f);
    }
  return n;
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
    char dir[4096];
    const char *package = named_dir(spec, dir, sizeof dir);
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

/* Keeps the samples whose class id is listed in `spec` ("5,6,7" or "5-9"), renumbered
 * by their place in the list (Fashion-MNIST classes 5-9 become 0-4). */
NNRT_EXPORT int nnrt_filter_classes(nnrt_dataset *d, const char *spec) {
  if (d->label_size > 1)
    return nnrt_fail("--classes filters one class id per sample; '%s' has %lld label columns "
                     "(a model of several outputs)", d->labels, (long long)d->label_size);
  int map[256];
  for (int i = 0; i < 256; ++i)
    map[i] = -1;
  int next = 0;
  for (const char *p = spec; *p;) {
    char *end;
    long a = strtol(p, &end, 10), b = a;
    if (end == p)
      return nnrt_fail("--classes '%s': expected class ids like 5,6,7 or 5-9", spec);
    if (*end == '-') {
      p = end + 1;
      b = strtol(p, &end, 10);
      if (end == p)
        return nnrt_fail("--classes '%s': expected class ids like 5,6,7 or 5-9", spec);
    }
    if (a < 0 || b > 255 || b < a)
      return nnrt_fail("--classes '%s': class ids must be 0..255, ranges ascending", spec);
    for (long c = a; c <= b; ++c)
      if (map[c] < 0)
        map[c] = next++;
    p = *end == ',' ? end + 1 : end;
    if (*end && *end != ',')
      return nnrt_fail("--classes '%s': expected class ids like 5,6,7 or 5-9", spec);
  }
  int64_t kept = 0;
  for (int64_t i = 0; i < d->n; ++i) {
    float label = d->y[i];
    int id = label >= 0 && label < 256 && label == floorf(label) ? map[(int)label] : -1;
    if (id < 0)
      continue;
    memmove(d->x + kept * d->sample_size, d->x + i * d->sample_size,
            (size_t)d->sample_size * sizeof(float));
    d->y[kept++] = (float)id;
  }
  d->n = kept;
  return 0;
}

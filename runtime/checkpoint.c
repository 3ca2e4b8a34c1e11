/* Checkpoints (docs/checkpoint.md): named tensors and a checksum, written to a
 * temporary file in the same folder and renamed into place. */
#include "runtime/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char kMagic[8] = {'N', 'N', 'C', 'K', 'P', 'T', 0, 1};
enum { kVersion = 1 };

/* FNV-1a, 64 bits. */
static uint64_t fnv(uint64_t h, const void *data, size_t n) {
  const unsigned char *p = (const unsigned char *)data;
  for (size_t i = 0; i < n; ++i)
    h = (h ^ p[i]) * 0x100000001B3ull;
  return h;
}

typedef struct {
  FILE *f;
  uint64_t hash;
  int ok;
} writer;

static void put(writer *w, const void *data, size_t n) {
  if (w->ok && fwrite(data, 1, n, w->f) != n)
    w->ok = 0;
  w->hash = fnv(w->hash, data, n);
}

NNRT_EXPORT int nnrt_save(const nnc_model *m, const char *path) {
  return nnrt_save_with(m, path, NULL, 0);
}

int nnrt_save_with(const nnc_model *m, const char *path, const nnrt_record *extra, int nextra) {
  nnrt_clear_error();
  if (!m || !path)
    return nnrt_fail("save: null model or path");
  if (nnrt_weights_on_host((nnc_model *)m) != 0)
    return -1;
  /* A C API instance's NAME_save refuses non-finite weights, as fit's saves do
   * (nnrt_check_finite_weights, which the executable calls itself). */
  for (int64_t i = 0; m->strict && i < m->nvars; ++i)
    for (int64_t j = 0, n = nnrt_var(m, i)[NNRT_VAR_COUNT]; j < n; ++j)
      if (!isfinite(m->weights[i][j]))
        return nnrt_fail("not saving '%s': '%s'[%lld] is %s (a checkpoint of non-finite "
                         "weights is useless; any earlier file there is kept)",
                         path, m->names[i], (long long)j,
                         isnan(m->weights[i][j]) ? "nan" : m->weights[i][j] > 0 ? "inf" : "-inf");
  nnrt_output out;
  if (nnrt_output_open(&out, path, "checkpoint") != 0)
    return -1;
  writer w = {out.f, 0xCBF29CE484222325ull, 1};
  uint32_t header[2] = {kVersion, (uint32_t)(m->nvars + nextra)};
  put(&w, kMagic, sizeof kMagic);
  put(&w, header, sizeof header);
  for (int64_t i = 0; i < m->nvars; ++i) {
    uint32_t nameLen = (uint32_t)strlen(m->names[i]);
    uint64_t count = (uint64_t)nnrt_var(m, i)[NNRT_VAR_COUNT];
    put(&w, &nameLen, sizeof nameLen);
    put(&w, m->names[i], nameLen);
    put(&w, &count, sizeof count);
    put(&w, m->weights[i], count * sizeof(float));
  }
  for (int i = 0; i < nextra; ++i) {
    uint32_t nameLen = (uint32_t)strlen(extra[i].name);
    uint64_t count = (uint64_t)extra[i].count;
    put(&w, &nameLen, sizeof nameLen);
    put(&w, extra[i].name, nameLen);
    put(&w, &count, sizeof count);
    put(&w, extra[i].data, count * sizeof(float));
  }
  uint64_t sum = w.hash;
  put(&w, &sum, sizeof sum);
  return nnrt_output_commit(&out, w.ok);
}

typedef struct {
  const unsigned char *p, *end;
} reader;

static int take(reader *r, void *out, size_t n) {
  if ((size_t)(r->end - r->p) < n)
    return 0;
  memcpy(out, r->p, n);
  r->p += n;
  return 1;
}

/* A checkpoint read whole and checked: its tensors point into buf. */
typedef struct {
  unsigned char *buf;
  uint32_t count;
  nnrt_record *records;
} parsed;

static void release(parsed *c) {
  free(c->buf);
  free(c->records);
}

/* Reads a checkpoint file whole: regular files only (a FIFO, a device such as
 * /dev/urandom or a folder would block or never end), its size taken before reading. */
static int read_whole(const char *path, unsigned char **data, size_t *length) {
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC); /* a FIFO must not block here */
  if (fd < 0)
    return nnrt_fail("cannot open checkpoint '%s': %s", path, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return nnrt_fail("cannot open checkpoint '%s': %s", path, strerror(e));
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return nnrt_fail("checkpoint '%s' is not a regular file (%s)", path,
                     S_ISDIR(st.st_mode)    ? "a folder"
                     : S_ISFIFO(st.st_mode) ? "a pipe"
                     : S_ISCHR(st.st_mode)  ? "a character device"
                     : S_ISBLK(st.st_mode)  ? "a block device"
                                            : "a socket or special file");
  }
  if ((uint64_t)st.st_size > (uint64_t)(SIZE_MAX / 4)) {
    close(fd);
    return nnrt_fail("checkpoint '%s' is too large (%lld bytes)", path, (long long)st.st_size);
  }
  size_t size = (size_t)st.st_size;
  unsigned char *buf = malloc(size ? size : 1);
  if (!buf) {
    close(fd);
    return nnrt_fail("load: out of memory reading '%s' (%zu bytes)", path, size);
  }
  size_t got = 0;
  while (got < size) {
    ssize_t r = read(fd, buf + got, size - got);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0) {
      int e = r < 0 ? errno : 0;
      close(fd);
      free(buf);
      return e ? nnrt_fail("cannot read checkpoint '%s': %s", path, strerror(e))
               : nnrt_fail("checkpoint '%s' is corrupt or truncated (it shrank while being "
                           "read)",
                           path);
    }
    got += (size_t)r;
  }
  close(fd);
  *data = buf;
  *length = size;
  return 0;
}

static int parse_checkpoint(const char *path, parsed *out) {
  memset(out, 0, sizeof *out);
  unsigned char *buf = NULL;
  size_t size = 0;
  if (read_whole(path, &buf, &size) != 0)
    return -1;
  out->buf = buf;
  uint64_t stored;
  char magic[8];
  uint32_t header[2];
  reader r = {buf, buf + size};
  if (size < sizeof kMagic + sizeof header + sizeof stored || !take(&r, magic, 8) ||
      memcmp(magic, kMagic, 8) != 0)
    return nnrt_fail("'%s' is not an nnc checkpoint", path);
  memcpy(&stored, buf + size - sizeof stored, sizeof stored);
  if (fnv(0xCBF29CE484222325ull, buf, size - sizeof stored) != stored)
    return nnrt_fail("checkpoint '%s' is corrupt or truncated (checksum mismatch)", path);
  r.end = buf + size - sizeof stored;
  take(&r, header, sizeof header);
  if (header[0] != kVersion)
    return nnrt_fail("checkpoint '%s' has format version %u; this model reads version %d", path,
                     header[0], kVersion);
  /* A record takes at least its name length and value count: a count the bytes cannot
   * hold is damage, not a reason to allocate. */
  if (header[1] > (size_t)(r.end - r.p) / (sizeof(uint32_t) + sizeof(uint64_t)))
    return nnrt_fail("checkpoint '%s' is malformed: %u tensors in %zu bytes", path, header[1],
                     (size_t)(r.end - r.p));
  out->count = header[1];
  out->records = calloc((size_t)header[1] + 1, sizeof *out->records);
  if (!out->records)
    return nnrt_fail("load: out of memory reading '%s'", path);
  for (uint32_t i = 0; i < header[1]; ++i) {
    nnrt_record *t = &out->records[i];
    uint32_t nameLen;
    uint64_t count;
    if (!take(&r, &nameLen, sizeof nameLen) || nameLen >= sizeof t->name ||
        !take(&r, t->name, nameLen) || !take(&r, &count, sizeof count) ||
        (size_t)(r.end - r.p) / sizeof(float) < count)
      return nnrt_fail("checkpoint '%s' is malformed at tensor %u", path, i);
    t->name[nameLen] = 0;
    t->count = (int64_t)count;
    t->data = (const float *)r.p; /* may be unaligned (names have any length): memcpy it */
    r.p += count * sizeof(float);
  }
  return 0;
}

NNRT_EXPORT int nnrt_read_checkpoint(const char *path, nnrt_tensor_fn fn, void *ctx) {
  nnrt_clear_error();
  if (!path || !fn)
    return nnrt_fail("read_checkpoint: null path or callback");
  parsed c;
  int rc = parse_checkpoint(path, &c);
  for (uint32_t i = 0; rc == 0 && i < c.count; ++i)
    if (fn(c.records[i].name, c.records[i].count, c.records[i].data, ctx) != 0)
      rc = -1;
  release(&c);
  return rc;
}

/* Extra records (fit state) follow the model's tensors under names "fit/...". */
static int is_extra(const char *name) { return strncmp(name, "fit/", 4) == 0; }

/* Optimizer state (slots, the step count) vs layer weights: a checkpoint of the same
 * layers saved by another optimizer gets its own message, not "another model". */
static int is_weight(const nnc_model *m, int64_t i) {
  int64_t role = nnrt_var(m, i)[NNRT_VAR_ROLE];
  return role == NNRT_ROLE_FROZEN || role == NNRT_ROLE_TRAINABLE;
}

static int64_t count_weights(const nnc_model *m) {
  int64_t n = 0;
  while (n < m->nvars && is_weight(m, n))
    ++n;
  return n;
}

static int same_record(const nnc_model *m, const parsed *c, int64_t own, int64_t i) {
  return i < own && i < m->nvars && strcmp(c->records[i].name, m->names[i]) == 0 &&
         c->records[i].count == nnrt_var(m, i)[NNRT_VAR_COUNT];
}

/* The model's weights (which come first) are the checkpoint's first tensors, and the
 * checkpoint's next tensor (if any) is not a weight of this model. */
static int same_weights(const nnc_model *m, const parsed *c, int64_t own) {
  int64_t n = count_weights(m);
  for (int64_t i = 0; i < n; ++i)
    if (!same_record(m, c, own, i))
      return 0;
  for (int64_t i = n; i < m->nvars; ++i)
    if (is_weight(m, i))
      return 0; /* weights after slots: not the layout assumed here */
  return n > 0 && (own == n || strchr(c->records[n].name, '/') ||
                   strncmp(c->records[n].name, "optimizer.", 10) == 0);
}

static int same_optimizer_state(const nnc_model *m, const parsed *c, int64_t own) {
  if (own != m->nvars)
    return 0;
  for (int64_t i = 0; i < own; ++i)
    if (!same_record(m, c, own, i))
      return 0;
  return 1;
}

NNRT_EXPORT int nnrt_load(nnc_model *m, const char *path) {
  return nnrt_load_with(m, path, NULL, NULL);
}

int nnrt_load_with(nnc_model *m, const char *path, nnrt_record_fn extra, void *ctx) {
  nnrt_clear_error();
  if (!m || !path)
    return nnrt_fail("load: null model or path");
  if (m->frozen)
    return nnrt_fail("load: this model's weights are frozen into it (nnc --weights); it loads "
                     "no checkpoint");
  parsed c;
  int rc = parse_checkpoint(path, &c);
  int64_t own = 0;
  while (rc == 0 && own < (int64_t)c.count && !is_extra(c.records[own].name))
    ++own;
  /* Check every tensor before changing any weight: a mismatch changes nothing. */
  if (rc == 0 && !same_optimizer_state(m, &c, own) && same_weights(m, &c, own))
    rc = nnrt_fail("checkpoint '%s' holds this model's weights but another optimizer's "
                   "state (%lld optimizer tensors there, %lld here): it was saved with "
                   "another optimizer; fit --weights-from loads its weights only", path,
                   (long long)(own - count_weights(m)), (long long)(m->nvars - count_weights(m)));
  for (int64_t i = 0; rc == 0 && (i < own || i < m->nvars); ++i) {
    if (i >= own || i >= m->nvars) {
      rc = nnrt_fail("checkpoint '%s' holds %lld tensors, this model has %lld", path,
                     (long long)own, (long long)m->nvars);
      break;
    }
    uint64_t want = (uint64_t)nnrt_var(m, i)[NNRT_VAR_COUNT];
    if (strcmp(c.records[i].name, m->names[i]) != 0 || (uint64_t)c.records[i].count != want)
      rc = nnrt_fail("checkpoint '%s' is for another model: tensor %lld is '%s' (%llu values) "
                     "there but '%s' (%llu values) here",
                     path, (long long)i, c.records[i].name,
                     (unsigned long long)c.records[i].count, m->names[i],
                     (unsigned long long)want);
  }
  for (uint32_t i = (uint32_t)own; rc == 0 && extra && i < c.count; ++i)
    rc = extra(&c.records[i], ctx) == 0 ? 0 : -1;
  for (int64_t i = 0; rc == 0 && m->strict && i < m->nvars; ++i)
    for (int64_t j = 0; rc == 0 && j < c.records[i].count; ++j) {
      float v; /* the record's data may be unaligned (nnrt_read_checkpoint) */
      memcpy(&v, c.records[i].data + j, sizeof v);
      if (!isfinite(v))
        rc = nnrt_fail("checkpoint '%s' holds non-finite weights: '%s'[%lld] is %s (saved "
                       "from a diverged model?); nothing was loaded",
                       path, m->names[i], (long long)j,
                       isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
    }
  for (int64_t i = 0; rc == 0 && i < m->nvars; ++i)
    memcpy(m->weights[i], c.records[i].data, (size_t)c.records[i].count * sizeof(float));
  if (rc == 0)
    nnrt_weights_changed(m);
  release(&c);
  return rc;
}

int nnrt_load_matching(nnc_model *m, const char *path, int64_t *loaded, int64_t *total) {
  nnrt_clear_error();
  *loaded = *total = 0;
  if (m->frozen)
    return nnrt_fail("load: this model's weights are frozen into it (nnc --weights); it loads "
                     "no checkpoint");
  parsed c;
  int rc = parse_checkpoint(path, &c);
  for (int64_t i = 0; rc == 0 && i < m->nvars; ++i) {
    int64_t role = nnrt_var(m, i)[NNRT_VAR_ROLE];
    if (role != NNRT_ROLE_FROZEN && role != NNRT_ROLE_TRAINABLE)
      continue;
    ++*total;
    for (uint32_t j = 0; j < c.count; ++j)
      if (!strcmp(c.records[j].name, m->names[i])) {
        if (c.records[j].count != nnrt_var(m, i)[NNRT_VAR_COUNT]) {
          rc = nnrt_fail("'%s' in '%s' has %lld values but %lld here", m->names[i], path,
                         (long long)c.records[j].count,
                         (long long)nnrt_var(m, i)[NNRT_VAR_COUNT]);
          break;
        }
        if (nnrt_weights_on_host(m) != 0) { /* the other weights stay as trained */
          rc = -1;
          break;
        }
        memcpy(m->weights[i], c.records[j].data, (size_t)c.records[j].count * sizeof(float));
        nnrt_weights_changed(m);
        ++*loaded;
        break;
      }
  }
  release(&c);
  return rc;
}

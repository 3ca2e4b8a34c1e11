/* Checkpoints (docs/checkpoint.md): named tensors and a checksum, written to a
 * temporary file in the same folder and renamed into place. */
#include "runtime/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
  nnrt_clear_error();
  if (!m || !path)
    return nnrt_fail("save: null model or path");
  size_t len = strlen(path);
  char *tmp = malloc(len + 16);
  if (!tmp)
    return nnrt_fail("save: out of memory");
  snprintf(tmp, len + 16, "%s.tmp.XXXXXX", path);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    int err = errno;
    free(tmp);
    return nnrt_fail("cannot write checkpoint '%s': %s", path, strerror(err));
  }
  writer w = {fdopen(fd, "wb"), 0xCBF29CE484222325ull, 1};
  if (!w.f) {
    close(fd);
    unlink(tmp);
    free(tmp);
    return nnrt_fail("cannot write checkpoint '%s'", path);
  }
  uint32_t header[2] = {kVersion, (uint32_t)m->nvars};
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
  uint64_t sum = w.hash;
  put(&w, &sum, sizeof sum);
  int ok = w.ok && fflush(w.f) == 0 && fsync(fileno(w.f)) == 0;
  ok = (fclose(w.f) == 0) && ok;
  if (!ok || rename(tmp, path) != 0) {
    int err = errno;
    unlink(tmp);
    free(tmp);
    return nnrt_fail("cannot write checkpoint '%s': %s", path, strerror(err));
  }
  free(tmp);
  return 0;
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

NNRT_EXPORT int nnrt_load(nnc_model *m, const char *path) {
  nnrt_clear_error();
  if (!m || !path)
    return nnrt_fail("load: null model or path");
  FILE *f = fopen(path, "rb");
  if (!f)
    return nnrt_fail("cannot open checkpoint '%s': %s", path, strerror(errno));
  unsigned char *buf = NULL;
  size_t size = 0, cap = 0;
  for (;;) {
    if (size == cap) {
      cap = cap ? cap * 2 : 1 << 16;
      unsigned char *grown = realloc(buf, cap);
      if (!grown) {
        free(buf);
        fclose(f);
        return nnrt_fail("load: out of memory reading '%s'", path);
      }
      buf = grown;
    }
    size_t got = fread(buf + size, 1, cap - size, f);
    size += got;
    if (got == 0)
      break;
  }
  fclose(f);
  int rc = 0;
  uint64_t stored;
  char magic[8];
  uint32_t header[2];
  reader r = {buf, buf + size};
  if (size < sizeof kMagic + sizeof header + sizeof stored || !take(&r, magic, 8) ||
      memcmp(magic, kMagic, 8) != 0) {
    rc = nnrt_fail("'%s' is not an nnc checkpoint", path);
    goto done;
  }
  memcpy(&stored, buf + size - sizeof stored, sizeof stored);
  if (fnv(0xCBF29CE484222325ull, buf, size - sizeof stored) != stored) {
    rc = nnrt_fail("checkpoint '%s' is corrupt or truncated (checksum mismatch)", path);
    goto done;
  }
  r.end = buf + size - sizeof stored;
  take(&r, header, sizeof header);
  if (header[0] != kVersion) {
    rc = nnrt_fail("checkpoint '%s' has format version %u; this model reads version %d", path,
                   header[0], kVersion);
    goto done;
  }
  const unsigned char *tensors = r.p;
  /* Check every tensor before changing any weight: a mismatch changes nothing. */
  for (int pass = 0; pass < 2; ++pass) {
    r.p = tensors;
    for (int64_t i = 0; i < (int64_t)header[1] || i < m->nvars; ++i) {
      if (i >= (int64_t)header[1] || i >= m->nvars) {
        rc = nnrt_fail("checkpoint '%s' holds %u tensors, this model has %lld", path,
                       header[1], (long long)m->nvars);
        goto done;
      }
      uint32_t nameLen;
      uint64_t count;
      char name[256];
      if (!take(&r, &nameLen, sizeof nameLen) || nameLen >= sizeof name ||
          !take(&r, name, nameLen) || !take(&r, &count, sizeof count) ||
          (size_t)(r.end - r.p) < count * sizeof(float)) {
        rc = nnrt_fail("checkpoint '%s' is malformed at tensor %lld", path, (long long)i);
        goto done;
      }
      name[nameLen] = 0;
      uint64_t want = (uint64_t)nnrt_var(m, i)[NNRT_VAR_COUNT];
      if (strcmp(name, m->names[i]) != 0 || count != want) {
        rc = nnrt_fail("checkpoint '%s' is for another model: tensor %lld is '%s' (%llu values) "
                       "there but '%s' (%llu values) here",
                       path, (long long)i, name, (unsigned long long)count, m->names[i],
                       (unsigned long long)want);
        goto done;
      }
      if (pass == 1)
        memcpy(m->weights[i], r.p, count * sizeof(float));
      r.p += count * sizeof(float);
    }
  }
done:
  free(buf);
  return rc;
}

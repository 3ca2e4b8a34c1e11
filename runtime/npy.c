/* .npy parsing (see npy.h): the header's dict is parsed, not searched. */
#include "runtime/npy.h"

#include "runtime/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *p, *end, *path;
} cursor;

static void skip_space(cursor *c) {
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    ++c->p;
}

static int expect(cursor *c, char ch) {
  skip_space(c);
  if (c->p >= c->end || *c->p != ch)
    return 0;
  ++c->p;
  return 1;
}

static int malformed(const cursor *c, const char *what) {
  return nnrt_fail("'%s': malformed .npy header: %s", c->path, what);
}

/* A Python string literal (' or ") of at most cap-1 characters. */
static int string(cursor *c, char *out, size_t cap) {
  skip_space(c);
  if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
    return malformed(c, "expected a quoted string");
  char quote = *c->p++;
  size_t n = 0;
  while (c->p < c->end && *c->p != quote) {
    if (*c->p == '\\' || n + 1 >= cap)
      return malformed(c, "a string that is too long or escaped");
    out[n++] = *c->p++;
  }
  if (c->p >= c->end)
    return malformed(c, "an unterminated string");
  ++c->p;
  out[n] = 0;
  return 0;
}

static int word(cursor *c, const char *w) {
  size_t n = strlen(w);
  skip_space(c);
  if ((size_t)(c->end - c->p) >= n && memcmp(c->p, w, n) == 0) {
    c->p += n;
    return 1;
  }
  return 0;
}

/* (d0, d1, ...): positive integers, at most NNRT_NPY_MAX_RANK of them. */
static int shape(cursor *c, nnrt_npy *a) {
  if (!expect(c, '('))
    return malformed(c, "'shape' is not a tuple");
  a->rank = 0;
  for (;;) {
    skip_space(c);
    if (c->p < c->end && *c->p == ')') {
      ++c->p;
      return 0;
    }
    const char *start = c->p;
    uint64_t v = 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
      if (v > ((uint64_t)INT64_MAX - 9) / 10)
        return nnrt_fail("'%s': a .npy shape entry is too large", c->path);
      v = v * 10 + (uint64_t)(*c->p++ - '0');
    }
    if (c->p == start || v == 0) {
      const char *e = start;
      while (e < c->end && *e != ',' && *e != ')' && e - start < 24)
        ++e;
      return nnrt_fail("'%s': .npy shape entry '%.*s' is not a positive integer", c->path,
                       (int)(e - start), start);
    }
    if (a->rank == NNRT_NPY_MAX_RANK)
      return nnrt_fail("'%s': the .npy shape has more than %d dimensions", c->path,
                       NNRT_NPY_MAX_RANK);
    a->shape[a->rank++] = (int64_t)v;
    skip_space(c);
    if (c->p < c->end && *c->p == ',')
      ++c->p;
    else if (c->p >= c->end || *c->p != ')')
      return malformed(c, "'shape' is not a tuple of integers");
  }
}

void nnrt_npy_shape_text(const nnrt_npy *a, char *buf, size_t cap) {
  size_t n = (size_t)snprintf(buf, cap, "(");
  for (int d = 0; d < a->rank && n < cap; ++d)
    n += (size_t)snprintf(buf + n, cap - n, "%s%lld", d ? ", " : "", (long long)a->shape[d]);
  if (n < cap)
    snprintf(buf + n, cap - n, "%s)", a->rank == 1 ? "," : "");
}

/* The header dict: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }. */
static int header(cursor *c, nnrt_npy *a, int *isFloat) {
  char key[32], descr[32];
  int seen[3] = {0, 0, 0}, fortran = 0;
  if (!expect(c, '{'))
    return malformed(c, "it does not start with '{'");
  for (;;) {
    skip_space(c);
    if (c->p < c->end && *c->p == '}') {
      ++c->p;
      break;
    }
    if (string(c, key, sizeof key) != 0)
      return -1;
    if (!expect(c, ':'))
      return malformed(c, "expected ':' after a key");
    int k = !strcmp(key, "descr") ? 0 : !strcmp(key, "fortran_order") ? 1
            : !strcmp(key, "shape")                                   ? 2
                                                                      : -1;
    if (k < 0)
      return nnrt_fail("'%s': unexpected key '%s' in the .npy header", c->path, key);
    if (seen[k]++)
      return nnrt_fail("'%s': key '%s' appears twice in the .npy header", c->path, key);
    if (k == 0 && string(c, descr, sizeof descr) != 0)
      return -1;
    if (k == 1) {
      if (word(c, "True"))
        fortran = 1;
      else if (!word(c, "False"))
        return malformed(c, "'fortran_order' is not True or False");
    }
    if (k == 2 && shape(c, a) != 0)
      return -1;
    skip_space(c);
    if (c->p < c->end && *c->p == ',')
      ++c->p;
    else if (c->p >= c->end || *c->p != '}')
      return malformed(c, "expected ',' or '}' after a value");
  }
  skip_space(c);
  if (c->p != c->end)
    return malformed(c, "text after the closing '}'");
  if (!seen[0] || !seen[1] || !seen[2])
    return nnrt_fail("'%s': the .npy header lacks '%s'", c->path,
                     !seen[0] ? "descr" : !seen[1] ? "fortran_order" : "shape");
  *isFloat = !strcmp(descr, "<f4");
  if (!*isFloat && strcmp(descr, "|u1") != 0)
    return nnrt_fail("'%s' has dtype '%s': only float32 ('<f4') and uint8 ('|u1') .npy "
                     "arrays are supported", c->path, descr);
  if (fortran)
    return nnrt_fail("'%s': Fortran-ordered .npy arrays are not supported (save it with "
                     "numpy.ascontiguousarray)", c->path);
  return 0;
}

int nnrt_npy_parse(const char *path, const unsigned char *b, size_t size, int allow_nonfinite,
                   nnrt_npy *out) {
  memset(out, 0, sizeof *out);
  if (size < 6 || memcmp(b, "\x93NUMPY", 6) != 0)
    return 0;
  if (size < 10)
    return nnrt_fail("'%s': truncated .npy header", path);
  if (b[6] < 1 || b[6] > 3 || b[7] != 0)
    return nnrt_fail("'%s': .npy format version %d.%d is not supported (1.0, 2.0 or 3.0)",
                     path, b[6], b[7]);
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
  if (hlen > size - off)
    return nnrt_fail("'%s': the .npy header claims %zu bytes but the file has %zu after the "
                     "preamble", path, hlen, size - off);
  if (hlen == 0 || b[off + hlen - 1] != '\n')
    return nnrt_fail("'%s': the .npy header is not terminated by a newline", path);
  const unsigned char *nul = memchr(b + off, 0, hlen);
  if (nul) /* it would end a parsed string early: '<f4\0' read as '<f4' */
    return nnrt_fail("'%s': malformed .npy header: a NUL byte at header offset %zu", path,
                     (size_t)(nul - (b + off)));
  cursor c = {(const char *)b + off, (const char *)b + off + hlen, path};
  int isFloat = 0;
  if (header(&c, out, &isFloat) != 0)
    return -1;
  size_t item = isFloat ? 4 : 1, bytes = size - off - hlen;
  uint64_t count = 1, need = item;
  char text[256];
  nnrt_npy_shape_text(out, text, sizeof text);
  for (int d = 0; d < out->rank; ++d)
    if (__builtin_mul_overflow(count, (uint64_t)out->shape[d], &count) ||
        __builtin_mul_overflow(need, (uint64_t)out->shape[d], &need) || need > (1ull << 62))
      return nnrt_fail("'%s': the .npy shape %s is too large (the file holds %zu bytes of "
                       "data)", path, text, bytes);
  if (need != bytes)
    return nnrt_fail("'%s': the .npy shape %s needs %llu bytes of data but the file holds %zu",
                     path, text, (unsigned long long)(count * item), bytes);
  out->data = malloc((size_t)count * sizeof(float));
  if (!out->data)
    return nnrt_fail("out of memory reading '%s'", path);
  const unsigned char *data = b + off + hlen;
  int64_t perSample = out->rank > 1 ? (int64_t)count / out->shape[0] : 1;
  for (uint64_t i = 0; i < count; ++i) {
    if (!isFloat) {
      out->data[i] = data[i];
      continue;
    }
    memcpy(&out->data[i], data + 4 * i, 4);
    if (!allow_nonfinite && !isfinite(out->data[i])) {
      float v = out->data[i];
      free(out->data);
      out->data = NULL;
      return nnrt_fail("'%s': element %llu (sample %lld) is %s (--allow-nonfinite accepts it)",
                       path, (unsigned long long)i, (long long)((int64_t)i / perSample),
                       isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
    }
  }
  out->count = (int64_t)count;
  return 1;
}

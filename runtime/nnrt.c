/* Model instances: create / destroy / predict, and the kernel call shim used by the
 * generated forward pass. */
#include "runtime/internal.h"

#include "HalideRuntime.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

NNRT_EXPORT nnc_model *nnrt_create(const int64_t *desc, const char *names,
                                   const float *constants, nnrt_fn forward, nnrt_fn train,
                                   nnrt_fn evaluate, uint64_t seed) {
  nnrt_clear_error();
  if (!desc || desc[NNRT_DESC_ABI] != NNRT_ABI_VERSION) {
    nnrt_fail("create: model descriptor version mismatch (runtime ABI %d)", NNRT_ABI_VERSION);
    return NULL;
  }
  nnrt_threads_install();
  nnc_model *m = calloc(1, sizeof *m);
  if (!m)
    goto oom;
  m->desc = desc;
  m->nvars = desc[NNRT_DESC_NVARS];
  m->forward = forward;
  m->train = train;
  m->evaluate = evaluate;
  m->seed = seed;
  m->names = calloc((size_t)m->nvars + 1, sizeof *m->names);
  m->weights = calloc((size_t)m->nvars + 1, sizeof *m->weights);
  m->metric_names = calloc((size_t)desc[NNRT_DESC_METRICS] + 1, sizeof *m->metric_names);
  if (!m->names || !m->weights || !m->metric_names)
    goto oom;
  for (int64_t i = 0; i < m->nvars; ++i) {
    m->names[i] = names;
    names += strlen(names) + 1;
    const int64_t *var = nnrt_var(m, i);
    m->wide |= var[NNRT_VAR_COUNT] >= NNRT_WIDE_WEIGHTS;
    m->weights[i] = malloc((size_t)var[NNRT_VAR_COUNT] * sizeof(float));
    if (!m->weights[i])
      goto oom;
    if (var[NNRT_VAR_INIT] == NNRT_INIT_CONSTANT) {
      if (!constants) {
        nnrt_destroy(m);
        nnrt_fail("create: variable '%s' is frozen but the model has no constants", m->names[i]);
        return NULL;
      }
      memcpy(m->weights[i], constants + var[NNRT_VAR_FAN_IN],
             (size_t)var[NNRT_VAR_COUNT] * sizeof(float));
      m->frozen = 1;
    } else {
      nnrt_init_variable(m->weights[i], var, seed, i);
    }
  }
  for (int64_t i = 0; i < desc[NNRT_DESC_METRICS]; ++i) {
    m->metric_names[i] = names;
    names += strlen(names) + 1;
  }
  m->head_names = names;
  for (int64_t i = 0; i < desc[NNRT_DESC_HEADS]; ++i)
    names += strlen(names) + 1;
  m->model = names;
  return m;
oom:
  nnrt_destroy(m);
  nnrt_fail("create: out of memory");
  return NULL;
}

NNRT_EXPORT void nnrt_destroy(nnc_model *m) {
  if (!m)
    return;
  nnrt_release(m);
  free(m);
}

void nnrt_release(nnc_model *m) {
  nnrt_device_release(m);
  if (m->weights)
    for (int64_t i = 0; i < m->nvars; ++i)
      free(m->weights[i]);
  free(m->weights);
  free(m->names);
  free(m->metric_names);
  free(m->arena);
  m->weights = NULL;
  m->names = m->metric_names = NULL;
  m->arena = NULL;
}

NNRT_EXPORT int nnrt_predict(nnc_model *m, const float *x, int64_t n, float *y) {
  nnrt_clear_error();
  if (!m)
    return nnrt_fail("predict: null model");
  if (n < 0)
    return nnrt_fail("predict: negative sample count %lld", (long long)n);
  if (n == 0)
    return 0;
  if (!x || !y)
    return nnrt_fail("predict: null input or output buffer");
  if (nnrt_reserve_arena(m, n, "predict") != 0)
    return -1;
  if (nnrt_device_enter(m) != 0)
    return -1;
  unsigned fp = nnrt_fp_enter();
  int serial = !m->wide && m->desc[NNRT_DESC_ARENA] * n <= NNRT_SERIAL_FLOATS;
  nnrt_threads_serial(serial);
  int rc = m->forward(m->weights, x, NULL, NULL, n, y, m->arena);
  nnrt_threads_serial(0);
  nnrt_fp_leave(fp);
  nnrt_device_leave(m, 0);
  if (rc != 0 && nnc_last_error()[0] == 0)
    nnrt_fail("predict: kernel failed with code %d", rc);
  return rc == 0 ? 0 : -1;
}

int nnrt_check_count(const nnc_model *m, int64_t n, const char *verb) {
  int64_t fixed = m->desc[NNRT_DESC_ARENA_FIXED], widest = m->desc[NNRT_DESC_ARENA];
  const int64_t widths[] = {m->desc[NNRT_DESC_INPUT], m->desc[NNRT_DESC_OUTPUT],
                            m->desc[NNRT_DESC_LABELS]};
  for (int i = 0; i < 3; ++i)
    widest = widths[i] > widest ? widths[i] : widest;
  if (widest > 0 && n > (INT64_MAX / 8 - fixed) / widest)
    return nnrt_fail("%s: %lld samples are too many for one call", verb, (long long)n);
  return 0;
}

int nnrt_reserve_arena(nnc_model *m, int64_t n, const char *verb) {
  int64_t perSample = m->desc[NNRT_DESC_ARENA], fixed = m->desc[NNRT_DESC_ARENA_FIXED];
  if (nnrt_check_count(m, n, verb) != 0)
    return -1;
  int64_t need = fixed + perSample * n;
  /* More than this machine's memory could ever hold: refused without asking malloc
   * (a sanitizer's allocator aborts on such sizes instead of returning NULL). */
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  if (need > m->arena_capacity && pages > 0 && page > 0 &&
      (uint64_t)need * sizeof(float) > (uint64_t)pages * (uint64_t)page)
    return nnrt_fail("%s: cannot allocate %lld bytes of activations (more than this "
                     "machine's memory)",
                     verb, (long long)(need * (int64_t)sizeof(float)));
  if (need > m->arena_capacity) {
    float *grown = realloc(m->arena, (size_t)need * sizeof(float));
    if (!grown)
      return nnrt_fail("%s: cannot allocate %lld bytes of activations", verb,
                       (long long)(need * (int64_t)sizeof(float)));
    m->arena = grown;
    m->arena_capacity = need;
  }
  return 0;
}

NNRT_EXPORT int nnrt_invoke(nnrt_kernel_fn fn, int32_t count, float *const *data,
                            const int64_t *dims, int64_t n) {
  enum { kMaxTensors = 16, kMaxRank = 8 };
  halide_buffer_t bufs[kMaxTensors];
  halide_dimension_t shape[kMaxTensors][kMaxRank];
  void *args[kMaxTensors];
  if (count > kMaxTensors)
    return nnrt_fail("invoke: %d tensors exceed the runtime's limit", count);
  for (int32_t t = 0; t < count; ++t) {
    int64_t word = *dims++, rank = word & 0xff;
    if (rank > kMaxRank)
      return nnrt_fail("invoke: rank %lld exceeds the runtime's limit", (long long)rank);
    int64_t stride = 1;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t extent = dims[d] < 0 ? -dims[d] * n : dims[d];
      if (extent > INT32_MAX || stride > INT32_MAX)
        return nnrt_fail("invoke: a tensor of %lld samples is too large for one call",
                         (long long)n);
      shape[t][d] = (halide_dimension_t){0, (int32_t)extent, (int32_t)stride, 0};
      stride *= extent;
    }
    dims += rank;
    memset(&bufs[t], 0, sizeof bufs[t]);
    bufs[t].host = (uint8_t *)data[t];
    bufs[t].type.code = (word & NNRT_UINT32) ? halide_type_uint : halide_type_float;
    bufs[t].type.bits = 32;
    bufs[t].type.lanes = 1;
    bufs[t].dimensions = (int32_t)rank;
    bufs[t].dim = shape[t];
    args[t] = &bufs[t];
  }
  int rc = 0, bound = 0;
  for (; rc == 0 && bound < count; ++bound)
    rc = nnrt_device_bind(&bufs[bound]);
  if (rc == 0 && nnrt_profile_enabled()) {
    long long start = nnrt_profile_now();
    rc = fn(args);
    nnrt_profile_add((const void *)fn, nnrt_profile_now() - start);
  } else if (rc == 0) {
    rc = fn(args);
  }
  for (int32_t t = 0; t < bound; ++t) {
    int unbound = nnrt_device_unbind(&bufs[t]);
    if (rc == 0)
      rc = unbound;
  }
  return rc;
}

NNRT_EXPORT void nnrt_copy(float *dst, const float *src, int64_t count) {
  int rc = nnrt_device_copy(dst, src, count);
  if (rc == 1)
    memmove(dst, src, (size_t)count * sizeof(float));
}

/* Models whose kernels run on a CUDA GPU (nnc --target=cuda): the weights and the
 * arena live in device memory between calls, mirrored by the host copies the rest of
 * the runtime reads and writes; only inputs, labels and results cross per call.
 *
 * The host copy of the weights is brought up to date before the runtime reads it
 * (nnrt_weights_on_host) and marked newer after it writes it (nnrt_weights_changed).
 * Kernel calls see each tensor inside the arena or a weight at the same offset in
 * device memory; other pointers (inputs, labels, results) are host memory that Halide
 * copies in, and copies back when a kernel wrote it. */
#include "runtime/internal.h"

#include "HalideRuntime.h"

#include <stdlib.h>
#include <string.h>

/* Weak: the Halide runtime is linked into outputs, not into the nnc tools that use
 * the checkpoint reader; device code runs only once the CUDA interface is found. */
#pragma weak halide_device_malloc
#pragma weak halide_device_free
#pragma weak halide_copy_to_device
#pragma weak halide_copy_to_host
#pragma weak halide_buffer_copy
#pragma weak halide_device_wrap_native
#pragma weak halide_device_detach_native
#pragma weak halide_reuse_device_allocations

/* Present only in outputs whose Halide runtime was built with CUDA. */
extern const struct halide_device_interface_t *halide_cuda_device_interface(void)
    __attribute__((weak));

enum { kHostNewer = 0, kInSync = 1, kDeviceNewer = 2 };

typedef struct {
  halide_buffer_t buf;
  halide_dimension_t dim;
} device_block;

struct nnrt_device {
  const struct halide_device_interface_t *iface;
  device_block arena;  /* m->arena's device copy (capacity floats) */
  device_block *vars;  /* per variable; host-only ones (the step counter) unallocated */
  int weights;         /* kHostNewer, kInSync or kDeviceNewer */
};

/* The model whose kernels are running on this thread (nnrt_invoke and nnrt_copy
 * find device memory through it). */
static _Thread_local nnc_model *running;

static int on_device(const nnc_model *m) { return m->desc[NNRT_DESC_DEVICE] == NNRT_DEVICE_CUDA; }

/* The step counter stays on the host: the runtime counts steps, kernels never read it. */
static int host_only(const nnc_model *m, int64_t i) {
  return nnrt_var(m, i)[NNRT_VAR_ROLE] == NNRT_ROLE_ITERATIONS;
}

static void describe(device_block *b, void *host, int64_t count) {
  memset(b, 0, sizeof *b);
  b->dim = (halide_dimension_t){0, (int32_t)count, 1, 0};
  b->buf.host = (uint8_t *)host;
  b->buf.type.code = halide_type_float;
  b->buf.type.bits = 32;
  b->buf.type.lanes = 1;
  b->buf.dimensions = 1;
  b->buf.dim = &b->dim;
}

static int allocate(const struct halide_device_interface_t *iface, device_block *b, void *host,
                    int64_t count, const char *what) {
  if (count > INT32_MAX)
    return nnrt_fail("cuda: %s of %lld floats is too large for one device buffer", what,
                     (long long)count);
  describe(b, host, count);
  if (halide_device_malloc(NULL, &b->buf, iface) != 0)
    return -1;
  return 0;
}

static int fail_device(const char *what) {
  const char *why = nnc_last_error();
  char reason[768];
  snprintf(reason, sizeof reason, "%s", why[0] ? why : "no CUDA device");
  return nnrt_fail("cuda: cannot %s (the model was compiled with --target=cuda and needs an "
                   "NVIDIA GPU with its driver): %s",
                   what, reason);
}

int nnrt_device_enter(nnc_model *m) {
  if (!on_device(m))
    return 0;
  if (!halide_cuda_device_interface)
    return nnrt_fail("cuda: this output carries no CUDA runtime");
  struct nnrt_device *d = m->device;
  if (!d) {
    if (!(d = calloc(1, sizeof *d)) || !(d->vars = calloc((size_t)m->nvars + 1, sizeof *d->vars))) {
      free(d);
      return nnrt_fail("cuda: out of memory");
    }
    d->iface = halide_cuda_device_interface();
    d->weights = kHostNewer;
    m->device = d;
    halide_reuse_device_allocations(NULL, true);
  }
  running = m;
  for (int64_t i = 0; i < m->nvars; ++i) {
    if (host_only(m, i) || d->vars[i].buf.device)
      continue;
    if (allocate(d->iface, &d->vars[i], m->weights[i], nnrt_var(m, i)[NNRT_VAR_COUNT], "a weight") != 0)
      goto fail;
    d->weights = kHostNewer;
  }
  if (d->weights == kHostNewer) {
    for (int64_t i = 0; i < m->nvars; ++i) {
      if (host_only(m, i))
        continue;
      d->vars[i].buf.flags = 0;
      d->vars[i].buf.flags |= halide_buffer_flag_host_dirty;
      if (halide_copy_to_device(NULL, &d->vars[i].buf, d->iface) != 0)
        goto fail;
    }
    d->weights = kInSync;
  }
  if (d->arena.buf.host != (uint8_t *)m->arena || d->arena.dim.extent < m->arena_capacity) {
    if (d->arena.buf.device)
      halide_device_free(NULL, &d->arena.buf);
    if (m->arena_capacity && allocate(d->iface, &d->arena, m->arena, m->arena_capacity, "the arena") != 0)
      goto fail;
  }
  return 0;
fail:
  running = NULL;
  return fail_device("run the model on the GPU");
}

void nnrt_device_leave(nnc_model *m, int wrote_weights) {
  running = NULL;
  if (m->device && wrote_weights)
    m->device->weights = kDeviceNewer;
}

int nnrt_device_ready(nnc_model *m) {
  if (nnrt_device_enter(m) != 0)
    return -1;
  nnrt_device_leave(m, 0);
  return 0;
}

int nnrt_weights_on_host(nnc_model *m) {
  struct nnrt_device *d = m->device;
  if (!d || d->weights != kDeviceNewer)
    return 0;
  for (int64_t i = 0; i < m->nvars; ++i) {
    if (host_only(m, i))
      continue;
    d->vars[i].buf.flags = halide_buffer_flag_device_dirty;
    if (halide_copy_to_host(NULL, &d->vars[i].buf) != 0)
      return fail_device("copy the weights from the GPU");
  }
  d->weights = kInSync;
  return 0;
}

void nnrt_weights_changed(nnc_model *m) {
  if (m->device)
    m->device->weights = kHostNewer;
}

void nnrt_device_release(nnc_model *m) {
  struct nnrt_device *d = m->device;
  if (!d)
    return;
  for (int64_t i = 0; i < m->nvars; ++i)
    if (d->vars[i].buf.device)
      halide_device_free(NULL, &d->vars[i].buf);
  if (d->arena.buf.device)
    halide_device_free(NULL, &d->arena.buf);
  free(d->vars);
  free(d);
  m->device = NULL;
}

/* The device copy of host address p (`bytes` long) of the running model, or 0. */
static uint64_t device_address(const uint8_t *p, size_t bytes) {
  nnc_model *m = running;
  if (!m || !m->device)
    return 0;
  struct nnrt_device *d = m->device;
  const uint8_t *a = (const uint8_t *)m->arena;
  if (a && p >= a && p + bytes <= a + (size_t)m->arena_capacity * sizeof(float))
    return d->arena.buf.device + (uint64_t)(p - a);
  for (int64_t i = 0; i < m->nvars; ++i) {
    const uint8_t *w = (const uint8_t *)m->weights[i];
    if (d->vars[i].buf.device && p >= w &&
        p + bytes <= w + (size_t)nnrt_var(m, i)[NNRT_VAR_COUNT] * sizeof(float))
      return d->vars[i].buf.device + (uint64_t)(p - w);
  }
  return 0;
}

static size_t buffer_bytes(const halide_buffer_t *b) {
  size_t n = (size_t)b->type.bits / 8;
  for (int d = 0; d < b->dimensions; ++d)
    n *= (size_t)b->dim[d].extent;
  return n;
}

int nnrt_device_bind(halide_buffer_t *b) {
  if (!running || !running->device)
    return 0;
  uint64_t at = device_address(b->host, buffer_bytes(b));
  if (!at) {
    /* Host memory: Halide copies a buffer to the device only when its host side is
     * marked newer (outputs too: their old values are overwritten). */
    b->flags = halide_buffer_flag_host_dirty;
    return 0;
  }
  if (halide_device_wrap_native(NULL, b, at, running->device->iface) != 0)
    return -1;
  b->flags = halide_buffer_flag_device_dirty; /* the device holds the values */
  return 0;
}

int nnrt_device_unbind(halide_buffer_t *b) {
  int rc = 0;
  if (!running || !b->device)
    return 0;
  if (device_address(b->host, buffer_bytes(b))) {
    /* A stage that ran on the CPU wrote the host copy: the device must see it. */
    if (b->flags & halide_buffer_flag_host_dirty)
      rc = halide_copy_to_device(NULL, b, running->device->iface);
    halide_device_detach_native(NULL, b);
  } else {
    /* Host memory Halide copied to the device for this call. */
    if (b->flags & halide_buffer_flag_device_dirty)
      rc = halide_copy_to_host(NULL, b);
    halide_device_free(NULL, b);
  }
  return rc;
}

int nnrt_device_copy(float *dst, const float *src, int64_t count) {
  if (!running || !running->device)
    return 1; /* not a device model: the caller copies on the host */
  device_block s, t;
  describe(&s, (void *)src, count);
  describe(&t, dst, count);
  const struct halide_device_interface_t *iface = running->device->iface;
  if (nnrt_device_bind(&s.buf) != 0 || nnrt_device_bind(&t.buf) != 0)
    return -1;
  int to_device = t.buf.device != 0;
  if (!s.buf.device)
    s.buf.flags = halide_buffer_flag_host_dirty;
  int rc = halide_buffer_copy(NULL, &s.buf, to_device ? iface : NULL, &t.buf);
  if (s.buf.device)
    halide_device_detach_native(NULL, &s.buf);
  if (t.buf.device)
    halide_device_detach_native(NULL, &t.buf);
  return rc;
}

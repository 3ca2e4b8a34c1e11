/* The runtime's error reporting: a per-thread message, also for Halide's errors. */
#include "runtime/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_error[1024];

NNRT_EXPORT const char *nnc_last_error(void) { return last_error; }

void nnrt_clear_error(void) { last_error[0] = 0; }

int nnrt_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_error, sizeof last_error, fmt, ap);
  va_end(ap);
  return -1;
}

/* Halide's runtime reports kernel errors here instead of printing them. */
void halide_error(void *user_context, const char *msg) {
  (void)user_context;
  size_t n = strlen(msg);
  while (n && msg[n - 1] == '\n')
    --n;
  snprintf(last_error, sizeof last_error, "kernel error: %.*s", (int)n, msg);
}

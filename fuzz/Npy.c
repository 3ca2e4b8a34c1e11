/* libFuzzer target: the .npy parser behind the executable's predict. Input: a flag byte
 * (bit 0: --allow-nonfinite), then the file. */
#include "runtime/npy.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  nnrt_npy a;
  if (nnrt_npy_parse("input.npy", data + 1, size - 1, data[0] & 1, &a) > 0) {
    char text[256];
    nnrt_npy_shape_text(&a, text, sizeof text);
    free(a.data);
  }
  return 0;
}

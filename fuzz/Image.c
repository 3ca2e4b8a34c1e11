/* libFuzzer target: the executable's image path (PNG / JPEG decoding through libpng and
 * libjpeg-turbo, then the bilinear resize). Input: channels (bit 0 of the first byte: 3,
 * else 1), the model's height and width (1..64, next two bytes), then the file. */
#include "fuzz/FuzzFile.h"
#include "runtime/image.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 3)
    return 0;
  int channels = data[0] & 1 ? 3 : 1, height = data[1] % 64 + 1, width = data[2] % 64 + 1;
  const char *path = fuzz_write_file(0, "image", data + 3, size - 3);
  float *out = malloc((size_t)height * width * channels * sizeof *out);
  nnrt_read_image(path, height, width, channels, out);
  free(out);
  return 0;
}

/* libFuzzer target: the IDX dataset loader (idx:DIR, plain or gzip-named files).
 * Input: flags (bit 0: the test part, bit 1: files named .gz), a 16-bit little-endian
 * split, then the images file's bytes up to the split and the labels file's after it. */
#include "fuzz/FuzzFile.h"
#include "runtime/data.h"

#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 3)
    return 0;
  int test = data[0] & 1, gz = data[0] & 2;
  size_t split = (size_t)(data[1] | data[2] << 8);
  data += 3, size -= 3;
  if (split > size)
    split = size;
  const char *part = test ? "t10k" : "train";
  char images[64], labels[64];
  snprintf(images, sizeof images, "%s-images-idx3-ubyte%s", part, gz ? ".gz" : "");
  snprintf(labels, sizeof labels, "%s-labels-idx1-ubyte%s", part, gz ? ".gz" : "");
  fuzz_write_file(0, images, data, split);
  fuzz_write_file(1, labels, data + split, size - split);
  char spec[4200];
  snprintf(spec, sizeof spec, "idx:%s", fuzz_dir());
  nnrt_dataset set;
  if (nnrt_load_dataset(spec, test, NULL, &set) == 0)
    nnrt_free_dataset(&set);
  return 0;
}

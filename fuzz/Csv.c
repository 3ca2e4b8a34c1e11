/* libFuzzer target: the CSV dataset loader. Input: the delimiter (one of , ; tab space by
 * the first byte's low bits; bit 2: --skip-bad-rows, bit 3: --allow-nonfinite, bit 7: the
 * test part), the label column (second byte, as a signed value: -1 is the last),
 * then the table. */
#include "fuzz/FuzzFile.h"
#include "runtime/data.h"

#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2)
    return 0;
  static const char delimiters[] = {',', ';', '\t', ' '};
  nnrt_csv_options options = {delimiters[data[0] & 3], (int8_t)data[1], data[0] >> 2 & 1,
                              data[0] >> 3 & 1};
  const char *path = fuzz_write_file(0, "table.csv", data + 2, size - 2);
  char spec[4200];
  snprintf(spec, sizeof spec, "csv:%s", path);
  nnrt_dataset set;
  if (nnrt_load_dataset(spec, data[0] >> 7, &options, &set) == 0)
    nnrt_free_dataset(&set);
  return 0;
}

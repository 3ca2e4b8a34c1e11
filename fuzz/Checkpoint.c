/* libFuzzer target: the checkpoint loader (nnrt_load_with, nnrt_load_matching) against a
 * small model. Input: one flag byte, then the checkpoint's bytes before its checksum; with
 * flag bit 0 set the harness appends the right checksum so that the fuzzer reaches the
 * parser behind it, else the bytes are taken whole. Flag bit 1 picks load_matching.
 * NNC_FUZZ_SEED_OUT=DIR writes seed inputs made by nnrt_save_with and exits. */
#include "fuzz/FuzzFile.h"
#include "runtime/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Dense(4) on 2 inputs with Adam's slots: the shapes and roles a trained model has. */
#define VAR(count, role) count, NNRT_INIT_GLOROT_UNIFORM, 2, 4, role, 1, count, 0, 0, 0
static const int64_t kDesc[] = {
    NNRT_ABI_VERSION, 5, 2, 4, 0, 0, 1, 1, 1, 32, 0, 0, NNRT_LOSS_SPARSE_CATEGORICAL, 1, NNRT_DEVICE_HOST,
    1, /* one head: the whole output and label rows */
    VAR(8, NNRT_ROLE_TRAINABLE), VAR(4, NNRT_ROLE_TRAINABLE), VAR(8, NNRT_ROLE_SLOT),
    VAR(4, NNRT_ROLE_FROZEN), VAR(1, NNRT_ROLE_ITERATIONS),
    NNRT_LOSS_SPARSE_CATEGORICAL, 0, 4, 0, 1};
static const char kNames[] = "dense/kernel\0dense/bias\0dense/kernel/m\0bn/moving_mean\0"
                             "optimizer.iterations\0accuracy\0output\0fuzz";

static nnc_model *model;

static uint64_t checksum(const uint8_t *data, size_t n) {
  uint64_t h = 0xCBF29CE484222325ull; /* FNV-1a, as runtime/checkpoint.c */
  for (size_t i = 0; i < n; ++i)
    h = (h ^ data[i]) * 0x100000001B3ull;
  return h;
}

/* Reads every value of an extra record, as the fit loop's resume does. */
static int read_extra(const nnrt_record *record, void *ctx) {
  float sum = 0, v;
  for (int64_t i = 0; i < record->count; ++i) {
    memcpy(&v, record->data + i, sizeof v);
    sum += v;
  }
  *(float *)ctx += sum;
  return strcmp(record->name, "fit/reject") == 0;
}

static void write_seeds(const char *dir) {
  float state[3] = {2, 32, 7};
  nnrt_record extra = {"fit/state", 3, state};
  for (int i = 0; i < 2; ++i) {
    char path[4096], seed[4096];
    snprintf(path, sizeof path, "%s/model.ckpt", dir);
    if (nnrt_save_with(model, path, &extra, i) != 0) {
      fprintf(stderr, "%s\n", nnc_last_error());
      exit(1);
    }
    FILE *f = fopen(path, "rb");
    uint8_t buf[4096];
    size_t n = fread(buf + 1, 1, sizeof buf - 1, f);
    fclose(f);
    remove(path);
    buf[0] = 1;
    snprintf(seed, sizeof seed, "%s/seed-%d", dir, i);
    f = fopen(seed, "wb");
    fwrite(buf, 1, n + 1 - sizeof(uint64_t), f);
    fclose(f);
  }
  exit(0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  model = nnrt_create(kDesc, kNames, NULL, NULL, NULL, NULL, 1);
  if (!model) {
    fprintf(stderr, "fuzz-checkpoint: %s\n", nnc_last_error());
    abort();
  }
  const char *seeds = getenv("NNC_FUZZ_SEED_OUT");
  if (seeds)
    write_seeds(seeds);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > (1 << 20))
    return 0;
  int fix = data[0] & 1, matching = data[0] & 2;
  uint8_t *buf = malloc(size - 1 + sizeof(uint64_t));
  memcpy(buf, data + 1, size - 1);
  size_t n = size - 1;
  if (fix) {
    uint64_t h = checksum(buf, n);
    memcpy(buf + n, &h, sizeof h);
    n += sizeof h;
  }
  const char *path = fuzz_write_file(0, "model.ckpt", buf, n);
  free(buf);
  float sum = 0;
  if (matching) {
    int64_t loaded, total;
    nnrt_load_matching(model, path, &loaded, &total);
  } else {
    nnrt_load_with(model, path, read_extra, &sum);
  }
  return 0;
}

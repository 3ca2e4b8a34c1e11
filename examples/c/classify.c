/* classify: runs a compiled Fashion-MNIST model (fashion-cnn.so / fashion-cnn.h) on
 * the first N images of an uncompressed IDX image file and prints each top class.
 *   classify IMAGES.idx LABELS.idx N [WEIGHTS.ckpt] */
#include "fashion-cnn.h"

#include <stdio.h>
#include <stdlib.h>

static const char *kClasses[10] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                   "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

static unsigned be32(const unsigned char *p) {
  return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

static unsigned char *read_idx(const char *path, unsigned magic, long header, long want) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  unsigned char *buf = malloc(header + want);
  long got = buf ? (long)fread(buf, 1, header + want, f) : 0;
  fclose(f);
  if (got != header + want || be32(buf) != magic) {
    free(buf);
    return NULL;
  }
  return buf;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: classify IMAGES.idx LABELS.idx N [WEIGHTS.ckpt]\n");
    return 2;
  }
  long n = atol(argv[3]);
  unsigned char *images = read_idx(argv[1], 0x803, 16, n * 784);
  unsigned char *labels = read_idx(argv[2], 0x801, 8, n);
  if (n <= 0 || !images || !labels) {
    fprintf(stderr, "classify: cannot read %ld images and labels\n", n);
    return 1;
  }
  nnc_model *m = fashion_cnn_create(42);
  if (!m || (argc > 4 && fashion_cnn_load(m, argv[4]) != 0)) {
    fprintf(stderr, "classify: %s\n", nnc_last_error());
    return 1;
  }
  float *x = malloc(sizeof(float) * n * FASHION_CNN_INPUT_SIZE);
  float *y = malloc(sizeof(float) * n * FASHION_CNN_OUTPUT_SIZE);
  for (long i = 0; i < n * 784; ++i)
    x[i] = images[16 + i]; /* raw pixels: the model's Rescaling does the /255 */
  if (fashion_cnn_predict(m, x, n, y) != 0) {
    fprintf(stderr, "classify: %s\n", nnc_last_error());
    return 1;
  }
  int correct = 0;
  for (long i = 0; i < n; ++i) {
    int best = 0;
    for (int c = 1; c < 10; ++c)
      if (y[i * 10 + c] > y[i * 10 + best])
        best = c;
    correct += best == labels[8 + i];
    printf("image %ld: predicted %-11s (p=%.3f), label %s\n", i, kClasses[best],
           y[i * 10 + best], kClasses[labels[8 + i]]);
  }
  printf("%d of %ld correct\n", correct, n);
  fashion_cnn_destroy(m);
  return 0;
}

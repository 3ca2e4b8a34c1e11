/* NAME filters: a Conv2D layer's kernels as an image grid (PNG), one tile per filter. */
#include "runtime/internal.h"
#include "runtime/paths.h"
#include "runtime/program.h"

#include <png.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The variable to draw: NAME.kernel for --layer NAME, else the first 4-D kernel. */
static int64_t find_kernel(const nnc_model *m, const char *layer) {
  for (int64_t i = 0; i < m->nvars; ++i) {
    const int64_t *v = nnrt_var(m, i);
    if (v[NNRT_VAR_RANK] != 4 || v[NNRT_VAR_ROLE] == NNRT_ROLE_SLOT)
      continue;
    size_t n = layer ? strlen(layer) : 0;
    if (!layer || (strncmp(m->names[i], layer, n) == 0 && !strcmp(m->names[i] + n, ".kernel")))
      return i;
  }
  return -1;
}

int nnrt_command_filters(const nnrt_program *p, int argc, char **argv) {
  const char *weights = NULL, *out = NULL, *layer = NULL;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--weights"))
      weights = argv[i + 1];
    else if (!strcmp(argv[i], "-o"))
      out = argv[i + 1];
    else if (!strcmp(argv[i], "--layer"))
      layer = argv[i + 1];
    else
      break;
  }
  if (!out || argc % 2 != 0) {
    fprintf(stderr, "usage: %s filters [--weights W] [--layer NAME] -o FILTERS.png\n", argv[0]);
    return 2;
  }
  nnrt_path_use input = {weights, "the --weights checkpoint", "--weights"};
  nnrt_path_use output = {out, "picture", "-o"};
  if (nnrt_check_paths(&input, 1, &output, 1, -1) != 0) {
    fprintf(stderr, "%s: error: %s\n", argv[0], nnc_last_error());
    return 1;
  }
  nnc_model *m = nnrt_create(p->desc, p->names, p->constants, p->forward, p->train, p->evaluate, 42);
  if (!m || (weights && nnrt_load(m, weights) != 0)) {
    fprintf(stderr, "%s: error: %s\n", argv[0], nnc_last_error());
    nnrt_destroy(m);
    return 1;
  }
  int64_t k = find_kernel(m, layer);
  if (k < 0) {
    fprintf(stderr, "%s: error: %s\n", argv[0],
            layer ? "no Conv2D layer of that name (its kernel NAME.kernel)"
                  : "the model has no Conv2D layer");
    nnrt_destroy(m);
    return 1;
  }
  /* HWIO: tile f shows kernel[:, :, 0, f] (or the three input channels as RGB). */
  const int64_t *v = nnrt_var(m, k);
  int64_t kh = v[NNRT_VAR_DIMS], kw = v[NNRT_VAR_DIMS + 1], cin = v[NNRT_VAR_DIMS + 2],
          cout = v[NNRT_VAR_DIMS + 3];
  const float *w = m->weights[k];
  float lo = INFINITY, hi = -INFINITY;
  for (int64_t i = 0; i < v[NNRT_VAR_COUNT]; ++i) {
    if (!isfinite(w[i])) { /* fminf skips NaN: it was drawn as if absent, or "in [inf, inf]" */
      size_t n = strlen(m->names[k]);
      int len = (int)(n > 7 && !strcmp(m->names[k] + n - 7, ".kernel") ? n - 7 : n);
      fprintf(stderr, "%s: error: layer '%.*s' kernel holds %s: '%s'[%lld] is %s (a diverged "
                      "or damaged checkpoint?); nothing drawn\n",
              argv[0], len, m->names[k], isnan(w[i]) ? "NaN" : "infinity", m->names[k],
              (long long)i, isnan(w[i]) ? "nan" : w[i] > 0 ? "inf" : "-inf");
      nnrt_destroy(m);
      return 1;
    }
    lo = fminf(lo, w[i]);
    hi = fmaxf(hi, w[i]);
  }
  int rgb = cin == 3, scale = kh * 8 > 64 ? 1 : 8, gap = 2;
  int64_t cols = (int64_t)ceil(sqrt((double)cout)), rows = (cout + cols - 1) / cols;
  int64_t tileW = kw * scale, tileH = kh * scale;
  int64_t width = cols * (tileW + gap) + gap, height = rows * (tileH + gap) + gap;
  unsigned char *pixels = malloc((size_t)(width * height * 3));
  if (!pixels) {
    nnrt_destroy(m);
    return fprintf(stderr, "%s: error: out of memory\n", argv[0]), 1;
  }
  memset(pixels, 255, (size_t)(width * height * 3));
  for (int64_t f = 0; f < cout; ++f)
    for (int64_t y = 0; y < tileH; ++y)
      for (int64_t x = 0; x < tileW; ++x) {
        int64_t px = gap + (f % cols) * (tileW + gap) + x, py = gap + (f / cols) * (tileH + gap) + y;
        for (int c = 0; c < 3; ++c) {
          int64_t ci = rgb ? c : 0;
          float value = w[((y / scale) * kw + x / scale) * cin * cout + ci * cout + f];
          pixels[(py * width + px) * 3 + c] =
              (unsigned char)lrint(hi > lo ? 255.0 * ((double)value - lo) / ((double)hi - lo) : 128.0);
        }
      }
  png_image img;
  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  img.width = (png_uint_32)width;
  img.height = (png_uint_32)height;
  img.format = PNG_FORMAT_RGB;
  nnrt_output file; /* written beside, then renamed: a kill leaves the old picture whole */
  int ok = nnrt_output_open(&file, out, "picture") == 0;
  ok = ok && nnrt_output_commit(&file, png_image_write_to_stdio(&img, file.f, 0, pixels, 0,
                                                                NULL)) == 0;
  free(pixels);
  if (!ok) {
    fprintf(stderr, "%s: error: %s%s%s\n", argv[0], nnc_last_error(),
            img.message[0] ? ": " : "", img.message);
    nnrt_destroy(m);
    return 1;
  }
  printf("%s: %lld filters of %s (%lldx%lld, %s) in [%.3g, %.3g]\n", out, (long long)cout,
         m->names[k], (long long)kh, (long long)kw, rgb ? "RGB" : "input channel 0", lo, hi);
  nnrt_destroy(m);
  return 0;
}

/* nnc-data: dataset utilities.
 *   nnc-data export-fashion [options] OUT/   an IDX dataset (Fashion-MNIST, MNIST, idx:DIR)
 *                                            as PNG files in OUT/<class name>/, the layout
 *                                            of Keras's image_dataset_from_directory */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* strdup */
#endif
#include "runtime/data.h"
#include "runtime/folder.h"
#include "runtime/image.h"
#include "runtime/nnrt.h"

#include <errno.h>
#include <math.h>
#include <png.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const usage_text =
    "usage: nnc-data export-fashion [options] OUT/\n"
    "  Writes a dataset's images as PNG files OUT/<class name>/<part>_<index>.png, the\n"
    "  layout of Keras's image_dataset_from_directory.\n"
    "  --data D            fashion_mnist (default), mnist or idx:DIR\n"
    "  --part train|test   which part of the dataset (default train)\n"
    "  --classes 7,9       keep these class ids only (also ranges: 5-9; default all)\n"
    "  --size N            resize to N x N, bilinear as tf.image.resize (default: no resize)\n"
    "  --rgb               3-channel PNGs (the gray value in R, G and B)\n"
    "  --help              this text\n"
    "Class folders: Fashion-MNIST t_shirt_top trouser pullover dress coat sandal shirt\n"
    "sneaker bag ankle_boot; MNIST 0..9; idx:DIR class_K.\n";

static const char *const fashion_names[10] = {"t_shirt_top", "trouser", "pullover", "dress",
                                              "coat",        "sandal",  "shirt",    "sneaker",
                                              "bag",         "ankle_boot"};

typedef struct {
  const char *data, *part, *classes, *out;
  int size, rgb;
} options;

/* Prints "nnc-data: error: MESSAGE"; returns 1. */
static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "nnc-data: error: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  return 1;
}

/* Parses `--name value` / `--name=value` options and the one OUT argument. */
static int parse(int argc, char **argv, options *o) {
  memset(o, 0, sizeof *o);
  o->data = "fashion_mnist";
  o->part = "train";
  for (int i = 2; i < argc; ++i) {
    const char *a = argv[i], *v = NULL;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(usage_text, stdout);
      exit(0);
    }
    if (strcmp(a, "--rgb") == 0) {
      o->rgb = 1;
      continue;
    }
    if (a[0] != '-' || a[1] == 0) {
      if (o->out)
        return fail("one output folder expected, got '%s' after '%s'", a, o->out);
      o->out = a;
      continue;
    }
    const char *names[] = {"--data", "--part", "--classes", "--size"};
    int which = -1;
    for (int k = 0; k < 4; ++k) {
      size_t len = strlen(names[k]);
      if (strncmp(a, names[k], len) == 0 && (a[len] == 0 || a[len] == '=')) {
        which = k;
        v = a[len] == '=' ? a + len + 1 : (i + 1 < argc ? argv[++i] : NULL);
      }
    }
    if (which < 0)
      return fail("unknown option '%s' (nnc-data export-fashion --help lists them)", a);
    if (!v)
      return fail("%s needs a value", a);
    if (which == 0)
      o->data = v;
    else if (which == 1)
      o->part = v;
    else if (which == 2)
      o->classes = v;
    else {
      char *end;
      long n = strtol(v, &end, 10);
      if (end == v || *end || n < 1 || n > 4096)
        return fail("--size '%s': expected a side length 1..4096", v);
      o->size = (int)n;
    }
  }
  if (!o->out || !*o->out)
    return fail("no output folder: nnc-data export-fashion [options] OUT/");
  if (strcmp(o->part, "train") != 0 && strcmp(o->part, "test") != 0)
    return fail("--part '%s': use train or test", o->part);
  if (strcmp(o->data, "fashion_mnist") != 0 && strcmp(o->data, "mnist") != 0 &&
      strncmp(o->data, "idx:", 4) != 0)
    return fail("--data '%s': use fashion_mnist, mnist or idx:DIR", o->data);
  return 0;
}

/* Marks the class ids that `spec` lists ("7,9", "5-9") below `limit`; 0, or 1 with the
 * error printed. */
static int parse_classes(const char *spec, int limit, const char *data, int *keep) {
  for (const char *p = spec; *p;) {
    char *end;
    long a = strtol(p, &end, 10), b = a;
    if (end != p && *end == '-') {
      p = end + 1;
      b = strtol(p, &end, 10);
    }
    if (end == p || (*end && *end != ',') || (*end == ',' && end[1] == 0))
      return fail("--classes '%s': expected class ids like 7,9 or 5-9", spec);
    if (a < 0 || b < a || b >= limit)
      return fail("--classes '%s': %s has class ids 0..%d (ranges ascending)", spec, data,
                  limit - 1);
    for (long c = a; c <= b; ++c)
      keep[c] = 1;
    p = *end ? end + 1 : end;
  }
  return 0;
}

/* mkdir -p `path`; 0, or 1 with the error printed. */
static int make_folders(const char *path) {
  char *p = strdup(path);
  if (!p)
    return fail("out of memory");
  int rc = 0;
  for (char *s = p + 1;; ++s) {
    if (*s != '/' && *s != 0)
      continue;
    char c = *s;
    *s = 0;
    struct stat st;
    if (mkdir(p, 0777) != 0 && !(errno == EEXIST && stat(p, &st) == 0 && S_ISDIR(st.st_mode))) {
      rc = fail("cannot create the folder '%s': %s", p,
                errno == EEXIST ? "a file of that name exists" : strerror(errno));
      break;
    }
    *s = c;
    if (c == 0)
      break;
  }
  free(p);
  return rc;
}

/* Resizes the side x side gray image `src` (byte values as floats) to n x n
 * `channels`-channel bytes, bilinearly as runtime/image.c resizes what it decodes,
 * rounded to the nearest integer. */
static int resize(const float *src, int side, int n, int channels, unsigned char *dst) {
  unsigned char *bytes = malloc((size_t)side * side);
  float *out = malloc((size_t)n * n * sizeof *out);
  if (!bytes || !out) {
    free(bytes);
    free(out);
    return fail("out of memory");
  }
  for (int i = 0; i < side * side; ++i)
    bytes[i] = (unsigned char)src[i];
  nnrt_resize_bilinear(bytes, side, side, 1, n, n, out);
  for (int i = 0; i < n * n; ++i) {
    float v = out[i];
    unsigned char b = (unsigned char)(v <= 0 ? 0 : v >= 255 ? 255 : floor(v + 0.5));
    for (int c = 0; c < channels; ++c)
      dst[(size_t)i * channels + c] = b;
  }
  free(bytes);
  free(out);
  return 0;
}

static int write_png(const char *path, const unsigned char *pixels, int n, int rgb) {
  png_image img;
  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  img.width = (png_uint_32)n;
  img.height = (png_uint_32)n;
  img.format = rgb ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
  if (png_image_write_to_file(&img, path, 0, pixels, 0, NULL))
    return 0;
  int rc = fail("cannot write '%s': %s", path, img.message);
  png_image_free(&img);
  return rc;
}

static void class_name(const options *o, int id, char *out, size_t cap) {
  if (strcmp(o->data, "fashion_mnist") == 0)
    snprintf(out, cap, "%s", fashion_names[id]);
  else if (strcmp(o->data, "mnist") == 0)
    snprintf(out, cap, "%d", id);
  else
    snprintf(out, cap, "class_%d", id);
}

/* Writes the kept samples of `d` as PNGs; 0, or 1 with the error printed. */
static int export_images(const options *o, const nnrt_dataset *d, const int *keep, int side) {
  int n = o->size ? o->size : side, channels = o->rgb ? 3 : 1;
  int64_t total = 0, written = 0, per[256] = {0};
  for (int64_t i = 0; i < d->n; ++i) {
    int c = (int)d->y[i];
    per[c] += keep[c];
    total += keep[c];
  }
  char name[32];
  for (int c = 0; c < 256; ++c) {
    if (!keep[c] || per[c] > 0)
      continue;
    class_name(o, c, name, sizeof name);
    return fail("class %s has no images in the %s part of %s", name, o->part, o->data);
  }
  if (make_folders(o->out) != 0)
    return 1;
  if (access(o->out, W_OK | X_OK) != 0)
    return fail("cannot write to '%s': %s", o->out, strerror(errno));
  int nclasses = 0;
  for (int c = 0; c < 256; ++c) {
    if (!keep[c])
      continue;
    class_name(o, c, name, sizeof name);
    char *folder = nnrt_path_join(o->out, name);
    int rc = folder ? make_folders(folder) : fail("out of memory");
    free(folder);
    if (rc)
      return 1;
    ++nclasses;
  }
  printf("exporting %lld %s images of %s to %d class folders under %s (%dx%d %s PNG)\n",
         (long long)total, o->part, o->data, nclasses, o->out, n, n, o->rgb ? "RGB" : "gray");
  fflush(stdout);
  unsigned char *pixels = malloc((size_t)n * n * channels);
  if (!pixels)
    return fail("out of memory");
  int tty = isatty(fileno(stderr)), rc = 0;
  for (int64_t i = 0; rc == 0 && i < d->n; ++i) {
    int c = (int)d->y[i];
    if (!keep[c])
      continue;
    char file[64];
    class_name(o, c, name, sizeof name);
    snprintf(file, sizeof file, "%s/%s_%05lld.png", name, o->part, (long long)i);
    char *path = nnrt_path_join(o->out, file);
    if (!path)
      rc = fail("out of memory");
    if (rc == 0)
      rc = resize(d->x + i * d->sample_size, side, n, channels, pixels);
    if (rc == 0)
      rc = write_png(path, pixels, n, o->rgb);
    free(path);
    if (++written % 1000 == 0 && tty)
      fprintf(stderr, "\r%lld/%lld images", (long long)written, (long long)total);
  }
  if (tty)
    fprintf(stderr, "\r%*s\r", 40, "");
  free(pixels);
  if (rc == 0)
    printf("wrote %lld images in %d class folders under %s\n", (long long)written, nclasses,
           o->out);
  return rc;
}

static int export_fashion(int argc, char **argv) {
  options o;
  if (parse(argc, argv, &o) != 0)
    return 1;
  int limit = strncmp(o.data, "idx:", 4) == 0 ? 256 : 10, keep[256] = {0};
  if (o.classes && parse_classes(o.classes, limit, o.data, keep) != 0)
    return 1;
  nnrt_dataset d;
  if (nnrt_load_dataset(o.data, strcmp(o.part, "test") == 0, NULL, &d) != 0)
    return fail("%s", nnc_last_error());
  int side = (int)lround(sqrt((double)d.sample_size)), rc = 0;
  if ((int64_t)side * side != d.sample_size)
    rc = fail("%s holds samples of %lld values, not square images", o.data,
              (long long)d.sample_size);
  for (int64_t i = 0; rc == 0 && i < d.n; ++i) {
    float y = d.y[i];
    if (!(y >= 0 && y < limit && y == floorf(y)))
      rc = fail("%s: label %g is not a class id 0..%d", o.data, y, limit - 1);
    else if (!o.classes)
      keep[(int)y] = 1;
  }
  if (rc == 0)
    rc = export_images(&o, &d, keep, side);
  nnrt_free_dataset(&d);
  return rc;
}

int main(int argc, char **argv) {
  if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    fputs(usage_text, stdout);
    return 0;
  }
  if (argc >= 2 && strcmp(argv[1], "export-fashion") == 0)
    return export_fashion(argc, argv);
  if (argc >= 2)
    fail("unknown command '%s'", argv[1]);
  fputs(usage_text, stderr);
  return 1;
}

/* PNG/JPEG decoding (Debian's libpng and libjpeg-turbo, linked statically into the
 * executable) and bilinear resizing for the executable's predict command. */
#include "runtime/image.h"

#include "runtime/folder.h"

#include "runtime/files.h"
#include "runtime/internal.h"

#include <stdio.h> /* before jpeglib.h, which uses FILE */

#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/* Images above this many pixels are refused before decoding (a hostile header can claim
 * any size; 8192 x 8192 is far beyond what a model input is resized from). */
#define NNRT_MAX_IMAGE_PIXELS ((uint64_t)1 << 26)

static FILE *open_image(const char *path) {
  char why[256];
  FILE *f = nnrt_open_regular(path, why, sizeof why);
  if (!f)
    nnrt_fail("'%s': %s", path, why);
  return f;
}

static int too_large(const char *path, uint64_t w, uint64_t h) {
  if (w * h <= NNRT_MAX_IMAGE_PIXELS)
    return 0;
  nnrt_fail("'%s' is %llu x %llu pixels: larger than the %llu pixels nnc decodes", path,
            (unsigned long long)w, (unsigned long long)h,
            (unsigned long long)NNRT_MAX_IMAGE_PIXELS);
  return 1;
}

static unsigned char *decode_png(const char *path, int channels, int *w, int *h) {
  png_image img;
  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  FILE *f = open_image(path);
  if (!f)
    return NULL;
  if (!png_image_begin_read_from_stdio(&img, f)) {
    nnrt_fail("'%s': %s", path, img.message);
    fclose(f);
    return NULL;
  }
  if (too_large(path, img.width, img.height)) {
    png_image_free(&img);
    fclose(f);
    return NULL;
  }
  img.format = channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  unsigned char *pixels = malloc(PNG_IMAGE_SIZE(img));
  if (!pixels || !png_image_finish_read(&img, NULL, pixels, 0, NULL)) {
    nnrt_fail("'%s': %s", path, pixels ? img.message : "out of memory");
    png_image_free(&img);
    free(pixels);
    fclose(f);
    return NULL;
  }
  fclose(f);
  *w = (int)img.width;
  *h = (int)img.height;
  return pixels;
}

struct jpeg_failure {
  struct jpeg_error_mgr mgr;
  jmp_buf jump;
  const char *path;
  char warning[JMSG_LENGTH_MAX]; /* the first corrupt-data warning */
};

/* libjpeg's errors become nnc's, naming the file; its own stderr output is silenced. */
static void on_jpeg_error(j_common_ptr info) {
  struct jpeg_failure *failure = (struct jpeg_failure *)info->err;
  char message[JMSG_LENGTH_MAX];
  info->err->format_message(info, message);
  nnrt_fail("'%s': JPEG: %s", failure->path, message);
  longjmp(failure->jump, 1);
}

/* The first corrupt-data warning (level -1: a truncated file, extraneous bytes) is kept
 * and reported, naming the file, if the image still decodes; trace messages are dropped. */
static void on_jpeg_message(j_common_ptr info, int level) {
  struct jpeg_failure *failure = (struct jpeg_failure *)info->err;
  if (level < 0 && !failure->warning[0])
    info->err->format_message(info, failure->warning);
}

static void jpeg_silent(j_common_ptr info) { (void)info; }

static unsigned char *decode_jpeg(const char *path, int channels, int *w, int *h) {
  FILE *f = open_image(path);
  if (!f)
    return NULL;
  struct jpeg_decompress_struct info;
  struct jpeg_failure failure;
  unsigned char *volatile pixels = NULL;
  info.err = jpeg_std_error(&failure.mgr);
  failure.mgr.error_exit = on_jpeg_error;
  failure.mgr.emit_message = on_jpeg_message;
  failure.mgr.output_message = jpeg_silent;
  failure.path = path;
  failure.warning[0] = 0;
  if (setjmp(failure.jump)) {
    jpeg_destroy_decompress(&info);
    fclose(f);
    free(pixels);
    return NULL;
  }
  jpeg_create_decompress(&info);
  jpeg_stdio_src(&info, f);
  jpeg_read_header(&info, TRUE);
  if (too_large(path, info.image_width, info.image_height)) {
    jpeg_destroy_decompress(&info);
    fclose(f);
    return NULL;
  }
  info.out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress(&info);
  *w = (int)info.output_width;
  *h = (int)info.output_height;
  size_t row = (size_t)info.output_width * (size_t)channels;
  pixels = malloc(row * info.output_height);
  if (!pixels) {
    nnrt_fail("'%s': out of memory", path);
    longjmp(failure.jump, 1);
  }
  while (info.output_scanline < info.output_height) {
    JSAMPROW line = pixels + row * info.output_scanline;
    jpeg_read_scanlines(&info, &line, 1);
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  fclose(f);
  if (failure.warning[0])
    fprintf(stderr, "warning: '%s': JPEG: %s\n", path, failure.warning);
  return pixels;
}

/* Bilinear with half-pixel centres along one axis: the source position of output
 * index `dst` is (dst + 0.5) * scale - 0.5, clamped at 0; returns the weight of the
 * second of the two neighbours *i0, *i1. */
static double source_position(int dst, double scale, int size, int *i0, int *i1) {
  double f = (dst + 0.5) * scale - 0.5;
  if (f < 0)
    f = 0;
  *i0 = (int)f;
  *i1 = *i0 + 1 < size ? *i0 + 1 : size - 1;
  return f - *i0;
}

void nnrt_resize_bilinear(const unsigned char *src, int w, int h, int channels, int height,
                          int width, float *out) {
  double sy = (double)h / height, sx = (double)w / width;
  for (int y = 0; y < height; ++y) {
    int y0, y1;
    double ay = source_position(y, sy, h, &y0, &y1);
    for (int x = 0; x < width; ++x) {
      int x0, x1;
      double ax = source_position(x, sx, w, &x0, &x1);
      for (int c = 0; c < channels; ++c) {
        double p00 = src[((size_t)y0 * w + x0) * channels + c];
        double p01 = src[((size_t)y0 * w + x1) * channels + c];
        double p10 = src[((size_t)y1 * w + x0) * channels + c];
        double p11 = src[((size_t)y1 * w + x1) * channels + c];
        out[((size_t)y * width + x) * channels + c] =
            (float)((p00 * (1 - ax) + p01 * ax) * (1 - ay) + (p10 * (1 - ax) + p11 * ax) * ay);
      }
    }
  }
}

int nnrt_read_image(const char *path, int height, int width, int channels, float *out) {
  unsigned char magic[8] = {0};
  FILE *f = open_image(path);
  if (!f)
    return -1;
  size_t got = fread(magic, 1, sizeof magic, f);
  fclose(f);
  int isPng = got == 8 && memcmp(magic, "\x89PNG\r\n\x1a\n", 8) == 0;
  int isJpeg = got >= 3 && magic[0] == 0xFF && magic[1] == 0xD8 && magic[2] == 0xFF;
  if (!isPng && !isJpeg)
    return 0;
  int w = 0, h = 0;
  unsigned char *src = isPng ? decode_png(path, channels, &w, &h)
                             : decode_jpeg(path, channels, &w, &h);
  if (!src)
    return -1;
  nnrt_resize_bilinear(src, w, h, channels, height, width, out);
  free(src);
  return 1;
}

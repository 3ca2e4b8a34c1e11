/* PNG/JPEG decoding and bilinear resizing for the executable's predict command. */
#ifndef NNRT_IMAGE_H
#define NNRT_IMAGE_H

/* Reads the PNG or JPEG at `path` as `channels` (1: grayscale, 3: RGB) and resizes it
 * bilinearly (half-pixel centres, as tf.image.resize) to height x width. `out`
 * receives height*width*channels pixel values in 0..255, HWC order.
 * Returns 1 on success, 0 when the file is not a PNG/JPEG, -1 on error (with
 * nnc_last_error() set). */
int nnrt_read_image(const char *path, int height, int width, int channels, float *out);

/* Resizes the w x h `channels`-channel bytes `src` (HWC) to height x width floats in
 * `out`, bilinearly with half-pixel centres (tf.image.resize). */
void nnrt_resize_bilinear(const unsigned char *src, int w, int h, int channels, int height,
                          int width, float *out);

#endif

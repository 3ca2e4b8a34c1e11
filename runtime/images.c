/* images:DIR as samples read on demand (see images.h). */
#include "runtime/images.h"

#include "runtime/image.h"
#include "runtime/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nnrt_parse_label_mode(const char *name) {
  static const char *names[] = {"int", "binary", "categorical"};
  for (int i = 0; i < 3; ++i)
    if (name && strcmp(name, names[i]) == 0)
      return i;
  return -1;
}

/* One file into x (input floats) and its label into y. 1, or 0 / -1 with the error set
 * when the file is not a readable image. */
static int read_one(nnrt_images *s, int64_t i, float *x, float *y) {
  int rc = nnrt_read_image(s->folder.paths[i], s->height, s->width, s->channels, x);
  if (rc == 0)
    nnrt_fail("'%s' is not a PNG or JPEG image", s->folder.paths[i]);
  if (rc != 1)
    return rc;
  int label = s->folder.labels[i];
  if (s->label_mode == NNRT_LABELS_CATEGORICAL) {
    memset(y, 0, (size_t)s->labels * sizeof *y);
    y[label] = 1.0f;
  } else {
    y[0] = (float)label;
  }
  return 1;
}

/* A file that does not decode is skipped (warned about once): the sample is the next
 * readable file of the subset. With --strict it stops the run instead. */
static int fetch(void *ctx, const int64_t *index, int64_t count, float *x, float *y) {
  nnrt_images *s = ctx;
  for (int64_t k = 0; k < count; ++k) {
    int64_t i = index[k], tries = 0;
    while (read_one(s, i, x + k * s->input, y + k * s->labels) != 1) {
      if (s->strict)
        return -1;
      if (!s->failed[i]) {
        s->failed[i] = 1;
        fprintf(stderr, "warning: skipping %s\n", nnc_last_error());
      }
      i = (i + 1) % s->folder.n;
      if (++tries == s->folder.n)
        return nnrt_fail("no file of the image folder decodes");
    }
  }
  return 0;
}

static int label_mode_for(const int64_t *desc, int requested, int nclasses) {
  int64_t loss = desc[NNRT_DESC_LOSS], labels = desc[NNRT_DESC_LABELS];
  int mode = requested >= 0                      ? requested
             : loss == NNRT_LOSS_BINARY          ? NNRT_LABELS_BINARY
             : loss == NNRT_LOSS_CATEGORICAL     ? NNRT_LABELS_CATEGORICAL
                                                 : NNRT_LABELS_INT;
  if (mode == NNRT_LABELS_BINARY && nclasses != 2)
    return nnrt_fail("label_mode binary needs exactly 2 class folders, found %d", nclasses);
  if (mode == NNRT_LABELS_CATEGORICAL && labels != nclasses)
    return nnrt_fail("label_mode categorical: %d class folders, but the model's labels have "
                     "%lld values", nclasses, (long long)labels);
  if (mode != NNRT_LABELS_CATEGORICAL && labels != 1)
    return nnrt_fail("label_mode %s gives one label per image, but the model's loss takes %lld "
                     "values per sample (use --label-mode categorical)",
                     mode == NNRT_LABELS_INT ? "int" : "binary", (long long)labels);
  if (mode == NNRT_LABELS_INT && loss == NNRT_LOSS_SPARSE_CATEGORICAL &&
      desc[NNRT_DESC_OUTPUT] < nclasses)
    return nnrt_fail("%d class folders, but the model has only %lld outputs", nclasses,
                     (long long)desc[NNRT_DESC_OUTPUT]);
  return mode;
}

int nnrt_images_open(nnrt_images *s, const int64_t *desc, const int64_t *shape, const char *dir,
                     const nnrt_images_options *o, int validation) {
  memset(s, 0, sizeof *s);
  int64_t rank = shape[0];
  s->height = rank >= 2 ? (int)shape[1] : 0;
  s->width = rank >= 2 ? (int)shape[2] : 0;
  s->channels = rank == 3 ? (int)shape[3] : 1;
  if (rank < 2 || rank > 3 || (s->channels != 1 && s->channels != 3))
    return nnrt_fail("images:%s needs a model that takes images (height, width, 1 or 3 "
                     "channels)", dir);
  if (nnrt_folder_index(dir, &s->folder) != 0)
    return -1;
  int mode = label_mode_for(desc, o->label_mode, s->folder.nclasses);
  if (mode < 0) {
    nnrt_folder_free(&s->folder);
    return -1;
  }
  s->label_mode = mode;
  s->strict = o->strict;
  s->input = desc[NNRT_DESC_INPUT];
  s->labels = desc[NNRT_DESC_LABELS];
  nnrt_folder_shuffle(&s->folder, o->seed); /* Keras's shuffle=True */
  if (nnrt_folder_subset(&s->folder, o->validation_split, validation) != 0 ||
      nnrt_folder_check(&s->folder, o->strict) < 0) {
    nnrt_folder_free(&s->folder);
    return -1;
  }
  if (s->folder.n == 0 || !(s->failed = calloc((size_t)s->folder.n, 1))) {
    int empty = s->folder.n == 0;
    nnrt_folder_free(&s->folder);
    return empty ? nnrt_fail("no readable images in '%s'", dir) : nnrt_fail("out of memory");
  }
  s->source.fetch = fetch;
  s->source.ctx = s;
  return 0;
}

nnrt_samples nnrt_images_samples(nnrt_images *s) {
  nnrt_samples set = {NULL, NULL, s->folder.n, &s->source};
  return set;
}

void nnrt_images_close(nnrt_images *s) {
  nnrt_folder_free(&s->folder);
  free(s->failed);
  memset(s, 0, sizeof *s);
}

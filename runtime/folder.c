/* Image folders indexed, shuffled and split as Keras's image_dataset_from_directory
 * (keras/src/utils/dataset_utils.py: index_directory, get_training_or_validation_split). */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* strdup, lstat under -std=c11 */
#endif
#include "runtime/folder.h"

#include "runtime/files.h"
#include "runtime/internal.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A growable array of pointers. */
typedef struct {
  void **items;
  int64_t n, cap;
} list;

/* Appends `item` (NULL: an allocation failed); 0, or -1 with the error set. */
static int push(list *l, void *item) {
  if (item && l->n == l->cap) {
    int64_t cap = l->cap ? l->cap * 2 : 64;
    void **grown = realloc(l->items, (size_t)cap * sizeof(void *));
    if (!grown) {
      free(item);
      item = NULL;
    } else {
      l->items = grown;
      l->cap = cap;
    }
  }
  if (!item)
    return nnrt_fail("out of memory indexing an image folder");
  l->items[l->n++] = item;
  return 0;
}

static void free_list(list *l) {
  for (int64_t i = 0; i < l->n; ++i)
    free(l->items[i]);
  free(l->items);
  memset(l, 0, sizeof *l);
}

char *nnrt_path_join(const char *a, const char *b) {
  size_t na = strlen(a), nb = strlen(b);
  int slash = na > 0 && a[na - 1] != '/';
  char *p = malloc(na + slash + nb + 1);
  if (!p)
    return NULL;
  memcpy(p, a, na);
  if (slash)
    p[na] = '/';
  memcpy(p + na + slash, b, nb + 1);
  return p;
}

static int compare_strings(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Keras's ALLOWLIST_FORMATS, matched as fname.lower().endswith(formats). */
static int is_image_name(const char *name) {
  static const char *const formats[] = {".bmp", ".gif", ".jpeg", ".jpg", ".png"};
  size_t n = strlen(name);
  for (size_t f = 0; f < sizeof formats / sizeof *formats; ++f) {
    size_t k = strlen(formats[f]), i = 0;
    while (i < k && k <= n && tolower((unsigned char)name[n - k + i]) == formats[f][i])
      ++i;
    if (i == k && k <= n)
      return 1;
  }
  return 0;
}

/* An image file found by the walk: its folder (a string of the walk's `dirs`) and name. */
typedef struct {
  const char *dir;
  char *name;
} found_file;

static int compare_found(const void *a, const void *b) {
  const found_file *x = *(found_file *const *)a, *y = *(found_file *const *)b;
  int c = strcmp(x->dir, y->dir);
  return c ? c : strcmp(x->name, y->name);
}

static int add_found(list *files, const char *dir, const char *name) {
  found_file *f = malloc(sizeof *f);
  if (f && !(f->name = strdup(name))) {
    free(f);
    f = NULL;
  }
  if (f)
    f->dir = dir;
  return push(files, f);
}

/* os.walk(path) without followlinks: every entry that is a folder (through a symlink
 * too) is not a file; real sub-folders are walked; anything else (a broken symlink
 * included) is a file. An unreadable folder is skipped, as os.walk does. */
static int walk(const char *path, list *dirs, list *files) {
  char *here = strdup(path);
  if (push(dirs, here) != 0)
    return -1;
  DIR *d = opendir(path);
  if (!d)
    return 0;
  list subdirs = {0};
  int rc = 0;
  struct dirent *e;
  while (rc == 0 && (e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    char *full = nnrt_path_join(path, e->d_name);
    if (!full) {
      rc = push(&subdirs, NULL);
      break;
    }
    struct stat st, lst;
    if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
      if (lstat(full, &lst) == 0 && !S_ISLNK(lst.st_mode)) {
        rc = push(&subdirs, full);
        continue;
      }
    } else if (is_image_name(e->d_name)) {
      rc = add_found(files, here, e->d_name);
    }
    free(full);
  }
  closedir(d);
  for (int64_t i = 0; rc == 0 && i < subdirs.n; ++i)
    rc = walk(subdirs.items[i], dirs, files);
  free_list(&subdirs);
  return rc;
}

/* Appends one class folder's images to `paths`, in Keras's order. */
static int index_class(const char *classdir, list *paths) {
  list dirs = {0}, files = {0};
  int rc = walk(classdir, &dirs, &files);
  if (rc == 0 && files.n)
    qsort(files.items, (size_t)files.n, sizeof(void *), compare_found);
  for (int64_t i = 0; rc == 0 && i < files.n; ++i) {
    const found_file *f = files.items[i];
    rc = push(paths, nnrt_path_join(f->dir, f->name));
  }
  for (int64_t i = 0; i < files.n; ++i)
    free(((found_file *)files.items[i])->name);
  free_list(&files);
  free_list(&dirs);
  return rc;
}

/* sorted(os.listdir(dir)) kept when a folder (symlinks followed) not named ".*". */
static int list_classes(const char *dir, list *classes) {
  DIR *d = opendir(dir);
  if (!d)
    return nnrt_fail("cannot read the image folder '%s': %s", dir, strerror(errno));
  int rc = 0;
  struct dirent *e;
  while (rc == 0 && (e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    char *full = nnrt_path_join(dir, e->d_name);
    struct stat st;
    if (!full)
      rc = push(classes, NULL);
    else if (stat(full, &st) == 0 && S_ISDIR(st.st_mode))
      rc = push(classes, strdup(e->d_name));
    free(full);
  }
  closedir(d);
  if (rc == 0 && classes->n)
    qsort(classes->items, (size_t)classes->n, sizeof(void *), compare_strings);
  return rc;
}

/* Copies a list of strings into a new char* array (taking the strings). */
static char **take_strings(list *l) {
  char **out = malloc((size_t)(l->n ? l->n : 1) * sizeof(char *));
  for (int64_t i = 0; out && i < l->n; ++i)
    out[i] = l->items[i];
  if (out) {
    free(l->items);
    memset(l, 0, sizeof *l);
  }
  return out;
}

int nnrt_folder_index(const char *dir, nnrt_folder *out) {
  nnrt_clear_error();
  if (!dir || !out)
    return nnrt_fail("folder_index: null argument");
  memset(out, 0, sizeof *out);
  struct stat st;
  if (stat(dir, &st) != 0)
    return nnrt_fail("image folder '%s' not found: %s", dir, strerror(errno));
  if (!S_ISDIR(st.st_mode))
    return nnrt_fail("'%s' is not a folder (expected DIR/<class>/<images>)", dir);
  list classes = {0}, paths = {0};
  int64_t *ends = NULL; /* paths.n after each class */
  int rc = list_classes(dir, &classes);
  if (rc == 0 && classes.n == 0)
    rc = nnrt_fail("'%s' has no class sub-folders (expected DIR/<class>/<images>)", dir);
  if (rc == 0 && classes.n > 1 << 30)
    rc = nnrt_fail("'%s' has too many class sub-folders", dir);
  if (rc == 0 && !(ends = malloc((size_t)classes.n * sizeof *ends)))
    rc = push(&paths, NULL);
  for (int64_t c = 0; rc == 0 && c < classes.n; ++c) {
    char *classdir = nnrt_path_join(dir, classes.items[c]);
    rc = classdir ? index_class(classdir, &paths) : push(&paths, NULL);
    ends[c] = paths.n;
    free(classdir);
  }
  if (rc == 0 && paths.n == 0)
    rc = nnrt_fail("found no .png/.jpg/.jpeg/.bmp/.gif files in the class folders of '%s'", dir);
  if (rc == 0 && !(out->labels = malloc((size_t)paths.n * sizeof(int))))
    rc = push(&paths, NULL);
  for (int64_t c = 0, i = 0; rc == 0 && c < classes.n; ++c)
    for (; i < ends[c]; ++i)
      out->labels[i] = (int)c;
  int64_t n = paths.n, nclasses = classes.n;
  if (rc == 0 && (out->paths = take_strings(&paths)) != NULL)
    out->n = n;
  if (rc == 0 && out->paths && (out->classes = take_strings(&classes)) != NULL)
    out->nclasses = (int)nclasses;
  if (rc == 0 && !out->classes)
    rc = nnrt_fail("out of memory indexing an image folder");
  free(ends);
  free_list(&classes);
  free_list(&paths);
  if (rc != 0)
    nnrt_folder_free(out);
  return rc;
}

/* numpy's legacy MT19937 (RandomState(int seed): init_genrand). */
#define MT_N 624
#define MT_M 397
typedef struct {
  uint32_t mt[MT_N];
  int pos;
} mt19937;

static void mt_seed(mt19937 *s, uint32_t seed) {
  s->mt[0] = seed;
  for (int i = 1; i < MT_N; ++i)
    s->mt[i] = 1812433253u * (s->mt[i - 1] ^ (s->mt[i - 1] >> 30)) + (uint32_t)i;
  s->pos = MT_N;
}

static uint32_t mt_next(mt19937 *s) {
  if (s->pos == MT_N) {
    for (int i = 0; i < MT_N; ++i) {
      uint32_t y = (s->mt[i] & 0x80000000u) | (s->mt[(i + 1) % MT_N] & 0x7fffffffu);
      s->mt[i] = s->mt[(i + MT_M) % MT_N] ^ (y >> 1) ^ (y & 1 ? 0x9908b0dfu : 0);
    }
    s->pos = 0;
  }
  uint32_t y = s->mt[s->pos++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  return y ^ (y >> 18);
}

/* numpy's random_interval(max) for max < 2^32: masked draws until one is <= max. */
static uint32_t random_interval(mt19937 *s, uint32_t max) {
  uint32_t mask = max;
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  uint32_t value;
  while ((value = mt_next(s) & mask) > max)
    ;
  return value;
}

void nnrt_folder_shuffle(nnrt_folder *f, uint32_t seed) {
  mt19937 s;
  mt_seed(&s, seed);
  /* n < 2^32 (numpy draws 64-bit values beyond): one draw per i from n-1 down to 1. */
  for (int64_t i = f->n - 1; i >= 1; --i) {
    int64_t j = random_interval(&s, (uint32_t)i);
    char *p = f->paths[i];
    f->paths[i] = f->paths[j];
    f->paths[j] = p;
    int l = f->labels[i];
    f->labels[i] = f->labels[j];
    f->labels[j] = l;
  }
}

int nnrt_folder_subset(nnrt_folder *f, double validation_split, int validation) {
  if (validation_split == 0)
    return 0;
  if (!(validation_split > 0 && validation_split < 1))
    return nnrt_fail("validation split %g is not between 0 and 1", validation_split);
  int64_t nval = (int64_t)(validation_split * (double)f->n);
  if (nval == 0)
    return nnrt_fail("a validation split of %g holds out none of the %lld images", validation_split,
                     (long long)f->n);
  int64_t start = validation ? f->n - nval : 0, keep = validation ? nval : f->n - nval;
  for (int64_t i = 0; i < f->n; ++i)
    if (i < start || i >= start + keep)
      free(f->paths[i]);
  memmove(f->paths, f->paths + start, (size_t)keep * sizeof(char *));
  memmove(f->labels, f->labels + start, (size_t)keep * sizeof(int));
  f->n = keep;
  return 0;
}

/* Why `path` is not decodable (written to `why`), or 0 when it is a PNG or JPEG. */
static int not_an_image(const char *path, char *why, size_t cap) {
  unsigned char magic[8] = {0};
  FILE *file = nnrt_open_regular(path, why, cap);
  if (!file)
    return 1;
  size_t got = fread(magic, 1, sizeof magic, file);
  fclose(file);
  int isPng = got == 8 && memcmp(magic, "\x89PNG\r\n\x1a\n", 8) == 0;
  int isJpeg = got >= 3 && magic[0] == 0xFF && magic[1] == 0xD8 && magic[2] == 0xFF;
  snprintf(why, cap, "not a PNG or JPEG image");
  return !isPng && !isJpeg;
}

int64_t nnrt_folder_check(nnrt_folder *f, int strict) {
  int64_t kept = 0;
  for (int64_t i = 0; i < f->n; ++i) {
    char why[256];
    int bad = not_an_image(f->paths[i], why, sizeof why);
    if (bad && strict)
      return nnrt_fail("'%s': %s", f->paths[i], why);
    if (bad) {
      fprintf(stderr, "warning: skipping '%s': %s\n", f->paths[i], why);
      free(f->paths[i]);
      continue;
    }
    f->labels[kept] = f->labels[i];
    f->paths[kept++] = f->paths[i];
  }
  int64_t dropped = f->n - kept;
  f->n = kept;
  return dropped;
}

void nnrt_folder_free(nnrt_folder *f) {
  if (!f)
    return;
  for (int64_t i = 0; i < f->n; ++i)
    free(f->paths[i]);
  for (int c = 0; c < f->nclasses; ++c)
    free(f->classes[c]);
  free(f->paths);
  free(f->labels);
  free(f->classes);
  memset(f, 0, sizeof *f);
}

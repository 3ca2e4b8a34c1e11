/* Image folders (DIR/<class>/.../<file>) indexed, shuffled and split exactly as Keras's
 * image_dataset_from_directory(labels="inferred"), so that the training and validation
 * subsets hold the same files as Keras's. */
#ifndef NNRT_FOLDER_H
#define NNRT_FOLDER_H

#include <stdio.h>

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  char **paths;    /* n file paths (DIR/class/.../file) */
  int *labels;     /* class id of each */
  int64_t n;
  char **classes;  /* sorted sub-folder names: class id = place in this list */
  int nclasses;
} nnrt_folder;

/* Keras's index_directory: classes = sorted names of DIR's sub-folders (symlinked folders
 * included; names starting with '.' and files directly in DIR are ignored); in each
 * class folder, the files found recursively (os.walk: symlinked sub-folders are not
 * entered) whose lower-cased name ends in .png .jpg .jpeg .bmp .gif, in sorted (folder
 * path, file name) order (Python's string order = strcmp on UTF-8); classes concatenated
 * in class order. Returns 0, or -1 with nnc_last_error() set: DIR missing or not a
 * folder, no class sub-folders, no image files. */
int nnrt_folder_index(const char *dir, nnrt_folder *out);

/* Keras's shuffle: numpy.random.RandomState(seed).shuffle(file_paths), and the same
 * permutation for the labels so that they stay paired. */
void nnrt_folder_shuffle(nnrt_folder *f, uint32_t seed);

/* Keras's get_training_or_validation_split: num_val = int(validation_split * n); the
 * training subset (validation = 0) keeps paths[:-num_val], the validation subset
 * paths[-num_val:]; validation_split 0 keeps all files. Returns 0, or -1 with the
 * error set: validation_split outside [0, 1), or num_val = 0 (Keras would find no
 * training file and take every file for validation). */
int nnrt_folder_subset(nnrt_folder *f, double validation_split, int validation);

/* Reads the first bytes of each file: those that are not PNG or JPEG (or cannot be
 * opened) are dropped with "warning: skipping 'PATH': not a PNG or JPEG image" on
 * stderr or, when strict, fail with that message as the error. Runs after shuffle and
 * subset so that the split stays Keras's. Returns the number dropped, or -1. */
int64_t nnrt_folder_check(nnrt_folder *f, int strict);

void nnrt_folder_free(nnrt_folder *f);

/* os.path.join(a, b): a new string with one '/' between them (NULL when out of memory). */
char *nnrt_path_join(const char *a, const char *b);

#ifdef __cplusplus
}
#endif


#endif

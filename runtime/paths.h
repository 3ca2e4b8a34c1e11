/* Which files a command reads and writes: outputs never replace an input or each other. */
#ifndef NNRT_PATHS_H
#define NNRT_PATHS_H

#ifdef __cplusplus
extern "C" {
#endif

/* Whether a and b name the same file: by device and inode when both exist, else by
 * their normalised absolute paths (a file not yet written). */
int nnrt_same_file(const char *a, const char *b);

/* A file, what it is ("checkpoint", "the --data file") and the option naming it. */
typedef struct {
  const char *path;
  const char *what;
  const char *option;
} nnrt_path_use;

/* Checks each output (nnrt_output_check: folder exists and is writable, not a
 * directory) and refuses one that is an input or another output. Input `skip` (-1:
 * none) may equal output 0 (fit --save W --resume W replaces the checkpoint it resumed
 * from, by design). 0, or -1 with the error set. */
int nnrt_check_paths(const nnrt_path_use *inputs, int ninputs, const nnrt_path_use *outputs,
                     int noutputs, int skip);

#ifdef __cplusplus
}
#endif

#endif

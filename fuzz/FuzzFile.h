/* The runtime's loaders read files: the fuzz targets hand them their input through one
 * scratch file per process (in $TMPDIR, removed at exit). */
#ifndef NNC_FUZZ_FUZZFILE_H
#define NNC_FUZZ_FUZZFILE_H

#include <stddef.h>
#include <stdint.h>

/* Writes data to the process's scratch file `slot` (0..3) whose name ends in `suffix`;
 * returns its path (valid until the next call for the same slot). Aborts on I/O errors:
 * those are the harness's, not the target's. */
const char *fuzz_write_file(int slot, const char *suffix, const uint8_t *data, size_t size);

/* A scratch folder of this process, created once, for loaders that take a folder. */
const char *fuzz_dir(void);

#endif

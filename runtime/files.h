/* Opening input files safely: regular files only, never waiting on a FIFO. */
#ifndef NNRT_FILES_H
#define NNRT_FILES_H

#include <stddef.h>
#include <stdio.h>

/* Opens `path` for reading only when it is a regular file (a FIFO is never waited on);
 * NULL with the reason ("not a regular file", "cannot open (...)") in `why`. */
FILE *nnrt_open_regular(const char *path, char *why, size_t cap);

#endif

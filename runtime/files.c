/* Opening input files safely: regular files only, never waiting on a FIFO. In libnnrt,
 * so the image decoders, the folder index and their fuzz targets share it. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_CLOEXEC, fdopen under -std=c11 */
#endif
#include "runtime/files.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *nnrt_open_regular(const char *path, char *why, size_t cap) {
  /* O_NONBLOCK: opening a FIFO with no writer would block; fstat then refuses it */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  struct stat st;
  if (fd < 0) {
    snprintf(why, cap, "cannot open (%s)", strerror(errno));
    return NULL;
  }
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    snprintf(why, cap, "not a regular file");
    close(fd);
    return NULL;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  FILE *f = fdopen(fd, "rb");
  if (!f) {
    snprintf(why, cap, "cannot open (%s)", strerror(errno));
    close(fd);
  }
  return f;
}

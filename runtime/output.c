/* Output files written beside their destination and renamed into place when complete
 * (checkpoints, history, pictures): a crash or kill mid-write leaves the old file whole. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_TMPFILE */
#endif
#include "runtime/internal.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Where the file system allows, the file is unnamed (O_TMPFILE in path's folder) and
 * gets its temporary name only once complete, so a killed process leaves nothing
 * behind; else it is a named path.tmp.XXXXXX from the start. */
static int open_temporary(nnrt_output *o) {
  const char *slash = strrchr(o->path, '/');
  size_t dirLen = slash ? (size_t)(slash - o->path) + 1 : 0;
  memcpy(o->tmp, o->path, dirLen);
  strcpy(o->tmp + dirLen, dirLen ? "." : "./");
  int fd = open(o->tmp, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666); /* umask applies */
  if (fd >= 0) {
    /* pid.N, N counting this process's outputs: two threads saving to one path
     * collided on path.tmp.PID (one unlinked or renamed the other's file). */
    static atomic_long serial;
    o->unnamed = 1;
    snprintf(o->tmp, o->cap, "%s.tmp.%ld.%ld", o->path, (long)getpid(),
             atomic_fetch_add(&serial, 1));
    return fd;
  }
  o->unnamed = 0;
  snprintf(o->tmp, o->cap, "%s.tmp.XXXXXX", o->path);
  fd = mkstemp(o->tmp);
  if (fd >= 0) {
    mode_t mask = umask(0); /* mkstemp creates 0600; give the file the usual mode */
    umask(mask);
    fchmod(fd, 0666 & ~mask);
  }
  return fd;
}

/* Removes path.tmp.PID.N (and older path.tmp.PID) files whose process is gone: left by a kill between naming a
 * finished file and renaming it. */
static void remove_stale(const char *path) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  char dir[4096];
  snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + (slash == path) : 1,
           slash ? path : ".");
  DIR *d = opendir(dir);
  if (!d)
    return;
  size_t len = strlen(base);
  struct dirent *e;
  while ((e = readdir(d))) {
    const char *name = e->d_name;
    if (strncmp(name, base, len) != 0 || strncmp(name + len, ".tmp.", 5) != 0)
      continue;
    char *end;
    long pid = strtol(name + len + 5, &end, 10);
    if (*end == '.' && end[1] >= '0' && end[1] <= '9')
      strtol(end + 1, &end, 10); /* path.tmp.PID.N */
    if (*end || pid <= 0)
      continue; /* only the pid-named files this writer makes */
    if (kill((pid_t)pid, 0) == -1 && errno == ESRCH) {
      char stale[8192];
      snprintf(stale, sizeof stale, "%s/%s", dir, name);
      unlink(stale);
    }
  }
  closedir(d);
}

int nnrt_output_open(nnrt_output *o, const char *path, const char *what) {
  memset(o, 0, sizeof *o);
  o->path = path;
  o->what = what;
  o->cap = strlen(path) + 32;
  o->tmp = malloc(o->cap);
  if (!o->tmp)
    return nnrt_fail("cannot write %s '%s': out of memory", what, path);
  remove_stale(path);
  int fd = open_temporary(o);
  if (fd >= 0 && !(o->f = fdopen(fd, "wb")))
    close(fd);
  if (!o->f) {
    int err = errno;
    if (fd >= 0 && !o->unnamed)
      unlink(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
    return nnrt_fail("cannot write %s '%s': %s", what, path, strerror(err));
  }
  return 0;
}

int nnrt_output_commit(nnrt_output *o, int ok) {
  int err = 0;
  ok = ok && !ferror(o->f) && fflush(o->f) == 0 && fsync(fileno(o->f)) == 0;
  int named = !o->unnamed;
  if (ok && o->unnamed) {
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", fileno(o->f));
    unlink(o->tmp); /* a leftover of an earlier process with this pid */
    ok = named = linkat(AT_FDCWD, self, AT_FDCWD, o->tmp, AT_SYMLINK_FOLLOW) == 0;
  }
  /* Renamed right after it is named: the only moment a kill leaves a file behind is
   * between these two calls, and the next write to `path` removes such a file. */
  if (ok && rename(o->tmp, o->path) != 0)
    ok = 0;
  else if (ok)
    named = 0;
  if (!ok)
    err = errno;
  ok = fclose(o->f) == 0 && ok;
  if (named)
    unlink(o->tmp);
  free(o->tmp);
  o->tmp = NULL;
  o->f = NULL;
  if (ok)
    return 0;
  return nnrt_fail("cannot write %s '%s'%s%s", o->what, o->path, err ? ": " : "",
                   err ? strerror(err) : "");
}

int nnrt_output_check(const char *path, const char *what) {
  if (!path)
    return 0;
  struct stat self;
  if (!*path)
    return nnrt_fail("cannot write %s '': the path is empty", what);
  if (stat(path, &self) == 0 && S_ISDIR(self.st_mode))
    return nnrt_fail("cannot write %s '%s': it is a directory", what, path);
  const char *slash = strrchr(path, '/');
  char dir[4096];
  if (!slash)
    strcpy(dir, ".");
  else if ((size_t)(slash - path) + 1 >= sizeof dir)
    return nnrt_fail("cannot write %s '%s': the path is too long", what, path);
  else
    snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
    return nnrt_fail("cannot write %s '%s': the folder '%s' does not exist", what, path, dir);
  if (access(dir, W_OK | X_OK) != 0)
    return nnrt_fail("cannot write %s '%s': the folder '%s' is not writable", what, path, dir);
  return 0;
}

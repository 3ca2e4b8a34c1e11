/* Which files a command reads and writes (see paths.h). */
#include "runtime/paths.h"

#include "runtime/internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* path as an absolute path with its folder resolved (symbolic links, '.', '..'); the
 * last component is kept as written. */
static void normalise(const char *path, char *out, size_t cap) {
  const char *slash = strrchr(path, '/');
  char dir[PATH_MAX], real[PATH_MAX];
  if (!slash)
    snprintf(dir, sizeof dir, ".");
  else
    snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
  const char *base = slash ? slash + 1 : path;
  if (realpath(dir, real))
    snprintf(out, cap, "%s/%s", strcmp(real, "/") ? real : "", base);
  else
    snprintf(out, cap, "%s", path);
}

int nnrt_same_file(const char *a, const char *b) {
  struct stat sa, sb;
  int ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
  if (ea && eb)
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  if (ea != eb)
    return 0;
  char na[PATH_MAX + 256], nb[PATH_MAX + 256];
  normalise(a, na, sizeof na);
  normalise(b, nb, sizeof nb);
  return strcmp(na, nb) == 0;
}

int nnrt_check_paths(const nnrt_path_use *inputs, int ninputs, const nnrt_path_use *outputs,
                     int noutputs, int skip) {
  for (int o = 0; o < noutputs; ++o) {
    const nnrt_path_use *out = &outputs[o];
    if (!out->path)
      continue;
    if (nnrt_output_check(out->path, out->what) != 0)
      return -1;
    for (int i = 0; i < ninputs; ++i)
      if (inputs[i].path && !(o == 0 && i == skip) && nnrt_same_file(out->path, inputs[i].path))
        return nnrt_fail("%s '%s' would overwrite %s '%s': choose another output file",
                         out->option, out->path, inputs[i].what, inputs[i].path);
    for (int e = 0; e < o; ++e)
      if (outputs[e].path && nnrt_same_file(out->path, outputs[e].path))
        return nnrt_fail("%s '%s' and %s '%s' are the same file: give each output its own",
                         outputs[e].option, outputs[e].path, out->option, out->path);
  }
  return 0;
}

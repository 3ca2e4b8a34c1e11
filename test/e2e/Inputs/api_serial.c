/* Small calls run their kernels' loops on the calling thread: a process that only
 * predicts single samples never starts the pool's threads (waking them cost more than
 * the work); a large batch does. Prints the process's thread count after each phase. */
#include HEADER

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define FN(verb) CAT(NAME, verb)
#define IN_SIZE CAT(UNAME, _INPUT_SIZE)
#define OUT_SIZE CAT(UNAME, _OUTPUT_SIZE)

static int threads(void) {
  int n = 0;
  DIR *d = opendir("/proc/self/task");
  for (struct dirent *e; d && (e = readdir(d));)
    n += e->d_name[0] != '.';
  if (d)
    closedir(d);
  return n;
}

int main(void) {
  enum { kBig = 512 };
  float *x = calloc((size_t)kBig * IN_SIZE, sizeof(float));
  float *y = calloc((size_t)kBig * OUT_SIZE, sizeof(float));
  nnc_model *m = FN(_create)(1);
  for (int i = 0; i < 100; ++i)
    if (FN(_predict)(m, x, 1, y) != 0)
      return fprintf(stderr, "predict: %s\n", nnc_last_error()), 1;
  printf("after batch-1 predicts: %d thread(s)\n", threads());
  if (FN(_predict)(m, x, kBig, y) != 0)
    return fprintf(stderr, "predict: %s\n", nnc_last_error()), 1;
  printf("after a batch of %d: %d thread(s)\n", kBig, threads());
  FN(_destroy)(m);
  free(x);
  free(y);
  return 0;
}

/* The breast cancer table for the C tests (sklearn's breast_cancer.csv: a header line,
 * then 569 rows of 30 measurements and the 0/1 diagnosis). */
#ifndef BREAST_CANCER_H
#define BREAST_CANCER_H

#include <math.h>
#include <stdio.h>

enum { ROWS = 569, FEATURES = 30 };

/* Reads the table; 0, or 1 with a message on stderr. */
static int read_breast_cancer(const char *path, float table[ROWS][FEATURES],
                              float label[ROWS]) {
  FILE *f = path ? fopen(path, "r") : NULL;
  if (!f)
    return fprintf(stderr, "cannot open %s\n", path ? path : "(no path)"), 1;
  int c;
  while ((c = fgetc(f)) != '\n' && c != EOF) /* the header line */
    ;
  for (int r = 0; r < ROWS; ++r) {
    for (int j = 0; j < FEATURES; ++j)
      if (fscanf(f, "%f,", &table[r][j]) != 1)
        return fprintf(stderr, "row %d: bad feature %d\n", r, j), fclose(f), 1;
    if (fscanf(f, "%f", &label[r]) != 1)
      return fprintf(stderr, "row %d: no label\n", r), fclose(f), 1;
  }
  fclose(f);
  return 0;
}

/* Standardises every column with the statistics of the first `train` rows. */
static void standardise(float table[ROWS][FEATURES], int train) {
  for (int j = 0; j < FEATURES; ++j) {
    double mean = 0, var = 0;
    for (int r = 0; r < train; ++r)
      mean += table[r][j] / train;
    for (int r = 0; r < train; ++r)
      var += (table[r][j] - mean) * (table[r][j] - mean) / train;
    for (int r = 0; r < ROWS; ++r)
      table[r][j] = (float)((table[r][j] - mean) / sqrt(var + 1e-12));
  }
}

#endif

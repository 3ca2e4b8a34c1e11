/* Trains the two-head model Inputs/two-heads.nn from C: the breast cancer table's 29
 * other measurements in, the diagnosis (a class id) and the mean radius (cm / 10) as
 * each sample's label row, laid out with the generated NAME_LABEL_* macros; 60 epochs
 * of train_step on the first 80%, then evaluate and predict on the last 20%. Checks that
 * evaluate's loss is the loss_weights sum of the heads' losses and that predict's
 * outputs (found with NAME_OUTPUT_*) give evaluate's accuracy and mean absolute error.
 * usage: two_heads breast_cancer.csv */
#include "two_heads.h"

#include "breast_cancer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc < 2)
    return fprintf(stderr, "usage: two_heads breast_cancer.csv\n"), 2;
  static float table[ROWS][FEATURES], diagnosis[ROWS], radius[ROWS];
  if (read_breast_cancer(argv[1], table, diagnosis) != 0)
    return 1;
  for (int r = 0; r < ROWS; ++r)
    radius[r] = table[r][0] / 10;
  int train = ROWS * 4 / 5, test = ROWS - train;
  standardise(table, train);
  /* The inputs: every measurement but the mean radius; the labels: one row per sample,
   * each head's at its offset. */
  static float x[ROWS * TWO_HEADS_INPUT_SIZE], y[ROWS * TWO_HEADS_LABEL_SIZE];
  for (int r = 0; r < ROWS; ++r)
    for (int j = 1; j < FEATURES; ++j)
      x[r * TWO_HEADS_INPUT_SIZE + j - 1] = table[r][j];
  for (int r = 0; r < ROWS; ++r) {
    y[r * TWO_HEADS_LABEL_SIZE + TWO_HEADS_LABEL_DIAGNOSIS_OFFSET] = diagnosis[r];
    y[r * TWO_HEADS_LABEL_SIZE + TWO_HEADS_LABEL_RADIUS_OFFSET] = radius[r];
  }
  printf("outputs %d, output row %d floats, label row %d floats\n", TWO_HEADS_OUTPUT_COUNT,
         TWO_HEADS_OUTPUT_SIZE, TWO_HEADS_LABEL_SIZE);

  nnc_model *m = two_heads_create(7);
  if (!m)
    return fprintf(stderr, "create: %s\n", nnc_last_error()), 1;
  float loss = 0, first = 0;
  for (int epoch = 0; epoch < 60; ++epoch)
    for (int start = 0; start < train; start += 32) {
      int n = train - start < 32 ? train - start : 32;
      if (two_heads_train_step(m, x + (size_t)start * TWO_HEADS_INPUT_SIZE,
                               y + (size_t)start * TWO_HEADS_LABEL_SIZE, n, &loss) != 0)
        return fprintf(stderr, "train_step: %s\n", nnc_last_error()), 1;
      if (epoch == 0 && start == 0)
        first = loss;
    }
  printf("first batch loss %.3f, last %.3f\n", first, loss);
  /* diagnosis_loss, radius_loss, diagnosis_accuracy, radius_mae */
  float metrics[TWO_HEADS_METRIC_COUNT];
  const float *tx = x + (size_t)train * TWO_HEADS_INPUT_SIZE;
  if (two_heads_evaluate(m, tx, y + (size_t)train * TWO_HEADS_LABEL_SIZE, test, &loss,
                         metrics) != 0)
    return fprintf(stderr, "evaluate: %s\n", nnc_last_error()), 1;
  printf("loss = diagnosis_loss + 0.5 * radius_loss: %s\n",
         fabsf(loss - (metrics[0] + 0.5f * metrics[1])) < 1e-5f ? "yes" : "no");
  float *out = malloc(sizeof(float) * test * TWO_HEADS_OUTPUT_SIZE);
  if (two_heads_predict(m, tx, test, out) != 0)
    return fprintf(stderr, "predict: %s\n", nnc_last_error()), 1;
  int right = 0;
  double mae = 0;
  for (int i = 0; i < test; ++i) {
    const float *p = out + (size_t)i * TWO_HEADS_OUTPUT_SIZE;
    const float *scores = p + TWO_HEADS_OUTPUT_DIAGNOSIS_OFFSET;
    right += (scores[1] > scores[0]) == (diagnosis[train + i] > 0.5f);
    mae += fabs(p[TWO_HEADS_OUTPUT_RADIUS_OFFSET] - radius[train + i]) / test;
  }
  printf("held-out accuracy %.2f, predict agrees: %s\n", metrics[2],
         fabsf((float)right / test - metrics[2]) < 1e-6f ? "yes" : "no");
  /* The radius head against the constant guess of the training rows' mean radius. */
  double meanRadius = 0, guess = 0;
  for (int r = 0; r < train; ++r)
    meanRadius += radius[r] / train;
  for (int i = 0; i < test; ++i)
    guess += fabs(meanRadius - radius[train + i]) / test;
  int better = metrics[3] < 0.75 * guess;
  printf("held-out radius mae %.3f, below 3/4 of the mean guess's %.3f: %s, predict agrees: %s\n",
         metrics[3], guess, better ? "yes" : "no", fabs(mae - metrics[3]) < 1e-4 ? "yes" : "no");
  free(out);
  two_heads_destroy(m);
  return metrics[2] >= 0.9f && better ? 0 : 1;
}

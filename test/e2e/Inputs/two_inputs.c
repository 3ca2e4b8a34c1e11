/* Trains the two-input model Inputs/two-inputs.nn from C: the breast cancer table read
 * into one array per input (the ten means, the twenty others), packed into the rows
 * the C API takes with the generated NAME_INPUT_* macros, 40 epochs of train_step on
 * the first 80%, then evaluate and predict on the last 20%.
 * usage: two_inputs breast_cancer.csv */
#include "two_inputs.h"

#include "breast_cancer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc < 2)
    return fprintf(stderr, "usage: two_inputs breast_cancer.csv\n"), 2;
  static float table[ROWS][FEATURES], label[ROWS];
  if (read_breast_cancer(argv[1], table, label) != 0)
    return 1;
  int train = ROWS * 4 / 5, test = ROWS - train;
  standardise(table, train); /* with the training rows' statistics */
  /* The user's arrays, one per input, then the packed rows. */
  static float means[ROWS][TWO_INPUTS_INPUT_MEANS_SIZE], others[ROWS][TWO_INPUTS_INPUT_OTHERS_SIZE];
  static float x[ROWS * TWO_INPUTS_INPUT_SIZE];
  for (int r = 0; r < ROWS; ++r) {
    for (int j = 0; j < TWO_INPUTS_INPUT_MEANS_SIZE; ++j)
      means[r][j] = table[r][j];
    for (int j = 0; j < TWO_INPUTS_INPUT_OTHERS_SIZE; ++j)
      others[r][j] = table[r][TWO_INPUTS_INPUT_MEANS_SIZE + j];
  }
  for (int r = 0; r < ROWS; ++r) {
    float *row = x + (size_t)r * TWO_INPUTS_INPUT_SIZE;
    for (int j = 0; j < TWO_INPUTS_INPUT_MEANS_SIZE; ++j)
      row[TWO_INPUTS_INPUT_MEANS_OFFSET + j] = means[r][j];
    for (int j = 0; j < TWO_INPUTS_INPUT_OTHERS_SIZE; ++j)
      row[TWO_INPUTS_INPUT_OTHERS_OFFSET + j] = others[r][j];
  }
  printf("inputs %d, row %d floats\n", TWO_INPUTS_INPUT_COUNT, TWO_INPUTS_INPUT_SIZE);

  nnc_model *m = two_inputs_create(7);
  if (!m)
    return fprintf(stderr, "create: %s\n", nnc_last_error()), 1;
  float loss = 0, first = 0;
  for (int epoch = 0; epoch < 40; ++epoch)
    for (int start = 0; start < train; start += 32) {
      int n = train - start < 32 ? train - start : 32;
      if (two_inputs_train_step(m, x + (size_t)start * TWO_INPUTS_INPUT_SIZE, label + start, n,
                                &loss) != 0)
        return fprintf(stderr, "train_step: %s\n", nnc_last_error()), 1;
      if (epoch == 0 && start == 0)
        first = loss;
    }
  printf("first batch loss %.3f, last %.3f\n", first, loss);
  float metrics[TWO_INPUTS_METRIC_COUNT];
  const float *tx = x + (size_t)train * TWO_INPUTS_INPUT_SIZE;
  if (two_inputs_evaluate(m, tx, label + train, test, &loss, metrics) != 0)
    return fprintf(stderr, "evaluate: %s\n", nnc_last_error()), 1;
  float *y = malloc(sizeof(float) * test);
  if (two_inputs_predict(m, tx, test, y) != 0)
    return fprintf(stderr, "predict: %s\n", nnc_last_error()), 1;
  int right = 0;
  for (int i = 0; i < test; ++i)
    right += (y[i] > 0.5f) == (label[train + i] > 0.5f);
  printf("held-out accuracy %.2f, predict agrees: %s\n", metrics[0],
         fabsf((float)right / test - metrics[0]) < 1e-6f ? "yes" : "no");
  free(y);
  two_inputs_destroy(m);
  return metrics[0] >= 0.9f ? 0 : 1;
}

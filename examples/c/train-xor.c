/* train-xor: trains the compiled xor-mlp (xor-mlp.so / xor-mlp.h) from C with
 * xor_mlp_train_step, the way an application embeds training, then evaluates and
 * prints the four predictions.
 *   nnc examples/xor-mlp.nn -o xor-mlp.so
 *   cc -I. examples/c/train-xor.c ./xor-mlp.so -Wl,-rpath,. -o train-xor && ./train-xor */
#include "xor-mlp.h"

#include <stdio.h>

int main(void) {
  const float x[4 * XOR_MLP_INPUT_SIZE] = {0, 0, 0, 1, 1, 0, 1, 1};
  const float y[4 * XOR_MLP_LABEL_SIZE] = {0, 1, 1, 0};
  nnc_model *m = xor_mlp_create(42);
  if (!m)
    return fprintf(stderr, "train-xor: %s\n", nnc_last_error()), 1;
  float loss = 0;
  for (int epoch = 0; epoch < 500; ++epoch) /* the .nn's fit(): 500 epochs, batch 4 */
    if (xor_mlp_train_step(m, x, y, 4, &loss) != 0)
      return fprintf(stderr, "train-xor: %s\n", nnc_last_error()), 1;
  float metrics[XOR_MLP_METRIC_COUNT], p[4];
  if (xor_mlp_evaluate(m, x, y, 4, &loss, metrics) != 0 || xor_mlp_predict(m, x, 4, p) != 0)
    return fprintf(stderr, "train-xor: %s\n", nnc_last_error()), 1;
  printf("loss %.4f, accuracy %.2f\n", loss, metrics[0]);
  for (int i = 0; i < 4; ++i)
    printf("xor(%g, %g) = %.3f\n", x[2 * i], x[2 * i + 1], p[i]);
  xor_mlp_destroy(m);
  return 0;
}

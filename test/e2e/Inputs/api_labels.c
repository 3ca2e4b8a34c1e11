/* Labels the loss cannot take, given to train_step and evaluate: refused with the
 * sample and value, and the weights stay as they were. */
#include "mlp.h"
#include "tiny.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  nnc_model *mlp = mlp_create(1), *tiny = tiny_create(1);
  float x[4 * MLP_INPUT_SIZE] = {0}, y[4] = {1, 2, 3, 4}, loss = 0, metrics[4];
  float before[4 * MLP_OUTPUT_SIZE], after[4 * MLP_OUTPUT_SIZE];
  mlp_predict(mlp, x, 4, before);
  float bad[] = {37, 10, -1, NAN, 2.5f, INFINITY}; /* 10: the class count itself */
  for (int i = 0; i < 6; ++i) {
    y[2] = bad[i];
    printf("train_step %g: %d %s\n", bad[i], mlp_train_step(mlp, x, y, 4, &loss),
           nnc_last_error());
    printf("evaluate %g: %d %s\n", bad[i], mlp_evaluate(mlp, x, y, 4, &loss, metrics),
           nnc_last_error());
  }
  y[2] = 9;
  printf("class 9: %d\n", mlp_train_step(mlp, x, y, 4, &loss));
  mlp_predict(mlp, x, 4, after);
  /* One accepted step since: the refused calls changed nothing but it. */
  printf("stepped once: %s\n", memcmp(before, after, sizeof before) ? "yes" : "no");

  /* binary_crossentropy: any finite target (Keras's), not NaN or infinity. */
  float tx[2 * TINY_INPUT_SIZE] = {0}, ty[2 * TINY_LABEL_SIZE] = {0, 1, 0.25f, 1};
  printf("binary 0.25: %d\n", tiny_train_step(tiny, tx, ty, 2, &loss));
  ty[3] = NAN;
  printf("binary nan: %d %s\n", tiny_train_step(tiny, tx, ty, 2, &loss), nnc_last_error());
  ty[3] = -INFINITY;
  printf("binary -inf: %d %s\n", tiny_evaluate(tiny, tx, ty, 2, &loss, metrics),
         nnc_last_error());
  mlp_destroy(mlp);
  tiny_destroy(tiny);
  return 0;
}

/* What the standalone executable's main knows about its model (emitted by nnc as
 * nnrt_exe_program), and its training subcommands. */
#ifndef NNRT_PROGRAM_H
#define NNRT_PROGRAM_H

#include "runtime/nnrt.h"

typedef struct {
  const int64_t *desc;
  const char *names;
  const float *constants; /* values of frozen variables (nnc --weights), or NULL */
  nnrt_fn forward, train, evaluate; /* train/evaluate NULL without compile() */
  const char *summary;
  const int64_t *input_shape; /* the rank, then the input's dimensions without the batch */
  const char *callbacks;      /* fit()'s callbacks: "[Class]" lines, then "key=value" lines */
} nnrt_program;

void nnrt_exe_program(nnrt_program *program);

/* NAME fit ... and NAME evaluate ... (runtime/commands.c); argv[0] is the program. */
int nnrt_command_fit(const nnrt_program *p, int argc, char **argv);
int nnrt_command_evaluate(const nnrt_program *p, int argc, char **argv);
/* NAME plot-history H.csv -o curves.svg */
int nnrt_command_plot_history(int argc, char **argv);
/* NAME filters [--weights W] [--layer NAME] -o FILTERS.png (runtime/filters.c) */
int nnrt_command_filters(const nnrt_program *p, int argc, char **argv);

#endif

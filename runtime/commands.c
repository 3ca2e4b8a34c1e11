/* The executable's training subcommands:
 *   NAME fit --data D [--epochs N] [--batch-size N] [--seed N] [--save W] [--history H.csv]
 *            [--weights W] [--validation-split F] [--no-validation] [--samples N]
 *            [--test-split F] [--standardize] [--delimiter C] [--label-column K] [--quiet]
 *            [--initial-epoch N] [--one-hot]
 *   NAME evaluate --data D --weights W [--test-split F] [--standardize] [...]
 * (plot-history is in history.c.)
 * Defaults for epochs, batch size and validation come from the model's fit() call. */
#include "runtime/data.h"
#include "runtime/fit.h"
#include "runtime/history.h"
#include "runtime/images.h"
#include "runtime/internal.h"
#include "runtime/paths.h"
#include "runtime/program.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *data, *save, *history, *weights, *plot, *resume, *weights_from, *checkpoint;
  const char *classes, *prog;
  int64_t early_stopping; /* patience; -1: as the model says */
  int no_callbacks;
  int64_t epochs, batch, samples;
  uint64_t seed;
  double validation_split, test_split;
  int no_validation, standardize, quiet, help, one_hot;
  int64_t initial_epoch, steps_per_epoch, split_seed;
  int strict, label_mode, validation_split_given;
  nnrt_csv_options csv;
} options;

static const char kHelp[] =
    "  --data D              fashion_mnist, mnist, idx:DIR, csv:FILE or images:DIR (one\n"
    "                        sub-folder of PNG/JPEG files per class) (required)\n"
    "  --epochs N            default: the model's fit() epochs\n"
    "  --batch-size N        default: the model's fit() batch_size (else 32)\n"
    "  --seed N              initial weights, shuffling and Dropout (default 42)\n"
    "  --weights W           start from (fit) or evaluate this checkpoint\n"
    "  --save W              checkpoint written after every epoch\n"
    "  --history H           per-epoch loss and metrics: H.csv, or H.json (Keras's History)\n"
    "  --plot C.svg          the loss and metric curves, training vs validation\n"
    "  --resume W            continue the fit whose --save (or interrupted) checkpoint is W\n"
    "  --checkpoint P        ModelCheckpoint(P, save_best_only=True) ({epoch:02d}, {val_loss:.4f}...)\n"
    "  --early-stopping N    EarlyStopping(patience=N, restore_best_weights=True)\n"
    "  --no-callbacks        ignore the model's fit() callbacks\n"
    "  --weights-from W      load the weights whose names match from another model's checkpoint\n"
    "  --classes 5,6,7       keep these class ids only, renumbered 0, 1, 2...\n"
    "  --validation-split F  hold out the last fraction F of the training data (images:DIR:\n"
    "                        Keras's image_dataset_from_directory split; default 0.2 when\n"
    "                        the model's fit() takes validation_data)\n"
    "  --split-seed N        images:DIR: the split's shuffle seed (default: --seed)\n"
    "  --label-mode M        images:DIR: int, binary or categorical (default: from the loss)\n"
    "  --strict              images:DIR: a file that is not a readable image is an error\n"
    "                        (default: skipped with a warning)\n"
    "  --steps-per-epoch N   train on N batches per epoch (default: the whole set)\n"
    "  --no-validation       skip the validation the model's fit() asks for\n"
    "  --initial-epoch N     resume: count epochs from N (with --weights of epoch N)\n"
    "  --samples N           fit: the first N training samples; evaluate: the first N\n"
    "                        samples of the evaluated part\n"
    "  --one-hot             encode class ids one-hot (categorical_crossentropy)\n"
    "  --test-split F        CSV: the last fraction F of the rows is the test set\n"
    "  --standardize         scale features to mean 0, variance 1 (training statistics)\n"
    "  --delimiter C         CSV field separator (default ,)\n"
    "  --label-column K      CSV label column, 0-based (default: the last)\n"
    "  --skip-bad-rows       CSV: skip rows with a field that is not a number (counted)\n"
    "  --allow-nonfinite     CSV: accept nan, inf and values beyond float32's range\n"
    "  --quiet               no progress output\n";

/* The largest count option (--epochs, --batch-size, --samples...): beyond it an int64
 * conversion or a loop bound would overflow long before the work could finish. */
static const int64_t kMaxCount = 2147483647;

static int bad(const char *prog, const char *what, const char *arg) {
  fprintf(stderr, "%s: error: %s '%s'\n", prog, what, arg);
  return 2;
}

static int parse(const nnrt_program *p, int argc, char **argv, options *o) {
  const int64_t *d = p->desc;
  memset(o, 0, sizeof *o);
  o->prog = argv[0];
  o->epochs = d[NNRT_DESC_FIT_EPOCHS] > 0 ? d[NNRT_DESC_FIT_EPOCHS] : 1;
  o->batch = d[NNRT_DESC_FIT_BATCH] > 0 ? d[NNRT_DESC_FIT_BATCH] : 32;
  o->validation_split = (double)d[NNRT_DESC_FIT_VALSPLIT_PPM] / 1e6;
  o->seed = 42;
  o->csv.label = -1;
  o->early_stopping = -1;
  o->csv.delimiter = ',';
  o->split_seed = -1;
  o->label_mode = -1;
  for (int i = 2; i < argc; ++i) {
    const char *a = argv[i];
    int flag = 1;
    if (strcmp(a, "--no-validation") == 0)
      o->no_validation = 1;
    else if (strcmp(a, "--standardize") == 0)
      o->standardize = 1;
    else if (strcmp(a, "--quiet") == 0)
      o->quiet = 1;
    else if (strcmp(a, "--one-hot") == 0)
      o->one_hot = 1;
    else if (strcmp(a, "--no-callbacks") == 0)
      o->no_callbacks = 1;
    else if (strcmp(a, "--strict") == 0)
      o->strict = 1;
    else if (strcmp(a, "--skip-bad-rows") == 0)
      o->csv.skip_bad_rows = 1;
    else if (strcmp(a, "--allow-nonfinite") == 0)
      o->csv.allow_nonfinite = 1;
    else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
      o->help = 1;
    else
      flag = 0;
    if (flag)
      continue;
    if (strncmp(a, "--", 2) != 0)
      return bad(argv[0], "unexpected argument", a);
    if (i + 1 >= argc)
      return bad(argv[0], "missing value after", a);
    const char *v = argv[++i];
    char *end = NULL;
    double num = strtod(v, &end);
    int isNum = end != v && *end == 0;
    if (strcmp(a, "--data") == 0)
      o->data = v;
    else if (strcmp(a, "--save") == 0)
      o->save = v;
    else if (strcmp(a, "--history") == 0)
      o->history = v;
    else if (strcmp(a, "--weights") == 0)
      o->weights = v;
    else if (strcmp(a, "--plot") == 0)
      o->plot = v;
    else if (strcmp(a, "--resume") == 0)
      o->resume = v;
    else if (strcmp(a, "--weights-from") == 0)
      o->weights_from = v;
    else if (strcmp(a, "--checkpoint") == 0)
      o->checkpoint = v;
    else if (strcmp(a, "--classes") == 0)
      o->classes = v;
    else if (strcmp(a, "--delimiter") == 0 && strlen(v) == 1)
      o->csv.delimiter = v[0];
    else if (strcmp(a, "--label-mode") == 0 && nnrt_parse_label_mode(v) >= 0)
      o->label_mode = nnrt_parse_label_mode(v);
    else if (strcmp(a, "--seed") == 0) {
      /* exactly, as an unsigned 64-bit number (a double would round large seeds) */
      errno = 0;
      unsigned long long seed = strtoull(v, &end, 10);
      if (!*v || end == v || *end || v[0] == '-' || v[0] == '+' || v[0] == ' ' ||
          errno == ERANGE) {
        fprintf(stderr, "%s: error: --seed '%s' is not a whole number in the range "
                        "0..18446744073709551615 (2^64-1)\n", argv[0], v);
        return 2;
      }
      o->seed = (uint64_t)seed;
    } else if (!isNum)
      return bad(argv[0], "unknown option or bad value for", a);
    else if (num > kMaxCount && strcmp(a, "--validation-split") != 0 &&
             strcmp(a, "--test-split") != 0 && strcmp(a, "--split-seed") != 0) {
      fprintf(stderr, "%s: error: %s %s is too large (at most %lld)\n", argv[0], a, v,
              (long long)kMaxCount);
      return 2;
    }
    else if (strcmp(a, "--epochs") == 0 && num >= 0 && num == floor(num))
      o->epochs = (int64_t)num;
    else if (strcmp(a, "--batch-size") == 0 && num >= 1 && num == floor(num))
      o->batch = (int64_t)num;
    else if (strcmp(a, "--early-stopping") == 0 && num >= 0 && num == floor(num))
      o->early_stopping = (int64_t)num;
    else if (strcmp(a, "--initial-epoch") == 0 && num >= 0 && num == floor(num))
      o->initial_epoch = (int64_t)num;
    else if (strcmp(a, "--samples") == 0 && num >= 1 && num == floor(num))
      o->samples = (int64_t)num;
    else if (strcmp(a, "--label-column") == 0 && num >= 0 && num == floor(num))
      o->csv.label = (int64_t)num;
    else if (strcmp(a, "--validation-split") == 0 && num >= 0 && num < 1) {
      o->validation_split = num;
      o->validation_split_given = 1;
    } else if (strcmp(a, "--split-seed") == 0 && num >= 0 && num <= 4294967295.0 &&
               num == floor(num))
      o->split_seed = (int64_t)num;
    else if (strcmp(a, "--steps-per-epoch") == 0 && num >= 1 && num == floor(num))
      o->steps_per_epoch = (int64_t)num;
    else if (strcmp(a, "--test-split") == 0 && num > 0 && num < 1)
      o->test_split = num;
    else
      return bad(argv[0], "unknown option or out-of-range value for", a);
  }
  if (o->help) {
    printf("usage: %s %s --data D [options]\n%s", argv[0], argv[1], kHelp);
    return 1;
  }
  if (!o->data)
    return bad(argv[0], "missing --data for", argv[1]);
  if (o->initial_epoch > 0 && o->initial_epoch >= o->epochs) {
    fprintf(stderr, "%s: error: --initial-epoch %lld leaves no epoch of %lld to run\n", argv[0],
            (long long)o->initial_epoch, (long long)o->epochs);
    return 2;
  }
  if (!p->evaluate)
    return bad(argv[0], "the model was compiled without compile() (no loss or optimizer); "
                        "cannot run", argv[1]);
  if (!p->train && strcmp(argv[1], "fit") == 0)
    return bad(argv[0], "the model was compiled with --inference (no training step); cannot run",
               argv[1]);
  return 0;
}

/* A dataset's samples, checked against the model: one label per sample, which the
 * loss must take as it is (class ids or single targets). */
typedef struct {
  float *x, *y;
  int64_t n;
} samples;

/* A model of several outputs takes each sample's label columns (loaded as the CSV's
 * last LABEL_SIZE columns) in its heads' order, checked against each head's loss. */
static int head_labels(const nnrt_program *p, const options *o, const nnrt_dataset *src,
                       int64_t first, int64_t n, samples *out) {
  int64_t in = p->desc[NNRT_DESC_INPUT], lab = p->desc[NNRT_DESC_LABELS];
  if (o->one_hot)
    return nnrt_fail("--one-hot encodes one label per sample; a model of several outputs "
                     "takes each head's labels as the CSV's columns give them");
  if (src->label_size != lab || src->sample_size != in)
    return nnrt_fail("the model's %lld outputs take %lld label columns after %lld input values "
                     "per sample, but '%s' has %lld and %lld",
                     (long long)p->desc[NNRT_DESC_HEADS], (long long)lab, (long long)in,
                     src->labels, (long long)src->label_size, (long long)src->sample_size);
  out->n = n;
  out->x = malloc((size_t)(n * in) * sizeof(float));
  out->y = malloc((size_t)(n * lab) * sizeof(float));
  if (!out->x || !out->y)
    return nnrt_fail("out of memory");
  memcpy(out->x, src->x + first * in, (size_t)(n * in) * sizeof(float));
  memcpy(out->y, src->y + first * lab, (size_t)(n * lab) * sizeof(float));
  return nnrt_check_labels(p->desc, nnrt_head_names(p->desc, p->names), out->y, n,
                           src->labels);
}

static int shape_labels(const nnrt_program *p, const options *o, const nnrt_dataset *src,
                        int64_t first, int64_t n, samples *out) {
  int64_t in = p->desc[NNRT_DESC_INPUT], lab = p->desc[NNRT_DESC_LABELS];
  int64_t loss = p->desc[NNRT_DESC_LOSS], outputs = p->desc[NNRT_DESC_OUTPUT];
  if (p->desc[NNRT_DESC_HEADS] > 1) /* several outputs: the rows' label columns, as they are */
    return head_labels(p, o, src, first, n, out);
  int encode = lab > 1 && o->one_hot && loss == NNRT_LOSS_CATEGORICAL;
  if (lab > 1 && !encode) /* the data has one label per sample; Keras refuses the same way */
    return nnrt_fail(
        "labels of shape (batch, 1) do not match the model's output of shape (batch, %lld) "
        "that %s compares them with; %s",
        (long long)lab,
        loss == NNRT_LOSS_CATEGORICAL ? "categorical_crossentropy"
        : loss == NNRT_LOSS_BINARY    ? "binary_crossentropy"
                                      : "mean_squared_error",
        loss == NNRT_LOSS_CATEGORICAL
            ? "integer class labels need loss=\"sparse_categorical_crossentropy\" (or "
              "--one-hot to encode them)"
            : "a single target per sample needs a model with one output unit");
  if (src->sample_size != in)
    return nnrt_fail("the data has %lld values per sample but the model's input takes %lld",
                     (long long)src->sample_size, (long long)in);
  out->n = n;
  out->x = malloc((size_t)(n * in) * sizeof(float));
  out->y = calloc((size_t)(n * lab), sizeof(float));
  if (!out->x || !out->y)
    return nnrt_fail("out of memory");
  memcpy(out->x, src->x + first * in, (size_t)(n * in) * sizeof(float));
  for (int64_t i = 0; i < n; ++i) {
    float label = src->y[first + i];
    if ((encode || loss == NNRT_LOSS_SPARSE_CATEGORICAL) &&
        (label < 0 || label >= (float)outputs || label != floorf(label)))
      return nnrt_fail("sample %lld of '%s' has label %g, but sparse_categorical_crossentropy "
                       "over the model's %lld outputs takes class ids 0..%lld",
                       (long long)(first + i), src->labels, label, (long long)outputs,
                       (long long)outputs - 1);
    if (encode)
      out->y[i * lab + (int64_t)label] = 1.0f;
    else
      out->y[i] = label;
  }
  return 0;
}

/* Loads train and test parts as the options say; the training part's statistics
 * standardise both. */
static int load(const nnrt_program *p, const options *o, samples *train, samples *test) {
  nnrt_dataset all = {0}, held = {0};
  int csv = strncmp(o->data, "csv:", 4) == 0;
  nnrt_csv_options columns = o->csv;
  if (p->desc[NNRT_DESC_HEADS] > 1) { /* each head's labels: the rows' last columns */
    if (!csv)
      return nnrt_fail("a model of %lld outputs takes its samples from a CSV file whose rows "
                       "end with each output's labels (csv:FILE); '%s' gives one label per "
                       "sample", (long long)p->desc[NNRT_DESC_HEADS], o->data);
    columns.label_columns = p->desc[NNRT_DESC_LABELS];
  }
  int rc = nnrt_load_dataset(o->data, 0, &columns, &all);
  int64_t ntrain = all.n, ntest = 0;
  if (rc == 0 && csv) {
    if (o->test_split > 0) {
      ntest = (int64_t)floor((double)all.n * o->test_split);
      ntrain = all.n - ntest;
    }
  } else if (rc == 0) {
    rc = nnrt_load_dataset(o->data, 1, &o->csv, &held);
    if (rc == 0 && o->classes)
      rc = nnrt_filter_classes(&held, o->classes);
    ntest = held.n;
  }
  if (rc == 0 && o->classes && (rc = nnrt_filter_classes(&all, o->classes)) == 0) {
    if (csv) {
      ntest = (int64_t)floor((double)all.n * o->test_split);
      ntrain = all.n - ntest;
    } else {
      ntrain = all.n;
    }
  }
  if (rc == 0 && o->samples > 0 && o->samples < ntrain)
    ntrain = o->samples;
  if (rc == 0 && ntrain <= 0)
    rc = nnrt_fail("no training samples left in '%s'", o->data);
  if (rc == 0)
    rc = shape_labels(p, o, &all, 0, ntrain, train);
  if (rc == 0 && ntest > 0)
    rc = csv ? shape_labels(p, o, &all, all.n - ntest, ntest, test)
             : shape_labels(p, o, &held, 0, ntest, test);
  if (rc == 0 && o->standardize) {
    int64_t in = p->desc[NNRT_DESC_INPUT];
    for (int64_t f = 0; f < in; ++f) {
      double sum = 0, sq = 0;
      for (int64_t i = 0; i < train->n; ++i)
        sum += train->x[i * in + f];
      double mean = sum / (double)train->n;
      for (int64_t i = 0; i < train->n; ++i)
        sq += (train->x[i * in + f] - mean) * (train->x[i * in + f] - mean);
      double sd = sqrt(sq / (double)train->n);
      if (sd == 0)
        sd = 1;
      for (int64_t i = 0; i < train->n; ++i)
        train->x[i * in + f] = (float)((train->x[i * in + f] - mean) / sd);
      for (int64_t i = 0; i < test->n; ++i)
        test->x[i * in + f] = (float)((test->x[i * in + f] - mean) / sd);
    }
  }
  if (rc == 0 && all.skipped > 0)
    fprintf(stderr, "%s: warning: skipped %lld rows of '%s' with a field that is not a "
                    "number (--skip-bad-rows)\n", o->prog, (long long)all.skipped, all.labels);
  nnrt_free_dataset(&all);
  nnrt_free_dataset(&held);
  return rc;
}

/* What a command loaded: in-memory train/test parts, or an image folder's subsets. */
typedef struct {
  samples train, test;
  nnrt_images train_images, val_images;
} loaded;

static int is_images(const options *o) { return strncmp(o->data, "images:", 7) == 0; }

/* images:DIR's training and (when a split applies) validation subsets. */
static int open_images(const nnrt_program *p, const options *o, loaded *d, int want_val) {
  static const char *const other[] = {"--classes", "--standardize", "--test-split", "--one-hot"};
  if (p->desc[NNRT_DESC_HEADS] > 1)
    return nnrt_fail("images:DIR gives one label per image; a model of %lld outputs takes "
                     "each output's labels from a CSV file (csv:FILE)",
                     (long long)p->desc[NNRT_DESC_HEADS]);
  int given[] = {o->classes != NULL, o->standardize, o->test_split > 0, o->one_hot};
  for (int i = 0; i < 4; ++i)
    if (given[i])
      return nnrt_fail("%s does not apply to images:DIR (class folders; see --label-mode)",
                       other[i]);
  nnrt_images_options io = {o->validation_split,
                            (uint32_t)(o->split_seed >= 0 ? o->split_seed : (int64_t)o->seed),
                            o->strict, o->label_mode};
  if (!o->validation_split_given && io.validation_split == 0 && p->desc[NNRT_DESC_FIT_VALDATA])
    io.validation_split = 0.2; /* the notes' image_dataset_from_directory(validation_split=0.2) */
  const char *dir = o->data + 7;
  if (nnrt_images_open(&d->train_images, p->desc, p->input_shape, dir, &io, 0) != 0)
    return -1;
  if (want_val && io.validation_split > 0 &&
      nnrt_images_open(&d->val_images, p->desc, p->input_shape, dir, &io, 1) != 0)
    return -1;
  return 0;
}

/* Frees everything a command made; with `prog`, reports the last error first. */
static int finish(const char *prog, nnc_model *m, loaded *d) {
  if (prog)
    fprintf(stderr, "%s: error: %s\n", prog, nnc_last_error());
  nnrt_destroy(m);
  free(d->train.x);
  free(d->train.y);
  free(d->test.x);
  free(d->test.y);
  nnrt_images_close(&d->train_images);
  nnrt_images_close(&d->val_images);
  return prog ? 1 : 0;
}

/* The model's fit() callbacks, then the command line's: --no-callbacks drops the
 * model's; --checkpoint and --early-stopping replace one of the same class. */
static int callbacks(const nnrt_program *p, const options *o, nnrt_callback *cbs, int max) {
  int n = o->no_callbacks ? 0 : nnrt_parse_callbacks(p->callbacks, cbs, max);
  if (n < 0)
    return -1;
  for (int kind = 0; kind < 2; ++kind) {
    if (kind == NNRT_MODEL_CHECKPOINT ? !o->checkpoint : o->early_stopping < 0)
      continue;
    int at = n;
    for (int i = 0; i < n; ++i)
      if (cbs[i].kind == kind)
        at = i;
    if (at == max)
      return nnrt_fail("too many callbacks");
    nnrt_callback *cb = &cbs[at];
    if (at == n) { /* none of this class yet (an existing one is replaced in place) */
      ++n;
      memset(cb, 0, sizeof *cb);
      cb->kind = kind;
      cb->maximize = -1;
      snprintf(cb->monitor, sizeof cb->monitor, "val_loss");
    }
    if (kind == NNRT_MODEL_CHECKPOINT) {
      snprintf(cb->filepath, sizeof cb->filepath, "%s", o->checkpoint);
      cb->save_best_only = 1;
    } else {
      cb->patience = o->early_stopping;
      cb->restore_best_weights = 1;
    }
    nnrt_callback_begin(cb);
  }
  for (int i = 0; i < n; ++i) /* a bad {field:spec} fails now, not after an epoch */
    if (cbs[i].kind == NNRT_MODEL_CHECKPOINT &&
        nnrt_check_checkpoint_pattern(cbs[i].filepath) != 0)
      return -1;
  return n;
}

/* fit's outputs (checkpoint, history, plot, a ModelCheckpoint path without {fields})
 * are checked before anything loads: writable, not a directory, and neither an input
 * (the data files, --weights, --resume, --weights-from) nor each other. --save may be
 * the --resume checkpoint: resuming in place replaces it by design. */
static int check_paths(const options *o, nnrt_callback *cbs, int ncb) {
  enum { kMaxFiles = 8, kPath = 4096 };
  static char files[kMaxFiles][kPath];
  nnrt_path_use in[3 + kMaxFiles] = {{o->resume, "the --resume checkpoint", "--resume"},
                                     {o->weights, "the --weights checkpoint", "--weights"},
                                     {o->weights_from, "the --weights-from checkpoint",
                                      "--weights-from"}};
  int nin = 3, nfiles = nnrt_dataset_files(o->data, files[0], kPath, kMaxFiles);
  for (int i = 0; i < nfiles; ++i)
    in[nin++] = (nnrt_path_use){files[i], "the --data file", "--data"};
  nnrt_path_use out[3 + 8] = {{o->save, "checkpoint", "--save"},
                              {o->history, "history", "--history"},
                              {o->plot, "plot", "--plot"}};
  int nout = 3;
  for (int i = 0; i < ncb && nout < 11; ++i)
    if (cbs[i].kind == NNRT_MODEL_CHECKPOINT && !strchr(cbs[i].filepath, '{'))
      out[nout++] = (nnrt_path_use){cbs[i].filepath, "ModelCheckpoint file",
                                    "the ModelCheckpoint filepath"};
  if (nnrt_check_paths(in, nin, out, nout, 0) != 0)
    return -1;
  /* A path with {fields} is checked at each save against the inputs and the fixed
   * outputs (kept here for the whole fit). */
  static nnrt_path_use protect[3 + kMaxFiles + 3];
  int np = 0;
  for (int i = 0; i < nin; ++i)
    protect[np++] = in[i];
  static const char *const outputs[] = {"the --save checkpoint", "the --history file",
                                        "the --plot file"};
  for (int i = 0; i < 3; ++i)
    protect[np++] = (nnrt_path_use){out[i].path, outputs[i], out[i].option};
  for (int i = 0; i < ncb; ++i)
    if (cbs[i].kind == NNRT_MODEL_CHECKPOINT && strchr(cbs[i].filepath, '{')) {
      cbs[i].protect = protect;
      cbs[i].nprotect = np;
    }
  return 0;
}

int nnrt_command_fit(const nnrt_program *p, int argc, char **argv) {
  options o;
  int rc = parse(p, argc, argv, &o);
  if (rc != 0)
    return rc == 1 ? 0 : rc;
  nnrt_fit_catch_sigint(NULL); /* an interrupt while loading data stops at step 0 */
  loaded d;
  memset(&d, 0, sizeof d);
  nnrt_callback cbs[8];
  int ncb = 0, images = is_images(&o);
  int64_t loaded_tensors = 0, total = 0;
  if ((ncb = callbacks(p, &o, cbs, 8)) < 0 || check_paths(&o, cbs, ncb) != 0)
    return finish(argv[0], NULL, &d);
  nnc_model *m = nnrt_create(p->desc, p->names, p->constants, p->forward, p->train, p->evaluate, o.seed);
  if (!m || nnrt_device_ready(m) != 0 || (o.weights && nnrt_load(m, o.weights) != 0) ||
      (o.weights_from && nnrt_load_matching(m, o.weights_from, &loaded_tensors, &total) != 0) ||
      (images ? open_images(p, &o, &d, !o.no_validation) : load(p, &o, &d.train, &d.test)) != 0)
    return finish(argv[0], m, &d);
  if (o.weights_from && !o.quiet)
    printf("Loaded %lld of %lld weight tensors from %s (by name)\n", (long long)loaded_tensors,
           (long long)total, o.weights_from);
  int64_t in = p->desc[NNRT_DESC_INPUT], lab = p->desc[NNRT_DESC_LABELS];
  nnrt_samples fitSet = {d.train.x, d.train.y, d.train.n, NULL}, val = {NULL, NULL, 0, NULL};
  if (images) {
    fitSet = nnrt_images_samples(&d.train_images);
    val = nnrt_images_samples(&d.val_images);
    if (o.samples > 0 && o.samples < fitSet.n)
      fitSet.n = o.samples;
  } else if (o.validation_split > 0) { /* Keras holds out the last fraction, before shuffling */
    int64_t nval = (int64_t)floor((double)d.train.n * o.validation_split);
    fitSet.n = d.train.n - nval;
    val = (nnrt_samples){d.train.x + fitSet.n * in, d.train.y + fitSet.n * lab, nval, NULL};
  } else if (p->desc[NNRT_DESC_FIT_VALDATA] && d.test.n > 0) {
    val = (nnrt_samples){d.test.x, d.test.y, d.test.n, NULL};
  }
  if (o.no_validation)
    val.n = 0;
  if (!o.quiet) {
    if (images)
      printf("Found %lld files belonging to %d classes in %s (%s)\n",
             (long long)(d.train_images.folder.n + d.val_images.folder.n),
             d.train_images.folder.nclasses, o.data + 7,
             d.train_images.label_mode == NNRT_LABELS_BINARY        ? "binary labels"
             : d.train_images.label_mode == NNRT_LABELS_CATEGORICAL ? "one-hot labels"
                                                                    : "class-id labels");
    printf("Training on %lld samples, validating on %lld, batch size %lld, %lld epochs\n",
           (long long)fitSet.n, (long long)val.n, (long long)o.batch,
           (long long)(o.epochs - o.initial_epoch));
  }
  nnrt_fit_options fo = {.epochs = o.epochs,
                         .initial_epoch = o.initial_epoch,
                         .batch_size = o.batch,
                         .steps_per_epoch = o.steps_per_epoch,
                         .seed = o.seed,
                         .shuffle = 1,
                         .save_path = o.save,
                         .resume_path = o.resume,
                         .history_path = o.history,
                         .plot_path = o.plot,
                         .verbose = !o.quiet,
                         .callbacks = cbs,
                         .ncallbacks = ncb};
  rc = nnrt_fit(m, fitSet, val, &fo);
  nnrt_callbacks_free(cbs, ncb, m->nvars);
  if (rc == NNRT_FIT_INTERRUPTED) {
    finish(NULL, m, &d);
    return 130; /* as a shell reports SIGINT */
  }
  if (rc != 0 || (o.save && o.epochs == 0 &&
                  (nnrt_check_finite_weights(m, o.save) != 0 || nnrt_save(m, o.save) != 0)))
    return finish(argv[0], m, &d);
  return finish(NULL, m, &d);
}

int nnrt_command_evaluate(const nnrt_program *p, int argc, char **argv) {
  options o;
  int rc = parse(p, argc, argv, &o);
  if (rc != 0)
    return rc == 1 ? 0 : rc;
  if (!o.weights && !p->constants)
    return bad(argv[0], "missing --weights for", argv[1]);
  loaded d;
  memset(&d, 0, sizeof d);
  int images = is_images(&o);
  nnc_model *m = nnrt_create(p->desc, p->names, p->constants, p->forward, p->train, p->evaluate, o.seed);
  if (!m || nnrt_device_ready(m) != 0 || (o.weights && nnrt_load(m, o.weights) != 0) ||
      (images ? open_images(p, &o, &d, 1) : load(p, &o, &d.train, &d.test)) != 0)
    return finish(argv[0], m, &d);
  char why[512];
  if (o.weights && nnrt_find_nonfinite(m, why, sizeof why) > 0)
    fprintf(stderr, "%s: warning: the weights in '%s' are not finite (%s): the loss and "
                    "metrics are meaningless\n", argv[0], o.weights, why);
  nnrt_samples set;
  if (images) { /* the validation subset when a split applies, else every file */
    set = nnrt_images_samples(d.val_images.folder.n ? &d.val_images : &d.train_images);
  } else {
    samples *part = d.test.n > 0 ? &d.test : &d.train;
    set = (nnrt_samples){part->x, part->y, part->n, NULL};
    if (d.test.n == 0)
      fprintf(stderr, "%s: warning: '%s' has no test part (see --test-split); evaluating on "
                      "the training data\n", argv[0], o.data);
  }
  if (o.samples > 0 && o.samples < set.n)
    set.n = o.samples; /* evaluate: the first N samples of the evaluated part */
  if (images && !o.quiet)
    printf("Evaluating on %lld images (%s)\n", (long long)set.n,
           d.val_images.folder.n ? "the validation subset" : "every file");
  float loss, metrics[64];
  if (nnrt_evaluate_samples(m, &set, &loss, metrics) != 0)
    return finish(argv[0], m, &d);
  printf("loss: %.4f", loss);
  for (int64_t i = 0; i < p->desc[NNRT_DESC_METRICS]; ++i)
    printf(" - %s: %.4f", m->metric_names[i], metrics[i]);
  printf("\n");
  return finish(NULL, m, &d);
}

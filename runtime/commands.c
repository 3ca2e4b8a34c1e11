/* The executable's training subcommands:
 *   NAME fit --data D [--epochs N] [--batch-size N] [--seed N] [--save W] [--history H.csv]
 *            [--weights W] [--validation-split F] [--no-validation] [--samples N]
 *            [--test-split F] [--standardize] [--delimiter C] [--label-column K] [--quiet]
 *            [--initial-epoch N] [--one-hot]
 *   NAME evaluate --data D --weights W [--test-split F] [--standardize] [...]
 * Defaults for epochs, batch size and validation come from the model's fit() call. */
#include "runtime/data.h"
#include "runtime/fit.h"
#include "runtime/history.h"
#include "runtime/internal.h"
#include "runtime/program.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *data, *save, *history, *weights, *plot, *resume, *weights_from, *checkpoint;
  const char *classes;
  int64_t early_stopping; /* patience; -1: as the model says */
  int no_callbacks;
  int64_t epochs, batch, samples;
  uint64_t seed;
  double validation_split, test_split;
  int no_validation, standardize, quiet, help, one_hot;
  int64_t initial_epoch;
  nnrt_csv_options csv;
} options;

static const char kHelp[] =
    "  --data D              fashion_mnist, mnist, idx:DIR or csv:FILE (required)\n"
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
    "  --validation-split F  hold out the last fraction F of the training data\n"
    "  --no-validation       skip the validation the model's fit() asks for\n"
    "  --initial-epoch N     resume: count epochs from N (with --weights of epoch N)\n"
    "  --samples N           fit: the first N training samples; evaluate: the first N\n"
    "                        samples of the evaluated part\n"
    "  --one-hot             encode class ids one-hot (categorical_crossentropy)\n"
    "  --test-split F        CSV: the last fraction F of the rows is the test set\n"
    "  --standardize         scale features to mean 0, variance 1 (training statistics)\n"
    "  --delimiter C         CSV field separator (default ,)\n"
    "  --label-column K      CSV label column, 0-based (default: the last)\n"
    "  --quiet               no progress output\n";

static int bad(const char *prog, const char *what, const char *arg) {
  fprintf(stderr, "%s: error: %s '%s'\n", prog, what, arg);
  return 2;
}

static int parse(const nnrt_program *p, int argc, char **argv, options *o) {
  const int64_t *d = p->desc;
  memset(o, 0, sizeof *o);
  o->epochs = d[NNRT_DESC_FIT_EPOCHS] > 0 ? d[NNRT_DESC_FIT_EPOCHS] : 1;
  o->batch = d[NNRT_DESC_FIT_BATCH] > 0 ? d[NNRT_DESC_FIT_BATCH] : 32;
  o->validation_split = (double)d[NNRT_DESC_FIT_VALSPLIT_PPM] / 1e6;
  o->seed = 42;
  o->csv.label = -1;
  o->early_stopping = -1;
  o->csv.delimiter = ',';
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
    else if (!isNum)
      return bad(argv[0], "unknown option or bad value for", a);
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
    else if (strcmp(a, "--seed") == 0 && num >= 0 && num == floor(num))
      o->seed = (uint64_t)num;
    else if (strcmp(a, "--label-column") == 0 && num >= 0 && num == floor(num))
      o->csv.label = (int64_t)num;
    else if (strcmp(a, "--validation-split") == 0 && num >= 0 && num < 1)
      o->validation_split = num;
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
  if (!p->train)
    return bad(argv[0], "the model was compiled without compile() (no loss or optimizer); "
                        "cannot run", argv[1]);
  return 0;
}

/* A dataset's samples, checked against the model: one label per sample, which the
 * loss must take as it is (class ids or single targets). */
typedef struct {
  float *x, *y;
  int64_t n;
} samples;

static int shape_labels(const nnrt_program *p, const options *o, const nnrt_dataset *src,
                        int64_t first, int64_t n, samples *out) {
  int64_t in = p->desc[NNRT_DESC_INPUT], lab = p->desc[NNRT_DESC_LABELS];
  int64_t loss = p->desc[NNRT_DESC_LOSS], outputs = p->desc[NNRT_DESC_OUTPUT];
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
      return nnrt_fail("sample %lld has label %g, but sparse_categorical_crossentropy over "
                       "the model's %lld outputs takes class ids 0..%lld",
                       (long long)(first + i), label, (long long)outputs,
                       (long long)outputs - 1);
    if (encode)
      out->y[i * lab + (int64_t)label] = 1.0f;
    else
      out->y[i] = label;
  }
  return 0;
}

/* Keeps the samples whose class id is listed in `spec` ("5,6,7" or "5-9"), renumbered
 * by their place in the list (Fashion-MNIST classes 5-9 become 0-4). */
static int filter_classes(nnrt_dataset *d, const char *spec) {
  int map[256];
  for (int i = 0; i < 256; ++i)
    map[i] = -1;
  int next = 0;
  for (const char *p = spec; *p;) {
    char *end;
    long a = strtol(p, &end, 10), b = a;
    if (end == p)
      return nnrt_fail("--classes '%s': expected class ids like 5,6,7 or 5-9", spec);
    if (*end == '-') {
      p = end + 1;
      b = strtol(p, &end, 10);
      if (end == p)
        return nnrt_fail("--classes '%s': expected class ids like 5,6,7 or 5-9", spec);
    }
    if (a < 0 || b > 255 || b < a)
      return nnrt_fail("--classes '%s': class ids must be 0..255, ranges ascending", spec);
    for (long c = a; c <= b; ++c)
      if (map[c] < 0)
        map[c] = next++;
    p = *end == ',' ? end + 1 : end;
    if (*end && *end != ',')
      return nnrt_fail("--classes '%s': expected class ids like 5,6,7 or 5-9", spec);
  }
  int64_t kept = 0;
  for (int64_t i = 0; i < d->n; ++i) {
    float label = d->y[i];
    int id = label >= 0 && label < 256 && label == floorf(label) ? map[(int)label] : -1;
    if (id < 0)
      continue;
    memmove(d->x + kept * d->sample_size, d->x + i * d->sample_size,
            (size_t)d->sample_size * sizeof(float));
    d->y[kept++] = (float)id;
  }
  d->n = kept;
  return 0;
}

/* Loads train and test parts as the options say; the training part's statistics
 * standardise both. */
static int load(const nnrt_program *p, const options *o, samples *train, samples *test) {
  nnrt_dataset all = {0}, held = {0};
  int rc = nnrt_load_dataset(o->data, 0, &o->csv, &all);
  int csv = strncmp(o->data, "csv:", 4) == 0;
  int64_t ntrain = all.n, ntest = 0;
  if (rc == 0 && csv) {
    if (o->test_split > 0) {
      ntest = (int64_t)floor((double)all.n * o->test_split);
      ntrain = all.n - ntest;
    }
  } else if (rc == 0) {
    rc = nnrt_load_dataset(o->data, 1, &o->csv, &held);
    if (rc == 0 && o->classes)
      rc = filter_classes(&held, o->classes);
    ntest = held.n;
  }
  if (rc == 0 && o->classes && (rc = filter_classes(&all, o->classes)) == 0) {
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
  nnrt_free_dataset(&all);
  nnrt_free_dataset(&held);
  return rc;
}

static void release(samples *s) {
  free(s->x);
  free(s->y);
}

/* Frees everything a command made; with `prog`, reports the last error first. */
static int finish(const char *prog, nnc_model *m, samples *a, samples *b) {
  if (prog)
    fprintf(stderr, "%s: error: %s\n", prog, nnc_last_error());
  nnrt_destroy(m);
  release(a);
  release(b);
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
    if (at == n++) {
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
  return n;
}

int nnrt_command_fit(const nnrt_program *p, int argc, char **argv) {
  options o;
  int rc = parse(p, argc, argv, &o);
  if (rc != 0)
    return rc == 1 ? 0 : rc;
  nnrt_fit_catch_sigint(NULL); /* an interrupt while loading data stops at step 0 */
  samples train = {0}, test = {0};
  nnrt_callback cbs[8];
  int ncb = 0;
  int64_t loaded = 0, total = 0;
  nnc_model *m = nnrt_create(p->desc, p->names, p->forward, p->train, p->evaluate, o.seed);
  if (!m || (o.weights && nnrt_load(m, o.weights) != 0) ||
      (o.weights_from && nnrt_load_matching(m, o.weights_from, &loaded, &total) != 0) ||
      (ncb = callbacks(p, &o, cbs, 8)) < 0 || load(p, &o, &train, &test) != 0)
    return finish(argv[0], m, &train, &test);
  if (o.weights_from && !o.quiet)
    printf("Loaded %lld of %lld weight tensors from %s (by name)\n", (long long)loaded,
           (long long)total, o.weights_from);
  int64_t in = p->desc[NNRT_DESC_INPUT], lab = p->desc[NNRT_DESC_LABELS];
  nnrt_samples fitSet = {train.x, train.y, train.n}, val = {NULL, NULL, 0};
  if (o.validation_split > 0) { /* Keras holds out the last fraction, before shuffling */
    int64_t nval = (int64_t)floor((double)train.n * o.validation_split);
    fitSet.n = train.n - nval;
    val = (nnrt_samples){train.x + fitSet.n * in, train.y + fitSet.n * lab, nval};
  } else if (p->desc[NNRT_DESC_FIT_VALDATA] && test.n > 0) {
    val = (nnrt_samples){test.x, test.y, test.n};
  }
  if (o.no_validation)
    val.n = 0;
  if (!o.quiet)
    printf("Training on %lld samples, validating on %lld, batch size %lld, %lld epochs\n",
           (long long)fitSet.n, (long long)val.n, (long long)o.batch,
           (long long)(o.epochs - o.initial_epoch));
  nnrt_fit_options fo = {o.epochs, o.initial_epoch, o.batch, o.seed, 1, o.save, o.resume,
                         o.history, o.plot, !o.quiet, cbs, ncb};
  rc = nnrt_fit(m, fitSet, val, &fo);
  nnrt_callbacks_free(cbs, ncb, m->nvars);
  if (rc == NNRT_FIT_INTERRUPTED) {
    finish(NULL, m, &train, &test);
    return 130; /* as a shell reports SIGINT */
  }
  if (rc != 0)
    return finish(argv[0], m, &train, &test);
  if (o.save && o.epochs == 0 && nnrt_save(m, o.save) != 0)
    return finish(argv[0], m, &train, &test);
  return finish(NULL, m, &train, &test);
}

int nnrt_command_plot_history(int argc, char **argv) {
  const char *in = NULL, *out = NULL;
  for (int i = 2; i < argc; ++i) {
    if (!strcmp(argv[i], "-o") && i + 1 < argc)
      out = argv[++i];
    else if (!in && argv[i][0] != '-')
      in = argv[i];
    else
      return bad(argv[0], "unexpected argument", argv[i]);
  }
  if (!in || !out) {
    fprintf(stderr, "usage: %s plot-history HISTORY.csv -o CURVES.svg\n", argv[0]);
    return 2;
  }
  nnrt_history h;
  int rc = nnrt_history_read_csv(in, &h) == 0 && nnrt_history_write(&h, out) == 0 ? 0 : 1;
  if (rc)
    fprintf(stderr, "%s: error: %s\n", argv[0], nnc_last_error());
  nnrt_history_free(&h);
  return rc;
}

int nnrt_command_evaluate(const nnrt_program *p, int argc, char **argv) {
  options o;
  int rc = parse(p, argc, argv, &o);
  if (rc != 0)
    return rc == 1 ? 0 : rc;
  if (!o.weights)
    return bad(argv[0], "missing --weights for", argv[1]);
  samples train = {0}, test = {0};
  nnc_model *m = nnrt_create(p->desc, p->names, p->forward, p->train, p->evaluate, o.seed);
  if (!m || nnrt_load(m, o.weights) != 0 || load(p, &o, &train, &test) != 0)
    return finish(argv[0], m, &train, &test);
  samples *set = test.n > 0 ? &test : &train;
  if (o.samples > 0 && o.samples < set->n)
    set->n = o.samples; /* evaluate: the first N samples of the evaluated part */
  if (test.n == 0)
    fprintf(stderr, "%s: warning: '%s' has no test part (see --test-split); evaluating on "
                    "the training data\n", argv[0], o.data);
  float loss, metrics[64];
  if (nnrt_evaluate(m, set->x, set->y, set->n, &loss, metrics) != 0)
    return finish(argv[0], m, &train, &test);
  printf("loss: %.4f", loss);
  for (int64_t i = 0; i < p->desc[NNRT_DESC_METRICS]; ++i)
    printf(" - %s: %.4f", m->metric_names[i], metrics[i]);
  printf("\n");
  return finish(NULL, m, &train, &test);
}

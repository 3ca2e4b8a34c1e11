/* ModelCheckpoint and EarlyStopping (see callbacks.h). */
#include "runtime/callbacks.h"

#include "runtime/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int set_key(nnrt_callback *cb, const char *key, const char *value) {
  double num = atof(value);
  if (!strcmp(key, "monitor"))
    snprintf(cb->monitor, sizeof cb->monitor, "%s", value);
  else if (!strcmp(key, "mode"))
    cb->maximize = !strcmp(value, "max") ? 1 : !strcmp(value, "min") ? 0 : -1;
  else if (!strcmp(key, "verbose"))
    cb->verbose = (int)num;
  else if (!strcmp(key, "filepath"))
    snprintf(cb->filepath, sizeof cb->filepath, "%s", value);
  else if (!strcmp(key, "save_best_only"))
    cb->save_best_only = (int)num;
  else if (!strcmp(key, "min_delta"))
    cb->min_delta = fabs(num);
  else if (!strcmp(key, "baseline")) {
    cb->baseline = num;
    cb->has_baseline = 1;
  } else if (!strcmp(key, "restore_best_weights"))
    cb->restore_best_weights = (int)num;
  else if (!strcmp(key, "patience"))
    cb->patience = (int64_t)num;
  else if (!strcmp(key, "start_from_epoch"))
    cb->start_from_epoch = (int64_t)num;
  else if (strcmp(key, "save_weights_only") && strcmp(key, "save_freq"))
    return nnrt_fail("callback option '%s' is not supported", key);
  return 0;
}

void nnrt_callback_begin(nnrt_callback *cb) {
  if (cb->maximize < 0) { /* mode "auto", resolved as each Keras callback does */
    const char *m = cb->monitor;
    size_t n = strlen(m);
    if (cb->kind == NNRT_MODEL_CHECKPOINT)
      cb->maximize = strstr(m, "acc") != NULL || strncmp(m, "fmeasure", 8) == 0;
    else
      cb->maximize = (n >= 3 && !strcmp(m + n - 3, "acc")) ||
                     (n >= 8 && !strcmp(m + n - 8, "accuracy")) ||
                     (n >= 3 && !strcmp(m + n - 3, "auc"));
  }
  cb->best = cb->maximize ? -INFINITY : INFINITY;
  cb->wait = cb->best_epoch = cb->stopped_epoch = 0;
}

int nnrt_parse_callbacks(const char *text, nnrt_callback *out, int max) {
  int count = 0;
  nnrt_callback *cb = NULL;
  while (text && *text) {
    const char *end = strchr(text, '\n');
    size_t len = end ? (size_t)(end - text) : strlen(text);
    char line[1200];
    if (len >= sizeof line)
      return nnrt_fail("callback line too long");
    memcpy(line, text, len);
    line[len] = 0;
    text = end ? end + 1 : text + len;
    if (line[0] == '[') {
      if (count == max)
        return nnrt_fail("too many callbacks");
      cb = &out[count++];
      memset(cb, 0, sizeof *cb);
      cb->maximize = -1;
      snprintf(cb->monitor, sizeof cb->monitor, "val_loss");
      if (!strcmp(line, "[ModelCheckpoint]"))
        cb->kind = NNRT_MODEL_CHECKPOINT;
      else if (!strcmp(line, "[EarlyStopping]"))
        cb->kind = NNRT_EARLY_STOPPING;
      else
        return nnrt_fail("callback %s is not supported", line);
      continue;
    }
    char *eq = strchr(line, '=');
    if (!cb || !eq)
      return nnrt_fail("bad callback line '%s'", line);
    *eq = 0;
    if (set_key(cb, line, eq + 1) != 0)
      return -1;
  }
  for (int i = 0; i < count; ++i)
    nnrt_callback_begin(&out[i]);
  return count;
}

static const double *lookup(const nnrt_logs *logs, const char *name) {
  for (int i = 0; i < logs->count; ++i)
    if (!strcmp(logs->names[i], name))
      return &logs->values[i];
  return NULL;
}

/* Keras's filepath.format(epoch=epoch + 1, **logs) for {name} and {name:spec} fields
 * with specs like 02d, .2f, .4f. */
static int format_path(const char *pattern, int64_t epoch, const nnrt_logs *logs, char *out,
                       size_t cap) {
  size_t used = 0;
  for (const char *p = pattern; *p; ++p) {
    char piece[256];
    if (*p != '{') {
      piece[0] = *p;
      piece[1] = 0;
    } else {
      const char *close = strchr(p, '}');
      char field[128] = "", spec[32] = "";
      if (!close || (size_t)(close - p) >= sizeof field)
        return nnrt_fail("ModelCheckpoint filepath '%s': unclosed '{'", pattern);
      memcpy(field, p + 1, (size_t)(close - p - 1));
      field[close - p - 1] = 0;
      char *colon = strchr(field, ':');
      if (colon) {
        snprintf(spec, sizeof spec, "%s", colon + 1);
        *colon = 0;
      }
      char fmt[40];
      if (!strcmp(field, "epoch")) {
        size_t n = strlen(spec);
        if (n && spec[n - 1] == 'd')
          spec[n - 1] = 0;
        snprintf(fmt, sizeof fmt, "%%%slld", spec);
        snprintf(piece, sizeof piece, fmt, (long long)epoch + 1);
      } else {
        const double *v = lookup(logs, field);
        if (!v)
          return nnrt_fail("ModelCheckpoint filepath '%s': no '%s' in this epoch's logs",
                           pattern, field);
        snprintf(fmt, sizeof fmt, "%%%s", spec[0] ? spec : "g");
        if (spec[0] && spec[strlen(spec) - 1] != 'f' && spec[strlen(spec) - 1] != 'e' &&
            spec[strlen(spec) - 1] != 'g')
          strncat(fmt, "f", sizeof fmt - strlen(fmt) - 1);
        snprintf(piece, sizeof piece, fmt, *v);
      }
      p = close;
    }
    size_t n = strlen(piece);
    if (used + n + 1 > cap)
      return nnrt_fail("ModelCheckpoint filepath too long");
    memcpy(out + used, piece, n + 1);
    used += n;
  }
  return 0;
}

int nnrt_copy_weights(nnc_model *m, float ***saved, int restore) {
  if (!*saved && !(*saved = calloc((size_t)m->nvars, sizeof **saved)))
    return nnrt_fail("out of memory");
  if (nnrt_weights_on_host(m) != 0)
    return -1;
  if (restore)
    nnrt_weights_changed(m);
  for (int64_t i = 0; i < m->nvars; ++i) {
    int64_t role = nnrt_var(m, i)[NNRT_VAR_ROLE];
    if (role != NNRT_ROLE_FROZEN && role != NNRT_ROLE_TRAINABLE)
      continue;
    size_t bytes = (size_t)nnrt_var(m, i)[NNRT_VAR_COUNT] * sizeof(float);
    if (!(*saved)[i] && !((*saved)[i] = malloc(bytes)))
      return nnrt_fail("out of memory");
    if (restore)
      memcpy(m->weights[i], (*saved)[i], bytes);
    else
      memcpy((*saved)[i], m->weights[i], bytes);
  }
  return 0;
}

int nnrt_find_nonfinite(nnc_model *m, char *why, size_t cap) {
  if (nnrt_weights_on_host(m) != 0)
    return -1;
  for (int64_t v = 0; v < m->nvars; ++v) {
    const float *w = m->weights[v];
    for (int64_t i = 0, n = nnrt_var(m, v)[NNRT_VAR_COUNT]; i < n; ++i)
      if (!isfinite(w[i])) {
        snprintf(why, cap, "'%s'[%lld] is %s", m->names[v], (long long)i,
                 isnan(w[i]) ? "nan" : w[i] > 0 ? "inf" : "-inf");
        return 1;
      }
  }
  return 0;
}

int nnrt_check_finite_weights(nnc_model *m, const char *path) {
  char why[512];
  int rc = nnrt_find_nonfinite(m, why, sizeof why);
  if (rc > 0)
    return nnrt_fail("not saving '%s': %s (a checkpoint of non-finite weights is useless; "
                     "any earlier file there is kept)", path, why);
  return rc;
}

static int better(const nnrt_callback *cb, double current, double reference, double delta) {
  return cb->maximize ? current - delta > reference : current + delta < reference;
}

static int checkpoint_end(nnrt_callback *cb, nnc_model *m, int64_t epoch, const nnrt_logs *logs,
                          FILE *out) {
  char path[2048];
  if (format_path(cb->filepath, epoch, logs, path, sizeof path) != 0)
    return -1;
  nnrt_path_use self = {path, "ModelCheckpoint file", "the ModelCheckpoint filepath"};
  if (cb->protect && nnrt_check_paths(cb->protect, cb->nprotect, &self, 1, -1) != 0)
    return -1;
  if (!cb->save_best_only) {
    if (cb->verbose > 0)
      fprintf(out, "\nEpoch %lld: saving model to %s\n", (long long)epoch + 1, path);
    return nnrt_check_finite_weights(m, path) == 0 ? nnrt_save(m, path) : -1;
  }
  const double *current = lookup(logs, cb->monitor);
  if (!current) {
    fprintf(stderr, "warning: Can save best model only with %s available, skipping.\n",
            cb->monitor);
    return 0;
  }
  if (better(cb, *current, cb->best, 0)) {
    if (cb->verbose > 0)
      fprintf(out, "\nEpoch %lld: %s improved from %.5f to %.5f, saving model to %s\n",
              (long long)epoch + 1, cb->monitor, cb->best, *current, path);
    cb->best = *current;
    return nnrt_check_finite_weights(m, path) == 0 ? nnrt_save(m, path) : -1;
  }
  if (cb->verbose > 0)
    fprintf(out, "\nEpoch %lld: %s did not improve from %.5f\n", (long long)epoch + 1,
            cb->monitor, cb->best);
  return 0;
}

static int early_stopping_end(nnrt_callback *cb, nnc_model *m, int64_t epoch,
                              const nnrt_logs *logs, int *stop, FILE *out) {
  const double *current = lookup(logs, cb->monitor);
  if (!current) {
    fprintf(stderr, "warning: Early stopping conditioned on metric `%s` which is not "
                    "available.\n", cb->monitor);
    return 0;
  }
  if (epoch < cb->start_from_epoch)
    return 0;
  if (cb->restore_best_weights && !cb->best_weights &&
      nnrt_copy_weights(m, &cb->best_weights, 0) != 0)
    return -1;
  cb->wait += 1;
  if (better(cb, *current, cb->best, cb->min_delta)) {
    cb->best = *current;
    cb->best_epoch = epoch;
    if (cb->restore_best_weights && nnrt_copy_weights(m, &cb->best_weights, 0) != 0)
      return -1;
    if (!cb->has_baseline || better(cb, *current, cb->baseline, cb->min_delta))
      cb->wait = 0;
    return 0;
  }
  if (cb->wait >= cb->patience && epoch > 0) {
    cb->stopped_epoch = epoch;
    *stop = 1;
    if (cb->restore_best_weights && cb->best_weights) {
      if (cb->verbose > 0)
        fprintf(out, "Restoring model weights from the end of the best epoch: %lld.\n",
                (long long)cb->best_epoch + 1);
      return nnrt_copy_weights(m, &cb->best_weights, 1);
    }
  }
  return 0;
}

int nnrt_callbacks_epoch_end(nnrt_callback *cbs, int count, nnc_model *m, int64_t epoch,
                             const nnrt_logs *logs, int *stop, FILE *out) {
  for (int i = 0; i < count; ++i) {
    int rc = cbs[i].kind == NNRT_MODEL_CHECKPOINT
                 ? checkpoint_end(&cbs[i], m, epoch, logs, out)
                 : early_stopping_end(&cbs[i], m, epoch, logs, stop, out);
    if (rc != 0)
      return -1;
  }
  return 0;
}

void nnrt_callbacks_train_end(nnrt_callback *cbs, int count, FILE *out) {
  for (int i = 0; i < count; ++i)
    if (cbs[i].kind == NNRT_EARLY_STOPPING && cbs[i].stopped_epoch > 0 && cbs[i].verbose > 0)
      fprintf(out, "Epoch %lld: early stopping\n", (long long)cbs[i].stopped_epoch + 1);
}

void nnrt_callbacks_free(nnrt_callback *cbs, int count, int64_t nvars) {
  for (int i = 0; i < count; ++i) {
    for (int64_t v = 0; cbs[i].best_weights && v < nvars; ++v)
      free(cbs[i].best_weights[v]);
    free(cbs[i].best_weights);
    cbs[i].best_weights = NULL;
  }
}

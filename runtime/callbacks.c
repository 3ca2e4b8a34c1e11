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

/* One {field:spec} spec: the subset of Python's format mini-language that Keras users
 * write: [[fill]align][sign][0][width][,|_][.precision][type]. */
typedef struct {
  char fill, align, sign, group, type;
  int zero, width, prec; /* prec -1: none */
} fmt_spec;

enum { kMaxSpecWidth = 255, kMaxSpecPrecision = 60 };

static int read_count(const char **s, int *out) {
  long long v = 0;
  int any = 0;
  for (; **s >= '0' && **s <= '9'; ++*s, any = 1)
    if ((v = v * 10 + (**s - '0')) > 1000000)
      v = 1000000;
  *out = (int)v;
  return any;
}

/* 0, or -1 with the reason in `why` (never formats user text itself). */
static int parse_spec(const char *text, int is_int, fmt_spec *o, char *why, size_t cap) {
  const char *s = text;
  memset(o, 0, sizeof *o);
  o->prec = -1;
  if (s[0] && s[1] && strchr("<>=^", s[1])) {
    o->fill = s[0];
    o->align = s[1];
    s += 2;
  } else if (s[0] && strchr("<>=^", s[0]))
    o->align = *s++;
  if (*s && strchr("+- ", *s))
    o->sign = *s++;
  if (*s == '0')
    o->zero = 1, ++s;
  read_count(&s, &o->width);
  if (*s == ',' || *s == '_')
    o->group = *s++;
  if (*s == '.') {
    ++s;
    if (!read_count(&s, &o->prec))
      return snprintf(why, cap, "format spec '%s' is not valid (Keras: Format specifier missing "
                      "precision)", text), -1;
  }
  if (*s)
    o->type = *s++;
  if (*s || (o->type && !strchr("deEfFgG%", o->type)))
    return snprintf(why, cap, "format spec '%s' is not valid for %s (Keras: Unknown format "
                    "code); use e.g. 02d for {epoch} and .4f for {val_loss}", text,
                    is_int ? "an int" : "a float"), -1;
  if (!is_int && o->type == 'd')
    return snprintf(why, cap, "format spec '%s' is not valid for a float (Keras: Unknown "
                    "format code 'd' for object of type 'float')", text), -1;
  if (is_int && (!o->type || o->type == 'd') && o->prec >= 0)
    return snprintf(why, cap, "format spec '%s' is not valid for an int (Keras: Precision not "
                    "allowed in integer format specifier)", text), -1;
  if (o->width > kMaxSpecWidth || o->prec > kMaxSpecPrecision)
    return snprintf(why, cap, "format spec '%s': a width over %d or a precision over %d does "
                    "not fit a file name", text, kMaxSpecWidth, kMaxSpecPrecision), -1;
  return 0;
}

/* Formats a value by a parsed spec into out (at least 1024 bytes); every printf format
 * here is a literal, user text only selects among them. */
static void render(const fmt_spec *f, int is_int, long long iv, double dv, char *out) {
  char body[512], grouped[768];
  int neg;
  if (is_int && (!f->type || f->type == 'd')) {
    neg = iv < 0;
    snprintf(body, sizeof body, "%llu", neg ? 0ULL - (unsigned long long)iv
                                            : (unsigned long long)iv);
  } else {
    double v = is_int ? (double)iv : dv;
    neg = !isnan(v) && signbit(v);
    v = fabs(v);
    int prec = f->prec >= 0 ? f->prec : 6;
    switch (f->type) {
    case 'e': snprintf(body, sizeof body, "%.*e", prec, v); break;
    case 'E': snprintf(body, sizeof body, "%.*E", prec, v); break;
    case 'f': snprintf(body, sizeof body, "%.*f", prec, v); break;
    case 'F': snprintf(body, sizeof body, "%.*F", prec, v); break;
    case 'G': snprintf(body, sizeof body, "%.*G", prec, v); break;
    case '%': snprintf(body, sizeof body, "%.*f%%", prec, v * 100); break;
    case 'g': snprintf(body, sizeof body, "%.*g", prec, v); break;
    default:
      if (f->prec >= 0)
        snprintf(body, sizeof body, "%.*g", f->prec, v);
      else
        snprintf(body, sizeof body, "%g", v);
    }
  }
  size_t digits = strspn(body, "0123456789"), g = 0;
  for (size_t i = 0; body[i]; ++i) {
    if (f->group && i > 0 && i < digits && (digits - i) % 3 == 0)
      grouped[g++] = f->group;
    grouped[g++] = body[i];
  }
  grouped[g] = 0;
  char sign[2] = {neg ? '-' : f->sign == '+' ? '+' : f->sign == ' ' ? ' ' : 0, 0};
  size_t len = strlen(sign) + g, pad = (size_t)f->width > len ? (size_t)f->width - len : 0;
  char fill = f->fill ? f->fill : f->zero && !f->align ? '0' : ' ';
  char align = f->align ? f->align : f->zero ? '=' : '>';
  size_t left = align == '<' ? 0 : align == '^' ? pad / 2 : pad, right = pad - left;
  size_t n = 0;
  if (align == '=')
    n += (size_t)snprintf(out + n, 8, "%s", sign);
  memset(out + n, fill, left);
  n += left;
  n += (size_t)snprintf(out + n, 800, "%s%s", align == '=' ? "" : sign, grouped);
  memset(out + n, fill, right);
  out[n + right] = 0;
}

/* Keras's filepath.format(epoch=epoch + 1, **logs) for {name} and {name:spec} fields and
 * {{ / }} escapes. With logs NULL it only checks the pattern (fields and specs), as fit
 * does before training. */
static int format_path(const char *pattern, int64_t epoch, const nnrt_logs *logs, char *out,
                       size_t cap) {
  size_t used = 0;
  if (logs && cap)
    out[0] = 0;
  for (const char *p = pattern; *p; ++p) {
    char piece[1024];
    if ((*p == '{' && p[1] == '{') || (*p == '}' && p[1] == '}')) {
      piece[0] = *p++;
      piece[1] = 0;
    } else if (*p == '}') {
      return nnrt_fail("ModelCheckpoint filepath '%s': single '}' (write '}}' for a literal "
                       "brace, as Python's str.format)", pattern);
    } else if (*p != '{') {
      piece[0] = *p;
      piece[1] = 0;
    } else {
      const char *close = strchr(p, '}');
      char field[128] = "", why[512];
      if (!close || (size_t)(close - p) >= sizeof field)
        return nnrt_fail("ModelCheckpoint filepath '%s': unclosed '{'", pattern);
      memcpy(field, p + 1, (size_t)(close - p - 1));
      field[close - p - 1] = 0;
      char *colon = strchr(field, ':'), *spec = colon ? colon + 1 : (char *)"";
      if (colon)
        *colon = 0;
      if (!field[0] || strchr(field, '{'))
        return nnrt_fail("ModelCheckpoint filepath '%s': a field needs a name ({epoch}, "
                         "{val_loss}, ...)", pattern);
      int is_int = !strcmp(field, "epoch");
      fmt_spec f;
      if (parse_spec(spec, is_int, &f, why, sizeof why) != 0)
        return nnrt_fail("ModelCheckpoint filepath '%s': %s", pattern, why);
      if (!logs) {
        p = close;
        continue;
      }
      const double *v = is_int ? NULL : lookup(logs, field);
      if (!is_int && !v)
        return nnrt_fail("ModelCheckpoint filepath '%s': no '%s' in this epoch's logs",
                         pattern, field);
      render(&f, is_int, (long long)epoch + 1, v ? *v : 0, piece);
      p = close;
    }
    if (!logs)
      continue;
    size_t n = strlen(piece);
    if (used + n + 1 > cap)
      return nnrt_fail("ModelCheckpoint filepath too long");
    memcpy(out + used, piece, n + 1);
    used += n;
  }
  return 0;
}

int nnrt_check_checkpoint_pattern(const char *pattern) {
  return format_path(pattern, 0, NULL, NULL, 0);
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

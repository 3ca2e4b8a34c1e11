/* Training history: CSV, JSON and SVG (see history.h). */
#include "runtime/history.h"

#include "runtime/internal.h"
#include "runtime/paths.h"
#include "runtime/program.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nnrt_history_add(nnrt_history *h, int64_t epoch, const double *row) {
  int64_t *e = realloc(h->epoch, (size_t)(h->epochs + 1) * sizeof *e);
  if (e)
    h->epoch = e;
  double *v = realloc(h->values, (size_t)((h->epochs + 1) * h->columns) * sizeof *v);
  if (v)
    h->values = v;
  if (!e || !v)
    return nnrt_fail("history: out of memory");
  h->epoch[h->epochs] = epoch;
  memcpy(h->values + h->epochs * h->columns, row, (size_t)h->columns * sizeof *row);
  ++h->epochs;
  return 0;
}

void nnrt_history_free(nnrt_history *h) {
  free(h->epoch);
  free(h->values);
  h->epoch = NULL;
  h->values = NULL;
  h->epochs = 0;
}

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void write_csv(const nnrt_history *h, FILE *f) {
  fprintf(f, "epoch");
  for (int c = 0; c < h->columns; ++c)
    fprintf(f, ",%s", h->names[c]);
  fprintf(f, "\n");
  for (int64_t r = 0; r < h->epochs; ++r) {
    fprintf(f, "%lld", (long long)h->epoch[r]);
    for (int c = 0; c < h->columns; ++c)
      fprintf(f, ",%.17g", h->values[r * h->columns + c]);
    fprintf(f, "\n");
  }
}

static void write_json(const nnrt_history *h, FILE *f) {
  fprintf(f, "{\n  \"epoch\": [");
  for (int64_t r = 0; r < h->epochs; ++r)
    fprintf(f, "%s%lld", r ? ", " : "", (long long)h->epoch[r]);
  fprintf(f, "],\n  \"history\": {");
  for (int c = 0; c < h->columns; ++c) {
    fprintf(f, "%s\n    \"%s\": [", c ? "," : "", h->names[c]);
    for (int64_t r = 0; r < h->epochs; ++r)
      fprintf(f, "%s%.17g", r ? ", " : "", h->values[r * h->columns + c]);
    fprintf(f, "]");
  }
  fprintf(f, "\n  }\n}\n");
}

/* One panel per quantity (loss, then each metric): training solid, validation dashed. */
static void write_svg(const nnrt_history *h, FILE *f) {
  enum { W = 480, H = 300, L = 64, R = 16, T = 36, B = 44 };
  int panels = 0, base[NNRT_HISTORY_MAX_COLUMNS];
  for (int c = 0; c < h->columns; ++c)
    if (strncmp(h->names[c], "val_", 4) != 0)
      base[panels++] = c;
  fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
             "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n"
             "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
          W * panels, H, W * panels, H);
  double x0 = h->epochs ? (double)h->epoch[0] + 1 : 1;
  double x1 = h->epochs ? (double)h->epoch[h->epochs - 1] + 1 : 1;
  if (x1 <= x0)
    x1 = x0 + 1;
  for (int p = 0; p < panels; ++p) {
    int c = base[p], v = -1;
    char val[80];
    snprintf(val, sizeof val, "val_%s", h->names[c]);
    for (int k = 0; k < h->columns; ++k)
      if (!strcmp(h->names[k], val))
        v = k;
    /* long double: a range of finite values near +-DBL_MAX (1e308, -1e308) overflows
     * double arithmetic into inf and nan ticks */
    long double lo = INFINITY, hi = -INFINITY;
    for (int64_t r = 0; r < h->epochs; ++r)
      for (int k = 0; k < 2; ++k) {
        int col = k ? v : c;
        if (col < 0)
          continue;
        double y = h->values[r * h->columns + col];
        if (isfinite(y)) {
          lo = fminl(lo, y);
          hi = fmaxl(hi, y);
        }
      }
    if (!(hi > lo)) { /* one value (or none): a band around it, wide enough to be seen */
      long double span = isfinite(lo) ? fmaxl(1, fabsl(lo) * 0.1L) : 1;
      lo = isfinite(lo) ? lo - span / 2 : 0;
      hi = lo + span;
    }
    long double pad = (hi - lo) * 0.05L;
    lo -= pad;
    hi += pad;
    int ox = p * W;
    fprintf(f, "<g id=\"%s\" transform=\"translate(%d,0)\">\n", h->names[c], ox);
    fprintf(f, "<text x=\"%d\" y=\"24\" font-size=\"15\">%s</text>\n", L, h->names[c]);
    fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
               "stroke=\"#444\"/>\n",
            L, T, W - L - R, H - T - B);
    for (int t = 0; t <= 4; ++t) { /* y ticks */
      long double y = lo + (hi - lo) * t / 4;
      double py = T + (H - T - B) * (1 - (double)t / 4);
      fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                 "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.4Lg</text>\n",
              L, py, W - R, py, L - 6, py + 4, y);
    }
    int64_t span = (int64_t)(x1 - x0), step = span > 10 ? (span + 9) / 10 : 1;
    for (int64_t e = (int64_t)x0; e <= (int64_t)x1; e += step) { /* x ticks: epochs */
      double px = L + (W - L - R) * ((double)e - x0) / (x1 - x0);
      fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%lld</text>\n", px,
              H - B + 16, (long long)e);
    }
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">epoch</text>\n",
            L + (W - L - R) / 2, H - 8);
    for (int k = 0; k < 2; ++k) {
      int col = k ? v : c;
      if (col < 0)
        continue;
      const char *color = k ? "#ff7f0e" : "#1f77b4";
      /* One polyline per run of finite values: a NaN or infinite epoch breaks the line. */
      int open = 0;
      for (int64_t r = 0; r < h->epochs; ++r) {
        double value = h->values[r * h->columns + col];
        if (!isfinite(value)) {
          if (open)
            fprintf(f, "\"/>\n");
          open = 0;
          continue;
        }
        if (!open)
          fprintf(f, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s "
                     "points=\"",
                  k ? "validation" : "training", color, k ? " stroke-dasharray=\"6,4\"" : "");
        double px = L + (W - L - R) * ((double)h->epoch[r] + 1 - x0) / (x1 - x0);
        double py = (double)(T + (H - T - B) * (1 - (value - lo) / (hi - lo)));
        fprintf(f, "%s%.1f,%.1f", open ? " " : "", px, py);
        open = 1;
      }
      if (open)
        fprintf(f, "\"/>\n");
      int lx = W - R - (k ? 96 : 190); /* the legend, in the top margin */
      fprintf(f, "<line x1=\"%d\" y1=\"20\" x2=\"%d\" y2=\"20\" stroke=\"%s\" stroke-width=\"2\"%s/>"
                 "<text x=\"%d\" y=\"24\">%s</text>\n",
              lx, lx + 24, color, k ? " stroke-dasharray=\"6,4\"" : "", lx + 30,
              k ? "validation" : "training");
    }
    fprintf(f, "</g>\n");
  }
  fprintf(f, "</svg>\n");
}

int nnrt_history_write(const nnrt_history *h, const char *path, const char *what) {
  nnrt_output out; /* written beside, then renamed: a reader never sees half a file */
  if (nnrt_output_open(&out, path, what) != 0)
    return -1;
  if (ends_with(path, ".json"))
    write_json(h, out.f);
  else if (ends_with(path, ".svg"))
    write_svg(h, out.f);
  else
    write_csv(h, out.f);
  return nnrt_output_commit(&out, 1);
}

int nnrt_history_read_csv(const char *path, nnrt_history *h) {
  memset(h, 0, sizeof *h);
  FILE *f = fopen(path, "r");
  if (!f)
    return nnrt_fail("cannot open '%s': %s", path, strerror(errno));
  char line[8192];
  int rc = 0;
  if (!fgets(line, sizeof line, f) || strncmp(line, "epoch,", 6) != 0)
    rc = nnrt_fail("'%s' is not a history CSV (its first line must be 'epoch,loss,...')", path);
  for (char *tok = rc ? NULL : strtok(line + 6, ",\r\n"); tok; tok = strtok(NULL, ",\r\n")) {
    if (h->columns == NNRT_HISTORY_MAX_COLUMNS) {
      rc = nnrt_fail("'%s' has too many columns", path);
      break;
    }
    snprintf(h->names[h->columns++], sizeof h->names[0], "%s", tok);
  }
  double row[NNRT_HISTORY_MAX_COLUMNS];
  for (int64_t lineNo = 2; rc == 0 && fgets(line, sizeof line, f); ++lineNo) {
    if (line[0] == '\n' || line[0] == '\r')
      continue;
    char *p = line, *end;
    long long epoch = strtoll(p, &end, 10);
    int c = 0;
    for (p = end; rc == 0 && *p == ',' && c < h->columns; ++c, p = end)
      row[c] = strtod(p + 1, &end);
    if (c != h->columns || end == p + 1)
      rc = nnrt_fail("%s:%lld: expected %d values after the epoch", path, (long long)lineNo,
                     h->columns);
    else
      rc = nnrt_history_add(h, epoch, row);
  }
  fclose(f);
  if (rc == 0 && h->epochs == 0)
    rc = nnrt_fail("'%s' holds no epochs", path);
  return rc;
}

/* NAME plot-history HISTORY.csv -o CURVES.svg (the executable's command). */
int nnrt_command_plot_history(int argc, char **argv) {
  const char *in = NULL, *out = NULL;
  for (int i = 2; i < argc; ++i) {
    if (!strcmp(argv[i], "-o") && i + 1 < argc)
      out = argv[++i];
    else if (!in && argv[i][0] != '-')
      in = argv[i];
    else
      return fprintf(stderr, "%s: error: unexpected argument '%s'\n", argv[0], argv[i]), 2;
  }
  if (!in || !out) {
    fprintf(stderr, "usage: %s plot-history HISTORY.csv -o CURVES.svg\n", argv[0]);
    return 2;
  }
  nnrt_history h = {0};
  nnrt_path_use input = {in, "the history file", NULL}, output = {out, "plot", "-o"};
  int rc = nnrt_check_paths(&input, 1, &output, 1, -1) == 0 &&
                   nnrt_history_read_csv(in, &h) == 0 && nnrt_history_write(&h, out, "plot") == 0
               ? 0
               : 1;
  if (rc)
    fprintf(stderr, "%s: error: %s\n", argv[0], nnc_last_error());
  nnrt_history_free(&h);
  return rc;
}

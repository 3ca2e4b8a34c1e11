"""Checks a fit's outputs against each other:
  check_fit_outputs.py HISTORY.csv EVAL.txt CURVES.svg
- the history stopped before 20 epochs (EarlyStopping);
- EVAL.txt (evaluate of the best checkpoint) shows the best epoch's val_loss exactly as
  Keras prints it (4 decimals);
- the SVG is well-formed, with one panel per quantity, each holding a training and a
  validation polyline of one point per epoch."""
import csv
import sys
import xml.etree.ElementTree as ET

history, evaluation, curves = sys.argv[1:4]
rows = list(csv.DictReader(open(history)))
assert 0 < len(rows) < 20, "expected an early stop before epoch 20, got %d epochs" % len(rows)
best = min(float(r["val_loss"]) for r in rows)
text = open(evaluation).read()
assert text.startswith("loss: %.4f " % best), "best val_loss %.4f, evaluate says %r" % (best, text)

svg = ET.parse(curves).getroot()
ns = "{http://www.w3.org/2000/svg}"
assert svg.tag == ns + "svg", svg.tag
panels = {g.get("id"): g for g in svg.iter(ns + "g")}
assert set(panels) == {"loss", "accuracy"}, sorted(panels)
for name, g in panels.items():
    lines = {p.get("class"): p for p in g.iter(ns + "polyline")}
    assert set(lines) == {"training", "validation"}, (name, sorted(lines))
    for kind, line in lines.items():
        points = line.get("points").split()
        assert len(points) == len(rows), (name, kind, len(points), len(rows))
print("ok: %d epochs, best val_loss %.4f reproduced, %d panels" % (len(rows), best, len(panels)))

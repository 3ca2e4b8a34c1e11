"""Compiles every .nn file given at -O0 and -O2, runs opt_parity.c against both and
checks that predictions agree within 1e-5 (relative to the largest output) and the
losses of 10 train steps within 1e-4 (relative).
usage: opt_levels.py WORKDIR CC_COMMAND MODEL.nn..."""
import os
import shlex
import subprocess
import sys

from parity_build import build_parity

work, cc, models = sys.argv[1], shlex.split(sys.argv[2]), sys.argv[3:]


def run(level, model):
    base = os.path.splitext(os.path.basename(model))[0]
    exe = build_parity(model, os.path.join(work, "%s-O%d" % (base, level)), cc,
                       ["-O%d" % level])
    done = subprocess.run([exe], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit("%s failed (%d):\n%s" % (exe, done.returncode, done.stderr))
    lines = done.stdout.split("\n")
    pred = [float(l.split()[1]) for l in lines if l.startswith("predict ")]
    loss = [float(l.split()[1]) for l in lines if l.startswith("loss ")]
    return pred, loss


worst_pred = worst_loss = 0.0
for model in models:
    (p0, l0), (p2, l2) = run(0, model), run(2, model)
    assert len(p0) == len(p2) > 0 and len(l0) == len(l2), model
    # Every model given is compiled for training: its train steps must have run.
    assert len(l0) == 10, "%s: %d train-step losses, expected 10" % (model, len(l0))
    scale = max(1e-30, max(abs(v) for v in p0))
    pred_err = max(abs(a - b) for a, b in zip(p0, p2)) / scale
    loss_err = max(abs(a - b) / max(abs(a), 1e-30) for a, b in zip(l0, l2))
    worst_pred, worst_loss = max(worst_pred, pred_err), max(worst_loss, loss_err)
    print("%-28s predictions %.2e, losses after %d steps %.2e" %
          (os.path.basename(model), pred_err, len(l0), loss_err))
    assert pred_err <= 1e-5, "%s: -O0 and -O2 predictions differ by %.3g" % (model, pred_err)
    assert loss_err <= 1e-4, "%s: -O0 and -O2 losses differ by %.3g" % (model, loss_err)
print("ok: %d models, worst relative difference: predictions %.2e, losses %.2e" %
      (len(models), worst_pred, worst_loss))

"""Kills `EXE fit ... --save CKPT` with SIGKILL at random moments, ROUNDS times: after each
kill the checkpoint on disk must be whole (its checksum holds, the runtime loads it) and be
the previous one or a newer one, never a mix. Rounds after the first resume from it.
usage: kill_fit.py ROUNDS EXE CKPT FIT-ARGS..."""
import os
import random
import signal
import struct
import subprocess
import sys
import time

from checkpoint_format import fnv1a, records

rounds, exe, ckpt, fit_args = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]


def epoch_of(path):
    """The epoch the checkpoint's fit state resumes at, after checking the checksum."""
    data = open(path, "rb").read()
    assert data[:8] == b"NNCKPT\x00\x01", "bad magic"
    (stored,) = struct.unpack_from("<Q", data, len(data) - 8)
    assert fnv1a(data[:-8]) == stored, "checksum mismatch: a torn write"
    for name, start, n in records(data):
        if name == "fit/state":
            return struct.unpack_from("<d", data, start + 8)[0]
    raise AssertionError("no fit state")


# Kill moments scale with this machine's speed: one run of a single epoch (data loading
# included) sets the unit.
start = time.time()
subprocess.run([exe, "fit", "--quiet"] + fit_args + ["--epochs", "1", "--save", ckpt + ".probe"],
               check=True, stdout=subprocess.DEVNULL)
unit = time.time() - start
os.remove(ckpt + ".probe")
rng = random.Random(20261127)
previous, kills = -1.0, 0
for r in range(rounds):
    args = [exe, "fit", "--save", ckpt, "--quiet"] + fit_args
    if os.path.exists(ckpt):
        args += ["--resume", ckpt]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(rng.uniform(1.0, 3.0) * unit)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
        kills += 1
    proc.wait()
    if not os.path.exists(ckpt):
        continue
    epoch = epoch_of(ckpt)
    assert epoch >= previous, "round %d: the checkpoint went back from epoch %g to %g" % (r, previous, epoch)
    previous = epoch
    check = subprocess.run([exe, "evaluate", "--weights", ckpt, "--samples", "100"] + fit_args[:2],
                           capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout.startswith("loss: "), (r, check.stdout, check.stderr)
assert previous >= 5, "the checkpoint only reached epoch %g: kill later" % previous
leftovers = [f for f in os.listdir(os.path.dirname(ckpt) or ".") if ".tmp." in f]
print("ok: %d rounds, %d killed mid-run, checkpoint whole every time (now at epoch %g); "
      "%d temporary files left by killed writes" % (rounds, kills, previous, len(leftovers)))

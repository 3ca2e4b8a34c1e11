"""Reads `nnc --emit=halide` text (a --target=cuda build) and checks that no kernel
computes on the CPU: the host code has no loops, and every `produce` block launches
a GPU kernel (halide_cuda_run) before the next one starts. Prints one line per
offence and "host loops: N, produce blocks: P, without a launch: M"; exits 1 on any.
usage: host_loops.py STMT"""
import re
import sys

text = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
loops = 0
produces = 0
missing = []
kernel = "?"
pending = None  # the produce block seen since the last launch


def close():
    global pending
    if pending:
        missing.append(f"{kernel}: produce {pending}")
    pending = None


for line in text.splitlines():
    s = line.strip()
    if s.startswith("// ---- kernel"):
        close()
        kernel = s.split()[3]
    elif re.match(r"(parallel )?for \(", s) or re.match(r"(parallel )?for<", s):
        loops += 1
        print(f"host loop in {kernel}: {s[:100]}")
    elif s.startswith("produce "):
        close()
        produces += 1
        pending = s.split()[1]
    elif "halide_cuda_run(" in s:
        pending = None
close()
for m in missing:
    print(f"no GPU launch: {m}")
print(f"host loops: {loops}, produce blocks: {produces}, without a launch: {len(missing)}")
sys.exit(1 if loops or missing or produces == 0 else 0)

"""Runs a command and prints its peak resident set size; fails above LIMIT_MB.

usage: max_rss.py LIMIT_MB COMMAND [ARGS...]
"""
import resource
import subprocess
import sys

limit = float(sys.argv[1])
rc = subprocess.call(sys.argv[2:])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0  # KB on Linux
print("max resident set: %.0f MB (limit %.0f MB)" % (peak, limit))
sys.exit(rc if rc else (0 if peak <= limit else 1))

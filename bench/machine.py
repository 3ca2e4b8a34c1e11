"""The machine a bench run measured: CPU model, cores, caches and vector flags from `lscpu`.

  python3 bench/machine.py        prints the lines bench.py prints above its tables
"""
import re
import subprocess

FIELDS = {"model": "Model name", "vendor": "Vendor ID", "cpus": "CPU(s)",
          "threads_per_core": "Thread(s) per core", "cores_per_socket": "Core(s) per socket",
          "sockets": "Socket(s)", "l1d": "L1d cache", "l1i": "L1i cache", "l2": "L2 cache",
          "l3": "L3 cache", "hypervisor": "Hypervisor vendor"}
FLAG = re.compile(r"^(avx\w*|amx\w*|fma\w*|f16c)$")


def describe():
    try:
        text = subprocess.run(["lscpu"], check=True, capture_output=True, text=True,
                              env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"}).stdout
    except (OSError, subprocess.CalledProcessError):
        return {"model": "unknown (no lscpu)", "flags": []}
    fields = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    info = {name: fields.get(key, "?") for name, key in FIELDS.items()}
    info["flags"] = [f for f in fields.get("Flags", "").split() if FLAG.match(f)]
    return info


def lines(info):
    return [
        "CPU: %s (%s), %s CPUs: %s socket(s) x %s core(s) x %s thread(s)%s" % (
            info["model"], info.get("vendor", "?"), info.get("cpus", "?"),
            info.get("sockets", "?"), info.get("cores_per_socket", "?"),
            info.get("threads_per_core", "?"),
            ", under %s" % info["hypervisor"] if info.get("hypervisor", "?") != "?" else ""),
        "Caches: L1d %s, L1i %s, L2 %s, L3 %s" % (info.get("l1d", "?"), info.get("l1i", "?"),
                                                  info.get("l2", "?"), info.get("l3", "?")),
        "Vector flags: %s" % (" ".join(info["flags"]) or "none of avx/amx/fma"),
    ]


if __name__ == "__main__":
    print("\n".join(lines(describe())))

# lit configuration for nnc's FileCheck suites.
import os
import sys

import lit.formats

if not hasattr(config, "nnc_obj_root"):
    site = lit_config.params.get("nnc_site_config")
    if not site:
        lit_config.fatal("run lit through ctest, or pass --param nnc_site_config=BUILD/test/lit.site.cfg.py")
    lit_config.load_config(config, site)
else:
    config.name = "nnc"
    config.test_format = lit.formats.ShTest(execute_external=False)
    config.suffixes = [".mlir", ".nn", ".test"]
    config.test_source_root = os.path.join(config.nnc_src_root, "test")
    config.test_exec_root = os.path.join(config.nnc_obj_root, "test")
    config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in"]
    tool_dirs = [
        os.path.join(config.nnc_obj_root, "tools", "nnc"),
        os.path.join(config.nnc_obj_root, "tools", "nnc-opt"),
        os.path.join(config.nnc_obj_root, "tools", "nnc-data"),
        os.path.join(config.nnc_obj_root, "test", "e2e"),
        config.llvm_tools_dir,
    ]
    config.environment["PATH"] = os.pathsep.join(tool_dirs + [config.environment.get("PATH", os.environ["PATH"])])
    config.substitutions.append(("%python", sys.executable))
    # One kernel cache for the run, in the build folder: a new build starts it empty
    # (scripts/mutants passes its own: --param nnc_cache_dir=DIR).
    config.environment["NNC_CACHE_DIR"] = lit_config.params.get(
        "nnc_cache_dir", os.path.join(config.nnc_obj_root, "kernel-cache"))
    config.substitutions.append(("%nncroot", config.nnc_src_root))
    # The ONNX tests' Python: one that has onnx, torch and torchvision (Debian's
    # python3 when the running one, e.g. a virtual environment, lacks them).
    import subprocess
    pyonnx = sys.executable
    for candidate in (sys.executable, "/usr/bin/python3"):
        if subprocess.run([candidate, "-c", "import onnx, torch, torchvision"],
                          capture_output=True).returncode == 0:
            pyonnx = candidate
            break
    config.substitutions.append(("%pyonnx", pyonnx))
    import shutil
    if shutil.which("dot"):
        config.available_features.add("graphviz")
    # The C compiler for test programs: outputs of a sanitizer build need its runtime.
    config.substitutions.append(("%cc", ("cc " + config.nnc_sanitize_flags).strip()))
    if config.nnc_sanitize_flags:
        config.available_features.add("sanitizer")
    # Resident-set limits of the streaming tests: AddressSanitizer's quarantine (256 MB of
    # freed memory kept unmapped-late) and shadow memory come on top in a sanitizer build.
    config.substitutions.append(("%stream_rss_limit",
                                 "800" if config.nnc_sanitize_flags else "500"))
    config.substitutions.append(("%examples", os.path.join(config.nnc_src_root, "examples")))

    # 'cuda': an NVIDIA GPU and its driver are present (--target=cuda outputs run).
    def _cuda_gpu():
        import ctypes
        try:
            cuda = ctypes.CDLL("libcuda.so.1")
            count = ctypes.c_int(0)
            return cuda.cuInit(0) == 0 and cuda.cuDeviceGetCount(ctypes.byref(count)) == 0 \
                and count.value > 0
        except (OSError, AttributeError):
            return False

    if _cuda_gpu():
        config.available_features.add("cuda")
    else:
        lit_config.note("no CUDA GPU: tests that run --target=cuda outputs are unsupported")

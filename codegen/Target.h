// The target model: what the kernels are built for, made once from --target and
// handed to every op's kernel builder (KernelOpInterface::buildKernel), and the
// thresholds the CPU schedules decide by, named in one place.
#ifndef NNC_CODEGEN_TARGET_H
#define NNC_CODEGEN_TARGET_H

#include <cstdint>
#include <string>

namespace nnc {

struct TargetInfo {
  std::string name = "host";   // as given: "host", "cuda" or a Halide target string
  std::string resolved;        // the Halide target string ("host" made explicit)
  bool gpu = false;            // kernels run on a GPU (CUDA)
  int vectorFloats = 8;        // f32 lanes of the widest vector (16 with AVX-512)
  /// The CPU schedules' vector width in floats: the target's natural width, at most
  /// 8 (the register-tiled schedules were tuned at 8 lanes on AVX2 and AVX-512
  /// machines alike); 4 on SSE, NEON and WebAssembly SIMD.
  int vector = 8;
  int64_t l2Bytes = 1 << 20;   // per core
  int threads = 0;             // 0: decided at run time (NNC_NUM_THREADS, cores)

  /// Below this many FLOP per call a kernel runs on one thread: a task's start costs
  /// more than it saves.
  int64_t parallelFlops = 2000000;
  /// Operands up to this size stay in a core's L2 while a kernel reuses them (the
  /// Dense schedules split rows instead of features under it).
  int64_t l2Resident = 256 * 1024;
  /// Work per task (multiply-adds) the convolution weight gradients aim for.
  int64_t taskWork = 65536;

  /// The target `target` names ("host", "cuda", a Halide target string); it must be
  /// valid (isValidTarget).
  static TargetInfo from(const std::string &target);
};

namespace codegen {

/// Whether `target` is "host", "cuda" or a Halide target string.
bool isValidTarget(const std::string &target);

/// Why nnc cannot build outputs for `target` (valid) on this machine, or "": a GPU
/// API other than CUDA (nnc's runtime drives CUDA only), or, when `linking`, another
/// architecture or OS than this machine's (outputs are linked with its `cc`).
std::string targetProblem(const std::string &target, bool linking);

/// The kernels' Halide target string for `target` ("host" resolved to this CPU's
/// features): part of the kernel cache's keys.
std::string resolvedTarget(const std::string &target);

/// Whether `target` (valid) runs kernels on a GPU ("cuda", or a Halide target with
/// a GPU feature).
bool isGpuTarget(const std::string &target);

struct Kernel;

/// Compiles `kernel` to an object file at `path` whose entry points are `symbol`
/// and `symbol`_argv, for the Halide target string `target` ("host" or e.g.
/// "x86-64-linux-avx2"), without a Halide runtime.
void compileKernel(const Kernel &kernel, const std::string &path, const std::string &symbol,
                   const std::string &target);

/// Writes the kernel's Halide lowered statement (`assembly` false) or its
/// assembly to `path`, for --emit=halide and --emit=asm.
void writeKernelText(const Kernel &kernel, const std::string &path, const std::string &symbol,
                     const std::string &target, bool assembly);

/// Writes the one Halide runtime every output links.
void compileRuntime(const std::string &path, const std::string &target);

} // namespace codegen
} // namespace nnc

#endif

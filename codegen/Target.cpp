// The target model (TargetInfo) and what nnc does with a --target: validation,
// the Halide target the kernels are built for, and their compilation.
#include "codegen/Target.h"

#include "codegen/kernels/Kernel.h"

#include <algorithm>
#include <fmt/format.h>

namespace nnc {
namespace codegen {

bool isValidTarget(const std::string &target) {
  return target == "host" || target == "cuda" || Halide::Target::validate_target_string(target);
}

/// "host": this CPU; "cuda": this CPU plus CUDA kernels as PTX for compute capability
/// 7.0 (the driver compiles it for newer GPUs when it loads the module).
static Halide::Target halideTarget(const std::string &target) {
  if (target == "host")
    return Halide::get_host_target();
  if (target == "cuda")
    return Halide::get_host_target()
        .with_feature(Halide::Target::CUDA)
        .with_feature(Halide::Target::CUDACapability70);
  return Halide::Target(target);
}

std::string targetProblem(const std::string &target, bool linking) {
  Halide::Target t = halideTarget(target);
  using F = Halide::Target::Feature;
  const std::pair<F, const char *> otherGpus[] = {
      {F::OpenCL, "opencl"}, {F::Metal, "metal"}, {F::OpenGLCompute, "openglcompute"},
      {F::D3D12Compute, "d3d12compute"}};
  for (const auto &[feature, name] : otherGpus)
    if (t.has_feature(feature))
      return fmt::format("--target '{}': the '{}' feature has no runtime in nnc (its GPU "
                         "runtime drives CUDA only); remove it, or use --target=cuda",
                         target, name);
  // Features that change how kernels are called or what they link against: outputs
  // built with them cannot be loaded or return errors on every call.
  const std::pair<F, const char *> abiChanging[] = {
      {F::ASAN, "asan"}, {F::MSAN, "msan"}, {F::TSAN, "tsan"},
      {F::SanitizerCoverage, "sanitizer_coverage"}, {F::UserContext, "user_context"},
      {F::Matlab, "matlab"}, {F::CPlusPlusMangling, "c_plus_plus_name_mangling"},
      {F::NoRuntime, "no_runtime"}, {F::Profile, "profile"},
      {F::ProfileByTimer, "profile_by_timer"}, {F::TracePipeline, "trace_pipeline"},
      {F::TraceLoads, "trace_loads"}, {F::TraceStores, "trace_stores"},
      {F::TraceRealizations, "trace_realizations"}, {F::JIT, "jit"}};
  for (const auto &[feature, name] : abiChanging)
    if (t.has_feature(feature))
      return fmt::format("--target '{}': the '{}' feature changes how kernels are called or "
                         "linked, and nnc's runtime does not support it; remove it",
                         target, name);
  Halide::Target host = Halide::get_host_target();
  if (linking && (t.arch != host.arch || t.bits != host.bits || t.os != host.os))
    return fmt::format("--target '{}': cross-compiling for another machine is not supported "
                       "yet (outputs are linked by this machine's cc for {}); --emit=asm or "
                       "--emit=halide show the kernels for any target",
                       target, Halide::Target(host.os, host.arch, host.bits).to_string());
  return "";
}

bool isGpuTarget(const std::string &target) { return halideTarget(target).has_gpu_feature(); }

static Halide::Target kernelTarget(const std::string &target) {
  return halideTarget(target).with_feature(Halide::Target::NoRuntime);
}

std::string resolvedTarget(const std::string &target) {
  return kernelTarget(target).to_string();
}

void writeKernelText(const Kernel &kernel, const std::string &path, const std::string &symbol,
                     const std::string &target, bool assembly) {
  Halide::Pipeline output = kernel.pipeline();
  if (assembly)
    output.compile_to({{Halide::OutputFileType::assembly, path}}, kernel.arguments(), symbol,
                      kernelTarget(target));
  else
    output.compile_to_lowered_stmt(path, kernel.arguments(), Halide::StmtOutputFormat::Text,
                                   kernelTarget(target));
}

void compileKernel(const Kernel &kernel, const std::string &path, const std::string &symbol,
                   const std::string &target) {
  Halide::Target t = kernelTarget(target);
  Halide::Pipeline output = kernel.pipeline();
  output.compile_to({{Halide::OutputFileType::object, path}}, kernel.arguments(), symbol, t);
}

void compileRuntime(const std::string &path, const std::string &target) {
  Halide::compile_standalone_runtime(path, halideTarget(target));
}

} // namespace codegen

TargetInfo TargetInfo::from(const std::string &target) {
  TargetInfo info;
  info.name = target;
  info.resolved = codegen::resolvedTarget(target);
  Halide::Target t(info.resolved);
  info.gpu = t.has_gpu_feature();
  info.vectorFloats = t.natural_vector_size<float>();
  info.vector = std::clamp(info.vectorFloats, 1, 8);
  return info;
}

} // namespace nnc

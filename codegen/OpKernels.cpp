// Lowering of one nn op to a Halide kernel plus the buffer shapes its call takes.
#include "codegen/OpKernels.h"
#include "codegen/OpKernelUtil.h"

#include "codegen/kernels/Augment.h"
#include "codegen/kernels/Conv.h"
#include "codegen/kernels/Dense.h"
#include "codegen/kernels/Elementwise.h"
#include "codegen/kernels/Fused.h"
#include "codegen/kernels/Norm.h"
#include "codegen/kernels/Pool.h"
#include "ir/NNOps.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/TypeSwitch.h"

#include <fmt/format.h>

using namespace mlir;

namespace nnc::codegen {

namespace {

OpLowering lowerDense(nn::DenseOp op) {
  auto kshape = shapeOf(op.getKernel());
  int features = (int)kshape[0], units = (int)kshape[1];
  bool bias = (bool)op.getBias();
  auto k = share(denseKernel(features, units, bias,
                             activationOf(op.getActivation(), op.getAlpha())));
  std::vector<Value> t{op.getInput(), op.getKernel()};
  std::vector<std::vector<int64_t>> e{rows(op.getInput()), {units, features}};
  if (bias) {
    t.push_back(op.getBias());
    e.push_back({units});
  }
  t.push_back(op.getResult());
  e.push_back(rows(op.getResult()));
  return kernelCall(k, t, e);
}

OpLowering lowerConv(nn::Conv2DOp op) {
  ConvShape s = convShape(op.getInput(), op.getKernel(), op.getStrides(), op.getDilation(),
                          op.getPadding());
  bool bias = (bool)op.getBias();
  auto k = share(conv2dKernel(s, bias, activationOf(op.getActivation(), op.getAlpha())));
  std::vector<Value> t{op.getInput(), op.getKernel()};
  std::vector<std::vector<int64_t>> e{full(op.getInput()), full(op.getKernel())};
  if (bias) {
    t.push_back(op.getBias());
    e.push_back(full(op.getBias()));
  }
  t.push_back(op.getResult());
  e.push_back(full(op.getResult()));
  return kernelCall(k, t, e);
}

/// The fused ops: operands, then results, in order.
template <typename FusedOp> OpLowering fusedConvCall(FusedOp op, Kernel k) {
  std::vector<Value> t(op->operand_begin(), op->operand_end());
  t.insert(t.end(), op->result_begin(), op->result_end());
  std::vector<std::vector<int64_t>> e;
  for (Value v : t) // feature maps whole; kernels and per-channel values flat
    e.push_back(llvm::cast<RankedTensorType>(v.getType()).getRank() == 4 ? full(v)
                                                                         : std::vector{count(v)});
  return kernelCall(share(std::move(k)), t, e);
}

OpLowering lowerConvBN(nn::Conv2DBNOp op) {
  ConvShape s = convShape(op.getInput(), op.getKernel(), op.getStrides(), op.getDilation(),
                          op.getPadding());
  return fusedConvCall(op, conv2dBNKernel(s, (bool)op.getBias(), op.getEpsilon().convertToFloat(),
                                          activationOf(op.getActivation(), op.getAlpha())));
}

OpLowering lowerConvBNTrain(nn::Conv2DBNTrainOp op) {
  ConvShape s = convShape(op.getInput(), op.getKernel(), op.getStrides(), op.getDilation(),
                          op.getPadding());
  return fusedConvCall(op, conv2dBNTrainKernel(s, (bool)op.getBias(),
                                               op.getEpsilon().convertToFloat(),
                                               op.getUnbiasedMoving(),
                                               activationOf(op.getActivation(), op.getAlpha())));
}

OpLowering lowerPoolArgmax(nn::MaxPool2DArgmaxOp op) {
  PoolShape s = poolShape(op.getInput(), op.getPoolSize(), op.getStrides(), op.getPadding());
  return fusedConvCall(op, maxPool2dArgmaxKernel(s));
}

/// Conv2D + activation + tiling max pooling in one kernel: with the recorded maxima
/// (the train step's nn.conv2d_max_pool2d_argmax) or without (inference).
template <typename ConvPoolOp> OpLowering lowerConvPool(ConvPoolOp op, bool argmax) {
  ConvShape s = convShape(op.getInput(), op.getKernel(), op.getStrides(), op.getDilation(),
                          op.getPadding());
  ArrayRef<int64_t> pool = op.getPoolSize();
  return fusedConvCall(op, conv2dMaxPoolArgmaxKernel(s, (bool)op.getBias(),
                                                     activationOf(op.getActivation(), op.getAlpha()),
                                                     (int)pool[1], (int)pool[0], argmax));
}

OpLowering lowerConvPoolGradKernel(nn::Conv2DMaxPoolGradKernelOp op) {
  ConvShape s = convShape(op.getInput(), op.getKernelGrad(), op.getStrides(), op.getDilation(),
                          op.getPadding());
  ArrayRef<int64_t> pool = op.getPoolSize();
  return fusedConvCall(op, conv2dMaxPoolBackwardWeightsKernel(
                               s, activationOf(op.getActivation(), op.getAlpha()), (int)pool[1],
                               (int)pool[0]));
}

OpLowering lowerPoolActivationGrad(nn::MaxPool2DActivationGradOp op) {
  PoolShape s = poolShape(op.getInputGrad(), op.getPoolSize(), op.getStrides(), op.getPadding());
  return fusedConvCall(op, maxPool2dActivationBackwardKernel(
                               s, activationOf(op.getActivation(), op.getAlpha())));
}

template <typename PoolOp> OpLowering lowerPool(PoolOp op, bool isMax) {
  PoolShape s = poolShape(op.getInput(), op.getPoolSize(), op.getStrides(), op.getPadding());
  auto k = share(isMax ? maxPool2dKernel(s) : avgPool2dKernel(s));
  return kernelCall(k, {op.getInput(), op.getResult()}, {full(op.getInput()), full(op.getResult())});
}

AffineSampling samplingOf(StringRef fill, llvm::APFloat value, StringRef interpolation) {
  return {parseFill(fill.str()), value.convertToFloat(), interpolation == "bilinear"};
}

/// An active augmentation (training, with the step counter): its random transform.
OpLowering lowerAugment(Operation *op) {
  Value x = op->getOperand(0), counter = op->getOperand(1), y = op->getResult(0);
  auto in = shapeOf(x);
  ImageShape s{(int)in[1], (int)in[2], (int)in[3]};
  auto saltAttr = op->getAttrOfType<IntegerAttr>("salt");
  auto salt = (uint32_t)(saltAttr ? saltAttr.getInt() : 0);
  Kernel k = llvm::TypeSwitch<Operation *, Kernel>(op)
                 .Case([&](nn::RandomFlipOp f) {
                   StringRef mode = f.getMode();
                   return randomFlipKernel(s, mode != "vertical", mode != "horizontal", salt);
                 })
                 .Case([&](nn::RandomRotationOp r) {
                   ArrayRef<float> f = r.getFactor();
                   return randomRotationKernel(
                       s, f[0], f[1],
                       samplingOf(r.getFillMode(), r.getFillValue(), r.getInterpolation()), salt);
                 })
                 .Case([&](nn::RandomZoomOp z) {
                   ArrayRef<float> h = z.getHeightFactor();
                   std::optional<ArrayRef<float>> w = z.getWidthFactor();
                   return randomZoomKernel(
                       s, h[0], h[1], w ? (*w)[0] : h[0], w ? (*w)[1] : h[1], !w,
                       samplingOf(z.getFillMode(), z.getFillValue(), z.getInterpolation()), salt);
                 });
  return kernelCall(share(std::move(k)), {x, counter, y}, {full(x), {2}, full(y)});
}

OpLowering lowerGlobalAvgPool(nn::GlobalAvgPool2DOp op) {
  auto in = shapeOf(op.getInput());
  auto k = share(globalAvgPool2dKernel((int)in[1], (int)in[2], (int)in[3]));
  return kernelCall(k, {op.getInput(), op.getResult()}, {full(op.getInput()), {in[3], -1}});
}

OpLowering lowerBatchNorm(nn::BatchNormOp op) {
  int64_t c = shapeOf(op.getInput()).back();
  auto k = share(batchNormInferenceKernel((int)c, op.getEpsilon().convertToFloat()));
  OpLowering l = kernelCall(k,
                            {op.getInput(), op.getGamma(), op.getBeta(), op.getMovingMean(),
                             op.getMovingVariance(), op.getResult()},
                            {rows(op.getInput()), {c}, {c}, {c}, {c}, rows(op.getResult())});
  l.inPlace = 0;
  return l;
}

OpLowering lowerActivation(nn::ActivationOp op) {
  auto e = rows(op.getInput());
  auto k = share(activationKernel((int)e[0], activationOf(op.getKind(), op.getAlpha())));
  OpLowering l = kernelCall(k, {op.getInput(), op.getResult()}, {e, e});
  l.inPlace = op.getKind() == "softmax" ? -1 : 0; // softmax reads the whole row
  return l;
}

OpLowering lowerRescaling(nn::RescalingOp op) {
  auto e = rows(op.getInput());
  auto k = share(rescalingKernel((int)e[0], op.getScale().convertToFloat(),
                                 op.getOffset().convertToFloat()));
  OpLowering l = kernelCall(k, {op.getInput(), op.getResult()}, {e, e});
  l.inPlace = 0;
  return l;
}

OpLowering lowerAdd(nn::AddOp op) {
  auto e = rows(op.getResult());
  auto k = share(addKernel((int)e[0], (int)op.getInputs().size()));
  std::vector<Value> t(op.getInputs().begin(), op.getInputs().end());
  t.push_back(op.getResult());
  OpLowering l = kernelCall(k, t, std::vector<std::vector<int64_t>>(t.size(), e));
  l.inPlace = 0;
  return l;
}

OpLowering lowerConcatenate(nn::ConcatenateOp op) {
  ArrayRef<int64_t> out = shapeOf(op.getResult());
  int64_t axis = (int64_t)op.getAxis(); // I64Attr reads back as uint64_t
  if (axis < 0)
    axis += (int64_t)out.size();
  int64_t inner = 1, outer = 1;
  for (int64_t d = axis + 1; d < (int64_t)out.size(); ++d)
    inner *= out[d];
  for (int64_t d = 1; d < axis; ++d)
    outer *= out[d];
  std::vector<int> lengths;
  std::vector<Value> t;
  std::vector<std::vector<int64_t>> e;
  for (Value v : op.getInputs()) {
    lengths.push_back((int)shapeOf(v)[axis]);
    t.push_back(v);
    e.push_back({inner, shapeOf(v)[axis], -outer});
  }
  t.push_back(op.getResult());
  e.push_back({inner, out[axis], -outer});
  return kernelCall(share(concatenateKernel((int)inner, lengths)), t, e);
}

} // namespace

FailureOr<OpLowering> lowerOp(Operation *op) {
  OpLowering alias;
  alias.tensors = {op->getNumOperands() ? op->getOperand(0) : Value(), op->getResult(0)};
  return llvm::TypeSwitch<Operation *, FailureOr<OpLowering>>(op)
      .Case([](nn::DenseOp o) { return lowerDense(o); })
      .Case([](nn::Conv2DOp o) { return lowerConv(o); })
      .Case([](nn::Conv2DBNOp o) { return lowerConvBN(o); })
      .Case([](nn::Conv2DBNTrainOp o) { return lowerConvBNTrain(o); })
      .Case([](nn::MaxPool2DArgmaxOp o) { return lowerPoolArgmax(o); })
      .Case([](nn::Conv2DMaxPoolArgmaxOp o) { return lowerConvPool(o, true); })
      .Case([](nn::Conv2DMaxPoolOp o) { return lowerConvPool(o, false); })
      .Case([](nn::Conv2DMaxPoolGradKernelOp o) { return lowerConvPoolGradKernel(o); })
      .Case([](nn::MaxPool2DActivationGradOp o) { return lowerPoolActivationGrad(o); })
      .Case([](nn::MaxPool2DOp o) { return lowerPool(o, true); })
      .Case([](nn::AvgPool2DOp o) { return lowerPool(o, false); })
      .Case([](nn::GlobalAvgPool2DOp o) { return lowerGlobalAvgPool(o); })
      .Case([](nn::BatchNormOp o) { return lowerBatchNorm(o); })
      .Case([](nn::ActivationOp o) { return lowerActivation(o); })
      .Case([](nn::RescalingOp o) { return lowerRescaling(o); })
      .Case([](nn::AddOp o) { return lowerAdd(o); })
      .Case([](nn::ConcatenateOp o) { return lowerConcatenate(o); })
      .Case<nn::RandomFlipOp, nn::RandomRotationOp, nn::RandomZoomOp>(
          [&](Operation *o) { return o->getNumOperands() > 1 ? lowerAugment(o) : alias; })
      .Case<nn::FlattenOp, nn::ReshapeOp, nn::DropoutOp>([&](Operation *) { return alias; })
      .Default([](Operation *o) { return lowerTrainingOp(o); });
}

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

} // namespace nnc::codegen

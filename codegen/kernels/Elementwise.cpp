// Elementwise kernels on the 2-D view (c, m): activation, rescaling, sums.
#include "codegen/kernels/Elementwise.h"
#include "codegen/OpKernelUtil.h"
#include "ir/NNOps.h"

using namespace Halide;

namespace nnc::codegen {

/// The shared CPU schedule: rows in blocks across threads, channels vectorized. Fewer
/// channels than a vector (a grayscale image's 1): rows vectorized, each channel in
/// turn (1 channel was a scalar loop: fashion-cnn's Rescaling took ~200 us at b128).
static void scheduleRows(Func out, Var c, Var m, int channels, const TargetInfo &target) {
  Var mo("mo"), mi("mi");
  if (channels < target.vector) {
    out.bound(c, 0, channels)
        .split(m, mo, mi, 256, TailStrategy::GuardWithIf)
        .reorder(mi, c, mo)
        .parallel(mo)
        .vectorize(mi, target.vector, TailStrategy::GuardWithIf)
        .unroll(c);
    return;
  }
  out.split(m, mo, mi, 16, TailStrategy::GuardWithIf).parallel(mo);
  out.vectorize(c, target.vector, TailStrategy::GuardWithIf);
}

Kernel activationKernel(int channels, const Activation &act, const TargetInfo &target) {
  ImageParam in(Float(32), 2, "input");
  Var c("c"), m("m");
  // ---- algorithm ----
  Func x("x");
  x(c, m) = in(c, m);
  Func out = activate(x, act, channels, "activation");
  in.dim(0).set_bounds(0, channels);
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    scheduleRows(out, c, m, channels, target);
  }
  return {"activation", {in}, out};
}

Kernel rescalingKernel(int channels, float scale, float offset, const TargetInfo &target) {
  ImageParam in(Float(32), 2, "input");
  Var c("c"), m("m");
  // ---- algorithm ----
  Func out("rescaling");
  out(c, m) = in(c, m) * scale + offset;
  in.dim(0).set_bounds(0, channels);
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    scheduleRows(out, c, m, channels, target);
  }
  return {"rescaling", {in}, out};
}

Kernel addKernel(int channels, int count, const TargetInfo &target) {
  std::vector<ImageParam> inputs;
  Var c("c"), m("m");
  // ---- algorithm ----
  Expr total = 0.0f;
  for (int i = 0; i < count; ++i) {
    inputs.emplace_back(Float(32), 2, "input" + std::to_string(i));
    inputs.back().dim(0).set_bounds(0, channels);
    total = total + inputs.back()(c, m);
  }
  Func out("add");
  out(c, m) = total;
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    scheduleRows(out, c, m, channels, target);
  }
  return {"add", inputs, out};
}

Kernel concatenateKernel(int inner, const std::vector<int> &lengths, const TargetInfo &target) {
  std::vector<ImageParam> inputs;
  Var i("i"), j("j"), o("o");
  // ---- algorithm ----
  // out(i, j, o) = input_k(i, j - start_k, o) for the k whose range holds j.
  int total = 0;
  for (int len : lengths)
    total += len;
  Expr value = 0.0f;
  int end = total;
  for (int k = int(lengths.size()) - 1; k >= 0; --k) {
    int start = end - lengths[k];
    ImageParam in(Float(32), 3, "input" + std::to_string(k));
    in.dim(0).set_bounds(0, inner).dim(1).set_bounds(0, lengths[k]);
    Expr from = in(i, clamp(j - start, 0, lengths[k] - 1), o);
    value = k == int(lengths.size()) - 1 ? from : select(j < end, from, value);
    inputs.insert(inputs.begin(), in);
    end = start;
  }
  Func out("concatenate");
  out(i, j, o) = value;
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    out.parallel(o).vectorize(i, target.vector, TailStrategy::GuardWithIf);
  }
  return {"concatenate", inputs, out};
}

/// out = in with its axes permuted (tensor axis i of the output is axis perm[i] of the
/// input; `shape` is the input's, batch first). Halide's dimensions run in reverse.
Kernel transposeKernel(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> perm,
                       const TargetInfo &target) {
  int rank = (int)shape.size();
  ImageParam in(Float(32), rank, "input");
  std::vector<Var> v;
  for (int k = 0; k < rank; ++k)
    v.emplace_back("v" + std::to_string(k));
  // ---- algorithm ----
  std::vector<int> inverse(rank);
  for (int i = 0; i < rank; ++i)
    inverse[perm[i]] = i;
  std::vector<Expr> at;
  for (int k = 0; k < rank; ++k) // Halide dim k of the input is tensor axis rank-1-k
    at.push_back(v[rank - 1 - inverse[rank - 1 - k]]);
  for (int k = 0; k + 1 < rank; ++k)
    in.dim(k).set_bounds(0, (int)shape[rank - 1 - k]);
  Func out("transpose");
  out(v) = in(at);
  // ---- schedule (CPU) ----
  if (!target.gpu && rank > 1) {
    out.parallel(v[rank - 1]);
  }
  return {"transpose", {in}, out};
}

Kernel activationBackwardKernel(int channels, const Activation &act, const TargetInfo &target) {
  ImageParam y(Float(32), 2, "output"), dy(Float(32), 2, "dy");
  Var c("c"), m("m");
  // ---- algorithm ----
  Expr v = y(c, m), g = dy(c, m);
  Func dz("activation_dz");
  if (act.kind == Act::Softmax) {
    RDom r(0, channels, "r");
    Func dot("softmax_dot");
    dot(m) = sum(dy(r, m) * y(r, m));
    dz(c, m) = v * (g - dot(m));
    dot.compute_root();
  } else {
    dz(c, m) = activationGradient(v, g, act);
  }
  y.dim(0).set_bounds(0, channels);
  dy.dim(0).set_bounds(0, channels);
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    scheduleRows(dz, c, m, channels, target);
  }
  return {"activation_dz", {y, dy}, dz};
}

Kernel channelSumKernel(int channels, const TargetInfo &target) {
  ImageParam x(Float(32), 2, "input");
  Var c("c");
  x.dim(0).set_bounds(0, channels);
  if (!target.gpu && channels % 16 == 0 && channels <= 256) {
    // ---- algorithm (CPU, vector channels) ----
    // Two partial sums over the two halves of the rows, added at the end (as the Dense
    // weight gradient: each half read by the thread that wrote it); each channel sums
    // its half's rows in order, all channels of a row at once.
    Expr rowsTotal = x.dim(1).extent();
    Expr half = min((rowsTotal + 7) / 8 * 4, rowsTotal);
    Var p("p");
    RDom m(0, rowsTotal, "m");
    m.where(m < select(p == 0, half, rowsTotal - half));
    Func acc("channel_sum_acc"), out("channel_sum");
    acc(c, p) = 0.0f;
    acc(c, p) += x(c, min(p * half + m, rowsTotal - 1)); // (clamped: bounds inference)
    out(c) = acc(c, 0) + acc(c, 1);
    // ---- schedule ----
    acc.compute_root().bound(c, 0, channels).bound(p, 0, 2).vectorize(c, 16).parallel(p);
    acc.update().reorder(c, m, p).vectorize(c, 16).unroll(c).parallel(p);
    out.vectorize(c, 16);
    return {"channel_sum", {x}, out};
  }
  // ---- algorithm ----
  RDom m(0, x.dim(1).extent(), "m");
  Func padded = BoundaryConditions::constant_exterior(x, 0.0f, {{0, channels}});
  Func acc("channel_sum_acc"), out("channel_sum");
  acc(c) = 0.0f;
  acc(c) += padded(c, m);
  out(c) = acc(c);
  // ---- schedule (CPU) ----
  if (target.gpu) {
    scheduleGpuRowSum(acc, m, 256);
  } else if (channels % 16 == 0 && channels >= 32) {
    // Blocks of channels in parallel, each summing its rows in order (a bias
    // gradient over a large batch of images reads megabytes: one thread took them all).
    // The widest block (up to 64 channels: one 256-byte run per row, 4 independent
    // sum chains) that still leaves a task per thread.
    // (fashion-mlp b128: 128 channels 39 -> 23 us, 64 channels 15 -> 12 us.)
    int block = channels % 64 == 0 && channels >= 128 ? 64
                : channels % 32 == 0 && channels >= 64 ? 32
                                                       : 16;
    Var co("co"), ci("ci");
    acc.compute_root().bound(c, 0, channels).vectorize(c, 16);
    acc.update().split(c, co, ci, block).reorder(ci, m, co).parallel(co).vectorize(ci, 16).unroll(ci);
    out.vectorize(c, 16, TailStrategy::GuardWithIf);
  } else {
    // The accumulator is a padded scratch: RoundUp computes past the channel count
    // there, reading zeros. Guarding the update's vector loop instead crashed in
    // Halide 14 for channel counts that are not a multiple of the vector width.
    acc.compute_root().vectorize(c, target.vector, TailStrategy::RoundUp);
    acc.update().reorder(c, m).vectorize(c, target.vector, TailStrategy::RoundUp);
    out.vectorize(c, target.vector, TailStrategy::GuardWithIf);
  }
  return {"channel_sum", {x}, out};
}

// A 32-bit integer hash (murmur3's finaliser) of (seed, step, index); the top 24
// bits make a float in [0, 1). Counter-based: any element can be drawn alone.
static Expr mix32(Expr h) {
  h = h ^ (h >> 16);
  h = h * Expr(uint32_t(0x85EBCA6Bu));
  h = h ^ (h >> 13);
  h = h * Expr(uint32_t(0xC2B2AE35u));
  return h ^ (h >> 16);
}

Expr counterUniform(Expr seed, Expr step, Expr index) {
  Expr h = mix32(cast<uint32_t>(index) * Expr(uint32_t(0x9E3779B9u)) ^ seed);
  h = mix32(h ^ (step * Expr(uint32_t(0x632BE5ABu))));
  return cast<float>(h >> 8) * (1.0f / 16777216.0f);
}

static Kernel dropout(int channels, float rate, uint32_t salt, bool backward,
                      const TargetInfo &target) {
  ImageParam x(Float(32), 2, backward ? "dy" : "input"), seed(UInt(32), 1, "seed");
  Var c("c"), m("m");
  // ---- algorithm ----
  Expr layerSeed = seed(0) ^ Expr(uint32_t(salt * 0x27D4EB2Fu));
  Expr keep = counterUniform(layerSeed, seed(1), c + m * channels) >= rate;
  Func out(backward ? "dropout_dx" : "dropout");
  out(c, m) = select(keep, x(c, m) * (1.0f / (1.0f - rate)), 0.0f);
  x.dim(0).set_bounds(0, channels);
  seed.dim(0).set_bounds(0, 2);
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    scheduleRows(out, c, m, channels, target);
  }
  return {backward ? "dropout_dx" : "dropout", {x, seed}, out};
}

Kernel dropoutActivationBackwardKernel(int channels, float rate, uint32_t salt,
                                       const Activation &act, const TargetInfo &target) {
  ImageParam y(Float(32), 2, "output"), dy(Float(32), 2, "dy"), seed(UInt(32), 1, "seed");
  Var c("c"), m("m");
  // ---- algorithm ---- (the unfused kernels' expressions, composed: same bits)
  Expr layerSeed = seed(0) ^ Expr(uint32_t(salt * 0x27D4EB2Fu));
  Expr keep = counterUniform(layerSeed, seed(1), c + m * channels) >= rate;
  Func dz("dropout_activation_dz");
  dz(c, m) = activationGradient(y(c, m), select(keep, dy(c, m) * (1.0f / (1.0f - rate)), 0.0f),
                                act);
  y.dim(0).set_bounds(0, channels);
  dy.dim(0).set_bounds(0, channels);
  seed.dim(0).set_bounds(0, 2);
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    scheduleRows(dz, c, m, channels, target);
  }
  return {"dropout_activation_dz", {y, dy, seed}, dz};
}

Kernel dropoutKernel(int channels, float rate, uint32_t salt, const TargetInfo &target) {
  return dropout(channels, rate, salt, false, target);
}
Kernel dropoutBackwardKernel(int channels, float rate, uint32_t salt, const TargetInfo &target) {
  return dropout(channels, rate, salt, true, target);
}

Kernel concatenateSliceKernel(int inner, int offset, int length, int total,
                              const TargetInfo &target) {
  ImageParam dy(Float(32), 3, "dy");
  Var i("i"), j("j"), o("o");
  // ---- algorithm ----
  Func out("concatenate_dx");
  out(i, j, o) = dy(i, j + offset, o);
  dy.dim(0).set_bounds(0, inner).dim(1).set_bounds(0, total);
  out.output_buffer().dim(0).set_bounds(0, inner).dim(1).set_bounds(0, length);
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    out.parallel(o).vectorize(i, target.vector, TailStrategy::GuardWithIf);
  }
  return {"concatenate_dx", {dy}, out};
}

} // namespace nnc::codegen

// ---- The merge layers: Multiply, Subtract, Average, Maximum, Minimum ------------

namespace nnc::codegen {

namespace {

/// min(a, b) that keeps a NaN from either side, as nanMax.
Expr nanMin(Expr a, Expr b) { return select(isNaN(a), a, select(isNaN(b), b, min(a, b))); }

/// `count` inputs in the (c, m) view, each bound to `channels`.
std::vector<ImageParam> rowInputs(int count, int channels) {
  std::vector<ImageParam> inputs;
  for (int i = 0; i < count; ++i) {
    inputs.emplace_back(Float(32), 2, "input" + std::to_string(i));
    inputs.back().dim(0).set_bounds(0, channels);
  }
  return inputs;
}

Kernel mergeKernel(llvm::StringRef kind, int count, int channels, const TargetInfo &target) {
  std::vector<ImageParam> in = rowInputs(count, channels);
  Var c("c"), m("m");
  // ---- algorithm ----
  Expr v = in[0](c, m);
  for (int i = 1; i < count; ++i) {
    Expr x = in[i](c, m);
    v = kind == "multiply" ? v * x
        : kind == "subtract" ? v - x
        : kind == "maximum"  ? nanMax(v, x)
        : kind == "minimum"  ? nanMin(v, x)
                             : v + x; // average
  }
  Func out("merge");
  out(c, m) = kind == "average" ? v / (float)count : v;
  if (!target.gpu)
    scheduleRows(out, c, m, channels, target);
  return {"merge", in, out};
}

/// d/d(input `index`): inputs x_0 .. x_{n-1}, then dY.
Kernel mergeGradKernel(llvm::StringRef kind, int count, int index, int channels,
                       const TargetInfo &target) {
  std::vector<ImageParam> in = rowInputs(count + 1, channels);
  Var c("c"), m("m");
  // ---- algorithm ----
  Expr dy = in[count](c, m), xi = in[index](c, m), g;
  if (kind == "multiply") {
    g = dy;
    for (int j = 0; j < count; ++j)
      if (j != index)
        g = g * in[j](c, m);
  } else if (kind == "subtract") {
    g = index == 0 ? dy : -dy;
  } else if (kind == "average") {
    g = dy / (float)count;
  } else { // maximum / minimum: dY to the first input holding the extreme
    bool isMax = kind == "maximum";
    Expr first = cast<bool>(true);
    for (int j = 0; j < count; ++j) {
      if (j == index)
        continue;
      Expr xj = in[j](c, m);
      first = first && (j < index ? (isMax ? xi > xj : xi < xj) : (isMax ? xi >= xj : xi <= xj));
    }
    g = select(first, dy, 0.0f);
  }
  Func dx("merge_grad");
  dx(c, m) = g;
  if (!target.gpu)
    scheduleRows(dx, c, m, channels, target);
  return {"merge_grad", in, dx};
}

} // namespace

} // namespace nnc::codegen

// ---- The family's ops (KernelOpInterface) ------------------------------------

namespace nnc::codegen {

namespace {

OpLowering lowerActivation(nn::ActivationOp op, const TargetInfo &target) {
  auto e = rows(op.getInput());
  auto k = share(activationKernel((int)e[0], activationOf(op.getKind(), op.getAlpha()), target));
  OpLowering l = callOnAll(k, op, rows);
  l.inPlace = op.getKind() == "softmax" ? -1 : 0; // softmax reads the whole row
  return l;
}

OpLowering lowerActivationGrad(nn::ActivationGradOp op, const TargetInfo &target) {
  auto e = rows(op.getOutput());
  OpLowering l = callOnAll(
      share(activationBackwardKernel((int)e[0], activationOf(op.getKind(), op.getAlpha()), target)),
      op, rows);
  l.inPlace = op.getKind() == "softmax" ? -1 : 1; // into dY; softmax reads the row
  return l;
}

OpLowering lowerRescaling(nn::RescalingOp op, const TargetInfo &target) {
  auto e = rows(op.getInput());
  OpLowering l = callOnAll(share(rescalingKernel((int)e[0], op.getScale().convertToFloat(),
                                                 op.getOffset().convertToFloat(), target)),
                           op, rows);
  l.inPlace = 0;
  return l;
}

OpLowering lowerAdd(nn::AddOp op, const TargetInfo &target) {
  auto e = rows(op.getResult());
  std::vector<mlir::Value> t(op.getInputs().begin(), op.getInputs().end());
  t.push_back(op.getResult());
  OpLowering l = kernelCall(share(addKernel((int)e[0], (int)op.getInputs().size(), target)), t,
                            std::vector<std::vector<int64_t>>(t.size(), e));
  l.inPlace = 0;
  return l;
}

/// (inner, axis length, -outer) views of a tensor split at `axis`.
std::vector<int64_t> around(llvm::ArrayRef<int64_t> shape, int64_t axis, int64_t length) {
  int64_t inner = 1, outer = 1;
  for (int64_t d = axis + 1; d < (int64_t)shape.size(); ++d)
    inner *= shape[d];
  for (int64_t d = 1; d < axis; ++d)
    outer *= shape[d];
  return {inner, length, -outer};
}

OpLowering lowerConcatenate(nn::ConcatenateOp op, const TargetInfo &target) {
  llvm::ArrayRef<int64_t> out = shapeOf(op.getResult());
  int64_t axis = (int64_t)op.getAxis(); // I64Attr reads back as uint64_t
  if (axis < 0)
    axis += (int64_t)out.size();
  std::vector<int> lengths;
  std::vector<mlir::Value> t;
  std::vector<std::vector<int64_t>> e;
  for (mlir::Value v : op.getInputs()) {
    lengths.push_back((int)shapeOf(v)[axis]);
    t.push_back(v);
    e.push_back(around(out, axis, shapeOf(v)[axis]));
  }
  t.push_back(op.getResult());
  e.push_back(around(out, axis, out[axis]));
  return kernelCall(share(concatenateKernel((int)e[0][0], lengths, target)), t, e);
}

OpLowering lowerSlice(nn::SliceOp op, const TargetInfo &target) {
  llvm::ArrayRef<int64_t> in = shapeOf(op.getInput());
  auto axis = (int64_t)op.getAxis();
  int64_t length = shapeOf(op.getGrad())[axis];
  std::vector<int64_t> whole = around(in, axis, in[axis]);
  return kernelCall(share(concatenateSliceKernel((int)whole[0], (int)op.getOffset(), (int)length,
                                                 (int)in[axis], target)),
                    {op.getInput(), op.getGrad()}, {whole, around(in, axis, length)});
}

OpLowering lowerBiasGrad(nn::BiasGradOp op, const TargetInfo &target) {
  auto e = rows(op.getPreGrad());
  return kernelCall(share(channelSumKernel((int)e[0], target)), {op.getPreGrad(), op.getGrad()},
                    {e, {e[0]}});
}

template <typename DropoutLike, bool Backward>
OpLowering lowerDropout(DropoutLike op, const TargetInfo &target) {
  mlir::Value x = op->getOperand(0), y = op->getResult(0);
  auto e = rows(x);
  float rate = op.getRate().convertToFloat();
  auto salt = (uint32_t)op.getSalt();
  auto k = Backward ? dropoutBackwardKernel((int)e[0], rate, salt, target)
                    : dropoutKernel((int)e[0], rate, salt, target);
  OpLowering l = kernelCall(share(std::move(k)), {x, op.getCounter(), y}, {e, {2}, e});
  l.inPlace = 0;
  return l;
}

OpLowering lowerDropoutActivationGrad(nn::DropoutActivationGradOp op, const TargetInfo &target) {
  auto e = rows(op.getOutput());
  OpLowering l = kernelCall(
      share(dropoutActivationBackwardKernel(
          (int)e[0], op.getRate().convertToFloat(), (uint32_t)op.getSalt(),
          activationOf(op.getActivation(), op.getAlpha()), target)),
      {op.getOutput(), op.getOutputGrad(), op.getCounter(), op.getInputGrad()}, {e, e, {2}, e});
  l.inPlace = 1; // into dy
  return l;
}

OpLowering lowerMerge(nn::MergeOp op, const TargetInfo &target) {
  auto e = rows(op.getResult());
  OpLowering l = callOnAll(
      share(mergeKernel(op.getKind(), (int)op.getInputs().size(), (int)e[0], target)), op, rows);
  l.inPlace = 0;
  return l;
}

OpLowering lowerMergeGrad(nn::MergeGradOp op, const TargetInfo &target) {
  auto e = rows(op.getResult());
  int count = (int)op.getOperands().size() - 1;
  return callOnAll(
      share(mergeGradKernel(op.getKind(), count, (int)op.getIndex(), (int)e[0], target)), op, rows);
}

OpLowering lowerTranspose(nn::TransposeOp op, const TargetInfo &target) {
  return callOnAll(share(transposeKernel(shapeOf(op.getInput()), op.getPerm(), target)), op,
                   full);
}

template <typename Op> OpLowering alias(Op op, const TargetInfo &target) { return aliasOf(op); }

} // namespace

void attachElementwiseKernels(mlir::MLIRContext *ctx) {
  lowerWith<nn::ActivationOp, lowerActivation>(ctx);
  lowerWith<nn::ActivationGradOp, lowerActivationGrad>(ctx);
  lowerWith<nn::RescalingOp, lowerRescaling>(ctx);
  lowerWith<nn::AddOp, lowerAdd>(ctx);
  lowerWith<nn::ConcatenateOp, lowerConcatenate>(ctx);
  lowerWith<nn::MergeOp, lowerMerge>(ctx);
  lowerWith<nn::MergeGradOp, lowerMergeGrad>(ctx);
  lowerWith<nn::SliceOp, lowerSlice>(ctx);
  lowerWith<nn::BiasGradOp, lowerBiasGrad>(ctx);
  lowerWith<nn::DropoutTrainOp, lowerDropout<nn::DropoutTrainOp, false>>(ctx);
  lowerWith<nn::DropoutGradOp, lowerDropout<nn::DropoutGradOp, true>>(ctx);
  lowerWith<nn::DropoutActivationGradOp, lowerDropoutActivationGrad>(ctx);
  lowerWith<nn::TransposeOp, lowerTranspose>(ctx);
  lowerWith<nn::FlattenOp, alias<nn::FlattenOp>>(ctx);
  lowerWith<nn::ReshapeOp, alias<nn::ReshapeOp>>(ctx);
  lowerWith<nn::DropoutOp, alias<nn::DropoutOp>>(ctx); // inference: the identity
}

} // namespace nnc::codegen

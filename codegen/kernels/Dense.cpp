// Dense kernel: out(u, m) = act(sum_k in(k, m) * kernel(u, k) + bias(u)).
#include "codegen/kernels/Dense.h"
#include "codegen/OpKernelUtil.h"
#include "ir/NNOps.h"
#include "runtime/nnrt.h"

#include <optional>

using namespace Halide;

namespace nnc::codegen {

namespace {

/// How tileProduct spreads a product over threads.
enum class Spread {
  Rows,       // blocks of 4 rows per task (the batch rows of a forward pass)
  RowGroups,  // 64 rows per task: many short static rows (weight gradients)
  Columns     // blocks of v per task, every row inside: each block of the v-side
              // operand is read once while hot (dX reads W^T once, not once per rows)
};

/// The register-tiled schedule of a matrix product out(v, row) = acc(v, row), acc a
/// pure init plus one update over the reduction `r`: blocks of (64, 32 or 16) v-values x
/// 4 rows of accumulators stay in vector registers across the reduction (each step
/// loads the block's vectors once and broadcasts 4 row values; RowGroups sweeps the
/// reduction in blocks, its accumulators in L1 between them). Tasks as `spread` says;
/// the last block of rows is guarded. False (nothing scheduled) when
/// `vExtent` is not a multiple of 16.
bool tileProduct(const TargetInfo &target, Func out, Func acc, Var v, Var row, RVar r, int vExtent,
                 Spread spread = Spread::Rows, int64_t flopsPerRow = 0,
                 std::optional<Var> partition = std::nullopt) {
  // Blocks of 64: 16 accumulators, 4 vector loads and 4 broadcasts per step (32: 8
  // accumulators, 6 loads per 8 FMAs). Not when split by columns: fashion-mlp's dX
  // (128 features) took 340 us with two 64-wide tasks, 265 us with four 32-wide ones.
  int vt = vExtent % 64 == 0 && spread != Spread::Columns ? 64
           : vExtent % 32 == 0                         ? 32
           : vExtent % 16 == 0                         ? 16
                                                       : 0;
  if (!vt)
    return false;
  const int rows = 4;
  Var vo("vo"), vi("vi"), ro("ro"), ri("ri"), rg("rg");
  out.split(v, vo, vi, vt).split(row, ro, ri, rows, TailStrategy::GuardWithIf);
  if (spread == Spread::Columns)
    out.reorder(vi, ri, ro, vo).parallel(vo);
  else
    out.reorder(vi, ri, vo, ro);
  out.vectorize(vi, 16).unroll(vi).unroll(ri);
  if (spread == Spread::RowGroups) {
    // Tasks: 64 rows x one block of v (a product with few rows still has one task
    // per block of v).
    Var task("task"), block("block");
    out.split(ro, rg, ro, 16, TailStrategy::GuardWithIf)
        .reorder(vi, ri, ro, vo, rg)
        .fuse(vo, rg, block);
    if (partition) // partitions outermost: the first half of the tasks, partition 0
      out.fuse(block, *partition, task);
    else
      out.rename(block, task);
    out.parallel(task);
    // The task's accumulators (up to 64 rows x vt) stay in L1 while the reduction
    // runs in blocks of 256 steps, every block of rows sweeping each block in turn:
    // the operands' block is read from memory once per task, not once per 4 rows.
    // Each output still sums its reduction in order.
    Var a4o("a4o"), a4i("a4i");
    RVar mo("mo"), mi("mi");
    acc.compute_at(out, task)
        .bound_storage(v, vt)
        .bound_storage(row, 16 * rows)
        .vectorize(v, 16);
    acc.update()
        .split(row, a4o, a4i, rows, TailStrategy::GuardWithIf)
        .split(r, mo, mi, 256, TailStrategy::GuardWithIf)
        .reorder(v, a4i, mi, a4o, mo)
        .vectorize(v, 16)
        .unroll(v)
        .unroll(a4i);
    return true;
  } else if (spread == Spread::Rows &&
             target.parallelFlops / std::max<int64_t>(flopsPerRow, 1) > 2 * rows) {
    // Calls under 2 MFLOP (a small layer at a small batch) run on one thread: below
    // that, handing half to nnrt's pool costs more than it saves. (At 4 MFLOP, the
    // threshold for Halide's pool, cats-dogs' Dense 128->64 at batch 128 — 2.1 MFLOP —
    // took 10.5 us on one thread, 8.5 us on two.)
    // (Layers that reach it within two row blocks always go parallel: a specialised
    // branch that short would give the accumulator a variable, unrollable extent.)
    Expr rowCount = out.output_buffer().dim(1).extent();
    out.specialize(rowCount >= (int)(target.parallelFlops / flopsPerRow)).parallel(ro);
  } else if (spread == Spread::Rows) {
    out.parallel(ro);
  }
  // The block's accumulators have a constant size (the last block of rows is only
  // guarded): stack storage, not a heap allocation per block.
  acc.compute_at(out, spread == Spread::Columns ? ro : vo)
      .bound_storage(v, vt)
      .bound_storage(row, rows)
      .vectorize(v, 16)
      .unroll(v);
  acc.update().reorder(v, row, r).vectorize(v, 16).unroll(v).unroll(row);
  return true;
}

/// A wide layer (NNRT_WIDE_WEIGHTS weights or more): the reduction runs as two halves,
/// part(u, m, h) = (h == 0 ? bias : 0) + the sum of half h, added at the end:
/// out = act(part(u, m, 0) + part(u, m, 1)). In a batch call the register blocks of
/// tileProduct sweep one half, then the other; in a batch-1 call (where reading the
/// weights is the work) the two halves run on two threads, each reading a contiguous
/// half of the weights and keeping it in its own cache from call to call (a split by
/// columns gave each core a quarter of the cache's sets: fashion-cnn's Dense 6272->64
/// took 15.7 us on two threads that way, 18.5 us on one). Every batch size sums in
/// the same order: a sample's result does not depend on its batch.
Func wideDense(ImageParam in, ImageParam w, std::optional<ImageParam> b, int features,
               int units, const Activation &act) {
  Var u("u"), m("m"), h("h");
  const int half = (features + 1) / 2;
  RDom k(0, half, "k");
  k.where(h * half + k.x < features);
  Func part("dense_part");
  part(u, m, h) = select(h == 0, b ? (*b)(u) : Expr(0.0f), 0.0f);
  Expr kk = min(h * half + k.x, features - 1); // (clamped for bounds inference: the
                                               // predicate does not bound it)
  part(u, m, h) += in(kk, m) * w(u, kk);
  Func sum("dense_sum");
  sum(u, m) = part(u, m, 0) + part(u, m, 1);
  Func out = activate(sum, act, units, "dense");

  const int vt = units % 64 == 0 ? 64 : units % 32 == 0 ? 32 : 16, rows = 4;
  Var vo("vo"), vi("vi"), ro("ro"), ri("ri");
  Expr rowCount = out.output_buffer().dim(1).extent();
  // Batch 1: blocks of up to 64 units, each block's halves in parallel.
  out.specialize(rowCount == 1)
      .split(u, vo, vi, vt)
      .split(m, ro, ri, 1)
      .reorder(vi, ri, vo, ro)
      .vectorize(vi, 16)
      .unroll(vi);
  out.split(u, vo, vi, vt)
      .split(m, ro, ri, rows, TailStrategy::GuardWithIf)
      .reorder(vi, ri, vo, ro)
      .vectorize(vi, 16)
      .unroll(vi)
      .unroll(ri)
      .parallel(ro);
  part.compute_at(out, vo)
      .bound_storage(u, vt)
      .bound_storage(m, rows)
      .bound_storage(h, 2)
      .vectorize(u, 16)
      .unroll(u)
      .unroll(h);
  part.update().reorder(u, m, k.x, h).vectorize(u, 16).unroll(u).unroll(m);
  part.update().specialize(rowCount == 1).parallel(h);
  return out;
}
} // namespace

Kernel denseKernel(int features, int units, bool bias, const Activation &act,
                   const TargetInfo &target) {
  ImageParam in(Float(32), 2, "input"), w(Float(32), 2, "kernel"), b(Float(32), 1, "bias");
  Var u("u"), m("m");
  // The kernel's inputs: the input, the weights and the bias if any.
  auto kernelOf = [&](Func result) {
    Kernel kernel{"dense", {in, w}, result};
    if (bias)
      kernel.inputs.push_back(b);
    return kernel;
  };

  // ---- algorithm ----
  RDom k(0, features, "k");
  // Few units (the output layer): dot products along k, read contiguously from the
  // input and from W transposed once per call.
  bool narrow = units % 16 != 0 && features % 16 == 0;
  Func wT("dense_wT"), acc("dense_acc");
  Var kk("kk");
  wT(kk, u) = w(u, kk);
  acc(u, m) = bias ? b(u) : Expr(0.0f);
  acc(u, m) += in(k, m) * (narrow ? wT(k, u) : w(u, k));
  Func out = activate(acc, act, units, "dense");

  in.dim(0).set_bounds(0, features);
  w.dim(0).set_bounds(0, units).dim(1).set_bounds(0, features).set_stride(units);
  if (bias)
    b.dim(0).set_bounds(0, units);

  if (target.gpu) {
    // A long dot product per output would leave few threads each walking it alone
    // (a batch-1 call has `units` threads): 16 partial sums per output in parallel.
    if (features >= 256)
      scheduleGpuRowSum(acc, k, (features + 15) / 16);
    else if (act.kind == Act::Softmax)
      acc.compute_root(); // read by the row statistics and the output: computed once
    return kernelOf(out);
  }
  // ---- schedule (CPU) ----
  if (act.kind != Act::Softmax && units % 16 == 0 &&
      (int64_t)units * features >= NNRT_WIDE_WEIGHTS) {
    std::optional<ImageParam> maybeBias = bias ? std::optional(b) : std::nullopt;
    return kernelOf(wideDense(in, w, maybeBias, features, units, act));
  }
  if (act.kind != Act::Softmax &&
      tileProduct(target, out, acc, u, m, k, units, Spread::Rows, 2 * (int64_t)units * features)) {
    return kernelOf(out);
  }
  if (narrow) {
    // 16 partial sums per output (lanes of k), added up at the end of each row.
    wT.compute_root().vectorize(kk, 16);
    Var mo("mo"), mi("mi"), lane("lane");
    out.split(m, mo, mi, 4, TailStrategy::GuardWithIf).parallel(mo);
    RVar ko("ko"), ki("ki");
    if (act.kind == Act::Softmax) { // its row statistics read the accumulator first
      acc.compute_root().parallel(m);
      acc.update().parallel(m);
    } else {
      acc.compute_at(out, mo).bound_storage(m, 4);
    }
    Func partial = acc.update().split(k, ko, ki, 16).rfactor(ki, lane);
    partial.reorder_storage(lane, u, m).compute_at(acc, m).vectorize(lane);
    // Every unit's partial sums in registers: `units` independent FMA chains per step
    // of k (one chain at a time waited on each FMA's latency).
    out.bound(u, 0, units);
    partial.update().reorder(lane, u, ko).vectorize(lane).unroll(u);
    return kernelOf(out);
  }
  // Rows in blocks of 4 across threads; units vectorized; the accumulator stays in
  // the block and sweeps k outside the vector loop.
  Var mo("mo"), mi("mi");
  out.split(m, mo, mi, 4, TailStrategy::GuardWithIf).parallel(mo);
  out.vectorize(u, target.vector, TailStrategy::GuardWithIf);
  if (act.kind == Act::Softmax) {
    // Softmax's row statistics read the whole accumulator first.
    Var amo("amo"), ami("ami");
    acc.compute_root().split(m, amo, ami, 4, TailStrategy::GuardWithIf).parallel(amo);
    acc.vectorize(u, target.vector, TailStrategy::GuardWithIf);
    acc.update()
        .split(m, amo, ami, 4, TailStrategy::GuardWithIf)
        .reorder(u, ami, k, amo)
        .parallel(amo)
        .vectorize(u, target.vector, TailStrategy::GuardWithIf);
  } else {
    acc.compute_at(out, mo).bound_storage(m, 4);
    acc.vectorize(u, target.vector, TailStrategy::GuardWithIf);
    acc.update().reorder(u, m, k).vectorize(u, target.vector, TailStrategy::GuardWithIf);
  }

  return kernelOf(out);
}

Kernel denseBackwardDataKernel(int features, int units, const std::optional<Activation> &previous,
                               const TargetInfo &target) {
  ImageParam dz(Float(32), 2, "dz"), w(Float(32), 2, "kernel"), y(Float(32), 2, "output");
  Var k("k"), m("m");
  // ---- algorithm ----
  // dX = dZ . W^T. W (u contiguous) is transposed once per call so that the product
  // reads contiguous vectors along k, as the forward reads W along u.
  RDom u(0, units, "u");
  Func wT("dense_wT"), acc("dense_dx_acc"), dx("dense_dx");
  Var uu("uu");
  wT(k, uu) = w(uu, k);
  acc(k, m) = 0.0f;
  acc(k, m) += dz(u, m) * wT(k, u);
  // The previous activation's derivative as an epilogue: the same float the separate
  // activation_grad kernel would compute from the stored product.
  dx(k, m) = previous ? activationGradient(y(k, m), acc(k, m), *previous) : acc(k, m);
  dz.dim(0).set_bounds(0, units);
  w.dim(0).set_bounds(0, units).dim(1).set_bounds(0, features).set_stride(units);
  std::vector<ImageParam> inputs{dz, w};
  if (previous) {
    y.dim(0).set_bounds(0, features);
    inputs.push_back(y);
  }
  if (target.gpu)
    return {"dense_dx", inputs, dx};
  // ---- schedule (CPU) ----
  Var ko("ko"), ki("ki"), uo("uo"), ui("ui");
  wT.compute_root()
      .tile(k, uu, ko, uo, ki, ui, 16, 16, TailStrategy::GuardWithIf)
      .vectorize(ki)
      .parallel(uo);
  // A small W^T (up to 256 KB) stays in L2 while blocks of rows sweep it: tasks by rows,
  // each writing whole rows of dX (fashion-mlp 64->128: 196 -> 175 us, 10-unit output
  // layer: 44 -> 39 us, b128). A large one is read once, by blocks of columns.
  Spread spread =
      (int64_t)units * features * 4 <= target.l2Resident ? Spread::Rows : Spread::Columns;
  if (!tileProduct(target, dx, acc, k, m, u, features, spread, 2 * (int64_t)units * features)) {
    Var mo("mo"), mi("mi");
    dx.split(m, mo, mi, 4, TailStrategy::GuardWithIf).parallel(mo);
    dx.vectorize(k, target.vector, TailStrategy::GuardWithIf);
    acc.compute_at(dx, mo).bound_storage(m, 4).vectorize(k, target.vector,
                                                         TailStrategy::GuardWithIf);
    acc.update().reorder(k, m, u).vectorize(k, target.vector, TailStrategy::GuardWithIf);
  }
  return {"dense_dx", inputs, dx};
}

Kernel denseBackwardWeightsKernel(int features, int units, const TargetInfo &target) {
  ImageParam x(Float(32), 2, "input"), dz(Float(32), 2, "dz");
  Var u("u"), k("k");
  x.dim(0).set_bounds(0, features);
  dz.dim(0).set_bounds(0, units);
  // (Only for small weights: a partial product the size of 6272 x 64 weights, twice,
  // cost more to allocate, write and add than it saved: fashion-cnn's 653 -> 1359 us.)
  if (units % 16 == 0 && !target.gpu && (int64_t)units * features * 8 <= target.l2Resident) {
    // ---- algorithm (tiled) ----
    // Two partial products over the two halves of the rows (whole blocks of 4 rows,
    // as the forward's row blocks fall to the pool's two fixed shares), added at the
    // end: each half's rows are read by the thread that wrote them, not by both (a
    // split over features made both cores read every row: the next step's writes
    // there then waited on the other core's copies; fashion-mlp's step at batch 128:
    // 1.42 -> 1.19 ms, its first Dense forward 184 -> 98 us). The sum order depends on
    // the rows only, not on the thread count.
    Expr rowsTotal = dz.dim(1).extent();
    Expr half = min((rowsTotal + 7) / 8 * 4, rowsTotal);
    Var p("p");
    RDom m(0, rowsTotal, "m");
    m.where(m < select(p == 0, half, rowsTotal - half));
    // (Clamped for bounds inference, which takes the longer half's length for both.)
    Expr row = min(p * half + m, rowsTotal - 1);
    Func acc("dense_dw_acc"), partial("dense_dw_partial"), dw("dense_dw");
    acc(u, k, p) = 0.0f;
    acc(u, k, p) += x(k, row) * dz(u, row);
    partial(u, k, p) = acc(u, k, p);
    dw(u, k) = partial(u, k, 0) + partial(u, k, 1);
    // ---- schedule (CPU) ----
    partial.compute_root().bound(p, 0, 2);
    tileProduct(target, partial, acc, u, k, m, units, Spread::RowGroups, 0, p);
    dw.vectorize(u, 16);
    return {"dense_dw", {x, dz}, dw};
  }
  // ---- algorithm ----
  RDom m(0, dz.dim(1).extent(), "m");
  Func acc("dense_dw_acc"), dw("dense_dw");
  acc(u, k) = 0.0f;
  acc(u, k) += x(k, m) * dz(u, m);
  dw(u, k) = acc(u, k);
  if (target.gpu)
    return {"dense_dw", {x, dz}, dw};
  // ---- schedule (CPU) ----
  if (!tileProduct(target, dw, acc, u, k, m, units, Spread::RowGroups)) {
    // Few units: blocks of features per task, vectorized along the features (the
    // input's contiguous axis), each dZ value broadcast. With at most 12 units (an
    // output layer) the unit loop is unrolled over blocks of 32 features: all
    // 2 x units accumulator vectors stay in registers; otherwise blocks of 64.
    Var ko("ko"), ki("ki");
    bool inRegisters = units <= 12;
    int block = inRegisters ? 32 : 64;
    // Registers: tasks of 256 features, each sweeping 16 rows at a time over its 8
    // blocks of 32 (the accumulators reloaded per block of rows, in L1): a row's 1 KB
    // run is read contiguously. One 32-wide block over every row read 128-byte runs
    // 7 KB apart (fashion-mlp's 1792 -> 10 layer, b128: 120 -> 44 us).
    int task = inRegisters ? 256 : block;
    if (inRegisters)
      dw.bound(u, 0, units);
    dw.split(k, ko, ki, task, TailStrategy::GuardWithIf).parallel(ko);
    acc.reorder_storage(k, u).compute_at(dw, ko).bound_storage(k, task);
    acc.vectorize(k, 16, TailStrategy::GuardWithIf);
    if (inRegisters) {
      RVar mo("mo"), mi("mi");
      Var kbo("kbo"), kbi("kbi");
      acc.update()
          .split(k, kbo, kbi, block, TailStrategy::GuardWithIf)
          .split(m, mo, mi, 16, TailStrategy::GuardWithIf)
          .reorder(kbi, u, mi, kbo, mo)
          .vectorize(kbi, 16)
          .unroll(u);
    } else {
      acc.update().reorder(k, u, m).vectorize(k, 16, TailStrategy::GuardWithIf);
    }
  }
  return {"dense_dw", {x, dz}, dw};
}

} // namespace nnc::codegen

// ---- The family's ops (KernelOpInterface) ------------------------------------

namespace nnc::codegen {

namespace {

OpLowering lowerDense(nn::DenseOp op, const TargetInfo &target) {
  auto kshape = shapeOf(op.getKernel());
  int features = (int)kshape[0], units = (int)kshape[1];
  bool bias = (bool)op.getBias();
  auto k = share(
      denseKernel(features, units, bias, activationOf(op.getActivation(), op.getAlpha()), target));
  std::vector<mlir::Value> t{op.getInput(), op.getKernel()};
  std::vector<std::vector<int64_t>> e{rows(op.getInput()), {units, features}};
  if (bias) {
    t.push_back(op.getBias());
    e.push_back({units});
  }
  t.push_back(op.getResult());
  e.push_back(rows(op.getResult()));
  return kernelCall(k, t, e);
}

OpLowering lowerDenseGradInput(nn::DenseGradInputOp op, const TargetInfo &target) {
  auto ks = shapeOf(op.getKernel());
  return kernelCall(share(denseBackwardDataKernel((int)ks[0], (int)ks[1], std::nullopt, target)),
                    {op.getPreGrad(), op.getKernel(), op.getGrad()},
                    {rows(op.getPreGrad()), {ks[1], ks[0]}, rows(op.getGrad())});
}

/// dX in the (features, m) view whatever the activation output's shape (a Flatten's
/// reshape between them keeps the per-sample count).
OpLowering lowerDenseGradInputActivation(nn::DenseGradInputActivationOp op,
                                         const TargetInfo &target) {
  auto ks = shapeOf(op.getKernel());
  int64_t perSample = 1;
  for (int64_t d : shapeOf(op.getOutput()).drop_front())
    perSample *= d;
  std::vector<int64_t> view{ks[0], -(perSample / ks[0])};
  return kernelCall(
      share(denseBackwardDataKernel((int)ks[0], (int)ks[1],
                                    activationOf(op.getActivation(), op.getAlpha()), target)),
      {op.getPreGrad(), op.getKernel(), op.getOutput(), op.getInputGrad()},
      {rows(op.getPreGrad()), {ks[1], ks[0]}, view, view});
}

OpLowering lowerDenseGradKernel(nn::DenseGradKernelOp op, const TargetInfo &target) {
  auto ks = shapeOf(op.getGrad());
  return kernelCall(share(denseBackwardWeightsKernel((int)ks[0], (int)ks[1], target)),
                    {op.getInput(), op.getPreGrad(), op.getGrad()},
                    {rows(op.getInput()), rows(op.getPreGrad()), {ks[1], ks[0]}});
}

} // namespace

void attachDenseKernels(mlir::MLIRContext *ctx) {
  lowerWith<nn::DenseOp, lowerDense>(ctx);
  lowerWith<nn::DenseGradInputOp, lowerDenseGradInput>(ctx);
  lowerWith<nn::DenseGradInputActivationOp, lowerDenseGradInputActivation>(ctx);
  lowerWith<nn::DenseGradKernelOp, lowerDenseGradKernel>(ctx);
}

} // namespace nnc::codegen

// GPU schedules shared by the kernel families: the default one (every stage the
// family left unscheduled runs one GPU thread per output point) and row sums split
// into partial sums.
#include "codegen/kernels/Kernel.h"

#include <set>

using namespace Halide;

namespace nnc::codegen {

namespace {

bool hasGpuLoop(const Internal::Definition &d) {
  for (const Internal::Dim &dim : d.schedule().dims())
    if (dim.for_type == Internal::ForType::GPUBlock ||
        dim.for_type == Internal::ForType::GPUThread ||
        dim.for_type == Internal::ForType::GPULane)
      return true;
  return false;
}

/// One GPU thread per point of `pure` (innermost first): threads in tiles of 16 x 8
/// over the two innermost, every outer loop fused into the (x) block index; the
/// stage's reduction loops run inside each thread, and Funcs computed inside a thread
/// need one point each (constant size: registers). A stage without pure loops runs on
/// one GPU thread.
void tileStage(Stage s, const std::vector<Var> &pure, const std::string &prefix) {
  if (pure.empty()) {
    s.gpu_single_thread();
    return;
  }
  Var tx(prefix + "_tx"), ty(prefix + "_ty"), bx(prefix + "_bx"), by(prefix + "_by");
  if (pure.size() == 1) {
    s.gpu_tile(pure[0], bx, tx, 128, TailStrategy::GuardWithIf);
    return;
  }
  s.split(pure[0], bx, tx, 16, TailStrategy::GuardWithIf)
      .split(pure[1], by, ty, 8, TailStrategy::GuardWithIf);
  std::vector<VarOrRVar> order{tx, ty, bx, by};
  for (size_t i = 2; i < pure.size(); ++i)
    order.push_back(pure[i]);
  s.reorder(order);
  Var block = bx;
  for (size_t i = 3; i < order.size(); ++i) {
    Var next(prefix + "_b" + std::to_string(i));
    s.fuse(block, order[i].var, next);
    block = next;
  }
  s.gpu_blocks(block).gpu_threads(tx, ty);
}

/// The pure variables of `f`'s update `i`: its left-hand side's bare Vars that
/// name the pure definition's argument at the same position.
std::vector<Var> updatePureVars(Func f, int i) {
  std::vector<Var> pure;
  std::vector<Expr> lhs = f.update_args(i);
  std::vector<Var> args = f.args();
  for (size_t k = 0; k < lhs.size() && k < args.size(); ++k)
    if (const auto *v = lhs[k].as<Internal::Variable>())
      if (v->name == args[k].name())
        pure.push_back(args[k]);
  return pure;
}

void scheduleFunction(Func f) {
  Internal::Function fn = f.function();
  if (hasGpuLoop(fn.definition()))
    return;
  tileStage(Stage(f), f.args(), f.name());
  for (int i = 0; i < f.num_update_definitions(); ++i)
    if (!hasGpuLoop(fn.update(i)))
      tileStage(f.update(i), updatePureVars(f, i), f.name() + "_u" + std::to_string(i));
}

} // namespace

void scheduleGpu(Kernel &kernel) {
  std::vector<Func> outputs{kernel.output};
  outputs.insert(outputs.end(), kernel.moreOutputs.begin(), kernel.moreOutputs.end());
  std::set<std::string> done;
  for (Func out : outputs) {
    if (done.insert(out.name()).second) {
      out.compute_root();
      scheduleFunction(out);
    }
    for (auto &[name, fn] : Internal::find_transitive_calls(out.function())) {
      LoopLevel level = fn.schedule().compute_level();
      level.lock(); // schedules are final here: the kernel is compiled next
      if (!level.is_root() || !done.insert(name).second)
        continue;
      scheduleFunction(Func(fn));
    }
  }
}

void scheduleGpuImage(Func out, Func acc, Var c, Var x, Var y, Var n, RDom r, int channels) {
  int regs = channels % 4 == 0 ? 4 : channels % 2 == 0 ? 2 : 1;
  std::string p = out.name();
  Var co(p + "_co"), ci(p + "_ci"), tx(p + "_tx"), ty(p + "_ty"), bx(p + "_bx"),
      by(p + "_by"), b1(p + "_b1"), b2(p + "_b2"), b3(p + "_b3");
  // The channel extent is fixed and a multiple of `regs`: the accumulator a thread
  // needs is then a constant `regs` values (registers), not a guarded, variable box.
  out.compute_root()
      .bound(c, 0, channels)
      .split(c, co, ci, regs, TailStrategy::RoundUp)
      .split(co, bx, tx, 8, TailStrategy::GuardWithIf)
      .split(x, by, ty, 16, TailStrategy::GuardWithIf)
      .reorder(ci, tx, ty, bx, by, y, n)
      .fuse(bx, by, b1)
      .fuse(b1, y, b2)
      .fuse(b2, n, b3)
      .gpu_blocks(b3)
      .gpu_threads(tx, ty)
      .unroll(ci);
  acc.compute_at(out, tx).unroll(c);
  std::vector<VarOrRVar> order{c};
  for (int i = 0; i < r.dimensions(); ++i)
    order.push_back(r[i]);
  acc.update().reorder(order).unroll(c);
}

void scheduleGpuImageSum(Func f) {
  f.compute_root();
  std::vector<Internal::ReductionVariable> rvars = f.update().get_schedule().rvars();
  std::vector<std::pair<RVar, Var>> spread;
  for (size_t i = 1; i < rvars.size(); ++i)
    spread.push_back({RVar(rvars[i].var), Var(f.name() + "_part" + std::to_string(i))});
  try {
    Func partial = f.update().rfactor(spread);
    partial.compute_root();
    scheduleFunction(partial);
  } catch (const Halide::CompileError &) {
    // Not provably associative: one thread per point sums every row.
  }
  scheduleFunction(f);
}

void scheduleGpuRowSum(Func f, RVar r, int chunk) {
  f.compute_root();
  try {
    RVar ro(r.name() + "_o"), ri(r.name() + "_i");
    Var part(f.name() + "_part");
    Func partial = f.update().split(r, ro, ri, chunk, TailStrategy::GuardWithIf).rfactor(ro, part);
    partial.compute_root();
    scheduleFunction(partial);
  } catch (const Halide::CompileError &) {
    // A sum rfactor cannot prove associative (strict_float) stays one thread per point.
  }
  scheduleFunction(f);
}

} // namespace nnc::codegen

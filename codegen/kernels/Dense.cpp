// Dense kernel: out(u, m) = act(sum_k in(k, m) * kernel(u, k) + bias(u)).
#include "codegen/kernels/Dense.h"

using namespace Halide;

namespace nnc::codegen {

Kernel denseKernel(int features, int units, bool bias, const Activation &act) {
  ImageParam in(Float(32), 2, "input"), w(Float(32), 2, "kernel"), b(Float(32), 1, "bias");
  Var u("u"), m("m");

  // ---- algorithm ----
  RDom k(0, features, "k");
  Func acc("dense_acc");
  acc(u, m) = bias ? b(u) : Expr(0.0f);
  acc(u, m) += in(k, m) * w(u, k);
  Func out = activate(acc, act, units, "dense");

  in.dim(0).set_bounds(0, features);
  w.dim(0).set_bounds(0, units).dim(1).set_bounds(0, features).set_stride(units);
  if (bias)
    b.dim(0).set_bounds(0, units);

  // ---- schedule (CPU) ----
  // Rows in blocks of 4 across threads; units vectorized; the accumulator stays in
  // the block and sweeps k outside the vector loop.
  Var mo("mo"), mi("mi");
  out.split(m, mo, mi, 4, TailStrategy::GuardWithIf).parallel(mo);
  out.vectorize(u, kVector, TailStrategy::GuardWithIf);
  if (act.kind == Act::Softmax) {
    // Softmax's row statistics read the whole accumulator first.
    Var amo("amo"), ami("ami");
    acc.compute_root().split(m, amo, ami, 4, TailStrategy::GuardWithIf).parallel(amo);
    acc.vectorize(u, kVector, TailStrategy::GuardWithIf);
    acc.update()
        .split(m, amo, ami, 4, TailStrategy::GuardWithIf)
        .reorder(u, ami, k, amo)
        .parallel(amo)
        .vectorize(u, kVector, TailStrategy::GuardWithIf);
  } else {
    acc.compute_at(out, mo);
    acc.vectorize(u, kVector, TailStrategy::GuardWithIf);
    acc.update().reorder(u, m, k).vectorize(u, kVector, TailStrategy::GuardWithIf);
  }

  Kernel kernel{"dense", {in, w}, out};
  if (bias)
    kernel.inputs.push_back(b);
  return kernel;
}

Kernel denseBackwardDataKernel(int features, int units) {
  ImageParam dz(Float(32), 2, "dz"), w(Float(32), 2, "kernel");
  Var k("k"), m("m");
  // ---- algorithm ----
  RDom u(0, units, "u");
  Func dx("dense_dx");
  dx(k, m) = 0.0f;
  dx(k, m) += dz(u, m) * w(u, k);
  dz.dim(0).set_bounds(0, units);
  w.dim(0).set_bounds(0, units).dim(1).set_bounds(0, features).set_stride(units);
  // ---- schedule (CPU) ----
  Var mo("mo"), mi("mi");
  dx.split(m, mo, mi, 4, TailStrategy::GuardWithIf).parallel(mo);
  dx.vectorize(k, kVector, TailStrategy::GuardWithIf);
  dx.update().split(m, mo, mi, 4, TailStrategy::GuardWithIf).reorder(k, mi, u, mo).parallel(mo);
  dx.update().vectorize(k, kVector, TailStrategy::GuardWithIf);
  return {"dense_dx", {dz, w}, dx};
}

Kernel denseBackwardWeightsKernel(int features, int units) {
  ImageParam x(Float(32), 2, "input"), dz(Float(32), 2, "dz");
  Var u("u"), k("k");
  // ---- algorithm ----
  RDom m(0, dz.dim(1).extent(), "m");
  Func dw("dense_dw");
  dw(u, k) = 0.0f;
  dw(u, k) += x(k, m) * dz(u, m);
  x.dim(0).set_bounds(0, features);
  dz.dim(0).set_bounds(0, units);
  // ---- schedule (CPU) ----
  dw.parallel(k).vectorize(u, kVector, TailStrategy::GuardWithIf);
  dw.update().reorder(u, m, k).parallel(k).vectorize(u, kVector, TailStrategy::GuardWithIf);
  return {"dense_dw", {x, dz}, dw};
}

} // namespace nnc::codegen

// BatchNormalization in inference: the moving statistics normalise each channel.
#include "codegen/kernels/Norm.h"

using namespace Halide;

namespace nnc::codegen {

Kernel batchNormInferenceKernel(int channels, float epsilon) {
  ImageParam in(Float(32), 2, "input"), gamma(Float(32), 1, "gamma"),
      beta(Float(32), 1, "beta"), mean(Float(32), 1, "moving_mean"),
      var(Float(32), 1, "moving_variance");
  Var c("c"), m("m");

  // ---- algorithm ----
  // Per channel: scale = gamma / sqrt(var + eps), shift = beta - mean * scale.
  Func scale("bn_scale"), shift("bn_shift"), out("batch_norm");
  scale(c) = gamma(c) / sqrt(var(c) + epsilon);
  shift(c) = beta(c) - mean(c) * scale(c);
  out(c, m) = in(c, m) * scale(c) + shift(c);
  in.dim(0).set_bounds(0, channels);
  for (ImageParam *p : {&gamma, &beta, &mean, &var})
    p->dim(0).set_bounds(0, channels);

  // ---- schedule (CPU) ----
  scale.compute_root();
  shift.compute_root();
  Var mo("mo"), mi("mi");
  out.split(m, mo, mi, 16, TailStrategy::GuardWithIf).parallel(mo);
  out.vectorize(c, kVector, TailStrategy::GuardWithIf);
  return {"batch_norm", {in, gamma, beta, mean, var}, out};
}

} // namespace nnc::codegen

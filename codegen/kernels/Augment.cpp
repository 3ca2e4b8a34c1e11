// Augmentation kernels: random flips and affine resampling (see Augment.h).
#include "codegen/kernels/Augment.h"
#include "codegen/OpKernelUtil.h"
#include "ir/NNOps.h"

#include "codegen/kernels/Elementwise.h"

#include <cmath>

using namespace Halide;

namespace nnc::codegen {

namespace {

struct Inputs {
  ImageParam images{Float(32), 4, "images"};
  ImageParam seed{UInt(32), 1, "seed"};

  Inputs(const ImageShape &s) {
    images.dim(0).set_bounds(0, s.channels).dim(1).set_bounds(0, s.width).dim(2).set_bounds(
        0, s.height);
    seed.dim(0).set_bounds(0, 2);
  }
  /// Sample n's j-th uniform draw in [0, 1).
  Expr uniform(Expr n, int j, uint32_t salt) const {
    Expr layerSeed = seed(0) ^ Expr(uint32_t(salt * 0x27D4EB2Fu));
    return counterUniform(layerSeed, seed(1), n * 4 + j);
  }
};

void scheduleImage(Func out, const TargetInfo &target) {
  if (target.gpu)
    return;
  Var c = out.args()[0], x = out.args()[1], y = out.args()[2], n = out.args()[3], yn("yn");
  out.fuse(y, n, yn).parallel(yn).vectorize(x, target.vector, TailStrategy::GuardWithIf);
}

/// Truncation toward zero, as a C++ cast to an integer.
Expr trunc0(Expr v) { return cast<float>(cast<int>(v)); }

/// A coordinate mapped into [0, len - 1] as TensorFlow's MapCoordinate does.
Expr mapCoordinate(Expr v, int len, Fill fill) {
  if (fill == Fill::Constant)
    return v; // corners outside read fill_value
  float last = float(len - 1);
  if (len <= 1)
    return Expr(0.0f);
  Expr mapped = v;
  if (fill == Fill::Reflect) {
    float sz2 = 2.0f * float(len);
    Expr neg = sz2 * trunc0(-v / sz2) + v;
    neg = select(neg < -float(len), neg + sz2, -neg - 1.0f);
    Expr pos = v - sz2 * trunc0(v / sz2);
    pos = select(pos >= float(len), sz2 - pos - 1.0f, pos);
    mapped = select(v < 0.0f, neg, v > last, pos, v);
  } else if (fill == Fill::Wrap) {
    float sz = float(len - 1);
    Expr neg = v + float(len) * (trunc0(-v / sz) + 1.0f);
    Expr pos = v - float(len) * trunc0(v / sz);
    mapped = select(v < 0.0f, neg, v > last, pos, v);
  }
  return clamp(mapped, 0.0f, last);
}

/// Round half away from zero (std::round).
Expr roundAway(Expr v) { return select(v < 0.0f, -floor(0.5f - v), floor(v + 0.5f)); }

/// Resamples `in` at out(c, x, y, n) <- in(a0 x + a1 y + a2, b0 x + b1 y + b2).
Func affine(const Inputs &in, const ImageShape &s, Func params, const AffineSampling &how,
            const std::string &name, const TargetInfo &target) {
  Var c("c"), x("x"), y("y"), n("n");
  Expr fx = cast<float>(x), fy = cast<float>(y);
  Expr sx = params(n)[0] * fx + params(n)[1] * fy + params(n)[2];
  Expr sy = params(n)[3] * fx + params(n)[4] * fy + params(n)[5];
  sx = mapCoordinate(sx, s.width, how.fill);
  sy = mapCoordinate(sy, s.height, how.fill);
  auto read = [&](Expr xi, Expr yi) {
    Expr inside = xi >= 0 && xi < s.width && yi >= 0 && yi < s.height;
    return select(inside, in.images(c, clamp(xi, 0, s.width - 1), clamp(yi, 0, s.height - 1), n),
                  how.fillValue);
  };
  Func out(name);
  if (how.bilinear) {
    Expr x0 = floor(sx), y0 = floor(sy);
    Expr xi = cast<int>(x0), yi = cast<int>(y0);
    Expr top = (x0 + 1.0f - sx) * read(xi, yi) + (sx - x0) * read(xi + 1, yi);
    Expr bottom = (x0 + 1.0f - sx) * read(xi, yi + 1) + (sx - x0) * read(xi + 1, yi + 1);
    out(c, x, y, n) = (y0 + 1.0f - sy) * top + (sy - y0) * bottom;
  } else {
    out(c, x, y, n) = read(cast<int>(roundAway(sx)), cast<int>(roundAway(sy)));
  }
  params.compute_root();
  scheduleImage(out, target);
  return out;
}

} // namespace

Fill parseFill(const std::string &name) {
  if (name == "wrap")
    return Fill::Wrap;
  if (name == "constant")
    return Fill::Constant;
  if (name == "nearest")
    return Fill::Nearest;
  return Fill::Reflect;
}

Kernel randomFlipKernel(const ImageShape &s, bool horizontal, bool vertical, uint32_t salt,
                        const TargetInfo &target) {
  Inputs in(s);
  Var c("c"), x("x"), y("y"), n("n");
  // ---- algorithm ----
  Expr sx = horizontal ? select(in.uniform(n, 0, salt) < 0.5f, s.width - 1 - x, x) : Expr(x);
  Expr sy = vertical ? select(in.uniform(n, 1, salt) < 0.5f, s.height - 1 - y, y) : Expr(y);
  Func out("random_flip");
  out(c, x, y, n) = in.images(c, sx, sy, n);
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    scheduleImage(out, target);
  }
  return {"random_flip", {in.images, in.seed}, out};
}

Kernel randomRotationKernel(const ImageShape &s, float lower, float upper,
                            const AffineSampling &sampling, uint32_t salt,
                            const TargetInfo &target) {
  Inputs in(s);
  Var n("n");
  // ---- algorithm ----
  Expr angle = (lower + in.uniform(n, 0, salt) * (upper - lower)) * float(2 * M_PI);
  Expr cs = cos(angle), sn = sin(angle);
  float w1 = float(s.width - 1), h1 = float(s.height - 1);
  Expr xOff = (w1 - (cs * w1 - sn * h1)) / 2.0f;
  Expr yOff = (h1 - (sn * w1 + cs * h1)) / 2.0f;
  Func params("rotation_params");
  params(n) = Tuple(cs, -sn, xOff, sn, cs, yOff);
  Func out = affine(in, s, params, sampling, "random_rotation", target);
  return {"random_rotation", {in.images, in.seed}, out};
}

Kernel randomZoomKernel(const ImageShape &s, float hLower, float hUpper, float wLower, float wUpper,
                        bool sameZoom, const AffineSampling &sampling, uint32_t salt,
                        const TargetInfo &target) {
  Inputs in(s);
  Var n("n");
  // ---- algorithm ----
  Expr zy = 1.0f + hLower + in.uniform(n, 0, salt) * (hUpper - hLower);
  Expr zx = sameZoom ? zy : 1.0f + wLower + in.uniform(n, 1, salt) * (wUpper - wLower);
  float w1 = float(s.width - 1), h1 = float(s.height - 1);
  Func params("zoom_params");
  params(n) = Tuple(zx, 0.0f, w1 / 2.0f * (1.0f - zx), 0.0f, zy, h1 / 2.0f * (1.0f - zy));
  Func out = affine(in, s, params, sampling, "random_zoom", target);
  return {"random_zoom", {in.images, in.seed}, out};
}

} // namespace nnc::codegen

// ---- The family's ops (KernelOpInterface) ------------------------------------

namespace nnc::codegen {

namespace {

AffineSampling samplingOf(llvm::StringRef fill, llvm::APFloat value, llvm::StringRef interpolation) {
  return {parseFill(fill.str()), value.convertToFloat(), interpolation == "bilinear"};
}

ImageShape imageOf(mlir::Operation *op) {
  auto in = shapeOf(op->getOperand(0));
  return {(int)in[1], (int)in[2], (int)in[3]};
}

uint32_t saltOf(mlir::Operation *op) {
  auto salt = op->getAttrOfType<mlir::IntegerAttr>("salt");
  return (uint32_t)(salt ? salt.getInt() : 0);
}

/// An active augmentation (training, with the step counter) runs its random transform;
/// at inference (no counter) the layer is the identity.
OpLowering augmentCall(mlir::Operation *op, llvm::function_ref<Kernel(mlir::Operation *)> make) {
  if (op->getNumOperands() < 2)
    return aliasOf(op);
  mlir::Value x = op->getOperand(0), counter = op->getOperand(1), y = op->getResult(0);
  return kernelCall(share(make(op)), {x, counter, y}, {full(x), {2}, full(y)});
}

OpLowering lowerFlip(nn::RandomFlipOp op, const TargetInfo &target) {
  return augmentCall(op, [&](mlir::Operation *o) {
    llvm::StringRef mode = llvm::cast<nn::RandomFlipOp>(o).getMode();
    return randomFlipKernel(imageOf(o), mode != "vertical", mode != "horizontal", saltOf(o),
                            target);
  });
}

OpLowering lowerRotation(nn::RandomRotationOp op, const TargetInfo &target) {
  return augmentCall(op, [&](mlir::Operation *o) {
    auto r = llvm::cast<nn::RandomRotationOp>(o);
    llvm::ArrayRef<float> f = r.getFactor();
    return randomRotationKernel(imageOf(o), f[0], f[1],
                                samplingOf(r.getFillMode(), r.getFillValue(), r.getInterpolation()),
                                saltOf(o), target);
  });
}

OpLowering lowerZoom(nn::RandomZoomOp op, const TargetInfo &target) {
  return augmentCall(op, [&](mlir::Operation *o) {
    auto z = llvm::cast<nn::RandomZoomOp>(o);
    llvm::ArrayRef<float> h = z.getHeightFactor();
    std::optional<llvm::ArrayRef<float>> w = z.getWidthFactor();
    return randomZoomKernel(imageOf(o), h[0], h[1], w ? (*w)[0] : h[0], w ? (*w)[1] : h[1], !w,
                            samplingOf(z.getFillMode(), z.getFillValue(), z.getInterpolation()),
                            saltOf(o), target);
  });
}

} // namespace

void attachAugmentKernels(mlir::MLIRContext *ctx) {
  lowerWith<nn::RandomFlipOp, lowerFlip>(ctx);
  lowerWith<nn::RandomRotationOp, lowerRotation>(ctx);
  lowerWith<nn::RandomZoomOp, lowerZoom>(ctx);
}

} // namespace nnc::codegen

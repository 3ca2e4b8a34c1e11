// Augmentation kernels (training only): RandomFlip, RandomRotation, RandomZoom on
// NHWC images, each sample transformed by parameters drawn from (seed, step, salt).
//
// Draws: sample b's j-th uniform is counterUniform(seed ^ salt * 0x27D4EB2F, step,
// 4 * b + j), as Dropout draws its masks. Rotation and zoom follow Keras's
// ImageProjectiveTransform: output pixel (x, y) reads the input at
// (a0 x + a1 y + a2, b0 x + b1 y + b2), mapped into the image by the fill mode and
// interpolated (bilinear, or nearest with round-half-away-from-zero); corners that
// stay outside read fill_value.
#ifndef NNC_CODEGEN_KERNELS_AUGMENT_H
#define NNC_CODEGEN_KERNELS_AUGMENT_H

#include "codegen/kernels/Kernel.h"

namespace nnc::codegen {

struct ImageShape {
  int height, width, channels;
};

/// Each axis flipped with probability 1/2: horizontal draws u0 < 0.5, vertical u1 < 0.5.
/// Inputs: images (c, x, y, n), seed (2 uint32: seed, step).
Kernel randomFlipKernel(const ImageShape &s, bool horizontal, bool vertical, uint32_t salt,
                        const TargetInfo &target = TargetInfo());

enum class Fill { Reflect, Wrap, Constant, Nearest };
Fill parseFill(const std::string &name);

struct AffineSampling {
  Fill fill = Fill::Reflect;
  float fillValue = 0;
  bool bilinear = true;
};

/// Angle = (lower + u0 (upper - lower)) * 2 pi about the image centre (Keras's
/// get_rotation_matrix). Inputs as randomFlipKernel.
Kernel randomRotationKernel(const ImageShape &s, float lower, float upper,
                            const AffineSampling &sampling, uint32_t salt,
                            const TargetInfo &target = TargetInfo());

/// zy = 1 + hLower + u0 (hUpper - hLower); zx likewise from u1, or zx = zy when
/// `sameZoom` (Keras's width_factor=None). Scaled about the centre (get_zoom_matrix).
Kernel randomZoomKernel(const ImageShape &s, float hLower, float hUpper, float wLower, float wUpper,
                        bool sameZoom, const AffineSampling &sampling, uint32_t salt,
                        const TargetInfo &target = TargetInfo());

} // namespace nnc::codegen

#endif

// Elementwise kernels on the 2-D view (c, m): activation, rescaling, sums.
#ifndef NNC_CODEGEN_KERNELS_ELEMENTWISE_H
#define NNC_CODEGEN_KERNELS_ELEMENTWISE_H

#include "codegen/kernels/Kernel.h"

namespace nnc::codegen {

/// Inputs: input (c, m). Softmax normalises over c.
Kernel activationKernel(int channels, const Activation &act,
                        const TargetInfo &target = TargetInfo());

/// Inputs: input (c, m); out = x * scale + offset.
Kernel rescalingKernel(int channels, float scale, float offset,
                       const TargetInfo &target = TargetInfo());

/// Inputs: `count` tensors (c, m); out = their sum.
Kernel addKernel(int channels, int count, const TargetInfo &target = TargetInfo());

/// Backward of an activation, from its output: dZ = dY * act'(Z) written with Y
/// (softmax: dZ = Y * (dY - sum_c dY*Y)). Inputs: Y (c, m), dY (c, m).
Kernel activationBackwardKernel(int channels, const Activation &act,
                                const TargetInfo &target = TargetInfo());

/// Sum over every row: out(c) = sum_m x(c, m) (bias gradients). Inputs: x (c, m). On
/// the CPU with 16 to 256 channels (a multiple of 16): the two halves of the rows
/// summed apart, each in order, then added (the order depends on the rows only).
Kernel channelSumKernel(int channels, const TargetInfo &target = TargetInfo());

/// Dropout in training: element i of the (c, m) view is kept when
/// uniform(seed, step, i) >= rate, and then scaled by 1 / (1 - rate); the backward
/// kernel recomputes the same mask from (seed, step), so nothing is stored.
/// Inputs: x (or dY for the backward), seed (2 uint32: seed, step). `salt` tells
/// the model's Dropout layers apart (each draws its own mask).
Kernel dropoutKernel(int channels, float rate, uint32_t salt = 0,
                     const TargetInfo &target = TargetInfo());
Kernel dropoutBackwardKernel(int channels, float rate, uint32_t salt = 0,
                             const TargetInfo &target = TargetInfo());
/// activation'(y) * dropoutBackward(dy) in one pass (y: the activation's output, or
/// for relu / leaky_relu / linear the Dropout's output; same sign where kept).
Kernel dropoutActivationBackwardKernel(int channels, float rate, uint32_t salt,
                                       const Activation &act,
                                       const TargetInfo &target = TargetInfo());

/// The counter-based uniform in [0, 1) that Dropout and augmentation layers draw.
Halide::Expr counterUniform(Halide::Expr seed, Halide::Expr step, Halide::Expr index);

/// Backward of Concatenate for one input: its slice [offset, offset + length) of
/// the joined axis. Inputs: dY (inner, total, outer); output (inner, length, outer).
Kernel concatenateSliceKernel(int inner, int offset, int length, int total,
                              const TargetInfo &target = TargetInfo());

/// Inputs: tensors viewed as (inner, len_i, outer) joined along the middle
/// axis: inner = values after the axis, outer = everything before it.
Kernel concatenateKernel(int inner, const std::vector<int> &lengths,
                         const TargetInfo &target = TargetInfo());

} // namespace nnc::codegen

#endif

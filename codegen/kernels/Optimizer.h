// Optimizer updates with Keras's rules, one parameter tensor at a time. Each kernel
// returns the new parameter and new slots as a tuple (outputs after the inputs).
#ifndef NNC_CODEGEN_KERNELS_OPTIMIZER_H
#define NNC_CODEGEN_KERNELS_OPTIMIZER_H

#include "codegen/kernels/Kernel.h"

namespace nnc::codegen {

/// SGD: v = momentum*v - lr*g; p += v (nesterov: p += momentum*v - lr*g); without
/// momentum p -= lr*g and there is no slot. Inputs: param, grad[, velocity] (1-D).
Kernel sgdKernel(float learningRate, float momentum, bool nesterov,
                 const TargetInfo &target = TargetInfo());

/// Adam: m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2); p -= m*alpha / (sqrt(v) + eps)
/// with alpha = lr * sqrt(1 - b2^t) / (1 - b1^t) for the 1-based step t.
/// Inputs: param, grad, m, v, counter (2 uint32: seed, t).
Kernel adamKernel(float learningRate, float beta1, float beta2, float epsilon,
                  const TargetInfo &target = TargetInfo());

/// Adam's per-step factor alpha for the 1-based step t.
double adamAlpha(double learningRate, double beta1, double beta2, long step);

/// RMSprop: ms = rho*ms + (1-rho)*g^2; inc = lr*g / sqrt(ms + eps); with momentum
/// mom = momentum*mom + inc, p -= mom; else p -= inc.
/// Inputs: param, grad, ms[, mom].
Kernel rmspropKernel(float learningRate, float rho, float momentum, float epsilon,
                     const TargetInfo &target = TargetInfo());

} // namespace nnc::codegen

#endif

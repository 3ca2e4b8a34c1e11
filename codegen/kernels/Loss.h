// Losses: the batch-mean loss as a 0-d output, and its gradient with respect to the
// loss's input (probabilities, or logits with from_logits - the stable fused form of
// softmax + cross-entropy and sigmoid + binary cross-entropy).
#ifndef NNC_CODEGEN_KERNELS_LOSS_H
#define NNC_CODEGEN_KERNELS_LOSS_H

#include "codegen/kernels/Kernel.h"

namespace nnc::codegen {

enum class LossKind { SparseCategorical, Categorical, Binary, MeanSquared };

/// Keras's clipping of probabilities: [kEpsilon, 1 - kEpsilon].
constexpr float kEpsilon = 1e-7f;

/// Inputs: prediction (c, n), labels: (n) class ids (as floats) for
/// SparseCategorical, else (c, n). Output: the 0-d mean over the batch (Binary and
/// MeanSquared average over the c axis first, as Keras does).
Kernel lossKernel(LossKind kind, int classes, bool fromLogits,
                  const TargetInfo &target = TargetInfo());

/// d(mean loss)/d(prediction) times `scale`: output (c, n). Same inputs as lossKernel.
Kernel lossGradKernel(LossKind kind, int classes, bool fromLogits,
                      const TargetInfo &target = TargetInfo(), float scale = 1.0f);

/// The fused form: d(mean loss)/d(pre-activation) when the prediction came out of
/// a softmax (Categorical kinds) or sigmoid (Binary) - (p * sum(y) - y) / N and
/// (p - y) / (N * C) - computed from the probabilities p, as Keras does when it
/// sees the output of a softmax/sigmoid. Inputs as lossKernel.
Kernel lossGradThroughActivationKernel(LossKind kind, int classes,
                                       const TargetInfo &target = TargetInfo(),
                                       float scale = 1.0f);

/// The weighted sum of `count` 0-d losses (a model of several outputs).
Kernel lossSumKernel(const std::vector<float> &weights);

} // namespace nnc::codegen

#endif

// Metrics: batch means of per-sample scores, as Keras's compiled metrics.
#ifndef NNC_CODEGEN_KERNELS_METRIC_H
#define NNC_CODEGEN_KERNELS_METRIC_H

#include "codegen/kernels/Kernel.h"

namespace nnc::codegen {

enum class MetricKind { SparseAccuracy, CategoricalAccuracy, BinaryAccuracy, MeanSquared, MeanAbsolute };

/// Inputs: prediction (c, n); labels (n) class ids as floats for SparseAccuracy,
/// else (c, n). Output: the 0-d mean over the batch. Accuracies compare the first
/// arg-max (or, binary, prediction > 0.5) with the label; the errors average over c.
Kernel metricKernel(MetricKind kind, int classes, const TargetInfo &target = TargetInfo());

} // namespace nnc::codegen

#endif

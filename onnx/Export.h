// nnc --emit=onnx: an inference nn module (every weight frozen) as an ONNX ModelProto.
#ifndef NNC_ONNX_EXPORT_H
#define NNC_ONNX_EXPORT_H

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace nnc::onnxfe {

/// Serializes @forward of `module` (as written: before the -O pipeline) as an opset-13
/// ModelProto into `bytes`. The inputs and outputs keep the model's layout (a .nn
/// image input stays N, H, W, C); convolutions and pooling run in ONNX's NCHW with
/// transposes placed once. Every variable needs its value (--weights). On an op it
/// cannot write, emits an error at the op and fails.
mlir::LogicalResult exportOnnx(mlir::ModuleOp module, std::string &bytes);

} // namespace nnc::onnxfe

#endif // NNC_ONNX_EXPORT_H

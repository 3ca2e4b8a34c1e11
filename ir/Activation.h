// The activation functions nn ops know: one table, by their Keras names, of what the
// dialect, the frontend and the passes need to know of each. Their maths (forward and
// derivative as Halide expressions) is codegen/kernels/Kernel.cpp's, keyed by kind.
#ifndef NNC_IR_ACTIVATION_H
#define NNC_IR_ACTIVATION_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace nnc::nn {

enum class ActivationKind : uint8_t {
  Linear, Relu, Sigmoid, Tanh, Softmax, LeakyRelu,
  Elu, Selu, Gelu, Swish, HardSigmoid, Softplus, Relu6, Exponential, Softsign,
  // Elementwise maths the ONNX importer maps its unary ops to (no Keras name).
  Log, Sqrt, Abs, Reciprocal, Floor, Ceil, Sin, Cos, Erf,
};

struct ActivationInfo {
  llvm::StringRef name; // Keras's (`activation="..."`)
  ActivationKind kind;
  /// The derivative is computed from the activation's input x (gelu, swish: not a
  /// function of the output); else from its output y. An op whose fused activation
  /// needs x (Dense, Conv2D) would lose it: the frontend emits such activations as
  /// their own op, and the fusions leave them there in training.
  bool gradientFromInput = false;
  /// The derivative at y depends on y's sign only (relu, leaky_relu, linear): a
  /// Dropout's output, of the same sign where kept, can stand for y.
  bool signOnly = false;
  /// Normalises over the last axis (softmax): not elementwise.
  bool rowwise = false;
  /// A Keras activation a .nn file may name; the others are ONNX's unary maths.
  bool keras = true;
};

/// Every activation, in the order error messages list them.
llvm::ArrayRef<ActivationInfo> activationTable();

/// The activation named `name` (Keras's name or an alias such as "silu"), or null.
const ActivationInfo *findActivation(llvm::StringRef name);

/// The Keras names activationTable() knows, for error messages and suggestions.
llvm::ArrayRef<llvm::StringRef> knownActivations();

/// Any activation of the table (what nn ops accept).
bool isKnownActivation(llvm::StringRef name);
/// One a .nn file may name (Keras's).
bool isKerasActivation(llvm::StringRef name);

/// Whether `name` (known) takes its derivative from the input.
bool activationNeedsInput(llvm::StringRef name);

} // namespace nnc::nn

#endif // NNC_IR_ACTIVATION_H

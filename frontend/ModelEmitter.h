// Emission of an evaluated Keras model as an nn dialect module.
#ifndef NNC_FRONTEND_MODELEMITTER_H
#define NNC_FRONTEND_MODELEMITTER_H

#include "frontend/Object.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace nnc::frontend {

class ModelEmitter;

/// What a layer row sees while emitting one layer application.
class LayerEmitter {
public:
  LayerEmitter(ModelEmitter &model, Object &layer) : model(model), layerObj(layer) {}

  const Args &args() const { return layerObj.args; }
  Object &layer() { return layerObj; }
  mlir::Builder &builder();

  /// The ranked tensor type of `v`.
  mlir::RankedTensorType typeOf(mlir::Value v);

  /// Declares the weight `<layer>.<suffix>` on first use (re-reads it when a
  /// layer object is applied again) and returns its value.
  mlir::Value weight(llvm::StringRef suffix, llvm::ArrayRef<int64_t> shape,
                     llvm::StringRef init, bool trainable = true);

  /// Creates `nn.<name>` with its result type inferred; a shape error is
  /// reported at the layer's position. The layer's name is attached.
  mlir::Value op(llvm::StringRef name, mlir::ValueRange operands,
                 llvm::ArrayRef<mlir::NamedAttribute> attrs);

  mlir::NamedAttribute f32(llvm::StringRef name, double v);
  mlir::NamedAttribute i64(llvm::StringRef name, int64_t v);
  mlir::NamedAttribute str(llvm::StringRef name, llvm::StringRef v);
  mlir::NamedAttribute boolean(llvm::StringRef name, bool v);
  mlir::NamedAttribute i64s(llvm::StringRef name, llvm::ArrayRef<int64_t> v);
  mlir::NamedAttribute f32s(llvm::StringRef name, llvm::ArrayRef<float> v);

  /// The activation named by argument `arg` (a string, None, or a path such as
  /// tf.nn.relu), validated.
  std::string activation(llvm::StringRef arg);
  /// The initializer named by argument `arg`, validated.
  std::string initializer(llvm::StringRef arg, llvm::StringRef def);
  /// Checks `channels_last` data_format.
  void requireChannelsLast();

  [[noreturn]] void error(const std::string &message);

private:
  ModelEmitter &model;
  Object &layerObj;
};

/// Emits `model` (a Sequential or functional Model object) as a module with
/// nn.variable weights, func @forward and, when compiled, func @loss plus the
/// training settings as module attributes. Throws SourceError / ReportedError.
mlir::OwningOpRef<mlir::ModuleOp> emitModel(mlir::MLIRContext *ctx,
                                            llvm::StringRef filename, Object &model);

} // namespace nnc::frontend

#endif // NNC_FRONTEND_MODELEMITTER_H

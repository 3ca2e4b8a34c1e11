// The ONNX graph walk: values by name, layouts, variables and op creation for converters.
#ifndef NNC_ONNX_IMPORTER_H
#define NNC_ONNX_IMPORTER_H

#include "onnx/Constant.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"

#include <memory>
#include <string>
#include <vector>

namespace onnx {
class ModelProto;
class NodeProto;
class AttributeProto;
} // namespace onnx

namespace nnc::onnxfe {

/// An ONNX value during import: a value of the nn function or a constant the
/// importer holds (folded at compile time). A 4-D computed value may be held
/// channel-last (`nhwc`): the kernels' layout; `shape` is always ONNX's.
struct Tensor {
  mlir::Value value;
  mlir::Value otherLayout; ///< the same tensor in the other layout, once made
  std::shared_ptr<const Constant> constant;
  std::string initializer; ///< the graph initializer it is (trainable weights)
  bool nhwc = false;
  std::vector<int64_t> shape; ///< ONNX's shape; the batch is kBatchDim

  bool isConstant() const { return constant != nullptr; }
  int64_t rank() const { return (int64_t)shape.size(); }
};

class Importer {
public:
  Importer(mlir::MLIRContext *ctx, std::string path);

  /// Imports `model`; throws ImportError.
  mlir::OwningOpRef<mlir::ModuleOp> run(const onnx::ModelProto &model);

  // ---- for the op converters ----
  const onnx::NodeProto &node() const { return *current; }
  int64_t opset() const { return opsetVersion; }
  /// Input `i` of the current node; hasInput is false for a missing optional one.
  bool hasInput(int i) const;
  Tensor &input(int i);
  int numInputs() const;
  /// The constant input `i` (fails naming `what` when it is computed at run time).
  const Constant &constantInput(int i, llvm::StringRef what);
  void setOutput(int i, Tensor t);
  /// Output `i` is read by a later node or by the graph's outputs.
  bool outputUsed(int i) const;

  bool hasAttr(llvm::StringRef name) const;
  int64_t attrInt(llvm::StringRef name, int64_t dflt) const;
  float attrFloat(llvm::StringRef name, float dflt) const;
  std::string attrString(llvm::StringRef name, llvm::StringRef dflt) const;
  std::vector<int64_t> attrInts(llvm::StringRef name) const;
  std::vector<float> attrFloats(llvm::StringRef name) const;
  /// A tensor attribute (Constant's value), decoded.
  Constant attrTensor(llvm::StringRef name) const;

  /// Creates `nn.<name>` for the current node; a shape error fails the import.
  mlir::Value op(llvm::StringRef name, mlir::ValueRange operands,
                 llvm::ArrayRef<mlir::NamedAttribute> attrs);
  /// A computed Tensor for `v` (`nhwc`: v is the channel-last form of a 4-D value).
  Tensor computed(mlir::Value v, bool nhwc = false) const;
  static Tensor constant(Constant c);

  /// A model variable holding `values` (shape `shape`), read in the forward
  /// function. `base` names it (made unique); trainable ones are weights.
  mlir::Value variable(llvm::StringRef base, llvm::ArrayRef<int64_t> shape,
                       std::vector<float> values, bool trainable);
  /// A constant input as a variable of its own shape (an initializer stays
  /// trainable unless `trainable` is false).
  mlir::Value weightOf(const Tensor &t, bool trainable = true);

  /// `t` in ONNX's layout, `t` channel-last (4-D only): nn.transpose inserted once.
  mlir::Value asOnnx(Tensor &t);
  mlir::Value asNHWC(Tensor &t);

  /// Runs `convert` on `n`, a rewritten form of the current node (a 1-D op lifted
  /// to 2-D), whose inputs and outputs are named values (see define).
  void convertAs(const onnx::NodeProto &n, void (*convert)(Importer &));
  /// Defines or looks up a value by name (a converter's temporaries).
  void define(const std::string &name, Tensor t) { values[name] = std::move(t); }
  Tensor &lookup(const std::string &name);

  mlir::OpBuilder &builder() { return b; }
  mlir::NamedAttribute i64(llvm::StringRef name, int64_t v);
  mlir::NamedAttribute i64s(llvm::StringRef name, llvm::ArrayRef<int64_t> v);
  mlir::NamedAttribute f32(llvm::StringRef name, float v);
  mlir::NamedAttribute str(llvm::StringRef name, llvm::StringRef v);
  mlir::NamedAttribute boolean(llvm::StringRef name, bool v);

private:
  void importNode(const onnx::NodeProto &n);
  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  std::vector<const onnx::NodeProto *> sortNodes(const onnx::ModelProto &model);
  std::string uniqueName(llvm::StringRef base);

  mlir::MLIRContext *ctx;
  std::string path, dir;
  mlir::OpBuilder b;
  mlir::OpBuilder vars; ///< inserts nn.variable before the function
  mlir::ModuleOp module;
  int64_t opsetVersion = 0;
  const onnx::NodeProto *current = nullptr;
  llvm::StringMap<Tensor> values;
  llvm::StringMap<int> uses; ///< how many nodes and graph outputs read each value
  llvm::StringMap<mlir::Value> weights; ///< initializer -> its variable read
  llvm::StringMap<int> names;
  std::string *diagnostics = nullptr; ///< MLIR's messages while importing
};

/// One ONNX op type's conversion.
struct OpConverter {
  const char *opType;
  void (*convert)(Importer &);
};

/// The converters, by family: convolution, pooling, normalisation and activations
/// (OpsCompute.cpp), elementwise arithmetic (OpsElementwise.cpp), shapes and
/// constants (OpsShape.cpp).
llvm::ArrayRef<OpConverter> computeConverters();
llvm::ArrayRef<OpConverter> elementwiseConverters();
llvm::ArrayRef<OpConverter> shapeConverters();

/// Fails the current node's import with `message`.
[[noreturn]] void fail(const std::string &message);

/// Output 0 = nn.activation `kind` of input 0, in whatever layout it is held.
void emitActivation(Importer &im, llvm::StringRef kind, float alpha = 0.3f);

} // namespace nnc::onnxfe

#endif // NNC_ONNX_IMPORTER_H

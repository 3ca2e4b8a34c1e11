// Construction of Keras objects from evaluated call arguments: Input tensors, layers,
// Sequential and functional models, and layer application in the functional API.
#ifndef NNC_FRONTEND_KERASOBJECTS_H
#define NNC_FRONTEND_KERASOBJECTS_H

#include "frontend/Object.h"

#include "llvm/ADT/StringMap.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nnc::frontend {

/// A call's evaluated arguments.
struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keywords;
};

Value objectValue(std::shared_ptr<Object> obj, Pos pos);
Value tensorValue(std::shared_ptr<TensorNode> node, Pos pos);

/// Keras's to_snake_case: Conv2D -> conv2d, LeakyReLU -> leaky_re_lu.
std::string snakeCase(llvm::StringRef name);

/// Builds Keras objects and names them as Keras does (dense, dense_1, input_1, ...).
/// Every method throws SourceError on bad arguments.
class KerasObjects {
public:
  /// Input(shape=...): a symbolic input tensor.
  Value makeInput(Pos pos, const CallArgs &ca);
  /// A layer object (or an InputLayer) of Keras class `cls`.
  Value makeLayer(const std::string &cls, Pos pos, const CallArgs &ca);
  std::shared_ptr<Object> makeSequential(Pos pos, const CallArgs &ca);
  std::shared_ptr<Object> makeFunctional(Pos pos, const CallArgs &ca);
  /// `layer(tensor)` or `layer([tensors])` in the functional API.
  Value applyLayer(const std::shared_ptr<Object> &layer, Pos pos, const CallArgs &ca);
  /// model.add(item) / an entry of Sequential([...]).
  void addToSequential(Object &model, const Value &item);
  /// Sets `trainable` on a layer, or on every layer of a model.
  void setTrainable(Object &obj, bool on);
  std::string uniqueName(llvm::StringRef cls);

private:
  llvm::StringMap<int> nameCounters;

  std::string uniqueInputName();
  InputSpec inputSpec(const Args &a, llvm::StringRef shapeArg, Pos pos);
  std::vector<std::shared_ptr<TensorNode>> tensors(const Args &a, llvm::StringRef name,
                                                   bool inputsOnly);
};

} // namespace nnc::frontend

#endif // NNC_FRONTEND_KERASOBJECTS_H

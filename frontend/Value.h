// Values the .nn evaluator computes: literals, Keras objects, symbolic tensors.
#ifndef NNC_FRONTEND_VALUE_H
#define NNC_FRONTEND_VALUE_H

#include "frontend/Diagnostic.h"

#include <memory>
#include <string>
#include <vector>

namespace nnc::frontend {

struct Object;
struct TensorNode;

struct Value {
  enum class Kind {
    None,
    Bool,
    Int,
    Float,
    String,
    Tuple,
    List,
    Namespace, // a module path such as tf.keras.layers (text)
    Class,     // a Keras class or function not yet called (text = canonical name)
    Function,  // a merge function of keras.layers (text = its class: add -> Add)
    Object,    // a layer, model, optimizer, loss or callback instance
    Tensor,    // a symbolic tensor of the functional API
    Data,      // run-time data named in the file (x_train); bound by the binary
  };
  Kind kind = Kind::None;
  Pos pos;
  double number = 0;
  std::string text;
  std::vector<Value> items;
  std::shared_ptr<Object> object;
  std::shared_ptr<TensorNode> tensor;

  bool isNumber() const { return kind == Kind::Int || kind == Kind::Float; }
  bool isSequence() const { return kind == Kind::Tuple || kind == Kind::List; }

  /// "an int", "a string", "a Dense layer", ... for error messages.
  std::string describe() const;
};

} // namespace nnc::frontend

#endif // NNC_FRONTEND_VALUE_H

// Keras objects the evaluator builds: layers, models, optimizers, losses, callbacks,
// and the symbolic tensors of the functional API.
#ifndef NNC_FRONTEND_OBJECT_H
#define NNC_FRONTEND_OBJECT_H

#include "frontend/Args.h"
#include "frontend/Value.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nnc::frontend {

struct LayerRow;

/// An input declared by Input(shape=...), InputLayer(...) or input_shape=.
struct InputSpec {
  std::vector<int64_t> shape; // without the batch dimension
  int64_t batch = -1;         // -1: dynamic
  std::string name;
  Pos pos;
};

/// model.compile(...) settings, validated.
struct CompileSpec {
  Pos pos;
  Value optimizer; // an Optimizer object
  Value loss;      // a Loss object (the first output's, when there are several)
  std::vector<std::string> metrics;
  // A model of several outputs: compile(loss=[...]) gives each output its own Loss
  // object (a single loss applies to all); loss_weights=[...] weighs them in the total;
  // metrics=[[...], [...]] lists each output's metrics (a flat list applies to all).
  std::vector<Value> losses;
  std::vector<double> lossWeights;
  std::vector<std::vector<std::string>> outputMetrics;
  Pos lossPos, weightsPos, metricsPos;
};

/// model.fit(...) settings, validated.
struct FitSpec {
  Pos pos;
  int64_t epochs = 1;
  int64_t batchSize = 32;
  double validationSplit = 0;
  bool validationData = false;
  bool shuffle = true;
  int64_t verbose = 1;
  std::vector<Value> callbacks; // Callback objects
};

struct Object {
  enum class Kind { Layer, Sequential, Functional, Optimizer, Loss, Callback, History };
  Kind kind;
  std::string cls; // canonical Keras class name
  Pos pos;
  Args args;

  // Layers.
  const LayerRow *row = nullptr;
  std::string name;
  bool trainable = true;
  std::optional<InputSpec> inputSpec; // from input_shape= on a layer
  std::vector<std::string> variables; // symbols created when first applied

  // Models.
  std::vector<std::shared_ptr<Object>> layers; // Sequential
  std::vector<std::shared_ptr<TensorNode>> inputs, outputs; // functional
  std::optional<CompileSpec> compile;
  std::optional<FitSpec> fit;
};

/// A symbolic tensor: the output of `layer` applied to `inputs`, or an Input.
struct TensorNode {
  Pos pos;
  std::shared_ptr<Object> layer;               // null for an Input
  std::vector<std::shared_ptr<TensorNode>> inputs;
  bool listInput = false;                      // layer called on a list
  std::optional<InputSpec> input;              // set for an Input

  TensorNode() = default;
  TensorNode(const TensorNode &) = delete;
  TensorNode &operator=(const TensorNode &) = delete;
  /// Releases long chains of inputs iteratively (a 100,000-layer model must
  /// not overflow the stack through recursive destruction).
  ~TensorNode();
};

} // namespace nnc::frontend

#endif // NNC_FRONTEND_OBJECT_H

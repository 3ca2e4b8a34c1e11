// The autodiff transform: @train_step and @evaluate from @forward, @loss and the
// module's nn.loss / nn.optimizer / nn.metrics settings (see ir/Passes.h).
#include "ir/Passes.h"

#include "ir/NNOps.h"
#include "ir/transforms/ReverseSweep.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;

namespace nnc::nn {

namespace {

bool isLoss(Operation *op) {
  return llvm::isa<SparseCategoricalCrossentropyOp, CategoricalCrossentropyOp,
                   BinaryCrossentropyOp, MeanSquaredErrorOp>(op);
}

/// The activation that produced `v` ("" when none is fused into its producer).
StringRef producerActivation(Value v) {
  Operation *op = v.getDefiningOp();
  if (auto d = llvm::dyn_cast_or_null<DenseOp>(op))
    return d.getActivation();
  if (auto c = llvm::dyn_cast_or_null<Conv2DOp>(op))
    return c.getActivation();
  if (auto a = llvm::dyn_cast_or_null<ActivationOp>(op))
    return a.getKind();
  return "";
}

/// Keras's metric for a compile() metric name, given the loss.
FailureOr<std::string> resolveMetric(StringRef name, StringRef loss, Value prediction) {
  if (name == "accuracy" || name == "acc") {
    if (loss == "nn.sparse_categorical_crossentropy")
      return std::string("sparse_categorical_accuracy");
    if (loss == "nn.categorical_crossentropy")
      return std::string("categorical_accuracy");
    if (loss == "nn.binary_crossentropy")
      return std::string("binary_accuracy");
    auto shape = llvm::cast<RankedTensorType>(prediction.getType()).getShape();
    return std::string(shape.back() == 1 ? "binary_accuracy" : "categorical_accuracy");
  }
  if (name == "mse" || name == "mean_squared_error")
    return std::string("mean_squared_error");
  if (name == "mae" || name == "mean_absolute_error")
    return std::string("mean_absolute_error");
  if (name == "binary_accuracy" || name == "categorical_accuracy" ||
      name == "sparse_categorical_accuracy")
    return name.str();
  return failure();
}

class TrainingBuilder {
public:
  TrainingBuilder(ModuleOp module) : module(module), b(module.getContext()) {}
  LogicalResult run();

private:
  ModuleOp module;
  OpBuilder b;
  func::FuncOp forward, lossFn;
  Operation *lossOp = nullptr;
  SmallVector<std::pair<StringAttr, Value>> assigns; // emitted last, after every read
  llvm::StringMap<int64_t> salts;                    // per kind of random layer

  /// The training forms' view of the pass (TrainingFormOpInterface).
  struct Context : TrainingContext {
    TrainingBuilder &t;
    Value step;
    Context(TrainingBuilder &t, Value step) : t(t), step(step) {}
    Value counter() override { return step; }
    int64_t nextSalt(StringRef kind) override { return ++t.salts[kind]; }
    StringAttr variableOf(Value v) override {
      VariableOp var = t.variableOf(v);
      return var ? var.getSymNameAttr() : StringAttr();
    }
    bool isTrainable(StringAttr variable) override {
      auto var = t.module.lookupSymbol<VariableOp>(variable);
      return var && var.getTrainable();
    }
    void assign(StringAttr variable, Value value) override {
      t.assigns.push_back({variable, value});
    }
  };

  VariableOp variableOf(Value v) {
    auto read = v.getDefiningOp<ReadOp>();
    return read ? module.lookupSymbol<VariableOp>(read.getVariableAttr()) : VariableOp();
  }
  /// Clones @forward's body at `b`; returns the prediction and the cloned ops.
  Value cloneForward(Value x, Value counter, SmallVectorImpl<Operation *> &ops);
  /// Loss and metrics of `pred` against `labels`: the results of both functions.
  FailureOr<SmallVector<Value>> lossAndMetrics(Value pred, Value labels);
  func::FuncOp newFunction(StringRef name, TypeRange args);
  LogicalResult optimizerUpdates(const llvm::MapVector<StringAttr, Value> &grads, Value counter);
  VariableOp newVariable(StringRef name, Type type, StringRef role);
};

func::FuncOp TrainingBuilder::newFunction(StringRef name, TypeRange args) {
  b.setInsertionPointToEnd(module.getBody());
  auto fn = b.create<func::FuncOp>(forward.getLoc(), name, b.getFunctionType(args, {}));
  b.setInsertionPointToStart(fn.addEntryBlock());
  return fn;
}

VariableOp TrainingBuilder::newVariable(StringRef name, Type type, StringRef role) {
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPoint(forward);
  return b.create<VariableOp>(forward.getLoc(), name, llvm::cast<RankedTensorType>(type),
                             "zeros", false, role, nullptr);
}

Value TrainingBuilder::cloneForward(Value x, Value counter, SmallVectorImpl<Operation *> &ops) {
  IRMapping map;
  map.map(forward.getArgument(0), x);
  Context context(*this, counter);
  for (Operation &op : forward.getBody().front().without_terminator()) {
    Value replaced;
    if (counter)
      if (auto form = llvm::dyn_cast<TrainingFormOpInterface>(op))
        replaced = form.buildTrainingForm(b, map, context);
    if (replaced) {
      map.map(op.getResult(0), replaced);
      ops.push_back(replaced.getDefiningOp());
    } else {
      ops.push_back(b.clone(op, map));
    }
  }
  return map.lookup(forward.getBody().front().getTerminator()->getOperand(0));
}

FailureOr<SmallVector<Value>> TrainingBuilder::lossAndMetrics(Value pred, Value labels) {
  IRMapping map;
  map.map(lossOp->getOperand(0), pred);
  map.map(lossOp->getOperand(1), labels);
  SmallVector<Value> results{b.clone(*lossOp, map)->getResult(0)};
  auto metrics = module->getAttrOfType<ArrayAttr>("nn.metrics");
  for (auto name : metrics ? metrics.getAsRange<StringAttr>()
                           : ArrayAttr::get(module.getContext(), {}).getAsRange<StringAttr>()) {
    FailureOr<std::string> kind =
        resolveMetric(name.getValue(), lossOp->getName().getStringRef(), pred);
    if (failed(kind))
      return module.emitError("unknown metric \"") << name.getValue() << "\"";
    auto scalar = RankedTensorType::get({}, b.getF32Type());
    results.push_back(b.create<MetricOp>(lossOp->getLoc(), scalar, pred, labels, *kind));
  }
  return results;
}

LogicalResult TrainingBuilder::optimizerUpdates(const llvm::MapVector<StringAttr, Value> &grads,
                                                Value counter) {
  auto config = module->getAttrOfType<DictionaryAttr>("nn.optimizer");
  StringRef name = config.getAs<StringAttr>("name").getValue();
  float momentum = 0;
  if (auto m = config.getAs<FloatAttr>("momentum"))
    momentum = (float)m.getValueAsDouble();
  SmallVector<StringRef> slots;
  OperationName opName(name == "sgd"    ? SGDUpdateOp::getOperationName()
                       : name == "adam" ? AdamUpdateOp::getOperationName()
                                        : RMSpropUpdateOp::getOperationName(),
                       module.getContext());
  if (name == "sgd" && momentum > 0)
    slots = {"momentum"};
  else if (name == "adam")
    slots = {"m", "v"};
  else if (name == "rmsprop")
    slots = momentum > 0 ? SmallVector<StringRef>{"ms", "momentum"} : SmallVector<StringRef>{"ms"};
  else if (name != "sgd")
    return module.emitError("the ") << name << " optimizer is not supported for training yet";
  SmallVector<NamedAttribute> attrs;
  for (NamedAttribute a : config)
    if (llvm::is_contained(opName.getAttributeNames(), a.getName()))
      attrs.push_back(a);
  for (auto [var, grad] : grads) {
    Location loc = grad.getLoc();
    Type type = grad.getType();
    SmallVector<Value> operands{b.create<ReadOp>(loc, type, var), grad};
    SmallVector<StringAttr> targets{var};
    for (StringRef slot : slots) {
      VariableOp v = newVariable((var.getValue() + "/" + slot).str(), type, "slot");
      operands.push_back(b.create<ReadOp>(loc, type, v.getSymName()));
      targets.push_back(v.getSymNameAttr());
    }
    if (name == "adam")
      operands.push_back(counter);
    OperationState state(loc, opName);
    state.addOperands(operands);
    state.addTypes(SmallVector<Type>(targets.size(), type));
    state.addAttributes(attrs);
    Operation *update = b.create(state);
    for (auto [target, value] : llvm::zip(targets, update->getResults()))
      assigns.push_back({target, value});
  }
  newVariable("optimizer.iterations", RankedTensorType::get({1}, b.getF32Type()), "iterations");
  return success();
}

LogicalResult TrainingBuilder::run() {
  if (!module->hasAttr("nn.optimizer") || !module->hasAttr("nn.loss") ||
      module.lookupSymbol("train_step"))
    return success();
  forward = module.lookupSymbol<func::FuncOp>("forward");
  lossFn = module.lookupSymbol<func::FuncOp>("loss");
  if (!forward || !lossFn)
    return module.emitError("a compiled model needs @forward and @loss");
  if (forward.getNumArguments() != 1 || forward.getNumResults() != 1)
    return forward.emitError("training handles models with one input and one output");
  lossFn.walk([&](Operation *op) {
    if (isLoss(op))
      lossOp = op;
  });
  if (!lossOp)
    return lossFn.emitError("@loss has no loss op");
  Type xType = forward.getArgument(0).getType(), yType = lossFn.getArgument(1).getType();
  Type counterType = RankedTensorType::get({2}, b.getI32Type());
  auto inputName = forward.getArgAttr(0, "nn.name");

  // @evaluate: inference mode.
  func::FuncOp eval = newFunction("evaluate", {xType, yType});
  SmallVector<Operation *> ignored;
  Value evalPred = cloneForward(eval.getArgument(0), Value(), ignored);
  FailureOr<SmallVector<Value>> evalResults = lossAndMetrics(evalPred, eval.getArgument(1));
  if (failed(evalResults))
    return failure();
  b.create<func::ReturnOp>(forward.getLoc(), *evalResults);
  eval.setType(b.getFunctionType({xType, yType}, ValueRange(*evalResults).getTypes()));
  if (module->hasAttr("nn.inference")) { // nnc --inference: no training step
    if (inputName)
      eval.setArgAttr(0, "nn.name", inputName);
    return success();
  }

  // @train_step: training mode, loss, reverse sweep, updates.
  func::FuncOp train = newFunction("train_step", {xType, yType, counterType});
  if (inputName) {
    eval.setArgAttr(0, "nn.name", inputName);
    train.setArgAttr(0, "nn.name", inputName);
  }
  Value counter = train.getArgument(2);
  SmallVector<Operation *> ops;
  Value pred = cloneForward(train.getArgument(0), counter, ops);
  FailureOr<SmallVector<Value>> results = lossAndMetrics(pred, train.getArgument(1));
  if (failed(results))
    return failure();
  llvm::DenseSet<Value> trainable;
  for (Operation *op : ops)
    if (VariableOp var = op->getNumResults() ? variableOf(op->getResult(0)) : VariableOp())
      if (var.getTrainable() && var.getRole() == "weight")
        trainable.insert(op->getResult(0));
  if (trainable.empty())
    return forward.emitError("the model has no trainable weights");
  ReverseSweep sweep(ops, trainable, counter);
  StringRef act = producerActivation(pred);
  StringRef lossName = lossOp->getName().getStringRef();
  bool fromLogits = lossOp->getAttrOfType<BoolAttr>("from_logits").getValue();
  bool fused = !fromLogits && ((act == "softmax" && (lossName.contains("categorical"))) ||
                               (act == "sigmoid" && lossName == "nn.binary_crossentropy"));
  sweep.seed(pred,
             b.create<LossGradOp>(lossOp->getLoc(), pred.getType(), pred, train.getArgument(1),
                                  lossName.drop_front(3), fromLogits, fused),
             fused);
  if (failed(sweep.run(b)))
    return failure();
  llvm::MapVector<StringAttr, Value> grads; // per variable, summed over its reads
  for (Operation *op : ops)
    if (trainable.contains(op->getNumResults() ? op->getResult(0) : Value()))
      if (Value g = sweep.gradientOf(op->getResult(0))) {
        StringAttr var = llvm::cast<ReadOp>(op).getVariableAttr().getAttr();
        Value &sum = grads[var];
        sum = sum ? b.create<AddOp>(g.getLoc(), ValueRange{sum, g}, StringAttr()).getResult() : g;
      }
  if (failed(optimizerUpdates(grads, counter)))
    return failure();
  for (auto [var, value] : assigns)
    b.create<AssignOp>(value.getLoc(), var, value);
  b.create<func::ReturnOp>(forward.getLoc(), *results);
  train.setType(b.getFunctionType({xType, yType, counterType}, ValueRange(*results).getTypes()));
  return success();
}

} // namespace

LogicalResult buildTraining(ModuleOp module) { return TrainingBuilder(module).run(); }

} // namespace nnc::nn

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

/// One output of the model with its loss (a model of several outputs has a head each).
struct Head {
  Operation *lossOp;  // in @loss
  unsigned output;    // @forward's result
  unsigned labels;    // @loss's argument
  float weight;       // compile(loss_weights=...)
  std::string name;   // the output layer's name
};

class TrainingBuilder {
public:
  TrainingBuilder(ModuleOp module) : module(module), b(module.getContext()) {}
  LogicalResult run();

private:
  ModuleOp module;
  OpBuilder b;
  func::FuncOp forward, lossFn;
  SmallVector<Head> heads;
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
  /// Clones @forward's body at `b`; returns the predictions and the cloned ops.
  SmallVector<Value> cloneForward(Value x, Value counter, SmallVectorImpl<Operation *> &ops);
  /// The results of both functions: the loss, then each head's loss (when there are
  /// several), then each head's metrics; `labels` holds each head's.
  FailureOr<SmallVector<Value>> lossAndMetrics(ArrayRef<Value> preds, ValueRange labels);
  /// The heads of @loss: its loss ops, their outputs and labels, weights and names.
  LogicalResult findHeads();
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

SmallVector<Value> TrainingBuilder::cloneForward(Value x, Value counter,
                                                 SmallVectorImpl<Operation *> &ops) {
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
  SmallVector<Value> preds;
  for (Value v : forward.getBody().front().getTerminator()->getOperands())
    preds.push_back(map.lookup(v));
  return preds;
}

LogicalResult TrainingBuilder::findHeads() {
  func::CallOp call;
  lossFn.walk([&](func::CallOp c) {
    if (c.getCallee() == "forward")
      call = c;
  });
  auto sum = [&]() -> LossSumOp {
    for (LossSumOp op : lossFn.getOps<LossSumOp>())
      return op;
    return LossSumOp();
  }();
  for (Operation &op : lossFn.getOps()) {
    if (!isLoss(&op))
      continue;
    auto result = llvm::dyn_cast<OpResult>(op.getOperand(0));
    auto labels = llvm::dyn_cast<BlockArgument>(op.getOperand(1));
    if (!call || !result || result.getOwner() != call.getOperation() || !labels)
      return op.emitError("a loss of @loss must compare one of @forward's results with one of "
                          "@loss's arguments");
    Head head{&op, result.getResultNumber(), labels.getArgNumber(), 1.0f, ""};
    if (sum)
      for (auto [i, v] : llvm::enumerate(sum.getLosses()))
        if (v == op.getResult(0))
          head.weight = sum.getWeights()[i];
    auto name = forward.getResultAttrOfType<StringAttr>(head.output, "nn.name");
    head.name = name ? name.str() : "output_" + std::to_string(head.output + 1);
    heads.push_back(head);
  }
  if (heads.empty())
    return lossFn.emitError("@loss has no loss op");
  llvm::stable_sort(heads, [](const Head &a, const Head &b) { return a.output < b.output; });
  for (size_t i = 1; i < heads.size(); ++i)
    if (heads[i].output == heads[i - 1].output)
      return heads[i].lossOp->emitError("output ")
             << heads[i].output << " of @forward has two losses; give each output one";
  if (heads.size() != forward.getNumResults())
    return lossFn.emitError("@loss has ")
           << heads.size() << " losses for @forward's " << forward.getNumResults()
           << " outputs; give every output a loss";
  return success();
}

FailureOr<SmallVector<Value>> TrainingBuilder::lossAndMetrics(ArrayRef<Value> preds,
                                                              ValueRange labels) {
  SmallVector<Value> losses, metricValues;
  auto scalar = RankedTensorType::get({}, b.getF32Type());
  auto metrics = module->getAttrOfType<ArrayAttr>("nn.metrics");
  for (auto [i, head] : llvm::enumerate(heads)) {
    Value pred = preds[head.output];
    IRMapping map;
    map.map(head.lossOp->getOperand(0), pred);
    map.map(head.lossOp->getOperand(1), labels[i]);
    losses.push_back(b.clone(*head.lossOp, map)->getResult(0));
    // compile(metrics=[...]) applies to every head; a list per head (from a dict) to its own.
    ArrayAttr names = metrics;
    if (metrics && !metrics.empty() && llvm::isa<ArrayAttr>(metrics[0]))
      names = llvm::cast<ArrayAttr>(metrics[i]);
    for (Attribute a : names ? names.getValue() : ArrayRef<Attribute>()) {
      StringRef name = llvm::cast<StringAttr>(a).getValue();
      FailureOr<std::string> kind =
          resolveMetric(name, head.lossOp->getName().getStringRef(), pred);
      if (failed(kind))
        return module.emitError("unknown metric \"") << name << "\"";
      metricValues.push_back(
          b.create<MetricOp>(head.lossOp->getLoc(), scalar, pred, labels[i], *kind));
    }
  }
  SmallVector<Value> results;
  if (heads.size() > 1) {
    SmallVector<float> weights;
    for (const Head &h : heads)
      weights.push_back(h.weight);
    results.push_back(b.create<LossSumOp>(forward.getLoc(), scalar, losses, weights));
  }
  results.append(losses);
  results.append(metricValues);
  return results;
}

/// The names of @evaluate's results after the loss, as Keras's history names them: a
/// model of several outputs reports each head's loss, then each head's metrics, prefixed
/// with the head's name.
static ArrayAttr resultNames(Builder &b, ArrayRef<Head> heads, ArrayAttr metrics) {
  SmallVector<Attribute> names;
  for (const Head &h : heads)
    if (heads.size() > 1)
      names.push_back(b.getStringAttr(h.name + "_loss"));
  for (auto [i, h] : llvm::enumerate(heads)) {
    ArrayAttr list = metrics;
    if (metrics && !metrics.empty() && llvm::isa<ArrayAttr>(metrics[0]))
      list = llvm::cast<ArrayAttr>(metrics[i]);
    for (Attribute m : list ? list.getValue() : ArrayRef<Attribute>())
      names.push_back(b.getStringAttr((heads.size() > 1 ? h.name + "_" : std::string()) +
                                      llvm::cast<StringAttr>(m).getValue()));
  }
  return b.getArrayAttr(names);
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
  if (forward.getNumArguments() != 1)
    return forward.emitError("training takes one input (the nn-pack-inputs pass packs several)");
  if (failed(findHeads()))
    return failure();
  Type xType = forward.getArgument(0).getType();
  SmallVector<Type> yTypes;
  for (const Head &h : heads)
    yTypes.push_back(lossFn.getArgument(h.labels).getType());
  Type counterType = RankedTensorType::get({2}, b.getI32Type());
  auto inputName = forward.getArgAttr(0, "nn.name");
  if (heads.size() > 1) {
    SmallVector<Attribute> layout;
    for (const Head &h : heads)
      layout.push_back(b.getDictionaryAttr(
          {b.getNamedAttr("name", b.getStringAttr(h.name)),
           b.getNamedAttr("output", b.getI64IntegerAttr(h.output)),
           b.getNamedAttr("loss", b.getStringAttr(h.lossOp->getName().stripDialect())),
           b.getNamedAttr("weight", b.getF32FloatAttr(h.weight))}));
    module->setAttr("nn.heads", b.getArrayAttr(layout));
  }
  auto metrics = module->getAttrOfType<ArrayAttr>("nn.metrics");
  if (heads.size() > 1 || (metrics && !metrics.empty() && llvm::isa<ArrayAttr>(metrics[0])))
    module->setAttr("nn.metric_names", resultNames(b, heads, metrics));
  auto signature = [&](bool training) {
    SmallVector<Type> args{xType};
    args.append(yTypes);
    if (training)
      args.push_back(counterType);
    return args;
  };
  auto labelsOf = [&](func::FuncOp fn) { return fn.getArguments().slice(1, heads.size()); };

  // @evaluate: inference mode.
  func::FuncOp eval = newFunction("evaluate", signature(false));
  SmallVector<Operation *> ignored;
  SmallVector<Value> evalPreds = cloneForward(eval.getArgument(0), Value(), ignored);
  FailureOr<SmallVector<Value>> evalResults = lossAndMetrics(evalPreds, labelsOf(eval));
  if (failed(evalResults))
    return failure();
  b.create<func::ReturnOp>(forward.getLoc(), *evalResults);
  eval.setType(b.getFunctionType(signature(false), ValueRange(*evalResults).getTypes()));
  if (inputName)
    eval.setArgAttr(0, "nn.name", inputName);
  if (module->hasAttr("nn.inference")) // nnc --inference: no training step
    return success();

  // @train_step: training mode, loss, reverse sweep, updates.
  func::FuncOp train = newFunction("train_step", signature(true));
  if (inputName)
    train.setArgAttr(0, "nn.name", inputName);
  Value counter = train.getArguments().back();
  SmallVector<Operation *> ops;
  SmallVector<Value> preds = cloneForward(train.getArgument(0), counter, ops);
  FailureOr<SmallVector<Value>> results = lossAndMetrics(preds, labelsOf(train));
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
  llvm::DenseMap<Value, int> headsOf; // a prediction two heads compare gets both gradients
  for (const Head &h : heads)
    ++headsOf[preds[h.output]];
  for (auto [i, head] : llvm::enumerate(heads)) {
    Value pred = preds[head.output], labels = labelsOf(train)[i];
    StringRef act = producerActivation(pred);
    StringRef lossName = head.lossOp->getName().getStringRef();
    bool fromLogits = head.lossOp->getAttrOfType<BoolAttr>("from_logits").getValue();
    // The fused softmax/sigmoid form is d/d(pre-activation): only when this head's loss
    // is the prediction's one consumer, not when layers or another head read it too.
    bool feedsLayers = llvm::any_of(pred.getUsers(), [&](Operation *user) {
      return llvm::is_contained(ops, user);
    });
    bool fused = !fromLogits && !feedsLayers && headsOf[pred] == 1 &&
                 ((act == "softmax" && lossName.contains("categorical")) ||
                  (act == "sigmoid" && lossName == "nn.binary_crossentropy"));
    Value grad = b.create<LossGradOp>(head.lossOp->getLoc(), pred.getType(), pred, labels,
                                      lossName.drop_front(3), fromLogits, fused,
                                      llvm::APFloat(head.weight));
    if (sweep.gradientOf(pred))
      sweep.accumulate(b, pred, grad);
    else
      sweep.seed(pred, grad, fused);
  }
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
  train.setType(b.getFunctionType(signature(true), ValueRange(*results).getTypes()));
  return success();
}

} // namespace

LogicalResult buildTraining(ModuleOp module) { return TrainingBuilder(module).run(); }

} // namespace nnc::nn

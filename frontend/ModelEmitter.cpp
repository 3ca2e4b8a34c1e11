// Emission of an evaluated Keras model as an nn dialect module.
#include "frontend/ModelEmitter.h"

#include "frontend/LayerTable.h"
#include "frontend/TrainingConfig.h"
#include "ir/Activation.h"
#include "ir/CreateOp.h"
#include "ir/NNOps.h"
#include "ir/ShapeUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

namespace nnc::frontend {

class ModelEmitter {
public:
  ModelEmitter(mlir::MLIRContext *ctx, llvm::StringRef filename)
      : ctx(ctx), filename(filename.str()), builder(ctx) {}

  mlir::Location loc(Pos p) {
    return mlir::FileLineColLoc::get(ctx, filename, p.line, p.col);
  }

  mlir::OwningOpRef<mlir::ModuleOp> emit(Object &model);

  mlir::OpBuilder &getBuilder() { return builder; }

  mlir::Value weight(Object &layer, llvm::StringRef suffix, llvm::ArrayRef<int64_t> shape,
                     llvm::StringRef init, bool trainable);

  mlir::Value createOp(mlir::Location at, llvm::StringRef name, mlir::ValueRange operands,
                       llvm::ArrayRef<mlir::NamedAttribute> attrs);

private:
  mlir::MLIRContext *ctx;
  std::string filename;
  mlir::OpBuilder builder;
  mlir::ModuleOp module;
  mlir::func::FuncOp forward;
  llvm::StringMap<Object *> layerNames;
  llvm::DenseMap<TensorNode *, mlir::Value> emitted;

  mlir::Value applyLayer(Object &layer, llvm::ArrayRef<mlir::Value> inputs);
  mlir::Value emitNode(const std::shared_ptr<TensorNode> &root);
  mlir::Type inputType(const InputSpec &spec);
  void emitSequential(Object &model);
  void emitFunctional(Object &model);
  void emitLoss(Object &model);
};

// ---- LayerEmitter ---------------------------------------------------------

mlir::Builder &LayerEmitter::builder() { return model.getBuilder(); }

mlir::RankedTensorType LayerEmitter::typeOf(mlir::Value v) {
  return llvm::cast<mlir::RankedTensorType>(v.getType());
}

mlir::Value LayerEmitter::weight(llvm::StringRef suffix, llvm::ArrayRef<int64_t> shape,
                                 llvm::StringRef init, bool trainable) {
  return model.weight(layerObj, suffix, shape, init, trainable);
}

mlir::Value LayerEmitter::op(llvm::StringRef name, mlir::ValueRange operands,
                             llvm::ArrayRef<mlir::NamedAttribute> attrs) {
  llvm::SmallVector<mlir::NamedAttribute> all(attrs.begin(), attrs.end());
  all.push_back(str("layer", layerObj.name));
  return model.createOp(model.loc(layerObj.pos), name, operands, all);
}

mlir::NamedAttribute LayerEmitter::f32(llvm::StringRef name, double v) {
  return builder().getNamedAttr(name, builder().getF32FloatAttr((float)v));
}
mlir::NamedAttribute LayerEmitter::i64(llvm::StringRef name, int64_t v) {
  return builder().getNamedAttr(name, builder().getI64IntegerAttr(v));
}
mlir::NamedAttribute LayerEmitter::str(llvm::StringRef name, llvm::StringRef v) {
  return builder().getNamedAttr(name, builder().getStringAttr(v));
}
mlir::NamedAttribute LayerEmitter::boolean(llvm::StringRef name, bool v) {
  return builder().getNamedAttr(name, builder().getBoolAttr(v));
}
mlir::NamedAttribute LayerEmitter::i64s(llvm::StringRef name, llvm::ArrayRef<int64_t> v) {
  return builder().getNamedAttr(name, builder().getDenseI64ArrayAttr(v));
}
mlir::NamedAttribute LayerEmitter::f32s(llvm::StringRef name, llvm::ArrayRef<float> v) {
  return builder().getNamedAttr(name, builder().getDenseF32ArrayAttr(v));
}

std::string LayerEmitter::activation(llvm::StringRef arg) {
  const Args &a = args();
  if (!a.has(arg))
    return "linear";
  const Value &v = a.get(arg);
  std::string name;
  if (v.kind == Value::Kind::String)
    name = v.text;
  else if (v.kind == Value::Kind::Namespace) // tf.nn.relu, keras.activations.relu
    name = llvm::StringRef(v.text).rsplit('.').second.str();
  else
    fail(a.posOf(arg), layerObj.cls + " argument '" + arg.str() +
                           "' must be an activation name such as \"relu\" (or a "
                           "LeakyReLU(...) object on Dense and Conv layers), got " +
                           v.describe());
  if (name == "leaky_relu" || nn::isKerasActivation(name))
    return name;
  std::string list;
  for (llvm::StringRef n : nn::knownActivations())
    list += (list.empty() ? "" : ", ") + n.str();
  fail(a.posOf(arg), "unknown activation \"" + name + "\"" +
                         didYouMean(name, nn::knownActivations()) + " (known: " + list + ")");
}

std::string LayerEmitter::initializer(llvm::StringRef arg, llvm::StringRef def) {
  static const llvm::StringRef known[] = {"glorot_uniform", "glorot_normal", "he_uniform",
                                          "he_normal",      "lecun_uniform", "lecun_normal",
                                          "zeros",          "ones"};
  const Value &v = args().get(arg);
  if (v.kind == Value::Kind::Object || v.kind == Value::Kind::Class)
    fail(args().posOf(arg), layerObj.cls + " argument '" + arg.str() +
                                "': initializer objects are not supported; use a name "
                                "such as \"he_normal\"");
  return args().getChoice(arg, known, def);
}

void LayerEmitter::requireChannelsLast() {
  if (args().has("data_format") &&
      args().getChoice("data_format", {"channels_last", "channels_first"}) != "channels_last")
    fail(args().posOf("data_format"),
         layerObj.cls + " data_format=\"channels_first\" is not supported; nnc uses "
                        "channels_last (NHWC)");
}

void LayerEmitter::error(const std::string &message) { fail(layerObj.pos, message); }

// ---- ModelEmitter ---------------------------------------------------------

mlir::Value ModelEmitter::weight(Object &layer, llvm::StringRef suffix,
                                 llvm::ArrayRef<int64_t> shape, llvm::StringRef init,
                                 bool trainable) {
  std::string sym = layer.name + "." + suffix.str();
  auto type = mlir::RankedTensorType::get(shape, builder.getF32Type());
  int64_t count = 1;
  for (int64_t d : shape)
    if (__builtin_mul_overflow(count, d, &count) || count > (int64_t(1) << 31))
      fail(layer.pos, "layer '" + layer.name + "' would need a " + suffix.str() +
                          " of more than 2^31 values; reduce its size");
  auto var = module.lookupSymbol<nn::VariableOp>(sym);
  if (var && var.getType() != type)
    fail(layer.pos, "layer '" + layer.name + "' is applied to inputs of different shapes "
                    "(its weights cannot be shared)");
  if (!var) {
    mlir::OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPoint(forward);
    var = builder.create<nn::VariableOp>(loc(layer.pos), sym, type, init,
                                         trainable && layer.trainable, "weight", nullptr);
    layer.variables.push_back(sym);
  }
  return builder.create<nn::ReadOp>(loc(layer.pos), type, sym);
}

mlir::Value ModelEmitter::createOp(mlir::Location at, llvm::StringRef name,
                                   mlir::ValueRange operands,
                                   llvm::ArrayRef<mlir::NamedAttribute> attrs) {
  mlir::Operation *op = nn::createInferred(builder, at, name, operands, attrs);
  if (!op)
    throw ReportedError{};
  return op->getResult(0);
}

mlir::Type ModelEmitter::inputType(const InputSpec &spec) {
  llvm::SmallVector<int64_t> shape{spec.batch > 0 ? spec.batch : mlir::ShapedType::kDynamic};
  shape.append(spec.shape.begin(), spec.shape.end());
  return mlir::RankedTensorType::get(shape, builder.getF32Type());
}

/// The kernels index a sample's values in 32 bits: every tensor of the model holds at
/// most 2^31 - 1 values per sample.
static void checkPerSample(mlir::Value v, Pos pos, const std::string &what) {
  auto type = llvm::dyn_cast<mlir::RankedTensorType>(v.getType());
  if (!type || type.getRank() == 0)
    return;
  int64_t n = 1;
  for (int64_t d : type.getShape().drop_front())
    if (d != mlir::ShapedType::kDynamic &&
        (__builtin_mul_overflow(n, d, &n) || n >= (int64_t(1) << 31)))
      fail(pos, what + " " + nn::kerasShape(type.getShape()) +
                    " has more than 2^31 values per sample; reduce its size");
}

mlir::Value ModelEmitter::applyLayer(Object &layer, llvm::ArrayRef<mlir::Value> inputs) {
  auto [it, fresh] = layerNames.try_emplace(layer.name, &layer);
  if (!fresh && it->second != &layer)
    fail(layer.pos, "layer name '" + layer.name + "' is used by two layers; layer names "
                    "must be unique");
  for (mlir::Value in : inputs)
    checkPerSample(in, layer.pos, layer.cls + " input");
  LayerEmitter e(*this, layer);
  mlir::Value out = layer.row->emit(e, inputs);
  if (out)
    checkPerSample(out, layer.pos, layer.cls + " output");
  return out;
}

void ModelEmitter::emitSequential(Object &model) {
  if (model.layers.empty())
    fail(model.pos, "the Sequential model has no layers");
  std::optional<InputSpec> spec = model.inputSpec;
  if (!spec)
    spec = model.layers.front()->inputSpec;
  if (!spec)
    fail(model.layers.front()->pos,
         "the model's input shape is unknown: give the first layer input_shape=(...) or "
         "start the model with Input(shape=(...))");
  for (size_t i = model.inputSpec ? 0 : 1; i < model.layers.size(); ++i)
    if (model.layers[i]->inputSpec)
      mlir::emitWarning(loc(model.layers[i]->inputSpec->pos))
          << "input_shape only matters on the first layer of a Sequential model; ignored";
  std::string inputName = spec->name.empty() ? model.layers.front()->name + "_input"
                                             : spec->name;
  forward.insertArgument(0u, inputType(*spec),
                         builder.getDictionaryAttr(builder.getNamedAttr(
                             "nn.name", builder.getStringAttr(inputName))),
                         loc(spec->pos));
  mlir::Value v = forward.getArgument(0);
  for (auto &layer : model.layers) {
    if (layer->kind != Object::Kind::Functional) {
      v = applyLayer(*layer, {v});
      continue;
    }
    // A functional base: its graph, its input bound to the running value.
    auto inputType = llvm::cast<mlir::RankedTensorType>(v.getType());
    const InputSpec &in = *layer->inputs[0]->input;
    if (inputType.getShape().drop_front() != llvm::ArrayRef<int64_t>(in.shape)) {
      llvm::SmallVector<int64_t> expected{mlir::ShapedType::kDynamic};
      expected.append(in.shape.begin(), in.shape.end());
      fail(layer->pos, "model '" + layer->name + "' expects inputs of shape " +
                           nn::kerasShape(expected) + ", but the layer before it gives " +
                           nn::kerasShape(inputType.getShape()));
    }
    emitted[layer->inputs[0].get()] = v;
    v = emitNode(layer->outputs[0]);
  }
  builder.create<mlir::func::ReturnOp>(loc(model.pos), v);
}

mlir::Value ModelEmitter::emitNode(const std::shared_ptr<TensorNode> &root) {
  // Post-order over the graph with an explicit stack: models may be deep.
  std::vector<std::pair<TensorNode *, bool>> stack{{root.get(), false}};
  while (!stack.empty()) {
    auto [node, expanded] = stack.back();
    if (emitted.count(node)) {
      stack.pop_back();
      continue;
    }
    if (node->input)
      fail(node->pos, "the model's output depends on Input '" + node->input->name +
                          "', which is not among Model(inputs=...)");
    if (!expanded) {
      stack.back().second = true;
      for (auto &in : llvm::reverse(node->inputs))
        if (!emitted.count(in.get()))
          stack.push_back({in.get(), false});
      continue;
    }
    stack.pop_back();
    llvm::SmallVector<mlir::Value> inputs;
    for (auto &in : node->inputs)
      inputs.push_back(emitted.lookup(in.get()));
    emitted[node] = applyLayer(*node->layer, inputs);
  }
  return emitted.lookup(root.get());
}

void ModelEmitter::emitFunctional(Object &model) {
  module->setAttr("nn.functional", builder.getUnitAttr());
  for (auto [i, in] : llvm::enumerate(model.inputs)) {
    forward.insertArgument(i, inputType(*in->input),
                           builder.getDictionaryAttr(builder.getNamedAttr(
                               "nn.name", builder.getStringAttr(in->input->name))),
                           loc(in->pos));
    if (emitted.count(in.get()))
      fail(in->pos, "Input '" + in->input->name + "' is listed twice in Model(inputs=...)");
    emitted[in.get()] = forward.getArgument(i);
  }
  llvm::SmallVector<mlir::Value> outs;
  for (auto &out : model.outputs)
    outs.push_back(emitNode(out));
  builder.create<mlir::func::ReturnOp>(loc(model.pos), outs);
}

void ModelEmitter::emitLoss(Object &model) {
  const CompileSpec &spec = *model.compile;
  mlir::Location at = loc(spec.pos);
  auto fwdType = forward.getFunctionType();
  size_t outputs = fwdType.getNumResults();
  auto count = [](size_t n, const char *what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  if (!spec.losses.empty() && spec.losses.size() != outputs)
    fail(spec.lossPos, "compile loss=[...] gives " + count(spec.losses.size(), "loss") +
                           " for the model's " + count(outputs, "output") +
                           "; give one per output, in Model(outputs=...) order");
  if (!spec.lossWeights.empty() && spec.lossWeights.size() != outputs)
    fail(spec.weightsPos, "compile loss_weights gives " +
                              count(spec.lossWeights.size(), "weight") + " for the model's " +
                              count(outputs, "output") + "; give one per output");
  if (!spec.outputMetrics.empty() && spec.outputMetrics.size() != outputs)
    fail(spec.metricsPos, "compile metrics=[[...], ...] gives " +
                              count(spec.outputMetrics.size(), "list") + " for the model's " +
                              count(outputs, "output") + "; give one list per output (or "
                              "one flat list for all)");
  auto scalar = mlir::RankedTensorType::get({}, builder.getF32Type());
  llvm::SmallVector<mlir::Type> args(fwdType.getInputs());
  llvm::SmallVector<std::string> opNames;
  for (size_t i = 0; i < outputs; ++i) {
    auto pred = llvm::cast<mlir::RankedTensorType>(fwdType.getResult(i));
    opNames.push_back(lossOpName(spec.losses.empty() ? spec.loss : spec.losses[i]));
    mlir::Type labels = pred;
    if (opNames.back() == "nn.sparse_categorical_crossentropy")
      labels = mlir::RankedTensorType::get({pred.getDimSize(0)}, builder.getI32Type());
    args.push_back(labels);
  }
  mlir::OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module.getBody());
  auto fn = builder.create<mlir::func::FuncOp>(at, "loss",
                                               builder.getFunctionType(args, {scalar}));
  builder.setInsertionPointToStart(fn.addEntryBlock());
  size_t inputs = fwdType.getNumInputs();
  auto call = builder.create<mlir::func::CallOp>(at, forward,
                                                 fn.getArguments().take_front(inputs));
  llvm::SmallVector<mlir::Value> losses;
  for (size_t i = 0; i < outputs; ++i) {
    mlir::OperationState state(at, opNames[i]);
    state.addOperands({call.getResult(i), fn.getArgument(inputs + i)});
    if (lossFromLogits(spec.losses.empty() ? spec.loss : spec.losses[i]))
      state.addAttribute("from_logits", builder.getBoolAttr(true));
    state.addTypes(scalar);
    mlir::Operation *loss = builder.create(state);
    if (mlir::failed(mlir::verify(loss, false)))
      throw ReportedError{};
    losses.push_back(loss->getResult(0));
  }
  mlir::Value total = losses.front();
  if (outputs > 1) {
    llvm::SmallVector<float> weights(outputs, 1.0f);
    for (size_t i = 0; i < spec.lossWeights.size(); ++i)
      weights[i] = (float)spec.lossWeights[i];
    total = builder.create<nn::LossSumOp>(at, scalar, losses, weights);
  } else if (!spec.lossWeights.empty() && spec.lossWeights[0] != 1.0) {
    // Keras would scale the one loss (and so its gradients); nnc keeps it as it is.
    fail(spec.weightsPos, "loss_weights on a model of one output is not supported by nnc "
                          "(it only scales the loss); use loss_weights=[1.0] or scale the "
                          "learning rate");
  }
  builder.create<mlir::func::ReturnOp>(at, total);
}

mlir::OwningOpRef<mlir::ModuleOp> ModelEmitter::emit(Object &model) {
  mlir::OwningOpRef<mlir::ModuleOp> owned = mlir::ModuleOp::create(loc(model.pos), model.name);
  module = *owned;
  builder.setInsertionPointToEnd(module.getBody());
  forward = builder.create<mlir::func::FuncOp>(loc(model.pos), "forward",
                                               builder.getFunctionType({}, {}));
  builder.setInsertionPointToStart(forward.addEntryBlock());
  if (model.kind == Object::Kind::Sequential)
    emitSequential(model);
  else
    emitFunctional(model);
  auto ret = llvm::cast<mlir::func::ReturnOp>(forward.getBody().front().getTerminator());
  forward.setType(builder.getFunctionType(forward.getArgumentTypes(),
                                          ret.getOperandTypes()));
  if (model.kind != Object::Kind::Sequential && model.outputs.size() > 1)
    for (auto [i, out] : llvm::enumerate(model.outputs)) // named after their layers, as Keras
      forward.setResultAttr(i, "nn.name",
                            builder.getStringAttr(out->layer ? out->layer->name
                                                             : "output_" + std::to_string(i + 1)));
  if (model.compile)
    emitLoss(model);
  attachTrainingConfig(module, model.compile ? &*model.compile : nullptr,
                       model.fit ? &*model.fit : nullptr);
  return owned;
}

mlir::OwningOpRef<mlir::ModuleOp> emitModel(mlir::MLIRContext *ctx, llvm::StringRef filename,
                                            Object &model) {
  ctx->loadDialect<nn::NNDialect, mlir::func::FuncDialect>();
  return ModelEmitter(ctx, filename).emit(model);
}

} // namespace nnc::frontend

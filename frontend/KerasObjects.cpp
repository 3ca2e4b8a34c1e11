// Construction of Keras objects from evaluated call arguments: Input tensors, layers,
// Sequential and functional models, and layer application in the functional API.
#include "frontend/KerasObjects.h"

#include "frontend/LayerOrder.h"
#include "frontend/LayerTable.h"

#include "llvm/ADT/StringExtras.h"

namespace nnc::frontend {

TensorNode::~TensorNode() {
  std::vector<std::shared_ptr<TensorNode>> pending = std::move(inputs);
  while (!pending.empty()) {
    std::shared_ptr<TensorNode> node = std::move(pending.back());
    pending.pop_back();
    if (node.use_count() == 1)
      for (auto &in : node->inputs)
        pending.push_back(std::move(in));
  }
}

std::string snakeCase(llvm::StringRef name) {
  std::string a;
  // (.)([A-Z][a-z0-9]+) -> \1_\2
  for (size_t i = 0; i < name.size(); ++i) {
    if (i > 0 && llvm::isUpper(name[i]) && i + 1 < name.size() &&
        (llvm::isLower(name[i + 1]) || llvm::isDigit(name[i + 1])))
      a += '_';
    a += name[i];
  }
  // ([a-z])([A-Z]) -> \1_\2
  std::string b;
  for (size_t i = 0; i < a.size(); ++i) {
    if (i > 0 && llvm::isLower(a[i - 1]) && llvm::isUpper(a[i]))
      b += '_';
    b += a[i];
  }
  return llvm::StringRef(b).lower();
}

Value objectValue(std::shared_ptr<Object> obj, Pos pos) {
  Value v;
  v.kind = Value::Kind::Object;
  v.pos = pos;
  v.object = std::move(obj);
  return v;
}

Value tensorValue(std::shared_ptr<TensorNode> node, Pos pos) {
  Value v;
  v.kind = Value::Kind::Tensor;
  v.pos = pos;
  v.tensor = std::move(node);
  return v;
}

std::string KerasObjects::uniqueName(llvm::StringRef cls) {
  std::string prefix = snakeCase(cls);
  int n = nameCounters[prefix]++;
  return n == 0 ? prefix : prefix + "_" + std::to_string(n);
}

std::string KerasObjects::uniqueInputName() {
  // Keras numbers inputs from 1: input_1, input_2, ...
  int n = ++nameCounters["input"];
  return "input_" + std::to_string(n);
}

/// Reads shape / batch / dtype keywords shared by Input, InputLayer and layers.
InputSpec KerasObjects::inputSpec(const Args &a, llvm::StringRef shapeArg, Pos pos) {
  InputSpec spec;
  spec.pos = pos;
  if (a.has("dtype")) {
    std::string dtype = a.getString("dtype");
    if (dtype != "float32")
      fail(a.posOf("dtype"), a.callee() + " dtype must be \"float32\", got \"" + dtype + "\"");
  }
  if (a.has("batch_input_shape")) {
    std::vector<int64_t> full;
    const Value &v = a.get("batch_input_shape");
    if (!v.isSequence() || v.items.size() < 2)
      fail(a.posOf("batch_input_shape"),
           "batch_input_shape must be a tuple (batch, ...dims)");
    Value rest = v;
    rest.items.erase(rest.items.begin());
    Args tmp = Args::bind({a.callee(), {"shape"}}, pos, {rest}, {});
    spec.shape = tmp.getShape("shape");
    if (v.items[0].kind == Value::Kind::Int) {
      if (v.items[0].number < 1)
        fail(a.posOf("batch_input_shape"),
             "batch_input_shape's batch size must be positive or None, got " +
                 formatNumber(v.items[0].number));
      spec.batch = (int64_t)v.items[0].number;
    }
    return spec;
  }
  if (a.has("input_dim") && !a.has(shapeArg)) {
    spec.shape = {a.getPositiveInt("input_dim")};
  } else {
    spec.shape = a.getShape(shapeArg);
  }
  if (a.has("batch_size"))
    spec.batch = a.getPositiveInt("batch_size");
  return spec;
}

Value KerasObjects::makeInput(Pos pos, const CallArgs &ca) {
  static const Signature sig{"Input", {"shape", "batch_size", "name", "dtype", "!sparse",
                                       "!tensor", "!ragged", "!type_spec"},
                             {"batch_input_shape"}};
  Args a = Args::bind(sig, pos, ca.positional, ca.keywords);
  if (!a.has("shape") && !a.has("batch_input_shape"))
    fail(pos, "Input needs shape=(...), e.g. Input(shape=(28, 28, 1))");
  auto node = std::make_shared<TensorNode>();
  node->pos = pos;
  node->input = inputSpec(a, "shape", pos);
  node->input->name = a.has("name") ? a.getString("name") : uniqueInputName();
  return tensorValue(node, pos);
}

Value KerasObjects::makeLayer(const std::string &cls, Pos pos, const CallArgs &ca) {
  auto obj = std::make_shared<Object>();
  obj->kind = Object::Kind::Layer;
  obj->cls = cls;
  obj->pos = pos;
  if (cls == "InputLayer") {
    static const Signature sig{"InputLayer",
                               {"input_shape", "batch_size", "dtype", "!input_tensor",
                                "!sparse", "name", "!ragged", "!type_spec"},
                               {"batch_input_shape", "shape"}};
    obj->args = Args::bind(sig, pos, ca.positional, ca.keywords);
    const char *shapeArg = obj->args.has("shape") ? "shape" : "input_shape";
    if (!obj->args.has(shapeArg) && !obj->args.has("batch_input_shape"))
      fail(pos, "InputLayer needs input_shape=(...), e.g. InputLayer(input_shape=(28, 28))");
    obj->inputSpec = inputSpec(obj->args, shapeArg, pos);
    obj->name = obj->args.has("name") ? obj->args.getString("name") : uniqueInputName();
    obj->inputSpec->name = obj->name;
  } else {
    const LayerRow *row = findLayer(cls);
    obj->row = row;
    Signature sig{cls, row->params,
                  std::vector<llvm::StringRef>(commonLayerKeywords().begin(),
                                               commonLayerKeywords().end())};
    obj->args = Args::bind(sig, pos, ca.positional, ca.keywords);
    const Args &a = obj->args;
    obj->name = a.has("name") ? a.getString("name") : uniqueName(cls);
    if (obj->name.empty())
      fail(a.posOf("name"), "a layer name must not be empty");
    if (llvm::StringRef(obj->name).starts_with("fit/"))
      fail(a.posOf("name"), "layer name '" + obj->name + "' starts with 'fit/', which "
                            "checkpoints reserve for fit's own state; choose another name");
    obj->trainable = a.getBool("trainable", true);
    if (a.has("input_shape") || a.has("batch_input_shape") || a.has("input_dim"))
      obj->inputSpec = inputSpec(a, "input_shape", a.posOf(a.has("input_shape")
                                                               ? "input_shape"
                                                               : a.has("input_dim")
                                                                     ? "input_dim"
                                                                     : "batch_input_shape"));
    if (a.has("dtype") && a.getString("dtype") != "float32")
      fail(a.posOf("dtype"), cls + " dtype must be \"float32\"");
  }
  return objectValue(obj, pos);
}

std::shared_ptr<Object> KerasObjects::makeSequential(Pos pos, const CallArgs &ca) {
  static const Signature sig{"Sequential", {"layers", "name"}, {"trainable"}};
  Args a = Args::bind(sig, pos, ca.positional, ca.keywords);
  auto model = std::make_shared<Object>();
  model->kind = Object::Kind::Sequential;
  model->cls = "Sequential";
  model->pos = pos;
  model->name = a.has("name") ? a.getString("name") : uniqueName("Sequential");
  if (a.has("layers")) {
    const Value &layers = a.get("layers");
    if (!layers.isSequence())
      fail(layers.pos, "Sequential expects a list of layers, got " + layers.describe());
    for (const Value &item : layers.items)
      KerasObjects::addToSequential(*model, item);
  }
  if (!a.getBool("trainable", true))
    KerasObjects::setTrainable(*model, false);
  return model;
}

void KerasObjects::addToSequential(Object &model, const Value &item) {
  bool first = model.layers.empty() && !model.inputSpec;
  if (item.kind == Value::Kind::Tensor && item.tensor->input) {
    if (!first)
      fail(item.pos, "Input(...) must come first in a Sequential model");
    model.inputSpec = item.tensor->input;
    return;
  }
  if (item.kind == Value::Kind::Object && item.object->kind == Object::Kind::Sequential) {
    // A Sequential used as a layer (a convolutional base): its layers, shared, so
    // base.trainable = False later still freezes them.
    const Object &inner = *item.object;
    if (&inner == &model)
      fail(item.pos, "a model cannot be added to itself");
    if (inner.inputSpec) {
      if (!first)
        fail(item.pos, "a Sequential with an Input must come first in a Sequential model");
      model.inputSpec = inner.inputSpec;
    }
    for (const auto &layer : inner.layers) {
      Value v = item;
      v.object = layer;
      addToSequential(model, v);
    }
    return;
  }
  if (item.kind == Value::Kind::Object && item.object->kind == Object::Kind::Functional) {
    // A functional model used as a layer (keras.applications' bases): one entry of
    // `layers`, as in Keras, whose graph the Sequential model runs.
    const Object &inner = *item.object;
    if (inner.inputs.size() != 1)
      fail(item.pos, "a functional model inside a Sequential model needs one input; '" +
                         inner.name + "' has " + std::to_string(inner.inputs.size()));
    if (first)
      model.inputSpec = inner.inputs[0]->input;
    if (llvm::is_contained(model.layers, item.object))
      fail(item.pos, "model '" + inner.name + "' is already in this Sequential model");
    model.layers.push_back(item.object);
    return;
  }
  if (item.kind != Value::Kind::Object || item.object->kind != Object::Kind::Layer)
    fail(item.pos, "Sequential takes layers, got " + item.describe());
  Object &layer = *item.object;
  if (layer.cls == "InputLayer") {
    if (!first)
      fail(item.pos, "InputLayer must come first in a Sequential model");
    model.inputSpec = layer.inputSpec;
    return;
  }
  if (layer.row->listInput)
    fail(item.pos, layer.cls + " merges several tensors; use it in the functional API: " +
                       layer.cls + "()([a, b])");
  if (llvm::is_contained(model.layers, item.object))
    fail(item.pos, "layer '" + layer.name + "' is already in this Sequential model; Keras "
                   "refuses a layer twice in a Sequential (names must be unique). To apply one "
                   "layer twice with shared weights, use the functional API: y = d(d(x))");
  model.layers.push_back(item.object);
}

std::shared_ptr<Object> KerasObjects::makeFunctional(Pos pos, const CallArgs &ca) {
  static const Signature sig{"Model", {"inputs", "outputs", "name"}, {"trainable"}};
  Args a = Args::bind(sig, pos, ca.positional, ca.keywords);
  auto model = std::make_shared<Object>();
  model->kind = Object::Kind::Functional;
  model->cls = "Model";
  model->pos = pos;
  model->name = a.has("name") ? a.getString("name") : uniqueName("Model");
  model->inputs = tensors(a, "inputs", /*inputsOnly=*/true);
  model->outputs = tensors(a, "outputs", false);
  model->layers = kerasLayerOrder(model->inputs, model->outputs);
  if (!a.getBool("trainable", true))
    setTrainable(*model, false);
  return model;
}

std::vector<std::shared_ptr<TensorNode>> KerasObjects::tensors(const Args &a, llvm::StringRef name,
                                                 bool inputsOnly) {
  if (!a.has(name))
    fail(a.pos(), "Model needs " + name.str() + "=...");
  const Value &v = a.get(name);
  std::vector<Value> items = v.isSequence() ? v.items : std::vector<Value>{v};
  std::vector<std::shared_ptr<TensorNode>> out;
  for (const Value &item : items) {
    if (item.kind != Value::Kind::Tensor)
      fail(item.pos, "Model " + name.str() + " must be tensors, got " + item.describe());
    if (inputsOnly && !item.tensor->input)
      fail(item.pos, "Model inputs must come from Input(...)");
    if (!inputsOnly && llvm::is_contained(out, item.tensor))
      fail(item.pos, "this tensor is listed twice in Model(" + name.str() + "=...)");
    out.push_back(item.tensor);
  }
  if (out.empty())
    fail(a.posOf(name), "Model " + name.str() + " must not be empty");
  return out;
}

Value KerasObjects::applyLayer(const std::shared_ptr<Object> &layer, Pos pos,
                                const CallArgs &ca) {
  if (layer->cls == "InputLayer")
    fail(pos, "an InputLayer cannot be called; use Input(shape=...) in the functional API");
  if (!ca.keywords.empty())
    fail(ca.keywords[0].second.pos, "calling a layer with keyword '" +
                                        ca.keywords[0].first + "' is not supported");
  if (ca.positional.size() != 1)
    fail(pos, layer->cls + " is called on one tensor (or one list of tensors), got " +
                    std::to_string(ca.positional.size()) + " arguments");
  const Value &arg = ca.positional[0];
  auto node = std::make_shared<TensorNode>();
  node->pos = pos;
  node->layer = layer;
  std::vector<Value> items = arg.isSequence() ? arg.items : std::vector<Value>{arg};
  node->listInput = arg.isSequence();
  if (layer->row->listInput != node->listInput)
    fail(arg.pos, layer->cls + (layer->row->listInput ? " takes a list of tensors, e.g. " +
                                                            layer->cls + "()([a, b])"
                                                      : " takes one tensor, not a list"));
  for (const Value &item : items) {
    if (item.kind != Value::Kind::Tensor)
      fail(item.pos, layer->cls + " must be called on a tensor, got " + item.describe());
    node->inputs.push_back(item.tensor);
  }
  return tensorValue(node, pos);
}

void KerasObjects::setTrainable(Object &obj, bool on) {
  obj.trainable = on;
  for (auto &layer : obj.layers)
    setTrainable(*layer, on);
}

} // namespace nnc::frontend

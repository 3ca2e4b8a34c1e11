// Evaluates a parsed .nn program: imports, assignments, layer and model
// construction, and the model.add / compile / fit calls.
#include "frontend/Interpreter.h"

#include "frontend/Builtins.h"
#include "frontend/KerasObjects.h"
#include "frontend/LayerTable.h"
#include "frontend/TrainingConfig.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

#include <cmath>
#include <map>

namespace nnc::frontend {

namespace {

/// Module path components that lead to Keras classes.
const llvm::StringRef kKerasModules[] = {
    "tf",        "tensorflow", "keras",      "layers",       "models",
    "optimizers", "losses",    "metrics",    "callbacks",    "activations",
    "initializers", "experimental", "preprocessing", "legacy", "nn"};

/// Module path components under which nothing is compiled (data, plotting...).
const llvm::StringRef kRuntimeModules[] = {"datasets", "utils", "applications", "image",
                                           "backend", "saving", "io", "data"};

/// Model methods that belong to the compiled binary, with what to run instead.
const std::pair<llvm::StringRef, llvm::StringRef> kRuntimeMethods[] = {
    {"evaluate", "./model evaluate --data ..."},
    {"predict", "./model predict --weights W FILE..."},
    {"save", "./model fit ... (checkpoints are written by the binary)"},
    {"save_weights", "./model fit ... (checkpoints are written by the binary)"},
    {"load_weights", "./model ... --weights W"},
    {"to_json", "nnc model.nn --emit=mlir"},
    {"get_weights", "the C API (NAME_save)"},
    {"set_weights", "the C API (NAME_load)"},
};

/// Model methods the .nn language supports.
const llvm::StringRef kModelMethods[] = {"add", "compile", "fit", "summary"};

class Interpreter {
public:
  std::shared_ptr<Object> run(const std::vector<Stmt> &program, Pos end) {
    for (const Stmt &s : program)
      statement(s);
    if (compiled)
      return compiled;
    if (lastModel)
      return lastModel;
    fail(end, "no model found: build one with Sequential([...]) or Model(inputs, outputs)");
  }

private:
  std::map<std::string, Value> env;
  KerasObjects objects;
  std::shared_ptr<Object> compiled, lastModel;

  // ---- statements -------------------------------------------------------

  void statement(const Stmt &s) {
    switch (s.kind) {
    case Stmt::Kind::Import:
      for (const auto &b : s.imports)
        env[b.local] = importValue(b.path, b.pos);
      return;
    case Stmt::Kind::Assign: {
      Value v = eval(*s.value);
      for (const ExprPtr &target : s.targets)
        assign(*target, v);
      return;
    }
    case Stmt::Kind::Expr:
      if (s.value->kind != Expr::Kind::Call)
        fail(s.value->pos, "this statement has no effect; a .nn file builds, compiles "
                           "and fits a model");
      eval(*s.value);
      return;
    case Stmt::Kind::For: {
      Value items = eval(*s.value);
      if (!items.isSequence())
        fail(s.value->pos, "'for' needs a list or tuple (such as model.layers), got " +
                               items.describe());
      for (const Value &item : items.items) {
        assign(*s.targets[0], item);
        for (const Stmt &inner : s.body)
          statement(inner);
      }
      return;
    }
    case Stmt::Kind::If:
      for (const Stmt &inner : truth(eval(*s.value)) ? s.body : s.orelse)
        statement(inner);
      return;
    }
  }

  /// Python's truth value of the kinds a condition can have here.
  static bool truth(const Value &v) {
    switch (v.kind) {
    case Value::Kind::Bool:
    case Value::Kind::Int:
    case Value::Kind::Float: return v.number != 0;
    case Value::Kind::String: return !v.text.empty();
    case Value::Kind::List:
    case Value::Kind::Tuple: return !v.items.empty();
    case Value::Kind::None: return false;
    default: fail(v.pos, "a condition must be a bool, number, string or list, got " + v.describe());
    }
  }

  Value importValue(const std::string &path, Pos pos) {
    llvm::StringRef last = llvm::StringRef(path).rsplit('.').second;
    if (last.empty())
      last = path;
    std::string root = path.substr(0, path.find('.'));
    bool keras = root == "tensorflow" || root == "keras" || root == "tf";
    Value v;
    v.pos = pos;
    if (keras && isClassName(last)) {
      v.kind = Value::Kind::Class;
      v.text = canonicalClass(last);
    } else {
      v.kind = Value::Kind::Namespace;
      v.text = path;
    }
    return v;
  }

  void assign(const Expr &target, const Value &v) {
    if (target.kind == Expr::Kind::Name) {
      env[target.text] = v;
      return;
    }
    if (target.kind == Expr::Kind::Tuple || target.kind == Expr::Kind::List) {
      if (!v.isSequence() || v.items.size() != target.items.size())
        fail(target.pos, "cannot unpack " + v.describe() + " into " +
                             std::to_string(target.items.size()) + " names");
      for (size_t i = 0; i < v.items.size(); ++i)
        assign(*target.items[i], v.items[i]);
      return;
    }
    if (target.kind == Expr::Kind::Attribute) {
      Value obj = eval(*target.base);
      if (obj.kind != Value::Kind::Object || target.text != "trainable")
        fail(target.pos, "only the 'trainable' attribute of a layer or model can be set");
      if (v.kind != Value::Kind::Bool)
        fail(v.pos, "'trainable' must be True or False, got " + v.describe());
      objects.setTrainable(*obj.object, v.number != 0);
      return;
    }
    fail(target.pos, "cannot assign to this expression");
  }

  // ---- expressions ------------------------------------------------------

  static bool isClassName(llvm::StringRef name) {
    Object::Kind kind;
    std::string canonical;
    return findLayer(name) || findConfigClass(name, kind, canonical) || name == "Input" ||
           name == "InputLayer" || name == "Sequential" || name == "Model" ||
           name == "Functional";
  }

  static std::string canonicalClass(llvm::StringRef name) {
    if (const LayerRow *row = findLayer(name))
      return row->cls.str();
    Object::Kind kind;
    std::string canonical;
    if (findConfigClass(name, kind, canonical))
      return canonical;
    if (name == "Functional")
      return "Model";
    return name.str();
  }

  static std::vector<llvm::StringRef> allClassNames() {
    std::vector<llvm::StringRef> names = layerNames();
    for (llvm::StringRef n : configClassNames())
      names.push_back(n);
    for (llvm::StringRef n : {"Input", "InputLayer", "Sequential", "Model"})
      names.push_back(n);
    return names;
  }

  Value eval(const Expr &e) {
    Value v;
    v.pos = e.pos;
    switch (e.kind) {
    case Expr::Kind::Int:
      v.kind = Value::Kind::Int;
      v.number = e.number;
      if (std::fabs(e.number) > 9.0e15)
        fail(e.pos, "integer " +
                        (e.text.size() <= 40 ? e.text : e.text.substr(0, 37) + "...") +
                        " is too large");
      return v;
    case Expr::Kind::Float:
      v.kind = Value::Kind::Float;
      v.number = e.number;
      return v;
    case Expr::Kind::String:
      v.kind = Value::Kind::String;
      v.text = e.text;
      return v;
    case Expr::Kind::Bool:
      v.kind = Value::Kind::Bool;
      v.number = e.number;
      return v;
    case Expr::Kind::None:
      return v;
    case Expr::Kind::Tuple:
    case Expr::Kind::List:
      v.kind = e.kind == Expr::Kind::Tuple ? Value::Kind::Tuple : Value::Kind::List;
      for (const ExprPtr &item : e.items)
        v.items.push_back(eval(*item));
      return v;
    case Expr::Kind::Unary:
      return unary(e);
    case Expr::Kind::Binary:
      return binary(e);
    case Expr::Kind::Name:
      return name(e);
    case Expr::Kind::Attribute:
      return attribute(e);
    case Expr::Kind::Call:
      return call(e);
    }
    fail(e.pos, "unsupported expression");
  }

  Value unary(const Expr &e) {
    Value v = eval(*e.base);
    if (e.text == "not") {
      Value r;
      r.pos = e.pos;
      r.kind = Value::Kind::Bool;
      r.number = truth(v) ? 0 : 1;
      return r;
    }
    if (!v.isNumber())
      fail(e.pos, "unary '" + e.text + "' needs a number, got " + v.describe());
    if (e.text == "-")
      v.number = -v.number;
    v.pos = e.pos;
    return v;
  }

  Value binary(const Expr &e) {
    Value a = eval(*e.base), b = eval(*e.rhs);
    return binaryOp(e, a, b);
  }

  /// layer.name, layer.trainable, model.layers.
  Value objectAttribute(const Expr &e, const Value &base) {
    const Object &obj = *base.object;
    Value v;
    v.pos = e.pos;
    if (e.text == "name") {
      v.kind = Value::Kind::String;
      v.text = obj.name;
      return v;
    }
    if (e.text == "trainable") {
      v.kind = Value::Kind::Bool;
      v.number = obj.trainable;
      return v;
    }
    bool isModel = obj.kind == Object::Kind::Sequential || obj.kind == Object::Kind::Functional;
    if (e.text == "layers" && isModel) {
      v.kind = Value::Kind::List;
      for (const auto &layer : obj.layers) {
        Value item;
        item.pos = e.pos;
        item.kind = Value::Kind::Object;
        item.object = layer;
        v.items.push_back(item);
      }
      return v;
    }
    fail(e.pos, "attribute '" + e.text + "' of " + base.describe() +
                    " is not part of the .nn language (name, trainable" +
                    (isModel ? ", layers" : "") + " are)");
  }

  Value name(const Expr &e) {
    auto it = env.find(e.text);
    if (it != env.end()) {
      Value v = it->second;
      v.pos = e.pos;
      return v;
    }
    Value v;
    v.pos = e.pos;
    if (isClassName(e.text)) {
      v.kind = Value::Kind::Class;
      v.text = canonicalClass(e.text);
      return v;
    }
    if (e.text == "tf" || e.text == "keras" || e.text == "tensorflow") {
      v.kind = Value::Kind::Namespace;
      v.text = e.text;
      return v;
    }
    std::vector<llvm::StringRef> known;
    for (auto &kv : env)
      known.push_back(kv.first);
    for (llvm::StringRef n : allClassNames())
      known.push_back(n);
    fail(e.pos, "name '" + e.text + "' is not defined" + didYouMean(e.text, known));
  }

  static bool kerasRooted(llvm::StringRef path) {
    llvm::StringRef root = path.split('.').first;
    return root == "tf" || root == "tensorflow" || root == "keras";
  }

  static bool underRuntimeModule(llvm::StringRef path) {
    llvm::SmallVector<llvm::StringRef> parts;
    path.split(parts, '.');
    return llvm::any_of(parts, [](llvm::StringRef p) {
      return llvm::is_contained(kRuntimeModules, p);
    });
  }

  Value attribute(const Expr &e) {
    Value base = eval(*e.base);
    Value v;
    v.pos = e.pos;
    if (base.kind == Value::Kind::Namespace) {
      std::string path = base.text + "." + e.text;
      if (kerasRooted(path) && isClassName(e.text)) {
        v.kind = Value::Kind::Class;
        v.text = canonicalClass(e.text);
        return v;
      }
      llvm::StringRef parent = llvm::StringRef(base.text).rsplit('.').second;
      if (parent.empty())
        parent = base.text;
      if (kerasRooted(path) && parent == "layers" && !mergeFunctionClass(e.text).empty()) {
        v.kind = Value::Kind::Function;
        v.text = mergeFunctionClass(e.text).str();
        return v;
      }
      bool function = parent == "nn" || parent == "activations"; // tf.nn.relu
      if (kerasRooted(path) && !underRuntimeModule(path) && !function &&
          !llvm::is_contained(kKerasModules, e.text)) {
        std::vector<llvm::StringRef> known(std::begin(kKerasModules), std::end(kKerasModules));
        for (llvm::StringRef n : kRuntimeModules)
          known.push_back(n);
        for (llvm::StringRef n : allClassNames())
          known.push_back(n);
        bool looksLikeClass = !e.text.empty() && llvm::isUpper(e.text[0]);
        std::string written = e.dottedName();
        fail(e.pos, std::string(looksLikeClass ? "unknown Keras class '" : "unknown module '") +
                        e.text + "' in '" + (written.empty() ? path : written) + "'" +
                        didYouMean(e.text, known));
      }
      v.kind = Value::Kind::Namespace;
      v.text = path;
      return v;
    }
    if (base.kind == Value::Kind::Object && base.object)
      return objectAttribute(e, base);
    fail(e.pos, "attribute '" + e.text + "' of " + base.describe() +
                    " is not part of the .nn language");
  }

  // ---- calls ------------------------------------------------------------

  CallArgs evalArgs(const Expr &call) {
    CallArgs a;
    for (const ExprPtr &item : call.items)
      a.positional.push_back(eval(*item));
    for (const Keyword &k : call.keywords) {
      Value v = eval(*k.value);
      v.pos = k.pos;
      a.keywords.push_back({k.name, v});
    }
    return a;
  }

  Value call(const Expr &e) {
    const Expr &callee = *e.base;
    // Methods of models: model.add(...), model.compile(...), ...
    if (callee.kind == Expr::Kind::Attribute) {
      Value base = eval(*callee.base);
      if (base.kind == Value::Kind::Object)
        return method(base.object, callee, e);
    }
    if (callee.kind == Expr::Kind::Name && !env.count(callee.text) &&
        isBuiltinFunction(callee.text))
      return callBuiltin(callee.text, e.pos, evalArgs(e));
    if (callee.kind == Expr::Kind::Name && !env.count(callee.text) &&
        !isClassName(callee.text)) {
      std::vector<llvm::StringRef> classes = allClassNames();
      std::string near = nearest(callee.text, classes);
      if (!near.empty() && llvm::isUpper(callee.text[0]))
        fail(callee.pos, "unknown layer '" + callee.text + "'; did you mean '" + near + "'?");
      fail(callee.pos, callee.text + "(...) is not part of the .nn language" +
                           std::string(callee.text == "print"
                                           ? "; nnc compiles the model, use `nnc "
                                             "model.nn --emit=summary` to inspect it"
                                           : ""));
    }
    Value fn = eval(callee);
    switch (fn.kind) {
    case Value::Kind::Class:
      return construct(fn.text, e);
    case Value::Kind::Function:
      return mergeCall(fn.text, e);
    case Value::Kind::Object:
      if (fn.object->kind == Object::Kind::Layer)
        return objects.applyLayer(fn.object, e.pos, evalArgs(e));
      fail(e.pos, "calling " + fn.describe() + " is not supported");
    case Value::Kind::Namespace: {
      std::string path = callee.dottedName();
      if (path.empty())
        path = fn.text;
      if (underRuntimeModule(fn.text) && kerasRooted(fn.text))
        fail(callee.pos, "'" + path + "(...)' is not part of the .nn language: data is "
                         "bound when the compiled model runs (`./model fit --data "
                         "fashion_mnist`, `--data images:DIR`)");
      if (kerasRooted(fn.text))
        fail(callee.pos, "'" + path + "' is not supported by nnc");
      fail(callee.pos, "'" + path + "(...)' is not part of the .nn language");
    }
    default:
      fail(callee.pos, fn.describe() + " is not callable");
    }
  }

  /// layers.add([a, b], name=...): an Add layer built from the keywords, applied to
  /// the list.
  Value mergeCall(const std::string &cls, const Expr &e) {
    CallArgs ca = evalArgs(e);
    if (ca.positional.size() != 1)
      fail(e.pos, "layers." + snakeCase(cls) + "(...) takes one list of tensors, got " +
                      std::to_string(ca.positional.size()) + " positional arguments");
    CallArgs layerArgs{{}, ca.keywords};
    Value layer = objects.makeLayer(cls, e.pos, layerArgs);
    return objects.applyLayer(layer.object, e.pos, {{ca.positional[0]}, {}});
  }

  Value construct(const std::string &cls, const Expr &e) {
    CallArgs ca = evalArgs(e);
    if (cls == "Input")
      return objects.makeInput(e.pos, ca);
    if (cls == "Sequential")
      return objectValue(lastModel = objects.makeSequential(e.pos, ca), e.pos);
    if (cls == "Model")
      return objectValue(lastModel = objects.makeFunctional(e.pos, ca), e.pos);
    if (cls == "InputLayer" || findLayer(cls))
      return objects.makeLayer(cls, e.pos, ca);
    Object::Kind kind;
    std::string canonical;
    if (const Signature *sig = findConfigClass(cls, kind, canonical)) {
      auto obj = std::make_shared<Object>(Object{kind, canonical, e.pos,
                                                 Args::bind(*sig, e.pos, ca.positional,
                                                            ca.keywords)});
      validateConfigObject(*obj);
      return objectValue(obj, e.pos);
    }
    fail(e.pos, "'" + cls + "' is not supported by nnc");
  }

  // ---- model methods ----------------------------------------------------

  /// Evaluates an argument that names run-time data: undefined names are data.
  Value dataValue(const Expr &e) {
    if (e.kind == Expr::Kind::Name && !env.count(e.text)) {
      Value v;
      v.kind = Value::Kind::Data;
      v.text = e.text;
      v.pos = e.pos;
      return v;
    }
    if (e.kind == Expr::Kind::Tuple || e.kind == Expr::Kind::List) {
      Value v;
      v.kind = Value::Kind::Tuple;
      v.pos = e.pos;
      for (const ExprPtr &item : e.items)
        v.items.push_back(dataValue(*item));
      return v;
    }
    return eval(e);
  }

  Value method(const std::shared_ptr<Object> &self, const Expr &callee, const Expr &e) {
    Object &obj = *self;
    const std::string &m = callee.text;
    bool isModel = obj.kind == Object::Kind::Sequential || obj.kind == Object::Kind::Functional;
    if (!isModel)
      fail(callee.pos, "method '" + m + "' of " + obj.cls + " is not part of the .nn language");
    for (auto &[name, hint] : kRuntimeMethods)
      if (m == name)
        fail(callee.pos, "model." + m + "(...) runs in the compiled binary, not in the .nn "
                         "file: use `" + hint.str() + "`");
    if (!llvm::is_contained(kModelMethods, m))
      fail(callee.pos, "model has no method '" + m + "'" + didYouMean(m, kModelMethods));
    Value none;
    none.pos = e.pos;
    if (m == "summary")
      return none; // nnc model.nn --emit=summary prints it
    if (m == "add") {
      if (obj.kind != Object::Kind::Sequential)
        fail(callee.pos, "add(...) is a method of Sequential models");
      CallArgs ca = evalArgs(e);
      static const Signature sig{"Sequential.add", {"layer"}};
      Args a = Args::bind(sig, e.pos, ca.positional, ca.keywords);
      if (!a.has("layer"))
        fail(e.pos, "add(...) needs a layer");
      objects.addToSequential(obj, a.get("layer"));
      return none;
    }
    if (m == "compile") {
      CallArgs ca = evalArgs(e);
      obj.compile = parseCompile(Args::bind(compileSignature(), e.pos, ca.positional,
                                            ca.keywords));
      compiled = self;
      return none;
    }
    // fit: x, y and validation_data name data bound at run time.
    if (!obj.compile)
      fail(callee.pos, "model.fit(...) before model.compile(...): compile the model first");
    CallArgs ca;
    const Signature &sig = fitSignature();
    for (size_t i = 0; i < e.items.size(); ++i)
      ca.positional.push_back(i < 2 ? dataValue(*e.items[i]) : eval(*e.items[i]));
    for (const Keyword &k : e.keywords) {
      bool data = k.name == "x" || k.name == "y" || k.name == "validation_data";
      Value v = data ? dataValue(*k.value) : eval(*k.value);
      v.pos = k.pos;
      ca.keywords.push_back({k.name, v});
    }
    obj.fit = parseFit(Args::bind(sig, e.pos, ca.positional, ca.keywords));
    auto history = std::make_shared<Object>();
    history->kind = Object::Kind::History;
    history->cls = "History";
    return objectValue(history, e.pos);
  }
};

} // namespace

std::shared_ptr<Object> evaluateProgram(const std::vector<Stmt> &program, Pos end) {
  return Interpreter().run(program, end);
}

} // namespace nnc::frontend

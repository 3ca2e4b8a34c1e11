// model.compile / model.fit settings: optimizer, loss, metric and callback classes,
// their validation, and their form as module attributes.
#include "frontend/TrainingConfig.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

namespace nnc::frontend {

namespace {

/// One hyper-parameter with its Keras default.
struct Param {
  enum Type { Float, Int, Bool, Str } type;
  llvm::StringRef name;
  double number = 0;
  llvm::StringRef text = "";
};

Param f(llvm::StringRef n, double d) { return {Param::Float, n, d}; }
Param i(llvm::StringRef n, int64_t d) { return {Param::Int, n, (double)d}; }
Param b(llvm::StringRef n, bool d) { return {Param::Bool, n, d ? 1.0 : 0.0}; }
Param s(llvm::StringRef n, llvm::StringRef d) { return {Param::Str, n, 0, d}; }

struct ConfigClass {
  llvm::StringRef cls;
  std::vector<llvm::StringRef> aliases;
  Object::Kind kind;
  std::vector<Param> params;             // Keras positional order
  std::vector<llvm::StringRef> unsupported; // accepted only as None / False
  Signature sig = {};
};

std::vector<ConfigClass> &table() {
  static std::vector<ConfigClass> classes = [] {
    using K = Object::Kind;
    const std::vector<llvm::StringRef> optUnsupported = {
        "weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema",
        "ema_momentum", "ema_overwrite_frequency", "decay"};
    std::vector<ConfigClass> c = {
        {"SGD", {"sgd"}, K::Optimizer,
         {f("learning_rate", 0.01), f("momentum", 0.0), b("nesterov", false)},
         optUnsupported},
        {"Adam", {"adam"}, K::Optimizer,
         {f("learning_rate", 0.001), f("beta_1", 0.9), f("beta_2", 0.999),
          f("epsilon", 1e-7), b("amsgrad", false)},
         optUnsupported},
        {"RMSprop", {"rmsprop"}, K::Optimizer,
         {f("learning_rate", 0.001), f("rho", 0.9), f("momentum", 0.0), f("epsilon", 1e-7),
          b("centered", false)},
         optUnsupported},
        {"SparseCategoricalCrossentropy", {"sparse_categorical_crossentropy"}, K::Loss,
         {b("from_logits", false)}, {"ignore_class", "reduction"}},
        {"CategoricalCrossentropy", {"categorical_crossentropy"}, K::Loss,
         {b("from_logits", false), f("label_smoothing", 0.0), i("axis", -1)}, {"reduction"}},
        {"BinaryCrossentropy", {"binary_crossentropy"}, K::Loss,
         {b("from_logits", false), f("label_smoothing", 0.0), i("axis", -1)}, {"reduction"}},
        {"MeanSquaredError", {"mean_squared_error", "mse", "MSE"}, K::Loss, {}, {"reduction"}},
        {"ModelCheckpoint", {}, K::Callback,
         {s("filepath", ""), s("monitor", "val_loss"), i("verbose", 0),
          b("save_best_only", false), b("save_weights_only", false), s("mode", "auto"),
          s("save_freq", "epoch")},
         {"options", "initial_value_threshold"}},
        {"EarlyStopping", {}, K::Callback,
         {s("monitor", "val_loss"), f("min_delta", 0.0), i("patience", 0), i("verbose", 0),
          s("mode", "auto"), f("baseline", 0.0), b("restore_best_weights", false),
          i("start_from_epoch", 0)},
         {}},
    };
    for (ConfigClass &cc : c) {
      cc.sig.callee = cc.cls.str();
      for (const Param &p : cc.params)
        cc.sig.params.push_back(p.name);
      cc.sig.keywordOnly = cc.unsupported;
      cc.sig.keywordOnly.push_back("name");
      if (cc.kind == K::Optimizer)
        cc.sig.keywordOnly.push_back("lr"); // the legacy spelling of learning_rate
    }
    return c;
  }();
  return classes;
}

const ConfigClass *lookup(llvm::StringRef name) {
  for (const ConfigClass &cc : table())
    if (cc.cls == name)
      return &cc;
  return nullptr;
}

/// Finds a class by its string spelling in compile() ("adam", "mse").
const ConfigClass *lookupAlias(llvm::StringRef name, Object::Kind kind) {
  for (const ConfigClass &cc : table())
    if (cc.kind == kind && llvm::is_contained(cc.aliases, name))
      return &cc;
  return nullptr;
}

std::vector<llvm::StringRef> aliasesOf(Object::Kind kind) {
  std::vector<llvm::StringRef> out;
  for (const ConfigClass &cc : table())
    if (cc.kind == kind)
      out.insert(out.end(), cc.aliases.begin(), cc.aliases.end());
  return out;
}

const llvm::StringRef kMetrics[] = {"accuracy",
                                    "acc",
                                    "mse",
                                    "mae",
                                    "mean_squared_error",
                                    "mean_absolute_error",
                                    "binary_accuracy",
                                    "categorical_accuracy",
                                    "sparse_categorical_accuracy"};

double getParam(const Args &a, const Param &p) {
  switch (p.type) {
  case Param::Float: return a.getFloat(p.name, p.number);
  case Param::Int: return (double)a.getInt(p.name, (int64_t)p.number);
  case Param::Bool: return a.getBool(p.name, p.number != 0) ? 1.0 : 0.0;
  case Param::Str: return 0;
  }
  return 0;
}

/// Rejects a value outside [lo, hi) (or [lo, hi] when `closed`).
void checkRange(const Args &a, llvm::StringRef name, double lo, double hi, bool closed,
                double def) {
  double v = a.getFloat(name, def), f = (float)v; // compared as the float32 compiled in
  if (f < lo || f > hi || (!closed && f == hi))
    fail(a.posOf(name), a.callee() + " " + name.str() + " must be in [" +
                            formatNumber(lo) + ", " +
                            formatNumber(hi) + (closed ? "]" : ")") +
                            ", got " + formatNumber(v));
}

Object makeDefault(const ConfigClass &cc, Pos pos) {
  Object obj{cc.kind, cc.cls.str(), pos, Args::bind(cc.sig, pos, {}, {})};
  return obj;
}

} // namespace

const Signature *findConfigClass(llvm::StringRef name, Object::Kind &kind,
                                 std::string &canonical) {
  const ConfigClass *cc = lookup(name);
  if (!cc)
    return nullptr;
  kind = cc->kind;
  canonical = cc->cls.str();
  return &cc->sig;
}

std::vector<llvm::StringRef> configClassNames() {
  std::vector<llvm::StringRef> out;
  for (const ConfigClass &cc : table())
    out.push_back(cc.cls);
  return out;
}

void validateConfigObject(const Object &obj) {
  const ConfigClass *cc = lookup(obj.cls);
  const Args &a = obj.args;
  for (const Param &p : cc->params) {
    if (p.type == Param::Str) {
      if (cc->cls == "ModelCheckpoint" && p.name == "filepath") {
        if (a.getString("filepath").empty())
          fail(a.posOf("filepath"), "ModelCheckpoint filepath must not be empty");
        continue;
      }
      a.getString(p.name, p.text);
    } else if (!(cc->cls == "EarlyStopping" && p.name == "baseline")) {
      getParam(a, p);
    }
  }
  for (llvm::StringRef u : cc->unsupported) {
    const Value &v = a.get(u);
    if (v.kind != Value::Kind::None && !(v.kind == Value::Kind::Bool && v.number == 0))
      fail(a.posOf(u), obj.cls + " argument '" + u.str() + "' is not supported by nnc yet");
  }
  if (cc->kind == Object::Kind::Optimizer) {
    if (a.has("lr") && a.has("learning_rate"))
      fail(a.posOf("lr"), obj.cls + " got both lr and learning_rate");
    llvm::StringRef lrName = a.has("lr") ? "lr" : "learning_rate";
    double lr = a.getFloat(lrName, cc->params[0].number);
    if (!(lr > 0))
      fail(a.posOf(lrName), obj.cls + " learning_rate must be positive, got " +
                                formatNumber(lr));
    for (llvm::StringRef unit : {"momentum", "beta_1", "beta_2", "rho"})
      if (llvm::any_of(cc->params, [&](const Param &p) { return p.name == unit; }))
        checkRange(a, unit, 0, 1, false,
                   llvm::find_if(cc->params, [&](const Param &p) { return p.name == unit; })
                       ->number);
    if (a.has("epsilon") && !(a.getFloat("epsilon") > 0))
      fail(a.posOf("epsilon"), obj.cls + " epsilon must be positive");
    for (llvm::StringRef flag : {"amsgrad", "centered"})
      if (a.has(flag) && a.getBool(flag))
        fail(a.posOf(flag), obj.cls + " " + flag.str() + "=True is not supported by nnc yet");
  }
  if (cc->kind == Object::Kind::Loss) {
    if (a.has("label_smoothing") && a.getFloat("label_smoothing") != 0)
      fail(a.posOf("label_smoothing"), obj.cls + " label_smoothing is not supported by nnc yet");
    if (a.has("axis") && a.getInt("axis") != -1)
      fail(a.posOf("axis"), obj.cls + " axis must be -1");
  }
  if (cc->kind == Object::Kind::Callback) {
    a.getChoice("mode", {"auto", "min", "max"}, llvm::StringRef("auto"));
    if (cc->cls == "ModelCheckpoint")
      a.getChoice("save_freq", {"epoch"}, llvm::StringRef("epoch"));
    if (cc->cls == "EarlyStopping") {
      if (a.getInt("patience", 0) < 0)
        fail(a.posOf("patience"), "EarlyStopping patience must be >= 0");
      if (a.has("baseline"))
        a.getFloat("baseline");
    }
  }
}

const Signature &compileSignature() {
  static const Signature sig{"compile",
                             {"optimizer", "loss", "metrics", "loss_weights",
                              "!weighted_metrics", "run_eagerly", "steps_per_execution",
                              "jit_compile"}};
  return sig;
}

const Signature &fitSignature() {
  static const Signature sig{"fit",
                             {"x", "y", "batch_size", "epochs", "verbose", "callbacks",
                              "validation_split", "validation_data", "shuffle",
                              "!class_weight", "!sample_weight", "initial_epoch",
                              "!steps_per_epoch", "!validation_steps",
                              "!validation_batch_size", "!validation_freq", "max_queue_size",
                              "workers", "use_multiprocessing"}};
  return sig;
}

/// A string spelling or an object of `kind` as a Value holding an Object.
static Value configObject(Value v, const Args &a, llvm::StringRef arg, Object::Kind kind,
                          llvm::StringRef what, llvm::StringRef def) {
  if (v.kind == Value::Kind::None && !def.empty()) {
    v.kind = Value::Kind::String;
    v.text = def.str();
    v.pos = a.pos();
  }
  if (v.kind == Value::Kind::Object && v.object->kind == kind)
    return v;
  if (v.kind == Value::Kind::String) {
    std::vector<llvm::StringRef> names = aliasesOf(kind);
    std::string key = kind == Object::Kind::Optimizer ? llvm::StringRef(v.text).lower() : v.text;
    const ConfigClass *cc = lookupAlias(key, kind);
    if (!cc)
      fail(v.pos, "unknown " + what.str() + " \"" + v.text + "\"" +
                             didYouMean(v.text, names));
    Value out;
    out.kind = Value::Kind::Object;
    out.pos = v.pos;
    out.object = std::make_shared<Object>(makeDefault(*cc, v.pos));
    return out;
  }
  if (v.kind == Value::Kind::None)
    fail(a.pos(), "compile needs " + arg.str() + "=..., e.g. loss=\"sparse_categorical_crossentropy\"");
  fail(v.pos, "compile argument '" + arg.str() + "' must be a " + what.str() +
                  " name or object" + (kind == Object::Kind::Loss ? " (or a list of them, one per "
                                                                     "output)"
                                                                   : "") +
                  ", got " + v.describe());
}

static Value configValue(const Args &a, llvm::StringRef arg, Object::Kind kind,
                         llvm::StringRef what, llvm::StringRef def) {
  return configObject(a.get(arg), a, arg, kind, what, def);
}

/// One metrics=[...] list: names such as "accuracy".
static std::vector<std::string> metricNames(const Value &m) {
  std::vector<std::string> names;
  std::vector<Value> items = m.isSequence() ? m.items : std::vector<Value>{m};
  for (const Value &item : items) {
    if (item.kind != Value::Kind::String)
      fail(item.pos, "metrics must be names such as \"accuracy\" (or a list of them per "
                     "output), got " + item.describe());
    if (!llvm::is_contained(kMetrics, item.text))
      fail(item.pos, "unknown metric \"" + item.text + "\"" + didYouMean(item.text, kMetrics));
    names.push_back(item.text);
  }
  return names;
}

CompileSpec parseCompile(const Args &a) {
  CompileSpec spec;
  spec.pos = a.pos();
  spec.optimizer = configValue(a, "optimizer", Object::Kind::Optimizer, "optimizer", "rmsprop");
  const Value &loss = a.get("loss");
  spec.lossPos = a.has("loss") ? a.posOf("loss") : a.pos();
  if (loss.isSequence()) {
    if (loss.items.empty())
      fail(loss.pos, "compile loss=[] names no loss; give one per output");
    for (const Value &item : loss.items)
      spec.losses.push_back(configObject(item, a, "loss", Object::Kind::Loss, "loss", ""));
    spec.loss = spec.losses.front();
  } else {
    spec.loss = configValue(a, "loss", Object::Kind::Loss, "loss", "");
  }
  if (a.has("loss_weights")) {
    const Value &w = a.get("loss_weights");
    spec.weightsPos = a.posOf("loss_weights");
    if (!w.isSequence())
      fail(w.pos, "compile loss_weights must be a list of numbers, one per output, got " +
                      w.describe());
    for (const Value &item : w.items) {
      if (!item.isNumber() || item.number < 0)
        fail(item.pos, "compile loss_weights must be numbers >= 0, got " +
                           (item.isNumber() ? formatNumber(item.number) : item.describe()));
      spec.lossWeights.push_back(item.number);
    }
  }
  if (a.has("metrics")) {
    const Value &m = a.get("metrics");
    spec.metricsPos = a.posOf("metrics");
    bool perOutput = m.isSequence() && !m.items.empty() &&
                     llvm::all_of(m.items, [](const Value &v) { return v.isSequence(); });
    if (perOutput)
      for (const Value &list : m.items)
        spec.outputMetrics.push_back(metricNames(list));
    else
      spec.metrics = metricNames(m);
  }
  return spec;
}

FitSpec parseFit(const Args &a) {
  FitSpec spec;
  spec.pos = a.pos();
  spec.epochs = a.getPositiveInt("epochs", 1);
  spec.batchSize = a.getPositiveInt("batch_size", 32);
  spec.validationSplit = a.getFloat("validation_split", 0.0);
  // The runtime holds the split in millionths: 0.9999999 would hold back every sample.
  if (spec.validationSplit < 0 || (int64_t)(spec.validationSplit * 1e6 + 0.5) >= 1000000)
    fail(a.posOf("validation_split"), "fit validation_split must be in [0, 1), got " +
                                          formatNumber(spec.validationSplit));
  spec.validationData = a.has("validation_data");
  spec.shuffle = a.getBool("shuffle", true);
  const Value &verbose = a.get("verbose");
  if (verbose.kind == Value::Kind::String && verbose.text == "auto")
    spec.verbose = 1;
  else
    spec.verbose = a.getInt("verbose", 1);
  if (spec.verbose < 0 || spec.verbose > 2)
    fail(a.posOf("verbose"), "fit verbose must be 0, 1, 2 or \"auto\"");
  if (a.getInt("initial_epoch", 0) != 0)
    fail(a.posOf("initial_epoch"), "fit initial_epoch is not supported by nnc yet");
  if (a.has("callbacks")) {
    const Value &cbs = a.get("callbacks");
    if (!cbs.isSequence())
      fail(cbs.pos, "fit callbacks must be a list, got " + cbs.describe());
    for (const Value &cb : cbs.items) {
      if (cb.kind != Value::Kind::Object || cb.object->kind != Object::Kind::Callback)
        fail(cb.pos, "fit callbacks must be ModelCheckpoint or EarlyStopping objects, got " +
                         cb.describe());
      spec.callbacks.push_back(cb);
    }
  }
  return spec;
}

std::string lossOpName(const Value &loss) {
  return "nn." + lookup(loss.object->cls)->aliases.front().str();
}

bool lossFromLogits(const Value &loss) {
  return loss.object->args.getBool("from_logits", false);
}

/// All hyper-parameters of a config object, defaults filled in.
static mlir::DictionaryAttr objectAttr(mlir::Builder &b, const Object &obj,
                                       llvm::StringRef key) {
  const ConfigClass *cc = lookup(obj.cls);
  const Args &a = obj.args;
  llvm::SmallVector<mlir::NamedAttribute> attrs;
  attrs.push_back(b.getNamedAttr(key, b.getStringAttr(cc->aliases.empty()
                                                          ? cc->cls
                                                          : cc->aliases.front())));
  for (const Param &p : cc->params) {
    if (cc->cls == "EarlyStopping" && p.name == "baseline" && !a.has("baseline"))
      continue;
    llvm::StringRef name = p.name;
    mlir::Attribute v;
    if (p.name == "learning_rate" && a.has("lr"))
      v = b.getF32FloatAttr((float)a.getFloat("lr"));
    else if (p.type == Param::Float)
      v = b.getF32FloatAttr((float)a.getFloat(name, p.number));
    else if (p.type == Param::Int)
      v = b.getI64IntegerAttr(a.getInt(name, (int64_t)p.number));
    else if (p.type == Param::Bool)
      v = b.getBoolAttr(a.getBool(name, p.number != 0));
    else
      v = b.getStringAttr(a.getString(name, p.text));
    attrs.push_back(b.getNamedAttr(name, v));
  }
  return b.getDictionaryAttr(attrs);
}

void attachTrainingConfig(mlir::ModuleOp module, const CompileSpec *compile,
                          const FitSpec *fit) {
  mlir::Builder b(module.getContext());
  if (compile) {
    module->setAttr("nn.optimizer", objectAttr(b, *compile->optimizer.object, "name"));
    module->setAttr("nn.loss", objectAttr(b, *compile->loss.object, "name"));
    auto names = [&](const std::vector<std::string> &list) {
      llvm::SmallVector<mlir::Attribute> attrs;
      for (const std::string &m : list)
        attrs.push_back(b.getStringAttr(m));
      return b.getArrayAttr(attrs);
    };
    llvm::SmallVector<mlir::Attribute> perOutput;
    for (const auto &list : compile->outputMetrics)
      perOutput.push_back(names(list));
    module->setAttr("nn.metrics", compile->outputMetrics.empty() ? names(compile->metrics)
                                                                 : b.getArrayAttr(perOutput));
  }
  if (fit) {
    module->setAttr("nn.fit", b.getDictionaryAttr({
                                  b.getNamedAttr("epochs", b.getI64IntegerAttr(fit->epochs)),
                                  b.getNamedAttr("batch_size",
                                                 b.getI64IntegerAttr(fit->batchSize)),
                                  b.getNamedAttr("validation_split",
                                                 b.getF32FloatAttr((float)fit->validationSplit)),
                                  b.getNamedAttr("validation_data",
                                                 b.getBoolAttr(fit->validationData)),
                                  b.getNamedAttr("shuffle", b.getBoolAttr(fit->shuffle)),
                                  b.getNamedAttr("verbose", b.getI64IntegerAttr(fit->verbose)),
                              }));
    llvm::SmallVector<mlir::Attribute> callbacks;
    for (const Value &cb : fit->callbacks)
      callbacks.push_back(objectAttr(b, *cb.object, "class"));
    if (!callbacks.empty())
      module->setAttr("nn.callbacks", b.getArrayAttr(callbacks));
  }
}

} // namespace nnc::frontend

// The frontend's layer table: one row per Keras layer class (signature + emitter).
// Adding a layer: its op in ir/ops/, one row here, its kernels, its tests.
#include "frontend/LayerTable.h"

#include "frontend/ModelEmitter.h"
#include "ir/Activation.h"
#include "ir/NNOps.h"

#include "llvm/ADT/STLExtras.h"

namespace nnc::frontend {

namespace {

using Inputs = llvm::ArrayRef<mlir::Value>;

/// The last dimension of a tensor, which must be known.
int64_t lastDim(LayerEmitter &e, mlir::Value v) {
  auto t = e.typeOf(v);
  if (t.getRank() == 0 || t.isDynamicDim(t.getRank() - 1))
    e.error(e.layer().cls + " needs a known last dimension");
  return t.getShape().back();
}

/// Optional bias of `units` elements, from use_bias / bias_initializer.
mlir::Value bias(LayerEmitter &e, int64_t units) {
  if (!e.args().getBool("use_bias", true))
    return nullptr;
  return e.weight("bias", {units}, e.initializer("bias_initializer", "zeros"));
}

mlir::Value emitLayerNorm(LayerEmitter &e, Inputs in) {
  const Args &a = e.args();
  int64_t rank = e.typeOf(in[0]).getRank();
  int64_t axis = a.getInt("axis", -1);
  if (axis != -1 && axis != rank - 1)
    fail(a.posOf("axis"), "LayerNormalization normalises the last axis (-1) only, got axis " +
                              std::to_string(axis));
  if (!a.getBool("center", true) || !a.getBool("scale", true))
    e.error("LayerNormalization with center=False or scale=False is not supported by nnc yet");
  double epsilon = a.getFloat("epsilon", 1e-3);
  if (!(epsilon > 0))
    fail(a.posOf("epsilon"), "LayerNormalization epsilon must be positive");
  int64_t c = lastDim(e, in[0]);
  mlir::Value gamma = e.weight("gamma", {c}, e.initializer("gamma_initializer", "ones"));
  mlir::Value beta = e.weight("beta", {c}, e.initializer("beta_initializer", "zeros"));
  llvm::SmallVector<mlir::NamedAttribute> attrs;
  if (epsilon != 1e-3)
    attrs.push_back(e.f32("epsilon", epsilon));
  return e.op("layer_norm", {in[0], gamma, beta}, attrs);
}

mlir::Value activationOp(LayerEmitter &e, mlir::Value x, llvm::StringRef kind, double alpha) {
  llvm::SmallVector<mlir::NamedAttribute> attrs{e.str("kind", kind)};
  if (kind == "leaky_relu")
    attrs.push_back(e.f32("alpha", alpha));
  return e.op("activation", {x}, attrs);
}

/// LeakyReLU's slope: alpha (Keras 2) or negative_slope (Keras 3), 0.3 by default.
double leakySlope(const Args &a) {
  if (a.has("alpha") && a.has("negative_slope"))
    fail(a.pos(), "LeakyReLU got both alpha and negative_slope");
  double alpha = a.has("negative_slope") ? a.getFloat("negative_slope")
                                          : a.getFloat("alpha", 0.3);
  if (alpha < 0)
    fail(a.posOf(a.has("alpha") ? "alpha" : "negative_slope"), "LeakyReLU alpha must be >= 0");
  return alpha;
}

/// The layer op `name` with the layer's `activation` fused, or followed by it as an
/// op of its own when its derivative needs its input (gelu, swish) or when it is a
/// layer object (the notes' `activation=LeakyReLU(alpha=0.1)`).
mlir::Value withActivation(LayerEmitter &e, llvm::StringRef name, mlir::ValueRange operands,
                           llvm::SmallVector<mlir::NamedAttribute> attrs) {
  if (e.args().has("activation")) {
    const Value &v = e.args().get("activation");
    if (v.kind == Value::Kind::Object && v.object->cls == "LeakyReLU")
      return activationOp(e, e.op(name, operands, attrs), "leaky_relu",
                          leakySlope(v.object->args));
  }
  std::string act = e.activation("activation");
  bool separate = nn::activationNeedsInput(act);
  if (act != "linear" && !separate)
    attrs.push_back(e.str("activation", act));
  mlir::Value v = e.op(name, operands, attrs);
  return separate ? activationOp(e, v, act, 0.3) : v;
}

mlir::Value emitDense(LayerEmitter &e, Inputs in) {
  const Args &a = e.args();
  int64_t units = a.getPositiveInt("units");
  int64_t features = lastDim(e, in[0]);
  mlir::Value kernel = e.weight("kernel", {features, units},
                                e.initializer("kernel_initializer", "glorot_uniform"));
  llvm::SmallVector<mlir::Value> operands{in[0], kernel};
  if (mlir::Value b = bias(e, units))
    operands.push_back(b);
  llvm::SmallVector<mlir::NamedAttribute> attrs;
  return withActivation(e, "dense", operands, attrs);
}

/// Records the Keras class of a layer whose op several classes share (summaries).
mlir::Value withClass(mlir::Value v, llvm::StringRef cls) {
  v.getDefiningOp()->setAttr("nn.class", mlir::StringAttr::get(v.getContext(), cls));
  return v;
}

/// The window attributes of a convolution layer (strides, dilation_rate, padding),
/// after checking that its input is an image batch.
llvm::SmallVector<mlir::NamedAttribute> windowAttrs(LayerEmitter &e, mlir::Value in) {
  const Args &a = e.args();
  e.requireChannelsLast();
  auto strides = a.getPair("strides", std::vector<int64_t>{1, 1});
  auto dilation = a.getPair("dilation_rate", std::vector<int64_t>{1, 1});
  std::string padding = a.getChoice("padding", {"valid", "same"}, llvm::StringRef("valid"), true);
  auto type = e.typeOf(in);
  if (type.getRank() != 4)
    e.error(e.layer().cls + " needs 4-D input (batch, height, width, channels), got rank " +
            std::to_string(type.getRank()) + "; add Reshape((28, 28, 1)) or give "
            "input_shape=(height, width, channels)");
  llvm::SmallVector<mlir::NamedAttribute> attrs;
  if (strides != std::vector<int64_t>{1, 1})
    attrs.push_back(e.i64s("strides", strides));
  if (dilation != std::vector<int64_t>{1, 1})
    attrs.push_back(e.i64s("dilation", dilation));
  if (padding != "valid")
    attrs.push_back(e.str("padding", padding));
  return attrs;
}

mlir::Value emitConv2D(LayerEmitter &e, Inputs in) {
  const Args &a = e.args();
  int64_t filters = a.getPositiveInt("filters");
  auto kernelSize = a.getPair("kernel_size");
  int64_t groups = a.has("groups") ? a.getPositiveInt("groups") : 1;
  llvm::SmallVector<mlir::NamedAttribute> attrs = windowAttrs(e, in[0]);
  int64_t channels = lastDim(e, in[0]);
  if (channels % groups != 0 || filters % groups != 0)
    fail(a.posOf("groups"), "Conv2D groups=" + std::to_string(groups) +
                                " must divide the input's " + std::to_string(channels) +
                                " channels and the " + std::to_string(filters) + " filters");
  mlir::Value kernel =
      e.weight("kernel", {kernelSize[0], kernelSize[1], channels / groups, filters},
               e.initializer("kernel_initializer", "glorot_uniform"));
  llvm::SmallVector<mlir::Value> operands{in[0], kernel};
  if (mlir::Value b = bias(e, filters))
    operands.push_back(b);
  if (groups == 1)
    return withActivation(e, "conv2d", operands, attrs);
  attrs.push_back(e.i64("groups", groups));
  return withActivation(e, "grouped_conv2d", operands, attrs);
}

/// The depthwise half of DepthwiseConv2D and SeparableConv2D: (kh, kw, channels,
/// depth_multiplier) filters, each channel convolved with its own.
mlir::Value depthwise(LayerEmitter &e, mlir::Value in, llvm::ArrayRef<mlir::NamedAttribute> window,
                      bool withBias) {
  const Args &a = e.args();
  auto kernelSize = a.getPair("kernel_size");
  int64_t multiplier = a.getPositiveInt("depth_multiplier", 1);
  int64_t channels = lastDim(e, in);
  mlir::Value kernel =
      e.weight("depthwise_kernel", {kernelSize[0], kernelSize[1], channels, multiplier},
               e.initializer("depthwise_initializer", "glorot_uniform"));
  llvm::SmallVector<mlir::Value> operands{in, kernel};
  if (withBias)
    if (mlir::Value b = bias(e, channels * multiplier))
      operands.push_back(b);
  llvm::SmallVector<mlir::NamedAttribute> attrs(window.begin(), window.end());
  if (!withBias)
    return e.op("depthwise_conv2d", operands, attrs);
  return withActivation(e, "depthwise_conv2d", operands, attrs);
}

mlir::Value emitDepthwiseConv2D(LayerEmitter &e, Inputs in) {
  return depthwise(e, in[0], windowAttrs(e, in[0]), true);
}

/// SeparableConv2D: the depthwise convolution, then a 1x1 Conv2D (pointwise_kernel,
/// bias, activation), both ops carrying the layer's name.
mlir::Value emitSeparableConv2D(LayerEmitter &e, Inputs in) {
  int64_t filters = e.args().getPositiveInt("filters");
  mlir::Value d = withClass(depthwise(e, in[0], windowAttrs(e, in[0]), false), "SeparableConv2D");
  mlir::Value kernel = e.weight("pointwise_kernel", {1, 1, lastDim(e, d), filters},
                                e.initializer("pointwise_initializer", "glorot_uniform"));
  llvm::SmallVector<mlir::Value> operands{d, kernel};
  if (mlir::Value b = bias(e, filters))
    operands.push_back(b);
  llvm::SmallVector<mlir::NamedAttribute> attrs;
  mlir::Value out = withActivation(e, "conv2d", operands, attrs);
  mlir::Value pointwise = out; // before an activation of its own (gelu, swish)
  if (auto act = pointwise.getDefiningOp<nn::ActivationOp>())
    pointwise = act.getInput();
  withClass(pointwise, "SeparableConv2D");
  return out;
}

mlir::Value emitPool(LayerEmitter &e, Inputs in, llvm::StringRef op) {
  const Args &a = e.args();
  e.requireChannelsLast();
  auto pool = a.getPair("pool_size", std::vector<int64_t>{2, 2});
  auto strides = a.getPair("strides", pool);
  std::string padding = a.getChoice("padding", {"valid", "same"}, llvm::StringRef("valid"), true);
  llvm::SmallVector<mlir::NamedAttribute> attrs{e.i64s("pool_size", pool),
                                                e.i64s("strides", strides)};
  if (padding != "valid")
    attrs.push_back(e.str("padding", padding));
  return e.op(op, {in[0]}, attrs);
}

mlir::Value emitMaxPool(LayerEmitter &e, Inputs in) { return emitPool(e, in, "max_pool2d"); }
mlir::Value emitAvgPool(LayerEmitter &e, Inputs in) { return emitPool(e, in, "avg_pool2d"); }

/// ZeroPadding2D's `padding`, Cropping2D's `cropping`: an int n (every side), a pair
/// (rows, columns: each on both sides) or a pair of pairs ((top, bottom), (left,
/// right)); as (top, bottom, left, right).
std::vector<int64_t> sides(LayerEmitter &e, llvm::StringRef name, int64_t def) {
  const Args &a = e.args();
  if (!a.has(name))
    return {def, def, def, def};
  const Value &v = a.get(name);
  auto isInt = [](const Value &x) { return x.kind == Value::Kind::Int; };
  auto isIntPair = [&](const Value &x) {
    return x.isSequence() && x.items.size() == 2 && llvm::all_of(x.items, isInt);
  };
  std::vector<int64_t> out;
  if (isInt(v))
    out.assign(4, (int64_t)v.number);
  else if (isIntPair(v))
    out = {(int64_t)v.items[0].number, (int64_t)v.items[0].number,
           (int64_t)v.items[1].number, (int64_t)v.items[1].number};
  else if (v.isSequence() && v.items.size() == 2 && llvm::all_of(v.items, isIntPair))
    out = {(int64_t)v.items[0].items[0].number, (int64_t)v.items[0].items[1].number,
           (int64_t)v.items[1].items[0].number, (int64_t)v.items[1].items[1].number};
  else
    fail(a.posOf(name), e.layer().cls + " argument '" + name.str() +
                            "' must be an int, a pair of ints or a pair of pairs of ints, "
                            "got " + v.describe());
  for (int64_t side : out)
    if (side < 0 || side > (int64_t(1) << 20))
      fail(a.posOf(name), e.layer().cls + " argument '" + name.str() +
                              "' must hold amounts from 0 to 2^20, got " +
                              std::to_string(side));
  return out;
}

mlir::Value emitZeroPadding2D(LayerEmitter &e, Inputs in) {
  e.requireChannelsLast();
  return e.op("zero_padding2d", {in[0]}, {e.i64s("sides", sides(e, "padding", 1))});
}

mlir::Value emitCropping2D(LayerEmitter &e, Inputs in) {
  e.requireChannelsLast();
  return e.op("cropping2d", {in[0]}, {e.i64s("sides", sides(e, "cropping", 0))});
}

mlir::Value emitUpSampling2D(LayerEmitter &e, Inputs in) {
  e.requireChannelsLast();
  auto size = e.args().getPair("size", std::vector<int64_t>{2, 2});
  llvm::SmallVector<mlir::NamedAttribute> attrs{e.i64s("size", size)};
  if (e.args().getChoice("interpolation", {"nearest", "bilinear"}, llvm::StringRef("nearest")) ==
      "bilinear")
    attrs.push_back(e.str("interpolation", "bilinear"));
  return e.op("up_sampling2d", {in[0]}, attrs);
}

mlir::Value emitGlobalAvgPool(LayerEmitter &e, Inputs in) {
  e.requireChannelsLast();
  llvm::SmallVector<mlir::NamedAttribute> attrs;
  if (e.args().getBool("keepdims", false))
    attrs.push_back(e.boolean("keepdims", true));
  return e.op("global_avg_pool2d", {in[0]}, attrs);
}

mlir::Value emitFlatten(LayerEmitter &e, Inputs in) {
  e.requireChannelsLast();
  return e.op("flatten", {in[0]}, {});
}

mlir::Value emitReshape(LayerEmitter &e, Inputs in) {
  auto shape = e.args().getShape("target_shape", /*allowMinusOne=*/true);
  return e.op("reshape", {in[0]}, {e.i64s("shape", shape)});
}

mlir::Value emitPermute(LayerEmitter &e, Inputs in) {
  llvm::SmallVector<int64_t> perm{0};
  for (int64_t d : e.args().getShape("dims", /*allowMinusOne=*/false))
    perm.push_back(d);
  return e.op("transpose", {in[0]}, {e.i64s("perm", perm)});
}

mlir::Value emitRescaling(LayerEmitter &e, Inputs in) {
  const Args &a = e.args();
  double scale = a.getFloat("scale");
  double offset = a.getFloat("offset", 0.0);
  llvm::SmallVector<mlir::NamedAttribute> attrs{e.f32("scale", scale)};
  if (offset != 0)
    attrs.push_back(e.f32("offset", offset));
  return e.op("rescaling", {in[0]}, attrs);
}

mlir::Value emitDropout(LayerEmitter &e, Inputs in) {
  const Args &a = e.args();
  double rate = a.getFloat("rate");
  if (rate < 0 || (float)rate >= 1.0f) // as float32, the rate the kernels use
    fail(a.posOf("rate"), "Dropout rate must be in [0, 1), got " + formatNumber(rate) +
                              ((float)rate == 1.0f && rate < 1 ? " (1.0 as float32)" : ""));
  llvm::SmallVector<mlir::NamedAttribute> attrs{e.f32("rate", rate)};
  if (a.has("seed"))
    attrs.push_back(e.i64("seed", a.getInt("seed")));
  return e.op("dropout", {in[0]}, attrs);
}

mlir::Value emitBatchNorm(LayerEmitter &e, Inputs in) {
  const Args &a = e.args();
  int64_t rank = e.typeOf(in[0]).getRank();
  int64_t axis = a.getInt("axis", -1);
  if (axis != -1 && axis != rank - 1)
    fail(a.posOf("axis"), "BatchNormalization axis must be the last axis (-1), got " +
                              std::to_string(axis));
  if (!a.getBool("center", true) || !a.getBool("scale", true))
    e.error("BatchNormalization with center=False or scale=False is not supported by nnc yet");
  double momentum = a.getFloat("momentum", 0.99);
  double epsilon = a.getFloat("epsilon", 1e-3);
  if (momentum < 0 || momentum > 1)
    fail(a.posOf("momentum"), "BatchNormalization momentum must be in [0, 1]");
  if (!(epsilon > 0))
    fail(a.posOf("epsilon"), "BatchNormalization epsilon must be positive");
  int64_t c = lastDim(e, in[0]);
  mlir::Value gamma = e.weight("gamma", {c}, e.initializer("gamma_initializer", "ones"));
  mlir::Value beta = e.weight("beta", {c}, e.initializer("beta_initializer", "zeros"));
  mlir::Value mean = e.weight("moving_mean", {c},
                              e.initializer("moving_mean_initializer", "zeros"), false);
  mlir::Value var = e.weight("moving_variance", {c},
                             e.initializer("moving_variance_initializer", "ones"), false);
  llvm::SmallVector<mlir::NamedAttribute> attrs;
  if (momentum != 0.99)
    attrs.push_back(e.f32("momentum", momentum));
  if (epsilon != 1e-3)
    attrs.push_back(e.f32("epsilon", epsilon));
  return e.op("batch_norm", {in[0], gamma, beta, mean, var}, attrs);
}


mlir::Value emitActivation(LayerEmitter &e, Inputs in) {
  if (!e.args().has("activation"))
    e.error("Activation needs an activation name, e.g. Activation(\"relu\")");
  return activationOp(e, in[0], e.activation("activation"), 0.3);
}

mlir::Value emitLeakyReLU(LayerEmitter &e, Inputs in) {
  double alpha = leakySlope(e.args());
  return withClass(activationOp(e, in[0], "leaky_relu", alpha), "LeakyReLU");
}

mlir::Value emitReLU(LayerEmitter &e, Inputs in) {
  const Args &a = e.args();
  if (a.has("max_value"))
    fail(a.posOf("max_value"), "ReLU max_value is not supported by nnc yet");
  if (a.getFloat("threshold", 0.0) != 0)
    fail(a.posOf("threshold"), "ReLU threshold is not supported by nnc yet");
  double slope = a.getFloat("negative_slope", 0.0);
  if (slope < 0) // as Keras's ReLU
    fail(a.posOf("negative_slope"), "ReLU negative_slope must be >= 0, got " +
                                        formatNumber(slope));
  return withClass(slope == 0 ? activationOp(e, in[0], "relu", 0)
                              : activationOp(e, in[0], "leaky_relu", slope),
                   "ReLU");
}

mlir::Value emitSoftmax(LayerEmitter &e, Inputs in) {
  if (e.args().getInt("axis", -1) != -1)
    fail(e.args().posOf("axis"), "Softmax axis must be -1");
  return withClass(activationOp(e, in[0], "softmax", 0), "Softmax");
}

/// fill_mode / interpolation / fill_value / seed shared by rotation and zoom.
void addFill(LayerEmitter &e, llvm::SmallVectorImpl<mlir::NamedAttribute> &attrs) {
  const Args &a = e.args();
  std::string fill = a.getChoice("fill_mode", {"reflect", "wrap", "constant", "nearest"},
                                 llvm::StringRef("reflect"));
  std::string interp = a.getChoice("interpolation", {"bilinear", "nearest"},
                                   llvm::StringRef("bilinear"));
  if (fill != "reflect")
    attrs.push_back(e.str("fill_mode", fill));
  if (interp != "bilinear")
    attrs.push_back(e.str("interpolation", interp));
  if (a.getFloat("fill_value", 0.0) != 0)
    attrs.push_back(e.f32("fill_value", a.getFloat("fill_value")));
}

void addSeed(LayerEmitter &e, llvm::SmallVectorImpl<mlir::NamedAttribute> &attrs) {
  if (e.args().has("seed"))
    attrs.push_back(e.i64("seed", e.args().getInt("seed")));
}

mlir::Value emitRandomFlip(LayerEmitter &e, Inputs in) {
  std::string mode = e.args().getChoice(
      "mode", {"horizontal", "vertical", "horizontal_and_vertical"},
      llvm::StringRef("horizontal_and_vertical"));
  llvm::SmallVector<mlir::NamedAttribute> attrs{e.str("mode", mode)};
  addSeed(e, attrs);
  return e.op("random_flip", {in[0]}, attrs);
}

/// A Keras factor: f means [-f, f]; each bound within [-1, 1] (zoom: lower > -1).
std::vector<float> factor(LayerEmitter &e, llvm::StringRef name) {
  std::vector<float> r = e.args().getRange(name);
  if (r[0] > r[1] || r[0] < -1 || r[1] > 1)
    fail(e.args().posOf(name), e.layer().cls + " " + name.str() +
                                   " must lie within [-1, 1] with lower <= upper");
  return r;
}

mlir::Value emitRandomRotation(LayerEmitter &e, Inputs in) {
  llvm::SmallVector<mlir::NamedAttribute> attrs{e.f32s("factor", factor(e, "factor"))};
  addFill(e, attrs);
  addSeed(e, attrs);
  return e.op("random_rotation", {in[0]}, attrs);
}

mlir::Value emitRandomZoom(LayerEmitter &e, Inputs in) {
  llvm::SmallVector<mlir::NamedAttribute> attrs{
      e.f32s("height_factor", factor(e, "height_factor"))};
  if (e.args().has("width_factor")) // else the width takes the height's zoom, as Keras
    attrs.push_back(e.f32s("width_factor", factor(e, "width_factor")));
  addFill(e, attrs);
  addSeed(e, attrs);
  return e.op("random_zoom", {in[0]}, attrs);
}

mlir::Value emitAdd(LayerEmitter &e, Inputs in) { return e.op("add", in, {}); }

/// Multiply, Subtract, Average, Maximum, Minimum: nn.merge of the class's kind.
mlir::Value emitMerge(LayerEmitter &e, Inputs in) {
  const std::string &cls = e.layer().cls;
  return withClass(e.op("merge", in, {e.str("kind", llvm::StringRef(cls).lower())}), cls);
}

mlir::Value emitConcatenate(LayerEmitter &e, Inputs in) {
  llvm::SmallVector<mlir::NamedAttribute> attrs;
  int64_t axis = e.args().getInt("axis", -1);
  if (axis != -1)
    attrs.push_back(e.i64("axis", axis));
  return e.op("concatenate", in, attrs);
}

const std::vector<llvm::StringRef> kRegularizers = {
    "!kernel_regularizer", "!bias_regularizer", "!activity_regularizer",
    "!kernel_constraint", "!bias_constraint"};

std::vector<llvm::StringRef> with(std::vector<llvm::StringRef> a,
                                  const std::vector<llvm::StringRef> &b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const std::vector<LayerRow> &table() {
  static const std::vector<LayerRow> rows = {
      {"Dense", {}, with({"units", "activation", "use_bias", "kernel_initializer",
                          "bias_initializer"}, kRegularizers), false, emitDense},
      {"Conv2D", {"Convolution2D"},
       with({"filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
             "groups", "activation", "use_bias", "kernel_initializer", "bias_initializer"},
            kRegularizers),
       false, emitConv2D},
      {"DepthwiseConv2D", {},
       {"kernel_size", "strides", "padding", "depth_multiplier", "data_format",
        "dilation_rate", "activation", "use_bias", "depthwise_initializer", "bias_initializer",
        "!depthwise_regularizer", "!bias_regularizer", "!activity_regularizer",
        "!depthwise_constraint", "!bias_constraint"},
       false, emitDepthwiseConv2D},
      {"SeparableConv2D", {"SeparableConvolution2D"},
       {"filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
        "depth_multiplier", "activation", "use_bias", "depthwise_initializer",
        "pointwise_initializer", "bias_initializer", "!depthwise_regularizer",
        "!pointwise_regularizer", "!bias_regularizer", "!activity_regularizer",
        "!depthwise_constraint", "!pointwise_constraint", "!bias_constraint"},
       false, emitSeparableConv2D},
      {"MaxPooling2D", {"MaxPool2D"}, {"pool_size", "strides", "padding", "data_format"},
       false, emitMaxPool},
      {"AveragePooling2D", {"AvgPool2D"}, {"pool_size", "strides", "padding", "data_format"},
       false, emitAvgPool},
      {"GlobalAveragePooling2D", {"GlobalAvgPool2D"}, {"data_format", "keepdims"}, false,
       emitGlobalAvgPool},
      {"ZeroPadding2D", {}, {"padding", "data_format"}, false, emitZeroPadding2D},
      {"Cropping2D", {}, {"cropping", "data_format"}, false, emitCropping2D},
      {"UpSampling2D", {}, {"size", "data_format", "interpolation"}, false, emitUpSampling2D},
      {"Flatten", {}, {"data_format"}, false, emitFlatten},
      {"Reshape", {}, {"target_shape"}, false, emitReshape},
      {"Permute", {}, {"dims"}, false, emitPermute},
      {"Rescaling", {}, {"scale", "offset"}, false, emitRescaling},
      {"Dropout", {}, {"rate", "!noise_shape", "seed"}, false, emitDropout},
      {"BatchNormalization", {},
       {"axis", "momentum", "epsilon", "center", "scale", "beta_initializer",
        "gamma_initializer", "moving_mean_initializer", "moving_variance_initializer",
        "!beta_regularizer", "!gamma_regularizer", "!beta_constraint", "!gamma_constraint"},
       false, emitBatchNorm},
      {"LayerNormalization", {},
       {"axis", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer",
        "!beta_regularizer", "!gamma_regularizer", "!beta_constraint", "!gamma_constraint"},
       false, emitLayerNorm},
      {"Activation", {}, {"activation"}, false, emitActivation},
      {"LeakyReLU", {}, {"alpha", "negative_slope"}, false, emitLeakyReLU},
      {"ReLU", {}, {"max_value", "negative_slope", "threshold"}, false, emitReLU},
      {"Softmax", {}, {"axis"}, false, emitSoftmax},
      {"RandomFlip", {}, {"mode", "seed"}, false, emitRandomFlip},
      {"RandomRotation", {},
       {"factor", "fill_mode", "interpolation", "seed", "fill_value"}, false,
       emitRandomRotation},
      {"RandomZoom", {},
       {"height_factor", "width_factor", "fill_mode", "interpolation", "seed", "fill_value"},
       false, emitRandomZoom},
      {"Add", {}, {}, true, emitAdd},
      {"Multiply", {}, {}, true, emitMerge},
      {"Subtract", {}, {}, true, emitMerge},
      {"Average", {}, {}, true, emitMerge},
      {"Maximum", {}, {}, true, emitMerge},
      {"Minimum", {}, {}, true, emitMerge},
      {"Concatenate", {}, {"axis"}, true, emitConcatenate},
  };
  return rows;
}

} // namespace

const LayerRow *findLayer(llvm::StringRef name) {
  for (const LayerRow &row : table())
    if (row.cls == name || llvm::is_contained(row.aliases, name))
      return &row;
  return nullptr;
}

std::vector<llvm::StringRef> layerNames() {
  std::vector<llvm::StringRef> names;
  for (const LayerRow &row : table()) {
    names.push_back(row.cls);
    names.insert(names.end(), row.aliases.begin(), row.aliases.end());
  }
  return names;
}

llvm::ArrayRef<llvm::StringRef> commonLayerKeywords() {
  static const llvm::StringRef kw[] = {"name",       "trainable", "input_shape",
                                       "batch_input_shape", "batch_size", "input_dim",
                                       "dtype"};
  return kw;
}

} // namespace nnc::frontend

// Host code of a build: the model descriptor, @forward / @evaluate / @train_step as
// LLVM functions calling the kernels, and the exported NAME_* C functions.
#include "codegen/HostEmitter.h"

#include "codegen/FunctionEmitter.h"
#include "codegen/OpKernelUtil.h"
#include "ir/NNOps.h"
#include "runtime/nnrt.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace nnc::codegen {

namespace {

int64_t initCode(StringRef init) {
  return llvm::StringSwitch<int64_t>(init)
      .Case("zeros", NNRT_INIT_ZEROS)
      .Case("ones", NNRT_INIT_ONES)
      .Case("glorot_uniform", NNRT_INIT_GLOROT_UNIFORM)
      .Case("glorot_normal", NNRT_INIT_GLOROT_NORMAL)
      .Case("he_uniform", NNRT_INIT_HE_UNIFORM)
      .Case("he_normal", NNRT_INIT_HE_NORMAL)
      .Case("lecun_uniform", NNRT_INIT_LECUN_UNIFORM)
      .Case("lecun_normal", NNRT_INIT_LECUN_NORMAL)
      .Default(NNRT_INIT_ZEROS);
}

int64_t roleCode(nn::VariableOp var) {
  if (var.getRole() == "slot")
    return NNRT_ROLE_SLOT;
  if (var.getRole() == "iterations")
    return NNRT_ROLE_ITERATIONS;
  return var.getTrainable() ? NNRT_ROLE_TRAINABLE : NNRT_ROLE_FROZEN;
}

/// Keras's fans: receptive field = product of all but the last two dimensions.
std::pair<int64_t, int64_t> fans(ArrayRef<int64_t> shape) {
  if (shape.size() < 2)
    return {shape.empty() ? 1 : shape[0], shape.empty() ? 1 : shape[0]};
  int64_t field = 1;
  for (int64_t d : shape.drop_back(2))
    field *= d;
  return {shape[shape.size() - 2] * field, shape.back() * field};
}

/// The .nn file's fit() callbacks as text for the runtime: per callback a line
/// "[Class]", then "key=value" lines (booleans 1/0).
std::string callbackConfig(ModuleOp model) {
  std::string text;
  auto callbacks = model->getAttrOfType<ArrayAttr>("nn.callbacks");
  if (!callbacks)
    return text;
  for (auto cb : callbacks.getAsRange<DictionaryAttr>()) {
    auto cls = cb.getAs<StringAttr>("class");
    if (!cls)
      continue;
    text += "[" + cls.getValue().str() + "]\n";
    for (NamedAttribute a : cb) {
      if (a.getName() == "class")
        continue;
      std::string v;
      if (auto str = llvm::dyn_cast<StringAttr>(a.getValue()))
        v = str.getValue().str();
      else if (auto b = llvm::dyn_cast<BoolAttr>(a.getValue()))
        v = b.getValue() ? "1" : "0";
      else if (auto i = llvm::dyn_cast<IntegerAttr>(a.getValue()))
        v = std::to_string(i.getInt());
      else if (auto f = llvm::dyn_cast<FloatAttr>(a.getValue()))
        v = llvm::formatv("{0}", f.getValueAsDouble()).str();
      else
        continue;
      text += a.getName().str() + "=" + v + "\n";
    }
  }
  return text;
}

class Emitter {
public:
  Emitter(MLIRContext *ctx, const std::string &name, const std::string *exeSummary,
          unsigned optLevel, const TargetInfo &target)
      : h(ctx, name), exeSummary(exeSummary), optLevel(optLevel), target(target) {}
  FailureOr<ModelBuild> run(ModuleOp model);

private:
  HostBuilder h;
  const std::string *exeSummary;
  unsigned optLevel;
  const TargetInfo &target;

  /// A C function NAME_<verb> that forwards its arguments to `callee`.
  void exportWrapper(StringRef verb, Type result, ArrayRef<Type> args, StringRef callee,
                     llvm::function_ref<SmallVector<Value>(ValueRange)> callArgs);
};

void Emitter::exportWrapper(StringRef verb, Type result, ArrayRef<Type> args, StringRef callee,
                            llvm::function_ref<SmallVector<Value>(ValueRange)> callArgs) {
  OpBuilder &b = h.b;
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToEnd(h.module.getBody());
  auto fn = b.create<LLVM::LLVMFuncOp>(h.loc, (h.name + "_" + verb).str(),
                                       LLVM::LLVMFunctionType::get(result, args));
  Block *entry = fn.addEntryBlock(b);
  b.setInsertionPointToStart(entry);
  SmallVector<Value> forwarded = callArgs(entry->getArguments());
  SmallVector<Type> calleeArgs;
  for (Value v : forwarded)
    calleeArgs.push_back(v.getType());
  auto call = b.create<LLVM::CallOp>(h.loc, h.declare(callee, result, calleeArgs), forwarded);
  if (llvm::isa<LLVM::LLVMVoidType>(result))
    b.create<LLVM::ReturnOp>(h.loc, ValueRange{});
  else
    b.create<LLVM::ReturnOp>(h.loc, call.getResult());
}

FailureOr<ModelBuild> Emitter::run(ModuleOp model) {
  ModelBuild out;
  out.name = h.name;
  auto forward = model.lookupSymbol<func::FuncOp>("forward");
  if (!forward)
    return model.emitError("the model has no @forward function");
  if (forward.getNumArguments() != 1 || forward.getNumResults() != 1)
    return mlir::emitError(forward.getLoc(), "the code generator takes one input and one "
                                             "output (the nn-pack-inputs and nn-pack-outputs "
                                             "passes pack several); this model has ")
           << forward.getNumArguments() << " inputs and " << forward.getNumResults()
           << " outputs";
  auto train = model.lookupSymbol<func::FuncOp>("train_step");
  auto evaluate = model.lookupSymbol<func::FuncOp>("evaluate");

  // Variables, in module order, become the descriptor and the weights array.
  llvm::StringMap<int64_t> varIndex;
  SmallVector<int64_t> desc(NNRT_DESC_VARS, 0);
  desc[NNRT_DESC_ABI] = NNRT_ABI_VERSION;
  desc[NNRT_DESC_DEVICE] = target.gpu ? NNRT_DEVICE_CUDA : NNRT_DEVICE_HOST;
  std::string names;
  std::vector<float> constants; // the values of frozen variables, one after the other
  for (auto var : model.getOps<nn::VariableOp>()) {
    auto type = llvm::cast<RankedTensorType>(var.getType());
    auto [fanIn, fanOut] = fans(type.getShape());
    int64_t init = initCode(var.getInit());
    if (auto value = var.getValueAttr()) {
      init = NNRT_INIT_CONSTANT;
      fanIn = (int64_t)constants.size();
      for (float f : value.getValues<float>())
        constants.push_back(f);
    }
    varIndex[var.getSymName()] = (int64_t)varIndex.size();
    desc.append({type.getNumElements(), init, fanIn, fanOut, roleCode(var), type.getRank()});
    for (int64_t d = 0; d < 4; ++d)
      desc.push_back(d < type.getRank() ? type.getDimSize(d) : 0);
    names += var.getSymName().str();
    names += '\0';
    if (var.getRole() == "weight")
      out.paramCount += type.getNumElements();
  }
  desc[NNRT_DESC_NVARS] = (int64_t)varIndex.size();

  auto fit = model->getAttrOfType<DictionaryAttr>("nn.fit");
  auto fitInt = [&](StringRef key, int64_t dflt) {
    auto a = fit ? fit.getAs<IntegerAttr>(key) : IntegerAttr();
    return a ? a.getInt() : dflt;
  };
  // The train step is planned for fit()'s batch size: weight gradients then reuse
  // activation memory (calls on fewer samples get that batch's arena).
  int64_t trainPlanBatch = optLevel >= 2 ? std::max<int64_t>(fitInt("batch_size", 32), 1) : 1;
  desc[NNRT_DESC_ARENA_MIN_BATCH] = 1;

  // The functions; the arena serves whichever runs, so it takes the largest need.
  SmallVector<std::pair<func::FuncOp, std::string>> fns{{forward, h.name + "_forward"}};
  if (evaluate)
    fns.push_back({evaluate, h.name + "_evaluate_fn"});
  if (train && evaluate)
    fns.push_back({train, h.name + "_train_fn"});
  const char *fnNames[] = {"forward", "evaluate", "train_step"};
  SmallVector<Value> fnPtrs;
  SmallVector<LLVM::LLVMFuncOp> emitted;
  for (auto &[f, symbol] : fns) {
    bool isTrain = f == train;
    FailureOr<EmittedFunction> e = emitFunction(h, f, varIndex, symbol, target, out.kernels,
                                                optLevel >= 2, isTrain ? trainPlanBatch : 1);
    if (failed(e))
      return failure();
    if (isTrain)
      desc[NNRT_DESC_ARENA_MIN_BATCH] = e->planBatch;
    out.memory.push_back({fnNames[emitted.size()], e->arenaPerSample, e->arenaFixed,
                          e->buffersPerSample, e->buffersFixed, e->planBatch});
    desc[NNRT_DESC_ARENA] = std::max(desc[NNRT_DESC_ARENA], e->arenaPerSample);
    desc[NNRT_DESC_ARENA_FIXED] = std::max(desc[NNRT_DESC_ARENA_FIXED], e->arenaFixed);
    emitted.push_back(e->fn);
  }
  out.inputSize = perSample(forward.getArgument(0).getType());
  if (auto packed = forward->getAttrOfType<ArrayAttr>("nn.inputs"))
    for (auto in : packed.getAsRange<DictionaryAttr>()) {
      int64_t size = 1;
      for (int64_t d : llvm::cast<DenseI64ArrayAttr>(in.get("shape")).asArrayRef())
        size *= d;
      out.inputs.push_back({llvm::cast<StringAttr>(in.get("name")).str(),
                            llvm::cast<IntegerAttr>(in.get("offset")).getInt(), size});
    }
  out.outputSize = perSample(forward.getResultTypes()[0]);
  auto lossCode = [](StringRef loss) {
    return llvm::StringSwitch<int64_t>(loss)
        .Case("sparse_categorical_crossentropy", NNRT_LOSS_SPARSE_CATEGORICAL)
        .Case("categorical_crossentropy", NNRT_LOSS_CATEGORICAL)
        .Case("binary_crossentropy", NNRT_LOSS_BINARY)
        .Default(NNRT_LOSS_MEAN_SQUARED);
  };
  if (auto packed = forward->getAttrOfType<ArrayAttr>("nn.outputs"))
    for (auto o : packed.getAsRange<DictionaryAttr>()) {
      ModelBuild::Output part;
      part.name = llvm::cast<StringAttr>(o.get("name")).str();
      part.offset = llvm::cast<IntegerAttr>(o.get("offset")).getInt();
      part.size = 1;
      for (int64_t d : llvm::cast<DenseI64ArrayAttr>(o.get("shape")).asArrayRef())
        part.size *= d;
      if (auto loss = o.getAs<StringAttr>("loss")) {
        part.loss = lossCode(loss.getValue());
        part.labelOffset = o.getAs<IntegerAttr>("label_offset").getInt();
        part.labelSize = o.getAs<IntegerAttr>("label_size").getInt();
      }
      out.outputs.push_back(part);
    }
  out.arenaFloats = desc[NNRT_DESC_ARENA];
  out.arenaFixedFloats = desc[NNRT_DESC_ARENA_FIXED];
  desc[NNRT_DESC_INPUT] = out.inputSize;
  desc[NNRT_DESC_OUTPUT] = out.outputSize;
  out.trainStep = train && evaluate;
  if (evaluate) {
    out.training = true;
    out.labelSize = perSample(evaluate.getArgument(1).getType());
    out.metricCount = (int64_t)evaluate.getNumResults() - 1;
    desc[NNRT_DESC_LABELS] = out.labelSize;
    auto loss = model->getAttrOfType<DictionaryAttr>("nn.loss");
    desc[NNRT_DESC_LOSS] = lossCode(loss ? loss.getAs<StringAttr>("name").getValue() : "");
    desc[NNRT_DESC_METRICS] = out.metricCount;
    auto metrics = model->getAttrOfType<ArrayAttr>("nn.metric_names");
    if (!metrics)
      metrics = model->getAttrOfType<ArrayAttr>("nn.metrics");
    for (Attribute a : metrics ? metrics.getValue() : ArrayRef<Attribute>()) {
      std::string name = llvm::cast<StringAttr>(a).str();
      names += name;
      names += '\0';
      out.metricNames.push_back(name);
    }
    // The heads: each output with a loss, or the one output and its labels.
    if (out.outputs.empty())
      out.outputs.push_back({{"output", 0, out.outputSize}, desc[NNRT_DESC_LOSS], 0,
                             out.labelSize});
    for (const ModelBuild::Output &o : out.outputs)
      if (o.loss >= 0) {
        desc.append({o.loss, o.offset, o.size, o.labelOffset, o.labelSize});
        names += o.name;
        names += '\0';
        ++desc[NNRT_DESC_HEADS];
      }
  }
  if (fit) {
    desc[NNRT_DESC_FIT_EPOCHS] = fitInt("epochs", 1);
    desc[NNRT_DESC_FIT_BATCH] = fitInt("batch_size", 32);
    if (auto split = fit.getAs<FloatAttr>("validation_split"))
      desc[NNRT_DESC_FIT_VALSPLIT_PPM] = (int64_t)(split.getValueAsDouble() * 1e6 + 0.5);
    if (auto v = fit.getAs<BoolAttr>("validation_data"))
      desc[NNRT_DESC_FIT_VALDATA] = v.getValue();
  } else {
    desc[NNRT_DESC_FIT_EPOCHS] = 1;
    desc[NNRT_DESC_FIT_BATCH] = 32;
  }

  // The descriptor and the exported C API; the names end with the model's own, which
  // the runtime quotes when an instance reaches another model's functions.
  names += h.name;
  names += '\0';
  OpBuilder &b = h.b;
  Location loc = h.loc;
  auto descGlobal = h.constantArray(desc);
  auto namesGlobal = h.constantString(names);
  out.arenaMinBatch = desc[NNRT_DESC_ARENA_MIN_BATCH];
  out.frozen = !constants.empty();
  LLVM::GlobalOp constantsGlobal;
  if (!constants.empty())
    constantsGlobal = h.constantFloats(constants);
  auto constantsPointer = [&]() -> Value {
    if (constantsGlobal)
      return b.create<LLVM::AddressOfOp>(loc, constantsGlobal);
    return b.create<LLVM::ZeroOp>(loc, h.ptr);
  };
  Type voidTy = LLVM::LLVMVoidType::get(h.ctx), ptr = h.ptr, i64 = h.i64, i32 = h.i32;
  auto fnPointer = [&](size_t i) -> Value {
    if (i < emitted.size())
      return b.create<LLVM::AddressOfOp>(loc, emitted[i]);
    return b.create<LLVM::ZeroOp>(loc, ptr);
  };
  // The C API's wrappers pass their model's descriptor and names first: the runtime
  // checks that the instance is a live one of this model (nnrt_api_*).
  exportWrapper("create", ptr, {i64}, "nnrt_api_create", [&](ValueRange args) {
    return SmallVector<Value>{b.create<LLVM::AddressOfOp>(loc, descGlobal),
                              b.create<LLVM::AddressOfOp>(loc, namesGlobal), constantsPointer(),
                              fnPointer(0), fnPointer(2), fnPointer(1), args[0]};
  });
  auto identified = [&](ValueRange args) {
    SmallVector<Value> all{b.create<LLVM::AddressOfOp>(loc, descGlobal),
                           b.create<LLVM::AddressOfOp>(loc, namesGlobal)};
    all.append(args.begin(), args.end());
    return all;
  };
  exportWrapper("destroy", voidTy, {ptr}, "nnrt_api_destroy", identified);
  exportWrapper("load", i32, {ptr, ptr}, "nnrt_api_load", identified);
  exportWrapper("save", i32, {ptr, ptr}, "nnrt_api_save", identified);
  exportWrapper("predict", i32, {ptr, ptr, i64, ptr}, "nnrt_api_predict", identified);
  if (out.trainStep)
    exportWrapper("train_step", i32, {ptr, ptr, ptr, i64, ptr}, "nnrt_api_train_step",
                  identified);
  if (out.training)
    exportWrapper("evaluate", i32, {ptr, ptr, ptr, i64, ptr, ptr}, "nnrt_api_evaluate",
                  identified);
  if (exeSummary) {
    // void nnrt_exe_program(nnrt_program *) for runtime/main.c.
    auto summaryGlobal = h.constantString(*exeSummary + std::string(1, '\0'));
    auto inShape = llvm::cast<RankedTensorType>(forward.getArgument(0).getType()).getShape().drop_front();
    SmallVector<int64_t> shapeValues{(int64_t)inShape.size()};
    shapeValues.append(inShape.begin(), inShape.end());
    auto shapeGlobal = h.constantArray(shapeValues);
    auto callbacksGlobal = h.constantString(callbackConfig(model) + std::string(1, '\0'));
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToEnd(h.module.getBody());
    auto fn = b.create<LLVM::LLVMFuncOp>(loc, "nnrt_exe_program",
                                         LLVM::LLVMFunctionType::get(voidTy, {ptr}));
    Block *body = fn.addEntryBlock(b);
    b.setInsertionPointToStart(body);
    Value values[] = {b.create<LLVM::AddressOfOp>(loc, descGlobal),
                      b.create<LLVM::AddressOfOp>(loc, namesGlobal), constantsPointer(),
                      fnPointer(0), fnPointer(2), fnPointer(1),
                      b.create<LLVM::AddressOfOp>(loc, summaryGlobal),
                      b.create<LLVM::AddressOfOp>(loc, shapeGlobal),
                      b.create<LLVM::AddressOfOp>(loc, callbacksGlobal)};
    for (auto [i, v] : llvm::enumerate(values)) {
      Value slot = b.create<LLVM::GEPOp>(loc, ptr, ptr, body->getArgument(0),
                                         ArrayRef<LLVM::GEPArg>{(int32_t)i});
      b.create<LLVM::StoreOp>(loc, v, slot);
    }
    b.create<LLVM::ReturnOp>(loc, ValueRange{});
  }
  out.host = OwningOpRef<ModuleOp>(h.module);
  return out;
}

} // namespace

FailureOr<ModelBuild> buildHost(ModuleOp model, const std::string &name,
                                const std::string *exeSummary, unsigned optLevel,
                                const TargetInfo &target) {
  return Emitter(model.getContext(), name, exeSummary, optLevel, target).run(model);
}

std::string memoryReport(const ModelBuild &build, int64_t batch, const ModelBuild *asWritten) {
  std::string text = llvm::formatv("Memory plan at batch {0} (activations, gradients and "
                                   "temporaries):\n",
                                   batch)
                         .str();
  auto mb = [](int64_t floats) { return floats * 4.0 / (1024 * 1024); };
  for (const ModelBuild::Memory &m : build.memory) {
    int64_t planned = m.plannedFixed + std::max(batch, m.planBatch) * m.plannedPerSample;
    int64_t buffers = m.buffersFixed + batch * m.buffersPerSample;
    text += llvm::formatv("  {0,-11} planned arena {1,8:F2} MB of {2,8:F2} MB in intermediate "
                          "buffers ({3:F0}%)\n",
                          m.function + ":", mb(planned), mb(buffers),
                          buffers ? 100.0 * planned / buffers : 100.0)
                .str();
    // The same function compiled as written (-O0: no fusion, one buffer per value).
    for (const ModelBuild::Memory &w : asWritten ? asWritten->memory : build.memory)
      if (asWritten && w.function == m.function) {
        int64_t all = w.buffersFixed + batch * w.buffersPerSample;
        text.pop_back();
        text += llvm::formatv("; as written (-O0) {0:F2} MB ({1:F0}%)\n", mb(all),
                              all ? 100.0 * planned / all : 100.0)
                    .str();
      }
  }
  return text;
}

} // namespace nnc::codegen

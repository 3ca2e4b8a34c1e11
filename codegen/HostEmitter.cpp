// Host code of an inference build: the forward pass as calls of the kernels, the model
// descriptor, and the exported NAME_* C functions, in MLIR's LLVM dialect.
#include "codegen/HostEmitter.h"

#include "codegen/OpKernels.h"
#include "ir/NNOps.h"
#include "runtime/nnrt.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace nnc::codegen {

namespace {

/// Where a tensor of the forward pass lives.
struct Buffer {
  enum Kind { Input, Output, Weight, Arena } kind;
  int64_t index = 0; // weight index, or arena offset in floats per sample
};

int64_t perSample(Value v) {
  int64_t n = 1;
  for (int64_t d : llvm::cast<RankedTensorType>(v.getType()).getShape())
    if (!ShapedType::isDynamic(d))
      n *= d;
  return n;
}

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

/// Keras's fans: receptive field = product of all but the last two dimensions.
std::pair<int64_t, int64_t> fans(ArrayRef<int64_t> shape) {
  if (shape.size() < 2)
    return {shape.empty() ? 1 : shape[0], shape.empty() ? 1 : shape[0]};
  int64_t field = 1;
  for (int64_t d : shape.drop_back(2))
    field *= d;
  return {shape[shape.size() - 2] * field, shape.back() * field};
}

class Emitter {
public:
  Emitter(MLIRContext *ctx, const std::string &name, const std::string *exeSummary)
      : ctx(ctx), b(ctx), loc(UnknownLoc::get(ctx)), name(name), exeSummary(exeSummary) {
    ctx->loadDialect<LLVM::LLVMDialect>();
    ptr = LLVM::LLVMPointerType::get(ctx);
    i64 = b.getI64Type();
    i32 = b.getI32Type();
    module = ModuleOp::create(loc);
    b.setInsertionPointToEnd(module.getBody());
  }

  FailureOr<InferenceBuild> run(ModuleOp model);

private:
  MLIRContext *ctx;
  OpBuilder b;
  Location loc;
  std::string name;
  const std::string *exeSummary;
  Type ptr, i64, i32;
  ModuleOp module;
  llvm::StringMap<LLVM::LLVMFuncOp> decls;
  int globals = 0;

  LLVM::LLVMFuncOp declare(StringRef sym, Type result, ArrayRef<Type> args) {
    if (auto it = decls.find(sym); it != decls.end())
      return it->second;
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(module.getBody());
    auto fn = b.create<LLVM::LLVMFuncOp>(loc, sym, LLVM::LLVMFunctionType::get(result, args));
    decls[sym] = fn;
    return fn;
  }

  LLVM::GlobalOp constantArray(ArrayRef<int64_t> values) {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(module.getBody());
    auto type = RankedTensorType::get({(int64_t)values.size()}, i64);
    return b.create<LLVM::GlobalOp>(loc, LLVM::LLVMArrayType::get(i64, values.size()), true,
                                    LLVM::Linkage::Internal,
                                    llvm::formatv("{0}_data{1}", name, globals++).str(),
                                    DenseElementsAttr::get(type, values));
  }

  LLVM::GlobalOp constantString(StringRef bytes) {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(module.getBody());
    return b.create<LLVM::GlobalOp>(loc, LLVM::LLVMArrayType::get(b.getI8Type(), bytes.size()),
                                    true, LLVM::Linkage::Internal,
                                    llvm::formatv("{0}_data{1}", name, globals++).str(),
                                    b.getStringAttr(bytes));
  }

  Value constant(Type t, int64_t v) {
    return b.create<LLVM::ConstantOp>(loc, t, b.getIntegerAttr(t, v));
  }

  /// A C function NAME_<verb> that forwards its arguments (after `prefix`) to `callee`.
  void exportWrapper(StringRef verb, Type result, ArrayRef<Type> args, StringRef callee,
                     llvm::function_ref<SmallVector<Value>(ValueRange)> callArgs) {
    SmallVector<Type> calleeArgs;
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToEnd(module.getBody());
    auto fn = b.create<LLVM::LLVMFuncOp>(loc, (name + "_" + verb).str(),
                                         LLVM::LLVMFunctionType::get(result, args));
    Block *entry = fn.addEntryBlock(b);
    b.setInsertionPointToStart(entry);
    SmallVector<Value> forwarded = callArgs(entry->getArguments());
    for (Value v : forwarded)
      calleeArgs.push_back(v.getType());
    auto target = declare(callee, result, calleeArgs);
    auto call = b.create<LLVM::CallOp>(loc, target, forwarded);
    if (llvm::isa<LLVM::LLVMVoidType>(result))
      b.create<LLVM::ReturnOp>(loc, ValueRange{});
    else
      b.create<LLVM::ReturnOp>(loc, call.getResult());
  }
};

FailureOr<InferenceBuild> Emitter::run(ModuleOp model) {
  InferenceBuild out;
  out.name = name;
  auto forward = model.lookupSymbol<func::FuncOp>("forward");
  if (!forward)
    return model.emitError("the model has no @forward function");
  if (forward.getNumArguments() != 1 || forward.getNumResults() != 1)
    return mlir::emitError(forward.getLoc(), "the inference code generator handles one input "
                                             "and one output (this model has ")
           << forward.getNumArguments() << " inputs)";

  // Variables, in module order, become the descriptor and the weights array.
  llvm::StringMap<int64_t> varIndex;
  SmallVector<int64_t> desc{NNRT_ABI_VERSION, 0, 0, 0, 0};
  std::string names;
  for (auto var : model.getOps<nn::VariableOp>()) {
    auto shape = llvm::cast<RankedTensorType>(var.getType()).getShape();
    int64_t count = llvm::cast<RankedTensorType>(var.getType()).getNumElements();
    auto [fanIn, fanOut] = fans(shape);
    varIndex[var.getSymName()] = (int64_t)varIndex.size();
    desc.append({count, initCode(var.getInit()), fanIn, fanOut, var.getTrainable() ? 1 : 0});
    names += var.getSymName().str();
    names += '\0';
    out.paramCount += count;
  }
  desc[NNRT_DESC_NVARS] = (int64_t)varIndex.size();

  // Plan buffers: kernel results in the arena (the returned one in y), aliases share.
  Value input = forward.getArgument(0);
  Value result = forward.getBody().front().getTerminator()->getOperand(0);
  llvm::DenseMap<Value, Buffer> where;
  where[input] = {Buffer::Input};
  std::vector<OpLowering> steps;
  int64_t arena = 0;
  for (Operation &op : forward.getBody().front().without_terminator()) {
    if (auto read = llvm::dyn_cast<nn::ReadOp>(op)) {
      where[read.getResult()] = {Buffer::Weight, varIndex.lookup(read.getVariable())};
      continue;
    }
    FailureOr<OpLowering> lowering = lowerForInference(&op);
    if (failed(lowering))
      return failure();
    Value res = op.getResult(0);
    if (lowering->kind == OpLowering::Kind::Alias) {
      where[res] = where.lookup(lowering->tensors[0]);
      continue;
    }
    if (res == result) {
      where[res] = {Buffer::Output};
    } else {
      where[res] = {Buffer::Arena, arena};
      arena += perSample(res);
    }
    std::string symbol = llvm::formatv("{0}_k{1}_{2}", name, steps.size(),
                                       op.getName().stripDialect()).str();
    out.kernels.push_back({symbol, lowering->kernel});
    steps.push_back(std::move(*lowering));
  }
  out.inputSize = perSample(input);
  out.outputSize = perSample(result);
  out.arenaFloats = arena;
  desc[NNRT_DESC_INPUT] = out.inputSize;
  desc[NNRT_DESC_OUTPUT] = out.outputSize;
  desc[NNRT_DESC_ARENA] = arena;

  // The forward function.
  auto fwd = b.create<LLVM::LLVMFuncOp>(loc, name + "_forward",
                                        LLVM::LLVMFunctionType::get(i32, {ptr, ptr, i64, ptr, ptr}),
                                        LLVM::Linkage::Internal);
  Block *entry = fwd.addEntryBlock(b);
  Value weights = entry->getArgument(0), x = entry->getArgument(1), n = entry->getArgument(2),
        y = entry->getArgument(3), arenaBase = entry->getArgument(4);
  Block *failBlock = new Block();
  failBlock->addArgument(i32, loc);
  b.setInsertionPointToStart(entry);
  size_t maxTensors = 1;
  for (const OpLowering &s : steps)
    maxTensors = std::max(maxTensors, s.tensors.size());
  Value data = b.create<LLVM::AllocaOp>(loc, ptr, ptr, constant(i64, (int64_t)maxTensors));
  auto invoke = declare("nnrt_invoke", i32, {ptr, i32, ptr, ptr, i64});

  auto pointerTo = [&](Value v) -> Value {
    Buffer buf = where.lookup(v);
    switch (buf.kind) {
    case Buffer::Input: return x;
    case Buffer::Output: return y;
    case Buffer::Weight: {
      Value slot = b.create<LLVM::GEPOp>(loc, ptr, ptr, weights,
                                         ArrayRef<LLVM::GEPArg>{(int32_t)buf.index});
      return b.create<LLVM::LoadOp>(loc, ptr, slot);
    }
    case Buffer::Arena: {
      Value offset = b.create<LLVM::MulOp>(loc, n, constant(i64, buf.index));
      return b.create<LLVM::GEPOp>(loc, ptr, b.getF32Type(), arenaBase, ValueRange{offset});
    }
    }
    return x;
  };

  for (auto [k, step] : llvm::enumerate(steps)) {
    SmallVector<int64_t> dims;
    for (const auto &ext : step.extents) {
      dims.push_back((int64_t)ext.size());
      dims.append(ext.begin(), ext.end());
    }
    for (auto [i, v] : llvm::enumerate(step.tensors)) {
      Value slot = b.create<LLVM::GEPOp>(loc, ptr, ptr, data, ArrayRef<LLVM::GEPArg>{(int32_t)i});
      b.create<LLVM::StoreOp>(loc, pointerTo(v), slot);
    }
    auto kernelFn = declare(out.kernels[k].first + "_argv", i32, {ptr});
    Value fnPtr = b.create<LLVM::AddressOfOp>(loc, kernelFn);
    Value dimsPtr = b.create<LLVM::AddressOfOp>(loc, constantArray(dims));
    Value rc = b.create<LLVM::CallOp>(loc, invoke,
                                      ValueRange{fnPtr, constant(i32, (int64_t)step.tensors.size()),
                                                 data, dimsPtr, n})
                   .getResult();
    Value failed = b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::ne, rc, constant(i32, 0));
    Block *next = new Block();
    fwd.getBody().push_back(next);
    b.create<LLVM::CondBrOp>(loc, failed, failBlock, ValueRange{rc}, next, ValueRange{});
    b.setInsertionPointToStart(next);
  }
  // A result that aliases an earlier buffer (or the input) is copied out.
  if (where.lookup(result).kind != Buffer::Output) {
    auto copy = declare("nnrt_copy", LLVM::LLVMVoidType::get(ctx), {ptr, ptr, i64});
    Value count = b.create<LLVM::MulOp>(loc, n, constant(i64, out.outputSize));
    b.create<LLVM::CallOp>(loc, copy, ValueRange{y, pointerTo(result), count});
  }
  b.create<LLVM::ReturnOp>(loc, constant(i32, 0));
  fwd.getBody().push_back(failBlock);
  b.setInsertionPointToStart(failBlock);
  b.create<LLVM::ReturnOp>(loc, failBlock->getArgument(0));
  b.setInsertionPointToEnd(module.getBody());

  // The descriptor and the exported C API.
  auto descGlobal = constantArray(desc);
  auto namesGlobal = constantString(names);
  Type voidTy = LLVM::LLVMVoidType::get(ctx);
  exportWrapper("create", ptr, {i64}, "nnrt_create", [&](ValueRange args) {
    return SmallVector<Value>{b.create<LLVM::AddressOfOp>(loc, descGlobal),
                              b.create<LLVM::AddressOfOp>(loc, namesGlobal),
                              b.create<LLVM::AddressOfOp>(loc, fwd), args[0]};
  });
  auto pass = [](ValueRange args) { return SmallVector<Value>(args.begin(), args.end()); };
  exportWrapper("destroy", voidTy, {ptr}, "nnrt_destroy", pass);
  exportWrapper("load", i32, {ptr, ptr}, "nnrt_load", pass);
  exportWrapper("save", i32, {ptr, ptr}, "nnrt_save", pass);
  exportWrapper("predict", i32, {ptr, ptr, i64, ptr}, "nnrt_predict", pass);
  if (exeSummary) {
    // void nnrt_exe_program(desc**, names**, forward*, summary**, inputShape**) for
    // runtime/main.c; inputShape holds the rank, then the dimensions after the batch.
    auto summaryGlobal = constantString(*exeSummary + std::string(1, '\0'));
    auto inShape = llvm::cast<RankedTensorType>(input.getType()).getShape().drop_front();
    SmallVector<int64_t> shapeValues{(int64_t)inShape.size()};
    shapeValues.append(inShape.begin(), inShape.end());
    auto shapeGlobal = constantArray(shapeValues);
    auto fn = b.create<LLVM::LLVMFuncOp>(
        loc, "nnrt_exe_program", LLVM::LLVMFunctionType::get(voidTy, {ptr, ptr, ptr, ptr, ptr}));
    Block *body = fn.addEntryBlock(b);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(body);
    Value values[] = {b.create<LLVM::AddressOfOp>(loc, descGlobal),
                      b.create<LLVM::AddressOfOp>(loc, namesGlobal),
                      b.create<LLVM::AddressOfOp>(loc, fwd),
                      b.create<LLVM::AddressOfOp>(loc, summaryGlobal),
                      b.create<LLVM::AddressOfOp>(loc, shapeGlobal)};
    for (auto [arg, v] : llvm::zip(body->getArguments(), values))
      b.create<LLVM::StoreOp>(loc, v, arg);
    b.create<LLVM::ReturnOp>(loc, ValueRange{});
  }
  out.host = OwningOpRef<ModuleOp>(module);
  return out;
}

} // namespace

FailureOr<InferenceBuild> buildInference(ModuleOp model, const std::string &name,
                                         const std::string *exeSummary) {
  return Emitter(model.getContext(), name, exeSummary).run(model);
}

std::string inferenceHeader(const InferenceBuild &build) {
  const std::string &n = build.name;
  std::string guard = llvm::StringRef(n).upper() + "_H";
  std::string upper = llvm::StringRef(n).upper();
  return llvm::formatv(R"(/* {0}.h: generated by nnc. C API of the compiled model {0}. */
#ifndef {1}
#define {1}

#include <stdint.h>

#ifdef __cplusplus
extern "C" {{
#endif

/* Floats per sample: x holds n * {2}_INPUT_SIZE values, y n * {2}_OUTPUT_SIZE. */
#define {2}_INPUT_SIZE {3}
#define {2}_OUTPUT_SIZE {4}
/* Activation memory per sample (bytes) and parameter count. */
#define {2}_ARENA_BYTES {5}
#define {2}_PARAM_COUNT {6}

typedef struct nnc_model nnc_model;

/* A new instance with weights initialised as Keras does (glorot_uniform kernels,
 * zero biases, BatchNormalization gamma 1, beta 0, moving mean 0, variance 1),
 * drawn from `seed`. NULL on failure (see nnc_last_error()). */
nnc_model *{0}_create(uint64_t seed);
void {0}_destroy(nnc_model *model);
/* Checkpoints (docs/checkpoint.md). Return 0 on success. */
int {0}_load(nnc_model *model, const char *path);
int {0}_save(nnc_model *model, const char *path);
/* y = model(x) for n samples, row-major (NHWC for images). Returns 0 on success. */
int {0}_predict(nnc_model *model, const float *x, int64_t n, float *y);
/* Why the last call on this thread failed. */
const char *nnc_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* {1} */
)",
                       n, guard, upper, build.inputSize, build.outputSize,
                       build.arenaFloats * 4, build.paramCount)
      .str();
}

} // namespace nnc::codegen

// Buffer planning and kernel calls of one nn function.
#include "codegen/FunctionEmitter.h"

#include "codegen/OpKernelUtil.h"
#include "ir/NNOps.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace nnc::codegen {

namespace {

/// Everything a kernel is lowered from: the op's name, attributes and types (its
/// operands' producers and users play no part in OpKernels' lowering).
std::string describeOp(Operation *op) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << op->getName() << " " << op->getAttrDictionary() << " (";
  llvm::interleaveComma(op->getOperandTypes(), os);
  os << ") -> (";
  llvm::interleaveComma(op->getResultTypes(), os);
  os << ")";
  return text;
}

/// Where a tensor of the function lives.
struct Buffer {
  enum Kind { Input, Labels, Counter, Output, Weight, Arena, FixedArena } kind;
  int64_t index = 0; // argument/result/weight index, or arena offset (floats)
};

/// nnrt_invoke's rank word flag for a uint32 buffer.
constexpr int64_t kUInt32 = 0x100;

int64_t perSample(Value v) { return codegen::perSample(v.getType()); }

bool batched(Value v) {
  auto t = llvm::cast<RankedTensorType>(v.getType());
  return t.getRank() > 0 && t.isDynamicDim(0);
}

class FunctionEmitter {
public:
  FunctionEmitter(HostBuilder &h, func::FuncOp f, const llvm::StringMap<int64_t> &varIndex,
                  const TargetInfo &target, bool reuse, int64_t planBatch)
      : h(h), b(h.b), loc(h.loc), f(f), varIndex(varIndex), target(target), reuse(reuse),
        planBatch(reuse ? std::max<int64_t>(planBatch, 1) : 1) {}

  FailureOr<EmittedFunction> run(const std::string &symbol,
                                 std::vector<std::pair<std::string, std::shared_ptr<Kernel>>> &kernels);

private:
  /// A kernel call, or a copy of `source` into a buffer (a result or an assigned
  /// value that aliases another buffer).
  struct Step {
    OpLowering lowering;
    int64_t kernel = -1; // index into kernels, -1 for a copy
    Value source;
    Buffer target{Buffer::Output};
  };
  HostBuilder &h;
  OpBuilder &b;
  Location loc;
  func::FuncOp f;
  const llvm::StringMap<int64_t> &varIndex;
  const TargetInfo &target;
  llvm::DenseMap<Value, Buffer> where;
  std::vector<Step> steps;
  /// Arena buffers before planning: Buffer::index of an Arena/FixedArena value is
  /// the allocation's id until planMemory() turns it into an offset.
  struct Allocation {
    int64_t size = 0; // floats (per sample, or fixed)
    bool batched = false;
    int64_t floats = 0; // the value's own size (per sample when it is batched)
    bool valueBatched = false;
    int64_t first = -1, last = -1; // steps that write it first and read it last
    int64_t offset = 0;
  };
  std::vector<Allocation> allocations;
  bool reuse;
  /// > 1: every buffer is placed in the per-sample zone, which holds at least
  /// planBatch samples (a fixed-size buffer takes ceil(size / planBatch) floats per
  /// sample), so fixed buffers (weight gradients) and per-sample ones share memory.
  int64_t planBatch;
  int64_t arena = 0, fixed = 0, naiveArena = 0, naiveFixed = 0;
  Value weights, x, labels, counter, n, out, arenaBase, samples;

  LogicalResult plan(const std::string &symbol,
                     std::vector<std::pair<std::string, std::shared_ptr<Kernel>>> &kernels);
  void place(Value v, llvm::DenseMap<Value, int64_t> &assigned,
             llvm::DenseMap<Value, int64_t> &results);
  void planMemory();
  Value pointerTo(Value v);
  Value pointerTo(Buffer buf);
};

void FunctionEmitter::place(Value v, llvm::DenseMap<Value, int64_t> &assigned,
                            llvm::DenseMap<Value, int64_t> &results) {
  if (auto it = results.find(v); it != results.end()) {
    where[v] = {Buffer::Output, it->second};
    results.erase(it);
  } else if (auto a = assigned.find(v); a != assigned.end()) {
    where[v] = {Buffer::Weight, a->second};
    assigned.erase(a); // a second assignment of the same value copies
  } else {
    Allocation alloc;
    alloc.valueBatched = batched(v);
    alloc.floats = std::max<int64_t>(perSample(v), 1);
    alloc.batched = alloc.valueBatched || planBatch > 1;
    alloc.size = alloc.valueBatched ? alloc.floats : (alloc.floats + planBatch - 1) / planBatch;
    where[v] = {alloc.batched ? Buffer::Arena : Buffer::FixedArena, (int64_t)allocations.size()};
    allocations.push_back(alloc);
  }
}

/// Liveness-based reuse: each allocation lives from the step that writes it to the
/// last step that reads it (through aliases too); allocations whose lifetimes overlap
/// (closed intervals: a kernel's inputs and outputs never share) get disjoint ranges,
/// first fit in definition order. Without reuse every allocation gets its own range.
void FunctionEmitter::planMemory() {
  auto touch = [&](Value v, int64_t step) {
    Buffer buf = where.lookup(v);
    if (buf.kind != Buffer::Arena && buf.kind != Buffer::FixedArena)
      return;
    Allocation &a = allocations[buf.index];
    if (a.first < 0)
      a.first = step;
    a.last = std::max(a.last, step);
  };
  for (auto [i, step] : llvm::enumerate(steps)) {
    if (step.kernel < 0)
      touch(step.source, (int64_t)i);
    else
      for (Value v : step.lowering.tensors)
        touch(v, (int64_t)i);
  }
  for (const Allocation &a : allocations)
    (a.valueBatched ? naiveArena : naiveFixed) += a.floats;
  // In place: a pointwise kernel's result takes over an operand that dies there.
  std::vector<int64_t> root(allocations.size());
  for (size_t i = 0; i < root.size(); ++i)
    root[i] = (int64_t)i;
  auto allocOf = [&](Value v) -> int64_t {
    Buffer buf = where.lookup(v);
    if (buf.kind != Buffer::Arena && buf.kind != Buffer::FixedArena)
      return -1;
    int64_t id = buf.index;
    while (root[id] != id)
      id = root[id];
    return id;
  };
  for (auto [i, step] : llvm::enumerate(steps)) {
    const OpLowering &l = step.lowering;
    if (!reuse || step.kernel < 0 || l.inPlace < 0)
      continue;
    int64_t in = allocOf(l.tensors[l.inPlace]), out = allocOf(l.tensors.back());
    if (in < 0 || out < 0 || in == out || allocations[in].last != (int64_t)i ||
        allocations[in].size != allocations[out].size ||
        allocations[in].batched != allocations[out].batched)
      continue;
    root[out] = in;
    allocations[in].last = std::max(allocations[in].last, allocations[out].last);
  }
  // Offsets, largest first: each takes the lowest range free of every allocation
  // (of its kind) whose lifetime overlaps its own.
  std::vector<int64_t> order;
  for (size_t i = 0; i < allocations.size(); ++i)
    if (root[i] == (int64_t)i)
      order.push_back((int64_t)i);
  if (reuse)
    llvm::stable_sort(order, [&](int64_t x, int64_t y) {
      return allocations[x].size > allocations[y].size;
    });
  std::vector<int64_t> placed;
  for (int64_t i : order) {
    Allocation &a = allocations[i];
    std::vector<std::pair<int64_t, int64_t>> taken;
    for (int64_t j : placed) {
      const Allocation &o = allocations[j];
      if (o.batched == a.batched && (!reuse || (o.first <= a.last && a.first <= o.last)))
        taken.push_back({o.offset, o.offset + o.size});
    }
    llvm::sort(taken);
    int64_t at = 0;
    for (auto [begin, end] : taken) {
      if (at + a.size <= begin)
        break;
      at = std::max(at, end);
    }
    a.offset = at;
    placed.push_back(i);
    int64_t &total = a.batched ? arena : fixed;
    total = std::max(total, at + a.size);
  }
  for (size_t i = 0; i < allocations.size(); ++i) {
    int64_t r = (int64_t)i;
    while (root[r] != r)
      r = root[r];
    allocations[i].offset = allocations[r].offset;
  }
  for (auto &[v, buf] : where)
    if (buf.kind == Buffer::Arena || buf.kind == Buffer::FixedArena)
      buf.index = allocations[buf.index].offset;
}

LogicalResult
FunctionEmitter::plan(const std::string &symbol,
                      std::vector<std::pair<std::string, std::shared_ptr<Kernel>>> &kernels) {
  Block &body = f.getBody().front();
  const Buffer::Kind argKinds[] = {Buffer::Input, Buffer::Labels, Buffer::Counter};
  for (auto [i, arg] : llvm::enumerate(body.getArguments()))
    where[arg] = {argKinds[std::min<size_t>(i, 2)], (int64_t)i};
  llvm::DenseMap<Value, int64_t> assigned, results;
  for (auto [i, v] : llvm::enumerate(body.getTerminator()->getOperands()))
    results.try_emplace(v, (int64_t)i);
  for (auto assign : body.getOps<nn::AssignOp>())
    assigned.try_emplace(assign.getValue(), varIndex.lookup(assign.getVariable()));
  for (Operation &op : body.without_terminator()) {
    if (auto read = llvm::dyn_cast<nn::ReadOp>(op)) {
      where[read.getResult()] = {Buffer::Weight, varIndex.lookup(read.getVariable())};
      continue;
    }
    if (auto assign = llvm::dyn_cast<nn::AssignOp>(op)) {
      Buffer buf = where.lookup(assign.getValue());
      int64_t var = varIndex.lookup(assign.getVariable());
      if (buf.kind != Buffer::Weight || buf.index != var) {
        Step s;
        s.source = assign.getValue();
        s.target = {Buffer::Weight, var};
        steps.push_back(std::move(s));
      }
      continue;
    }
    FailureOr<OpLowering> lowering = lowerOp(&op, target);
    if (failed(lowering))
      return failure();
    if (lowering->kind == OpLowering::Kind::Alias) {
      where[op.getResult(0)] = where.lookup(lowering->tensors[0]);
      continue;
    }
    for (Value r : op.getResults())
      place(r, assigned, results);
    lowering->kernel->origin = describeOp(&op);
    Step s;
    s.kernel = (int64_t)kernels.size();
    kernels.push_back({llvm::formatv("{0}_k{1}_{2}", symbol, steps.size(),
                                     op.getName().stripDialect())
                           .str(),
                       lowering->kernel});
    s.lowering = std::move(*lowering);
    steps.push_back(std::move(s));
  }
  // Results that alias an earlier buffer (or the input) are copied out.
  for (auto [v, index] : results) {
    Step s;
    s.source = v;
    s.target = {Buffer::Output, index};
    steps.push_back(std::move(s));
  }
  return success();
}

Value FunctionEmitter::pointerTo(Buffer buf) {
  auto offset = [&](Value base, Value floats) {
    return b.create<LLVM::GEPOp>(loc, h.ptr, b.getF32Type(), base, ValueRange{floats});
  };
  switch (buf.kind) {
  case Buffer::Input: return x;
  case Buffer::Labels: return labels;
  case Buffer::Counter: return counter;
  case Buffer::Output: return offset(out, h.constant(h.i64, buf.index));
  case Buffer::Weight: {
    Value slot = b.create<LLVM::GEPOp>(loc, h.ptr, h.ptr, weights,
                                       ArrayRef<LLVM::GEPArg>{(int32_t)buf.index});
    return b.create<LLVM::LoadOp>(loc, h.ptr, slot);
  }
  case Buffer::FixedArena: return offset(arenaBase, h.constant(h.i64, buf.index));
  case Buffer::Arena: {
    Value scaled = b.create<LLVM::MulOp>(loc, samples, h.constant(h.i64, buf.index));
    return offset(arenaBase, b.create<LLVM::AddOp>(loc, scaled, h.constant(h.i64, fixed)));
  }
  }
  return x;
}

Value FunctionEmitter::pointerTo(Value v) { return pointerTo(where.lookup(v)); }

FailureOr<EmittedFunction>
FunctionEmitter::run(const std::string &symbol,
                     std::vector<std::pair<std::string, std::shared_ptr<Kernel>>> &kernels) {
  if (failed(plan(symbol, kernels)))
    return failure();
  planMemory();
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToEnd(h.module.getBody());
  auto fnType = LLVM::LLVMFunctionType::get(h.i32, {h.ptr, h.ptr, h.ptr, h.ptr, h.i64, h.ptr, h.ptr});
  auto fn = b.create<LLVM::LLVMFuncOp>(loc, symbol, fnType, LLVM::Linkage::Internal);
  Block *entry = fn.addEntryBlock(b);
  weights = entry->getArgument(0);
  x = entry->getArgument(1);
  labels = entry->getArgument(2);
  counter = entry->getArgument(3);
  n = entry->getArgument(4);
  out = entry->getArgument(5);
  arenaBase = entry->getArgument(6);
  Block *failBlock = new Block();
  failBlock->addArgument(h.i32, loc);
  b.setInsertionPointToStart(entry);
  samples = n;
  if (planBatch > 1) {
    Value least = h.constant(h.i64, planBatch);
    Value small = b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::slt, n, least);
    samples = b.create<LLVM::SelectOp>(loc, small, least, n);
  }
  size_t maxTensors = 1;
  for (const Step &s : steps)
    maxTensors = std::max(maxTensors, s.lowering.tensors.size());
  Value data = b.create<LLVM::AllocaOp>(loc, h.ptr, h.ptr, h.constant(h.i64, (int64_t)maxTensors));
  auto invoke = h.declare("nnrt_invoke", h.i32, {h.ptr, h.i32, h.ptr, h.ptr, h.i64});
  auto copy = h.declare("nnrt_copy", LLVM::LLVMVoidType::get(h.ctx), {h.ptr, h.ptr, h.i64});

  for (Step &step : steps) {
    if (step.kernel < 0) {
      Value src = step.source;
      Buffer dst = step.target;
      Value count = batched(src) ? b.create<LLVM::MulOp>(loc, n, h.constant(h.i64, perSample(src))).getResult()
                                 : h.constant(h.i64, perSample(src));
      b.create<LLVM::CallOp>(loc, copy, ValueRange{pointerTo(dst), pointerTo(src), count});
      continue;
    }
    const OpLowering &l = step.lowering;
    SmallVector<int64_t> dims;
    for (auto [v, ext] : llvm::zip(l.tensors, l.extents)) {
      bool u32 = where.lookup(v).kind == Buffer::Counter;
      dims.push_back((int64_t)ext.size() | (u32 ? kUInt32 : 0));
      dims.append(ext.begin(), ext.end());
    }
    for (auto [i, v] : llvm::enumerate(l.tensors)) {
      Value slot = b.create<LLVM::GEPOp>(loc, h.ptr, h.ptr, data, ArrayRef<LLVM::GEPArg>{(int32_t)i});
      b.create<LLVM::StoreOp>(loc, pointerTo(v), slot);
    }
    auto kernelFn = h.declare(kernels[step.kernel].first + "_argv", h.i32, {h.ptr});
    Value fnPtr = b.create<LLVM::AddressOfOp>(loc, kernelFn);
    Value dimsPtr = b.create<LLVM::AddressOfOp>(loc, h.constantArray(dims));
    Value rc = b.create<LLVM::CallOp>(loc, invoke,
                                      ValueRange{fnPtr, h.constant(h.i32, (int64_t)l.tensors.size()),
                                                 data, dimsPtr, n})
                   .getResult();
    Value failed = b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::ne, rc, h.constant(h.i32, 0));
    Block *next = new Block();
    fn.getBody().push_back(next);
    b.create<LLVM::CondBrOp>(loc, failed, failBlock, ValueRange{rc}, next, ValueRange{});
    b.setInsertionPointToStart(next);
  }
  b.create<LLVM::ReturnOp>(loc, h.constant(h.i32, 0));
  fn.getBody().push_back(failBlock);
  b.setInsertionPointToStart(failBlock);
  b.create<LLVM::ReturnOp>(loc, failBlock->getArgument(0));
  return EmittedFunction{fn, arena, fixed, naiveArena, naiveFixed, planBatch};
}

} // namespace

FailureOr<EmittedFunction>
emitFunction(HostBuilder &h, func::FuncOp f, const llvm::StringMap<int64_t> &varIndex,
             const std::string &symbol, const TargetInfo &target,
             std::vector<std::pair<std::string, std::shared_ptr<Kernel>>> &kernels,
             bool reuse, int64_t planBatch) {
  attachKernelModels(f->getContext());
  return FunctionEmitter(h, f, varIndex, target, reuse, planBatch).run(symbol, kernels);
}

} // namespace nnc::codegen

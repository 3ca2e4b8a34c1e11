// --nn-pack-inputs: a model of several inputs takes them as one row per sample, the
// inputs flattened and concatenated in order. @forward(x1, ..., xk) becomes
// @forward(inputs) whose body slices each input back out (nn.slice, nn.reshape), and
// every function that passes its own leading arguments on to @forward (@loss) takes
// the packed row the same way. The code generator, the runtime's batching and
// shuffling, `fit` on a CSV file and the C API then see one input of
// sum(size_i) floats per sample; `nn.inputs` on @forward keeps each input's name,
// shape and offset for the generated header.
#include "passes/Passes.h"

#include "ir/NNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "llvm/ADT/BitVector.h"

using namespace mlir;

namespace nnc::passes {

#define GEN_PASS_DEF_PACKINPUTS
#include "passes/Passes.h.inc"

namespace {

/// Replaces the first `count` arguments of `fn` by one argument of `packed` type and
/// `mapArgs(packedValue)`'s values, built at the top of its body.
void replaceLeadingArguments(func::FuncOp fn, unsigned count, RankedTensorType packed,
                             DictionaryAttr attrs,
                             llvm::function_ref<SmallVector<Value>(OpBuilder &, Value)> mapArgs) {
  fn.insertArgument(0u, packed, attrs, fn.getLoc());
  Block &body = fn.front();
  OpBuilder b(&body, body.begin());
  SmallVector<Value> values = mapArgs(b, fn.getArgument(0));
  llvm::BitVector erase(fn.getNumArguments());
  for (unsigned i = 0; i < count; ++i) {
    fn.getArgument(i + 1).replaceAllUsesWith(values[i]);
    erase.set(i + 1);
  }
  fn.eraseArguments(erase);
}

struct PackInputsPass : impl::PackInputsBase<PackInputsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto forward = module.lookupSymbol<func::FuncOp>("forward");
    if (!forward || forward.getNumArguments() < 2)
      return;
    unsigned count = forward.getNumArguments();
    Builder b(module.getContext());
    SmallVector<RankedTensorType> types;
    SmallVector<int64_t> offsets;
    SmallVector<Attribute> layout;
    int64_t total = 0, batch = 0;
    for (auto [i, arg] : llvm::enumerate(forward.getArguments())) {
      auto type = llvm::dyn_cast<RankedTensorType>(arg.getType());
      if (!type || type.getRank() < 2 ||
          llvm::any_of(type.getShape().drop_front(), ShapedType::isDynamic)) {
        forward.emitError("input ") << i << " needs a static shape besides the batch";
        return signalPassFailure();
      }
      if (i == 0)
        batch = type.getDimSize(0);
      else if (type.getDimSize(0) != batch) {
        auto str = [](int64_t d) {
          return ShapedType::isDynamic(d) ? std::string("None") : std::to_string(d);
        };
        forward.emitError("the model's inputs have different batch sizes (")
            << str(batch) << " and " << str(type.getDimSize(0))
            << "); give every Input the same batch_size, or none";
        return signalPassFailure();
      }
      int64_t size = 1;
      for (int64_t d : type.getShape().drop_front())
        size *= d;
      auto name = forward.getArgAttrOfType<StringAttr>(i, "nn.name");
      layout.push_back(b.getDictionaryAttr(
          {b.getNamedAttr("name", name ? name : b.getStringAttr("input_" + std::to_string(i))),
           b.getNamedAttr("shape", b.getDenseI64ArrayAttr(type.getShape().drop_front())),
           b.getNamedAttr("offset", b.getI64IntegerAttr(total))}));
      types.push_back(type);
      offsets.push_back(total);
      total += size;
    }
    auto packed = RankedTensorType::get({batch, total}, b.getF32Type());
    auto unpack = [&](OpBuilder &ob, Value row) {
      SmallVector<Value> inputs;
      for (auto [type, offset] : llvm::zip(types, offsets)) {
        int64_t size = 1;
        for (int64_t d : type.getShape().drop_front())
          size *= d;
        Value v = ob.create<nn::SliceOp>(
            row.getLoc(), RankedTensorType::get({batch, size}, b.getF32Type()), row, 1, offset);
        if (type.getRank() != 2)
          v = ob.create<nn::ReshapeOp>(row.getLoc(), type, v, type.getShape().drop_front(),
                                       StringAttr());
        inputs.push_back(v);
      }
      return inputs;
    };
    // Callers that forward their own leading arguments (@loss) first: they keep
    // calling @forward with the packed row.
    SmallVector<func::CallOp> calls;
    module.walk([&](func::CallOp call) {
      if (call.getCallee() == "forward")
        calls.push_back(call);
    });
    for (func::CallOp call : calls) {
      auto caller = call->getParentOfType<func::FuncOp>();
      bool leading = call.getNumOperands() == count && caller.getNumArguments() >= count;
      for (unsigned i = 0; leading && i < count; ++i)
        leading = call.getOperand(i) == caller.getArgument(i) && caller.getArgument(i).hasOneUse();
      if (!leading) {
        call.emitError("@forward is called with other values than its caller's own leading "
                       "arguments; its inputs cannot be packed");
        return signalPassFailure();
      }
      caller.insertArgument(0u, packed, DictionaryAttr(), caller.getLoc());
      call->setOperands(0, count, caller.getArgument(0));
      llvm::BitVector erase(caller.getNumArguments());
      erase.set(1, count + 1);
      caller.eraseArguments(erase);
    }
    replaceLeadingArguments(
        forward, count, packed,
        b.getDictionaryAttr(b.getNamedAttr("nn.name", b.getStringAttr("inputs"))), unpack);
    forward->setAttr("nn.inputs", b.getArrayAttr(layout));
  }
};

} // namespace

std::unique_ptr<mlir::Pass> createPackInputsPass() { return std::make_unique<PackInputsPass>(); }

} // namespace nnc::passes

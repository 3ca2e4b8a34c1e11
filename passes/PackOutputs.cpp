// --nn-pack-outputs: a model of several outputs gives one row per sample, the outputs
// flattened and concatenated in order, and takes its labels the same way. @forward's
// results become one (nn.reshape, nn.concatenate); @evaluate and @train_step take
// one label row whose parts (nn.slice) are each head's labels, as f32 (class ids of
// a sparse head are whole floats, as the runtime passes every label). Callers of
// @forward (@loss) slice the packed result back into the outputs. `nn.outputs` on
// @forward records each output's name, shape and offset, and with a loss its kind and
// the offset and size of its labels in the label row, for the header and the runtime.
#include "passes/Passes.h"

#include "ir/NNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "llvm/ADT/BitVector.h"

using namespace mlir;

namespace nnc::passes {

#define GEN_PASS_DEF_PACKOUTPUTS
#include "passes/Passes.h.inc"

namespace {

int64_t sizeOf(Type t) {
  int64_t size = 1;
  for (int64_t d : llvm::cast<RankedTensorType>(t).getShape().drop_front())
    size *= d;
  return size;
}

/// Column `offset`.. of `row` as a value of `type` (same batch, `size` floats a sample).
Value unpack(OpBuilder &b, Location loc, Value row, int64_t offset, RankedTensorType type) {
  int64_t batch = llvm::cast<RankedTensorType>(row.getType()).getDimSize(0);
  auto flat = RankedTensorType::get({batch, sizeOf(type)}, b.getF32Type());
  Value v = b.create<nn::SliceOp>(loc, flat, row, 1, offset);
  if (type.getRank() != 2 && type.getElementType().isF32())
    v = b.create<nn::ReshapeOp>(loc, type, v, type.getShape().drop_front(), StringAttr());
  return v;
}

struct PackOutputsPass : impl::PackOutputsBase<PackOutputsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto forward = module.lookupSymbol<func::FuncOp>("forward");
    if (!forward || forward.getNumResults() < 2)
      return;
    OpBuilder b(module.getContext());
    SmallVector<RankedTensorType> types;
    SmallVector<int64_t> offsets;
    int64_t total = 0, batch = 0;
    for (auto [i, t] : llvm::enumerate(forward.getResultTypes())) {
      auto type = llvm::dyn_cast<RankedTensorType>(t);
      if (!type || type.getRank() < 2 || !type.getElementType().isF32() ||
          llvm::any_of(type.getShape().drop_front(), ShapedType::isDynamic)) {
        forward.emitError("output ") << i << " needs a static f32 shape besides the batch";
        return signalPassFailure();
      }
      batch = type.getDimSize(0);
      types.push_back(type);
      offsets.push_back(total);
      total += sizeOf(type);
    }
    auto packed = RankedTensorType::get({batch, total}, b.getF32Type());

    // @forward returns the row.
    auto ret = llvm::cast<func::ReturnOp>(forward.front().getTerminator());
    b.setInsertionPoint(ret);
    SmallVector<Value> flat;
    for (auto [v, type] : llvm::zip(ret.getOperands(), types))
      flat.push_back(type.getRank() == 2
                         ? v
                         : b.create<nn::ReshapeOp>(
                               ret.getLoc(), RankedTensorType::get({batch, sizeOf(type)},
                                                                   b.getF32Type()),
                               v, ArrayRef<int64_t>{sizeOf(type)}, StringAttr()));
    Value row = b.create<nn::ConcatenateOp>(ret.getLoc(), packed, flat, 1, StringAttr());
    SmallVector<Attribute> names;
    for (unsigned i = 0; i < types.size(); ++i) {
      auto name = forward.getResultAttrOfType<StringAttr>(i, "nn.name");
      names.push_back(name ? name : b.getStringAttr("output_" + std::to_string(i + 1)));
    }
    ret->setOperands(row);
    forward.setType(b.getFunctionType(forward.getArgumentTypes(), {packed}));
    forward.setResultAttrs(0, b.getDictionaryAttr(b.getNamedAttr("nn.name",
                                                                 b.getStringAttr("outputs"))));

    // Its callers take the outputs back out of the row.
    SmallVector<func::CallOp> calls;
    module.walk([&](func::CallOp call) {
      if (call.getCallee() == "forward")
        calls.push_back(call);
    });
    for (func::CallOp call : calls) {
      b.setInsertionPoint(call);
      auto packedCall = b.create<func::CallOp>(call.getLoc(), forward, call.getOperands());
      for (auto [i, result] : llvm::enumerate(call.getResults()))
        result.replaceAllUsesWith(
            unpack(b, call.getLoc(), packedCall.getResult(0), offsets[i], types[i]));
      call.erase();
    }

    // The label rows of @evaluate and @train_step: each head's labels, in head order.
    auto heads = module->getAttrOfType<ArrayAttr>("nn.heads");
    SmallVector<Attribute> layout;
    SmallVector<DictionaryAttr> headOf(types.size());
    for (auto h : heads ? heads.getAsRange<DictionaryAttr>() : ArrayRef<DictionaryAttr>())
      headOf[llvm::cast<IntegerAttr>(h.get("output")).getInt()] = h;
    int64_t labelTotal = 0;
    SmallVector<int64_t> labelOffsets;
    for (auto fnName : {"evaluate", "train_step"}) {
      auto fn = module.lookupSymbol<func::FuncOp>(fnName);
      if (!fn || !heads)
        continue;
      unsigned count = heads.size();
      SmallVector<RankedTensorType> labelTypes;
      labelTotal = 0;
      labelOffsets.clear();
      for (unsigned i = 0; i < count; ++i) {
        auto type = llvm::cast<RankedTensorType>(fn.getArgument(1 + i).getType());
        labelTypes.push_back(type);
        labelOffsets.push_back(labelTotal);
        labelTotal += type.getRank() == 1 ? 1 : sizeOf(type);
      }
      fn.insertArgument(1u, RankedTensorType::get({batch, labelTotal}, b.getF32Type()),
                        b.getDictionaryAttr(b.getNamedAttr("nn.name", b.getStringAttr("labels"))),
                        fn.getLoc());
      b.setInsertionPointToStart(&fn.front());
      llvm::BitVector erase(fn.getNumArguments());
      for (unsigned i = 0; i < count; ++i) {
        RankedTensorType type = labelTypes[i];
        if (type.getRank() == 1) // sparse class ids: one column
          type = RankedTensorType::get({batch, 1}, b.getF32Type());
        fn.getArgument(2 + i).replaceAllUsesWith(
            unpack(b, fn.getLoc(), fn.getArgument(1), labelOffsets[i],
                   RankedTensorType::get(type.getShape(), b.getF32Type())));
        erase.set(2 + i);
      }
      fn.eraseArguments(erase);
    }
    unsigned h = 0;
    for (auto [i, type] : llvm::enumerate(types)) {
      SmallVector<NamedAttribute> entry{
          b.getNamedAttr("name", names[i]),
          b.getNamedAttr("shape", b.getDenseI64ArrayAttr(type.getShape().drop_front())),
          b.getNamedAttr("offset", b.getI64IntegerAttr(offsets[i]))};
      if (DictionaryAttr head = headOf[i]) {
        // Heads are in output order (the frontend emits a loss per output in turn).
        entry.push_back(b.getNamedAttr("loss", head.get("loss")));
        entry.push_back(b.getNamedAttr("label_offset", b.getI64IntegerAttr(labelOffsets[h])));
        int64_t next = h + 1 < labelOffsets.size() ? labelOffsets[h + 1] : labelTotal;
        entry.push_back(b.getNamedAttr("label_size", b.getI64IntegerAttr(next - labelOffsets[h])));
        ++h;
      }
      layout.push_back(b.getDictionaryAttr(entry));
    }
    forward->setAttr("nn.outputs", b.getArrayAttr(layout));
  }
};

} // namespace

std::unique_ptr<mlir::Pass> createPackOutputsPass() {
  return std::make_unique<PackOutputsPass>();
}

} // namespace nnc::passes

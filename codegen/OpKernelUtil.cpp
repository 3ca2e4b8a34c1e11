// Helpers shared by the op lowerings.
#include "codegen/OpKernelUtil.h"

using namespace mlir;

namespace nnc::codegen {

ArrayRef<int64_t> shapeOf(Value v) { return llvm::cast<RankedTensorType>(v.getType()).getShape(); }

std::vector<int64_t> full(Value v) {
  ArrayRef<int64_t> s = shapeOf(v);
  std::vector<int64_t> e(s.rbegin(), s.rend());
  if (!e.empty() && ShapedType::isDynamic(e.back()))
    e.back() = -1;
  return e;
}

std::vector<int64_t> rows(Value v) {
  ArrayRef<int64_t> s = shapeOf(v);
  int64_t folded = 1;
  bool batch = false;
  for (int64_t d : s.drop_back()) {
    if (ShapedType::isDynamic(d))
      batch = true;
    else
      folded *= d;
  }
  return {s.back(), batch ? -folded : folded};
}

int64_t count(Value v) { return llvm::cast<RankedTensorType>(v.getType()).getNumElements(); }

std::vector<int64_t> mapOrFlat(Value v) {
  return shapeOf(v).size() == 4 ? full(v) : std::vector<int64_t>{count(v)};
}

std::vector<int64_t> rowsOrFlat(Value v) {
  return shapeOf(v).size() >= 2 ? rows(v) : std::vector<int64_t>{count(v)};
}

std::vector<int64_t> flat(Value v) { return {count(v)}; }

int64_t perSample(Type t) {
  int64_t n = 1;
  for (int64_t d : llvm::cast<RankedTensorType>(t).getShape())
    if (!ShapedType::isDynamic(d))
      n *= d;
  return n;
}

Activation activationOf(StringRef name, APFloat alpha) {
  return Activation::parse(name.str(), alpha.convertToFloat());
}

ConvShape convShape(Value input, Value kernel, ArrayRef<int64_t> strides,
                    ArrayRef<int64_t> dilation, StringRef padding) {
  auto in = shapeOf(input);
  auto ks = shapeOf(kernel);
  return ConvShape{(int)in[1],         (int)in[2],         (int)in[3],          (int)ks[0],
                   (int)ks[1],         (int)ks[3],         (int)strides[0],     (int)strides[1],
                   (int)dilation[0],   (int)dilation[1],   padding == "same"};
}

PoolShape poolShape(Value input, ArrayRef<int64_t> pool, ArrayRef<int64_t> strides,
                    StringRef padding) {
  auto in = shapeOf(input);
  return PoolShape{(int)in[1],      (int)in[2],      (int)in[3],       (int)pool[0],
                   (int)pool[1],    (int)strides[0], (int)strides[1],  padding == "same"};
}

OpLowering kernelCall(std::shared_ptr<Kernel> k, std::vector<Value> tensors,
                      std::vector<std::vector<int64_t>> extents) {
  OpLowering l;
  l.kind = OpLowering::Kind::Kernel;
  l.kernel = std::move(k);
  l.tensors = std::move(tensors);
  l.extents = std::move(extents);
  return l;
}

OpLowering callOnAll(std::shared_ptr<Kernel> k, Operation *op,
                     std::vector<int64_t> (*extentsOf)(Value)) {
  std::vector<Value> t(op->operand_begin(), op->operand_end());
  t.insert(t.end(), op->result_begin(), op->result_end());
  std::vector<std::vector<int64_t>> e;
  for (Value v : t)
    e.push_back(extentsOf(v));
  return kernelCall(std::move(k), t, e);
}

OpLowering aliasOf(Operation *op) {
  OpLowering alias;
  alias.tensors = {op->getOperand(0), op->getResult(0)};
  return alias;
}

} // namespace nnc::codegen

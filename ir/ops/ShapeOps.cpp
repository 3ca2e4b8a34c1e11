// Flatten, Reshape, Concatenate, Transpose: shape inference and verifiers.
#include "ir/NNOps.h"
#include "ir/ShapeUtils.h"

using namespace mlir;

namespace nnc::nn {

/// Values per sample above this are rejected (they would not fit the runtime).
static constexpr int64_t kMaxPerSample = int64_t(1) << 31;

/// Product of the dimensions, kDynamic when any is dynamic, -1 when it
/// exceeds kMaxPerSample.
static int64_t product(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d == kDynamic)
      return kDynamic;
    if (__builtin_mul_overflow(n, d, &n) || n > kMaxPerSample)
      return -1;
  }
  return n;
}

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  auto in = rankedType(adaptor.getInput());
  if (!in || in.getRank() < 1)
    return shapeError(loc, "Flatten needs an input with a batch dimension");
  int64_t rest = product(in.getShape().drop_front());
  if (rest == -1)
    return shapeError(loc, "Flatten input " + kerasShape(in.getShape()) +
                               " has more than 2^31 values per sample");
  inferred.push_back(RankedTensorType::get({in.getDimSize(0), rest}, in.getElementType()));
  return success();
}

LogicalResult ReshapeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  auto in = rankedType(adaptor.getInput());
  if (!in || in.getRank() < 1)
    return shapeError(loc, "Reshape needs an input with a batch dimension");
  ArrayRef<int64_t> target = adaptor.getShape();
  int64_t have = product(in.getShape().drop_front());
  if (have == -1)
    return shapeError(loc, "Reshape input " + kerasShape(in.getShape()) +
                               " has more than 2^31 values per sample");
  int64_t known = 1;
  int unknown = -1;
  for (auto [i, d] : llvm::enumerate(target)) {
    if (d == -1) {
      if (unknown >= 0)
        return shapeError(loc, "Reshape target_shape may contain -1 only once");
      unknown = i;
    } else if (d <= 0) {
      return shapeError(loc, "Reshape target_shape entries must be positive or -1, got " +
                                 llvm::Twine(d));
    } else if (__builtin_mul_overflow(known, d, &known) || known > kMaxPerSample) {
      return shapeError(loc, "Reshape target_shape has more than 2^31 values per sample");
    }
  }
  SmallVector<int64_t> shape{in.getDimSize(0)};
  shape.append(target.begin(), target.end());
  if (have != kDynamic) {
    if (unknown >= 0) {
      if (have % known != 0)
        return shapeError(loc, "cannot reshape " + kerasShape(in.getShape()) + " (" +
                                   llvm::Twine(have) + " values per sample) with a -1 "
                                   "entry: the other entries' product " +
                                   llvm::Twine(known) + " does not divide it");
      shape[1 + unknown] = have / known;
    } else if (known != have) {
      return shapeError(loc, "cannot reshape " + kerasShape(in.getShape()) + " (" +
                                 llvm::Twine(have) + " values per sample) to target_shape "
                                 "with " + llvm::Twine(known) + " values");
    }
  } else if (unknown >= 0) {
    shape[1 + unknown] = kDynamic;
  }
  inferred.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

LogicalResult ConcatenateOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &inferred) {
  auto inputs = adaptor.getInputs();
  if (inputs.empty())
    return shapeError(loc, "Concatenate needs at least one input");
  auto first = rankedType(inputs[0]);
  if (!first)
    return shapeError(loc, "Concatenate needs ranked tensor inputs");
  int64_t rank = first.getRank();
  int64_t axis = adaptor.getAxis();
  if (axis < 0)
    axis += rank;
  if (axis <= 0 || axis >= rank)
    return shapeError(loc, "Concatenate axis " + llvm::Twine((int64_t)adaptor.getAxis()) +
                               " is out of range for inputs of rank " + llvm::Twine(rank) +
                               " (the batch axis 0 cannot be joined)");
  SmallVector<int64_t> shape(first.getShape());
  for (Value v : inputs.drop_front()) {
    auto t = rankedType(v);
    if (!t || t.getRank() != rank)
      return shapeError(loc, "Concatenate inputs must all have rank " + llvm::Twine(rank));
    for (int64_t d = 0; d < rank; ++d) {
      if (d == axis) {
        shape[d] = (shape[d] == kDynamic || t.getDimSize(d) == kDynamic)
                       ? kDynamic
                       : shape[d] + t.getDimSize(d);
      } else if (!dimsAgree(shape[d], t.getDimSize(d))) {
        return shapeError(loc, "Concatenate inputs " + kerasShape(first.getShape()) +
                                   " and " + kerasShape(t.getShape()) +
                                   " differ outside the concatenation axis " +
                                   llvm::Twine(axis));
      }
    }
  }
  inferred.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto in = rankedType(adaptor.getInput());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  if (!in || (int64_t)perm.size() != in.getRank())
    return shapeError(loc, "Permute needs one entry per axis of its " +
                               llvm::Twine(in ? in.getRank() : 0) + "-D input, got " +
                               llvm::Twine(perm.size()));
  SmallVector<bool> seen(perm.size(), false);
  SmallVector<int64_t> shape;
  for (auto [i, p] : llvm::enumerate(perm)) {
    if (p < 0 || p >= (int64_t)perm.size() || seen[p] || (i == 0) != (p == 0))
      return shapeError(loc, "Permute dims must be a permutation of the axes that keeps "
                             "the batch axis 0 first");
    seen[p] = true;
    shape.push_back(in.getDimSize(p));
  }
  inferred.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

} // namespace nnc::nn

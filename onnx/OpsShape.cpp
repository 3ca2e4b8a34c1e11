// ONNX shape and data-movement ops: folded on constants (the shape subgraphs
// torch.onnx.export writes: Shape, Gather, Unsqueeze, Concat, Cast, ...), nn.reshape,
// nn.flatten, nn.transpose and nn.concatenate on computed tensors.
#include "onnx/Importer.h"

#include "onnx/onnx_pb.h"

#include <fmt/format.h>

#include <numeric>

namespace nnc::onnxfe {

namespace {

int64_t normAxis(int64_t axis, int64_t rank) {
  int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank)
    fail(fmt::format("axis {} is out of range for rank {}", axis, rank));
  return a;
}

/// Axes from the `axes` attribute (before `inputOpset`) or input 1.
std::vector<int64_t> axesOf(Importer &im, int64_t inputOpset) {
  if (im.opset() < inputOpset)
    return im.attrInts("axes");
  return im.hasInput(1) ? im.constantInput(1, "axes").ints() : std::vector<int64_t>{};
}

/// A constant with `c`'s values and a new shape.
Constant reshaped(const Constant &c, std::vector<int64_t> shape) {
  Constant out = c;
  out.shape = std::move(shape);
  return out;
}

void convertConstant(Importer &im) {
  if (im.hasAttr("value"))
    return im.setOutput(0, Importer::constant(im.attrTensor("value")));
  if (im.hasAttr("value_float"))
    return im.setOutput(0, Importer::constant(Constant::ofFloats({}, {im.attrFloat("value_float", 0)})));
  if (im.hasAttr("value_int"))
    return im.setOutput(0, Importer::constant(Constant::ofInts({}, {im.attrInt("value_int", 0)})));
  if (im.hasAttr("value_floats")) {
    auto v = im.attrFloats("value_floats");
    return im.setOutput(0, Importer::constant(Constant::ofFloats({(int64_t)v.size()}, v)));
  }
  if (im.hasAttr("value_ints")) {
    auto v = im.attrInts("value_ints");
    return im.setOutput(0, Importer::constant(Constant::ofInts({(int64_t)v.size()}, v)));
  }
  fail("only value, value_float(s) and value_int(s) constants are supported");
}

void convertShape(Importer &im) {
  std::vector<int64_t> shape = im.input(0).shape;
  int64_t r = (int64_t)shape.size();
  int64_t start = im.attrInt("start", 0), end = im.attrInt("end", r);
  start = std::clamp(start < 0 ? start + r : start, int64_t(0), r);
  end = std::clamp(end < 0 ? end + r : end, int64_t(0), r);
  std::vector<int64_t> dims(shape.begin() + start, shape.begin() + std::max(start, end));
  int64_t n = (int64_t)dims.size();
  im.setOutput(0, Importer::constant(Constant::ofInts({n}, std::move(dims))));
}

void convertGather(Importer &im) {
  if (!im.input(0).isConstant())
    fail("Gather from a computed tensor is not supported yet");
  const Constant &data = *im.input(0).constant;
  const Constant &idx = im.constantInput(1, "indices");
  int64_t r = (int64_t)data.shape.size(), axis = normAxis(im.attrInt("axis", 0), r);
  int64_t outer = 1, inner = 1, len = data.shape[axis];
  for (int64_t d = 0; d < axis; ++d)
    outer *= data.shape[d];
  for (int64_t d = axis + 1; d < r; ++d)
    inner *= data.shape[d];
  std::vector<int64_t> shape(data.shape.begin(), data.shape.begin() + axis);
  shape.insert(shape.end(), idx.shape.begin(), idx.shape.end());
  shape.insert(shape.end(), data.shape.begin() + axis + 1, data.shape.end());
  Constant out;
  out.shape = shape;
  out.isInt = data.isInt;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j : idx.ints()) {
      if (j < -len || j >= len)
        fail(fmt::format("index {} is out of range for an axis of {}", j, len));
      int64_t at = j < 0 ? j + len : j;
      for (int64_t k = 0; k < inner; ++k) {
        int64_t from = (o * len + at) * inner + k;
        if (data.isInt)
          out.i.push_back(data.i[from]);
        else
          out.f.push_back(data.f[from]);
      }
    }
  im.setOutput(0, Importer::constant(std::move(out)));
}

/// A computed tensor reshaped to the ONNX shape `shape` (batch first, kept).
void reshapeComputed(Importer &im, Tensor &x, const std::vector<int64_t> &shape) {
  if (shape.empty() || shape[0] != kBatchDim)
    fail("the result would not keep the batch as its first dimension");
  llvm::SmallVector<int64_t> target(shape.begin() + 1, shape.end());
  if (x.shape == shape)
    return im.setOutput(0, x);
  im.setOutput(0, im.computed(im.op("reshape", {im.asOnnx(x)}, {im.i64s("shape", target)})));
}

void convertUnsqueeze(Importer &im) {
  Tensor &x = im.input(0);
  std::vector<int64_t> axes = axesOf(im, 13);
  int64_t r = x.rank() + (int64_t)axes.size();
  std::vector<bool> inserted((size_t)r, false);
  for (int64_t a : axes)
    inserted[normAxis(a, r)] = true;
  std::vector<int64_t> shape;
  for (int64_t d = 0, k = 0; d < r; ++d)
    shape.push_back(inserted[d] ? 1 : x.shape[k++]);
  if (x.isConstant())
    return im.setOutput(0, Importer::constant(reshaped(*x.constant, shape)));
  reshapeComputed(im, x, shape);
}

void convertSqueeze(Importer &im) {
  Tensor &x = im.input(0);
  std::vector<int64_t> axes = axesOf(im, 13);
  std::vector<bool> drop((size_t)x.rank(), false);
  for (int64_t a : axes)
    drop[normAxis(a, x.rank())] = true;
  std::vector<int64_t> shape;
  for (int64_t d = 0; d < x.rank(); ++d) {
    bool gone = axes.empty() ? x.shape[d] == 1 : drop[d];
    if (gone && x.shape[d] != 1)
      fail(fmt::format("axis {} has length {}, not 1", d, x.shape[d]));
    if (!gone)
      shape.push_back(x.shape[d]);
  }
  if (x.isConstant())
    return im.setOutput(0, Importer::constant(reshaped(*x.constant, shape)));
  reshapeComputed(im, x, shape);
}

void convertConcat(Importer &im) {
  int64_t r = im.input(0).rank(), axis = normAxis(im.attrInt("axis", 0), r);
  bool constants = true;
  for (int i = 0; i < im.numInputs(); ++i)
    constants = constants && im.input(i).isConstant();
  if (constants) {
    std::vector<int64_t> shape = im.input(0).shape;
    shape[axis] = 0;
    int64_t outer = 1;
    for (int64_t d = 0; d < axis; ++d)
      outer *= shape[d];
    Constant out;
    out.isInt = im.input(0).constant->isInt;
    for (int64_t o = 0; o < outer; ++o)
      for (int i = 0; i < im.numInputs(); ++i) {
        const Constant &c = *im.input(i).constant;
        int64_t len = c.count() / std::max<int64_t>(outer, 1);
        for (int64_t k = o * len; k < (o + 1) * len; ++k)
          out.isInt ? out.i.push_back((int64_t)c.at(k)) : out.f.push_back((float)c.at(k));
      }
    for (int i = 0; i < im.numInputs(); ++i)
      shape[axis] += im.input(i).shape[axis];
    out.shape = shape;
    return im.setOutput(0, Importer::constant(std::move(out)));
  }
  if (axis == 0)
    fail("joining along the batch axis 0 is not supported");
  bool nhwc = r == 4;
  for (int i = 0; i < im.numInputs(); ++i) {
    if (im.input(i).isConstant())
      fail("joining a constant with computed tensors is not supported yet");
    nhwc = nhwc && im.input(i).nhwc;
  }
  llvm::SmallVector<mlir::Value> inputs;
  for (int i = 0; i < im.numInputs(); ++i)
    inputs.push_back(nhwc ? im.input(i).value : im.asOnnx(im.input(i)));
  static const int64_t kNHWCAxis[] = {0, 3, 1, 2}; // ONNX axis -> NHWC axis
  mlir::Value y = im.op("concatenate", inputs, {im.i64("axis", nhwc ? kNHWCAxis[axis] : axis)});
  im.setOutput(0, im.computed(y, nhwc));
}

void convertReshape(Importer &im) {
  Tensor &x = im.input(0);
  std::vector<int64_t> target = im.opset() < 5 ? im.attrInts("shape")
                                               : im.constantInput(1, "shape").ints();
  bool allowZero = im.attrInt("allowzero", 0) != 0;
  int64_t minusOne = -1, known = 1;
  for (size_t d = 0; d < target.size(); ++d) {
    if (target[d] == 0 && !allowZero) {
      if (d >= x.shape.size())
        fail("a 0 entry copies a dimension the input does not have");
      target[d] = x.shape[d];
    }
    if (target[d] == -1) {
      if (minusOne >= 0)
        fail("the shape may contain -1 only once");
      minusOne = (int64_t)d;
    } else if (target[d] != kBatchDim) {
      known *= target[d];
    }
  }
  if (x.isConstant()) {
    if (minusOne >= 0)
      target[minusOne] = x.constant->count() / std::max<int64_t>(known, 1);
    return im.setOutput(0, Importer::constant(reshaped(*x.constant, target)));
  }
  int64_t perSample = 1;
  for (size_t d = 1; d < x.shape.size(); ++d)
    perSample *= x.shape[d];
  if (!target.empty() && target[0] == -1) { // the batch is what -1 infers
    if (known != perSample)
      fail("a -1 first entry must leave the other entries one sample's size");
    target[0] = kBatchDim;
  } else if (minusOne > 0) {
    target[minusOne] = perSample / std::max<int64_t>(known, 1);
  }
  if (target.empty() || target[0] != kBatchDim)
    fail(fmt::format("reshaping to [{}] changes the batch dimension; nnc keeps the batch "
                     "first (use 0 or -1 as the first entry)",
                     fmt::join(target, ", ")));
  reshapeComputed(im, x, target);
}

void convertFlatten(Importer &im) {
  Tensor &x = im.input(0);
  int64_t r = x.rank(), axis = im.attrInt("axis", 1);
  if (axis < 0)
    axis += r;
  if (x.isConstant()) {
    int64_t outer = 1;
    for (int64_t d = 0; d < axis; ++d)
      outer *= x.shape[d];
    return im.setOutput(0, Importer::constant(
                               reshaped(*x.constant, {outer, x.constant->count() / outer})));
  }
  if (axis != 1)
    fail(fmt::format("axis {} would merge the batch with other axes; only axis 1 is "
                     "supported",
                     axis));
  im.setOutput(0, im.computed(im.op("flatten", {im.asOnnx(x)}, {})));
}

void convertTranspose(Importer &im) {
  Tensor &x = im.input(0);
  int64_t r = x.rank();
  std::vector<int64_t> perm = im.attrInts("perm");
  if (perm.empty())
    for (int64_t d = r - 1; d >= 0; --d)
      perm.push_back(d);
  if ((int64_t)perm.size() != r)
    fail("perm must list every axis once");
  if (x.isConstant()) {
    const Constant &c = *x.constant;
    std::vector<int64_t> shape, inStride = stridesOf(c.shape);
    for (int64_t p : perm)
      shape.push_back(c.shape[normAxis(p, r)]);
    Constant out;
    out.shape = shape;
    out.isInt = c.isInt;
    std::vector<int64_t> idx((size_t)r, 0);
    for (int64_t flat = 0; flat < c.count(); ++flat) {
      int64_t at = 0;
      for (int64_t k = 0; k < r; ++k)
        at += idx[k] * inStride[perm[k]];
      c.isInt ? out.i.push_back(c.i[at]) : out.f.push_back(c.f[at]);
      for (int64_t k = r; k-- > 0;) {
        if (++idx[k] < shape[k])
          break;
        idx[k] = 0;
      }
    }
    return im.setOutput(0, Importer::constant(std::move(out)));
  }
  if (perm[0] != 0)
    fail("moving the batch axis 0 is not supported");
  llvm::SmallVector<int64_t> nnPerm(perm.begin(), perm.end());
  mlir::Value in = x.value;
  if (x.nhwc) { // the held value's axis j is ONNX's axis fromNHWC[j]
    static const int64_t kNHWCAxis[] = {0, 3, 1, 2};
    for (int64_t &p : nnPerm)
      p = kNHWCAxis[p];
  }
  bool identity = true;
  for (int64_t k = 0; k < r; ++k)
    identity = identity && nnPerm[k] == k;
  if (identity)
    return im.setOutput(0, im.computed(in));
  im.setOutput(0, im.computed(im.op("transpose", {in}, {im.i64s("perm", nnPerm)})));
}

void convertCast(Importer &im) {
  Tensor &x = im.input(0);
  int64_t to = im.attrInt("to", 1);
  bool toFloat = to == onnx::TensorProto::FLOAT || to == onnx::TensorProto::DOUBLE ||
                 to == onnx::TensorProto::FLOAT16;
  if (!x.isConstant()) {
    if (!toFloat)
      fail("casting a computed tensor to a non-float type is not supported");
    return im.setOutput(0, x);
  }
  const Constant &c = *x.constant;
  if (toFloat)
    return im.setOutput(0, Importer::constant(Constant::ofFloats(c.shape, c.floats())));
  std::vector<int64_t> v = c.ints();
  if (to == onnx::TensorProto::BOOL)
    for (int64_t &e : v)
      e = e != 0;
  im.setOutput(0, Importer::constant(Constant::ofInts(c.shape, std::move(v))));
}

void convertConstantOfShape(Importer &im) {
  std::vector<int64_t> shape = im.constantInput(0, "shape").ints();
  for (int64_t d : shape)
    if (d == kBatchDim)
      fail("a tensor shaped by the dynamic batch cannot be a constant");
  int64_t n = elementCount(shape);
  Constant value = im.hasAttr("value") ? im.attrTensor("value") : Constant::ofFloats({1}, {0});
  if (value.isInt)
    return im.setOutput(0, Importer::constant(Constant::ofInts(
                               shape, std::vector<int64_t>((size_t)n, value.i.at(0)))));
  im.setOutput(0, Importer::constant(
                      Constant::ofFloats(shape, std::vector<float>((size_t)n, value.f.at(0)))));
}

void convertRange(Importer &im) {
  const Constant &s = im.constantInput(0, "start"), &l = im.constantInput(1, "limit"),
                 &d = im.constantInput(2, "delta");
  double start = s.at(0), limit = l.at(0), delta = d.at(0);
  if (delta == 0)
    fail("delta is 0");
  int64_t n = std::max<int64_t>((int64_t)std::ceil((limit - start) / delta), 0);
  Constant out;
  out.shape = {n};
  out.isInt = s.isInt;
  for (int64_t k = 0; k < n; ++k)
    s.isInt ? out.i.push_back((int64_t)(start + k * delta))
            : out.f.push_back((float)(start + k * delta));
  im.setOutput(0, Importer::constant(std::move(out)));
}

void convertSlice(Importer &im) {
  Tensor &x = im.input(0);
  if (!x.isConstant())
    fail("Slice of a computed tensor is not supported yet");
  const Constant &c = *x.constant;
  int64_t r = (int64_t)c.shape.size();
  std::vector<int64_t> starts, ends, axes, steps;
  if (im.opset() < 10) {
    starts = im.attrInts("starts"), ends = im.attrInts("ends"), axes = im.attrInts("axes");
  } else {
    starts = im.constantInput(1, "starts").ints();
    ends = im.constantInput(2, "ends").ints();
    if (im.hasInput(3))
      axes = im.constantInput(3, "axes").ints();
    if (im.hasInput(4))
      steps = im.constantInput(4, "steps").ints();
  }
  if (axes.empty())
    for (size_t k = 0; k < starts.size(); ++k)
      axes.push_back((int64_t)k);
  steps.resize(starts.size(), 1);
  std::vector<int64_t> begin((size_t)r, 0), step((size_t)r, 1), shape = c.shape;
  for (size_t k = 0; k < starts.size(); ++k) {
    int64_t a = normAxis(axes[k], r), len = c.shape[a], st = steps[k];
    if (st == 0)
      fail("a step of 0");
    auto clampIdx = [&](int64_t v, bool isEnd) {
      if (v < 0)
        v += len;
      if (st > 0)
        return std::clamp<int64_t>(v, 0, len);
      return std::clamp<int64_t>(v, isEnd ? -1 : 0, len - 1);
    };
    int64_t s = clampIdx(starts[k], false), e = clampIdx(ends[k], true);
    begin[a] = s;
    step[a] = st;
    shape[a] = std::max<int64_t>(st > 0 ? (e - s + st - 1) / st : (s - e - st - 1) / -st, 0);
  }
  std::vector<int64_t> stride = stridesOf(c.shape), idx((size_t)r, 0);
  Constant out;
  out.shape = shape;
  out.isInt = c.isInt;
  int64_t n = elementCount(shape);
  for (int64_t flat = 0; flat < n; ++flat) {
    int64_t at = 0;
    for (int64_t k = 0; k < r; ++k)
      at += (begin[k] + idx[k] * step[k]) * stride[k];
    c.isInt ? out.i.push_back(c.i[at]) : out.f.push_back(c.f[at]);
    for (int64_t k = r; k-- > 0;) {
      if (++idx[k] < shape[k])
        break;
      idx[k] = 0;
    }
  }
  im.setOutput(0, Importer::constant(std::move(out)));
}

void convertExpand(Importer &im) {
  Tensor &x = im.input(0);
  if (!x.isConstant())
    fail("Expand of a computed tensor is not supported yet");
  std::vector<int64_t> shape = broadcastShape(x.shape, im.constantInput(1, "shape").ints());
  std::vector<int64_t> from = broadcastIndex(x.shape, shape);
  Constant out;
  out.shape = shape;
  out.isInt = x.constant->isInt;
  for (int64_t k : from)
    out.isInt ? out.i.push_back(x.constant->i[k]) : out.f.push_back(x.constant->f[k]);
  im.setOutput(0, Importer::constant(std::move(out)));
}

const OpConverter kConverters[] = {
    {"Constant", convertConstant},
    {"Shape", convertShape},
    {"Gather", convertGather},
    {"Unsqueeze", convertUnsqueeze},
    {"Squeeze", convertSqueeze},
    {"Concat", convertConcat},
    {"Reshape", convertReshape},
    {"Flatten", convertFlatten},
    {"Transpose", convertTranspose},
    {"Cast", convertCast},
    {"ConstantOfShape", convertConstantOfShape},
    {"Range", convertRange},
    {"Slice", convertSlice},
    {"Expand", convertExpand},
};

} // namespace

llvm::ArrayRef<OpConverter> shapeConverters() { return kConverters; }

} // namespace nnc::onnxfe

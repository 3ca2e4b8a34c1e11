// Helpers for kernel tests: row-major tensors, running a Kernel through Halide's JIT,
// and comparing against a naive reference within 1e-5 relative.
#ifndef NNC_TEST_UNIT_KERNELS_KERNELTESTUTIL_H
#define NNC_TEST_UNIT_KERNELS_KERNELTESTUTIL_H

#include "codegen/kernels/Kernel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace nnc::test {

/// A row-major float tensor (NHWC for images).
struct Tensor {
  std::vector<int> shape;
  std::vector<float> data;

  explicit Tensor(std::vector<int> s) : shape(std::move(s)) {
    size_t n = 1;
    for (int d : shape)
      n *= d;
    data.assign(n, 0.0f);
  }
  float &at(std::initializer_list<int> idx) {
    size_t off = 0, k = 0;
    for (int i : idx)
      off = off * shape[k++] + i;
    return data[off];
  }
  float at(std::initializer_list<int> idx) const { return const_cast<Tensor *>(this)->at(idx); }
};

inline Tensor randomTensor(std::vector<int> shape, std::mt19937 &rng, float lo = -1, float hi = 1) {
  Tensor t(std::move(shape));
  std::uniform_real_distribution<float> dist(lo, hi);
  for (float &v : t.data)
    v = dist(rng);
  return t;
}

/// The Halide view of a row-major tensor: dimensions reversed, same memory.
inline Halide::Buffer<float> view(Tensor &t) {
  std::vector<int> sizes(t.shape.rbegin(), t.shape.rend());
  return Halide::Buffer<float>(t.data.data(), sizes);
}

/// Binds `inputs` to the kernel's parameters and realizes `out` in place.
inline void run(codegen::Kernel &k, std::vector<Tensor *> inputs, Tensor &out) {
  ASSERT_EQ(inputs.size(), k.inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i)
    k.inputs[i].set(view(*inputs[i]));
  Halide::Buffer<float> o = view(out);
  k.output.realize(o);
}

/// Binds `inputs` and realizes a tuple-output kernel into `outs`.
inline void runTuple(codegen::Kernel &k, std::vector<Tensor *> inputs, std::vector<Tensor *> outs) {
  for (size_t i = 0; i < inputs.size(); ++i)
    k.inputs[i].set(view(*inputs[i]));
  std::vector<Halide::Buffer<>> bufs;
  for (Tensor *t : outs)
    bufs.push_back(view(*t));
  k.output.realize(Halide::Realization(bufs));
}

/// Binds `inputs` and realizes every output of a kernel (output, then moreOutputs).
inline void runAll(codegen::Kernel &k, std::vector<Tensor *> inputs, std::vector<Tensor *> outs) {
  for (size_t i = 0; i < inputs.size(); ++i)
    k.inputs[i].set(view(*inputs[i]));
  std::vector<Halide::Buffer<>> bufs;
  for (Tensor *t : outs)
    bufs.push_back(view(*t));
  k.pipeline().realize(Halide::Realization(bufs));
}

/// max |got - want| <= 1e-5 * max(1, max |want|).
inline void expectClose(const Tensor &got, const std::vector<double> &want) {
  ASSERT_EQ(got.data.size(), want.size());
  double maxErr = 0, maxRef = 1;
  for (size_t i = 0; i < want.size(); ++i) {
    maxErr = std::max(maxErr, std::fabs(double(got.data[i]) - want[i]));
    maxRef = std::max(maxRef, std::fabs(want[i]));
  }
  EXPECT_LE(maxErr / maxRef, 1e-5) << "max abs error " << maxErr << ", max |reference| " << maxRef;
}

/// The activation in double precision, for references (softmax handled apart).
inline double activateRef(double x, codegen::Act act, double alpha) {
  switch (act) {
  case codegen::Act::Relu: return std::max(x, 0.0);
  case codegen::Act::LeakyRelu: return x >= 0 ? x : x * alpha;
  case codegen::Act::Sigmoid: return 1.0 / (1.0 + std::exp(-x));
  case codegen::Act::Tanh: return std::tanh(x);
  case codegen::Act::Elu: return x > 0 ? x : std::expm1(x);
  case codegen::Act::Selu:
    return 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * std::expm1(x));
  case codegen::Act::Gelu: return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
  case codegen::Act::Swish: return x / (1 + std::exp(-x));
  case codegen::Act::HardSigmoid: return std::min(std::max(x / 6 + 0.5, 0.0), 1.0);
  case codegen::Act::Softplus: return std::log1p(std::exp(x));
  case codegen::Act::Relu6: return std::min(std::max(x, 0.0), 6.0);
  default: return x;
  }
}

/// Applies the activation to rows of `channels` values (softmax over each row).
inline void activateRows(std::vector<double> &v, int channels, const codegen::Activation &a) {
  for (size_t row = 0; row < v.size(); row += channels) {
    if (a.kind == codegen::Act::Softmax) {
      double peak = *std::max_element(v.begin() + row, v.begin() + row + channels), total = 0;
      for (int c = 0; c < channels; ++c)
        total += (v[row + c] = std::exp(v[row + c] - peak));
      for (int c = 0; c < channels; ++c)
        v[row + c] /= total;
    } else {
      for (int c = 0; c < channels; ++c)
        v[row + c] = activateRef(v[row + c], a.kind, a.alpha);
    }
  }
}

inline const std::vector<codegen::Activation> &allActivations() {
  static const std::vector<codegen::Activation> acts = {
      {codegen::Act::Linear}, {codegen::Act::Relu},    {codegen::Act::Sigmoid},
      {codegen::Act::Tanh},   {codegen::Act::Softmax}, {codegen::Act::LeakyRelu, 0.1f},
      {codegen::Act::Elu},    {codegen::Act::Selu},    {codegen::Act::Gelu},
      {codegen::Act::Swish},  {codegen::Act::HardSigmoid}, {codegen::Act::Softplus},
      {codegen::Act::Relu6}};
  return acts;
}

/// Batch sizes every kernel is run with: one sample, and an odd, larger batch.
inline const std::vector<int> &batches() {
  static const std::vector<int> b = {1, 37};
  return b;
}

} // namespace nnc::test

#endif

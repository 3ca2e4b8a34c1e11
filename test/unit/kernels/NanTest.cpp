// NaN propagation: a NaN input reaches every output that depends on it (ReLU, max
// pooling, the training step's first-maximum scans, conv + pool), so a NaN reaches the
// loss and fit's NaN stop fires instead of training on with hidden NaN weights.
#include "codegen/kernels/Conv.h"
#include "codegen/kernels/Elementwise.h"
#include "codegen/kernels/Fused.h"
#include "codegen/kernels/Loss.h"
#include "codegen/kernels/Pool.h"
#include "test/unit/kernels/KernelTestUtil.h"

#include <cmath>

using namespace nnc::codegen;
using namespace nnc::test;

namespace {

/// Puts a NaN at about every `every`-th value of `t`; returns how many.
int sprinkleNan(Tensor &t, std::mt19937 &rng, int every) {
  std::uniform_int_distribution<int> pick(0, every - 1);
  int count = 0;
  for (float &v : t.data)
    if (pick(rng) == 0) {
      v = std::nanf("");
      ++count;
    }
  return count;
}

TEST(NanPropagation, Activations) {
  std::mt19937 rng(11);
  for (Act kind : {Act::Relu, Act::LeakyRelu, Act::Sigmoid, Act::Tanh, Act::Linear}) {
    SCOPED_TRACE(int(kind));
    for (int c : {1, 17, 64}) {
      Kernel k = activationKernel(c, Activation{kind});
      Tensor x = randomTensor({9, c}, rng, -3, 3), y({9, c});
      ASSERT_GT(sprinkleNan(x, rng, 5), 0);
      run(k, {&x}, y);
      for (size_t i = 0; i < x.data.size(); ++i)
        EXPECT_EQ(std::isnan(y.data[i]), std::isnan(x.data[i])) << "at " << i;
    }
  }
}

TEST(NanPropagation, SoftmaxRows) {
  std::mt19937 rng(14);
  for (int c : {3, 10, 33}) {
    Kernel k = activationKernel(c, Activation{Act::Softmax});
    Tensor x = randomTensor({8, c}, rng, -3, 3), y({8, c});
    x.at({2, 1}) = std::nanf("");
    x.at({5, c - 1}) = std::nanf("");
    run(k, {&x}, y);
    for (int r = 0; r < 8; ++r)
      for (int j = 0; j < c; ++j)
        EXPECT_EQ(std::isnan(y.at({r, j})), r == 2 || r == 5) << r << "," << j;
  }
}

TEST(NanPropagation, LossOfANanPrediction) {
  std::mt19937 rng(15);
  for (LossKind kind : {LossKind::SparseCategorical, LossKind::Categorical, LossKind::Binary,
                        LossKind::MeanSquared})
    for (bool logits : {false, true}) {
      if (kind == LossKind::MeanSquared && logits)
        continue;
      SCOPED_TRACE(testing::Message() << int(kind) << " logits " << logits);
      int classes = kind == LossKind::Binary ? 1 : 4, n = 6;
      Kernel k = lossKernel(kind, classes, logits);
      Tensor p = randomTensor({n, classes}, rng, 0.05f, 0.95f);
      Tensor y = kind == LossKind::SparseCategorical ? Tensor({n}) : Tensor({n, classes});
      for (float &v : y.data)
        v = kind == LossKind::MeanSquared ? 0.5f : 0.0f;
      p.at({3, 0}) = std::nanf("");
      Tensor loss({});
      run(k, {&p, &y}, loss);
      EXPECT_TRUE(std::isnan(loss.data[0])) << loss.data[0];
    }
}

/// Whether window (b, oy, ox, c) of `s` over `x` holds a NaN.
bool windowHasNan(const PoolShape &s, const Tensor &x, int b, int oy, int ox, int c) {
  int padT = padBefore(s.height, s.poolH, s.strideH, 1, s.same);
  int padL = padBefore(s.width, s.poolW, s.strideW, 1, s.same);
  for (int py = 0; py < s.poolH; ++py)
    for (int px = 0; px < s.poolW; ++px) {
      int iy = oy * s.strideH - padT + py, ix = ox * s.strideW - padL + px;
      if (iy >= 0 && ix >= 0 && iy < s.height && ix < s.width &&
          std::isnan(x.at({b, iy, ix, c})))
        return true;
    }
  return false;
}

TEST(NanPropagation, MaxPoolingForwardAndArgmax) {
  std::mt19937 rng(12);
  for (bool same : {false, true})
    for (PoolShape s : {PoolShape{28, 28, 3, 2, 2, 2, 2, same}, PoolShape{7, 7, 5, 3, 3, 2, 2, same},
                        PoolShape{5, 8, 16, 3, 2, 1, 1, same}}) {
      s.same = same;
      SCOPED_TRACE(testing::Message() << s.height << "x" << s.width << " pool " << s.poolH
                                      << " same " << same);
      int n = 3, oh = s.outH(), ow = s.outW();
      Tensor x = randomTensor({n, s.height, s.width, s.channels}, rng);
      ASSERT_GT(sprinkleNan(x, rng, 23), 0);
      Tensor y({n, oh, ow, s.channels}), best({n, oh, ow, s.channels}), at({n, oh, ow, s.channels});
      Kernel pool = maxPool2dKernel(s);
      run(pool, {&x}, y);
      Kernel argmax = maxPool2dArgmaxKernel(s);
      runTuple(argmax, {&x}, {&best, &at});
      int nanWindows = 0;
      for (int b = 0; b < n; ++b)
        for (int oy = 0; oy < oh; ++oy)
          for (int ox = 0; ox < ow; ++ox)
            for (int c = 0; c < s.channels; ++c) {
              bool want = windowHasNan(s, x, b, oy, ox, c);
              nanWindows += want;
              EXPECT_EQ(std::isnan(y.at({b, oy, ox, c})), want);
              EXPECT_EQ(std::isnan(best.at({b, oy, ox, c})), want);
            }
      EXPECT_GT(nanWindows, 0);
    }
}

TEST(NanPropagation, ConvReluPoolFused) {
  std::mt19937 rng(13);
  ConvShape s{28, 28, 1, 3, 3, 32, 1, 1, 1, 1, true};
  int n = 2, oh = s.outH(), ow = s.outW();
  Tensor x = randomTensor({n, s.height, s.width, s.channels}, rng);
  Tensor w = randomTensor({s.kernelH, s.kernelW, s.channels, s.filters}, rng);
  Tensor b = randomTensor({s.filters}, rng);
  x.at({1, 10, 10, 0}) = std::nanf(""); // reaches the 3x3 conv outputs around it
  Activation relu{Act::Relu};
  Tensor pooled({n, oh / 2, ow / 2, s.filters}), index({n, oh / 2, ow / 2, s.filters});
  Kernel fused = conv2dMaxPoolArgmaxKernel(s, true, relu, 2, 2);
  runTuple(fused, {&x, &w, &b}, {&pooled, &index});
  for (int f = 0; f < s.filters; ++f) {
    EXPECT_TRUE(std::isnan(pooled.at({1, 5, 5, f}))) << f; // conv rows/cols 9..11
    EXPECT_FALSE(std::isnan(pooled.at({0, 5, 5, f}))) << f;
    EXPECT_FALSE(std::isnan(pooled.at({1, 0, 0, f}))) << f;
  }
}

} // namespace

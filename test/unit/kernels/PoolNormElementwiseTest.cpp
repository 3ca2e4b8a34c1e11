// Pooling, BatchNormalization (inference) and elementwise kernels against naive
// references over 20+ configurations each.
#include "codegen/kernels/Elementwise.h"
#include "codegen/kernels/Fused.h"
#include "codegen/kernels/Norm.h"
#include "codegen/kernels/Pool.h"
#include "test/unit/kernels/KernelTestUtil.h"

#include <limits>

using namespace nnc::codegen;
using namespace nnc::test;

namespace {

std::vector<PoolShape> poolShapes() {
  std::vector<PoolShape> shapes;
  // height, width, channels, poolH, poolW, strideH, strideW, same
  for (bool same : {false, true}) {
    shapes.push_back({28, 28, 3, 2, 2, 2, 2, same});
    shapes.push_back({7, 7, 5, 2, 2, 2, 2, same});
    shapes.push_back({9, 6, 1, 3, 3, 2, 2, same});
    shapes.push_back({5, 8, 16, 3, 2, 1, 1, same});
    shapes.push_back({6, 6, 9, 3, 3, 3, 3, same});
    shapes.push_back({11, 4, 2, 2, 3, 3, 1, same});
    shapes.push_back({3, 3, 7, 3, 3, 1, 1, same});
    shapes.push_back({10, 13, 4, 4, 4, 2, 3, same});
    shapes.push_back({2, 2, 33, 2, 2, 2, 2, same});
    shapes.push_back({8, 8, 8, 1, 1, 1, 1, same});
  }
  return shapes;
}

void checkPool(bool isMax) {
  std::mt19937 rng(isMax ? 3 : 4);
  std::vector<PoolShape> shapes = poolShapes();
  ASSERT_GE(shapes.size(), 20u);
  for (const PoolShape &s : shapes) {
    SCOPED_TRACE(testing::Message() << s.height << "x" << s.width << "x" << s.channels
                                    << " pool " << s.poolH << "x" << s.poolW << " stride "
                                    << s.strideH << "," << s.strideW << " same " << s.same);
    Kernel k = isMax ? maxPool2dKernel(s) : avgPool2dKernel(s);
    int oh = s.outH(), ow = s.outW();
    int padT = 0, padL = 0;
    if (s.same) {
      padT = std::max((oh - 1) * s.strideH + s.poolH - s.height, 0) / 2;
      padL = std::max((ow - 1) * s.strideW + s.poolW - s.width, 0) / 2;
    }
    for (int n : batches()) {
      Tensor x = randomTensor({n, s.height, s.width, s.channels}, rng);
      Tensor y({n, oh, ow, s.channels});
      run(k, {&x}, y);
      std::vector<double> ref;
      for (int b = 0; b < n; ++b)
        for (int oy = 0; oy < oh; ++oy)
          for (int ox = 0; ox < ow; ++ox)
            for (int c = 0; c < s.channels; ++c) {
              double best = -std::numeric_limits<double>::infinity(), total = 0;
              int count = 0;
              for (int py = 0; py < s.poolH; ++py)
                for (int px = 0; px < s.poolW; ++px) {
                  int iy = oy * s.strideH + py - padT, ix = ox * s.strideW + px - padL;
                  if (iy < 0 || iy >= s.height || ix < 0 || ix >= s.width)
                    continue;
                  double v = x.at({b, iy, ix, c});
                  best = std::max(best, v);
                  total += v;
                  ++count;
                }
              ref.push_back(isMax ? best : total / count);
            }
      expectClose(y, ref);
    }
  }
}

TEST(MaxPool2DKernel, MatchesReference) { checkPool(true); }
TEST(AvgPool2DKernel, MatchesReference) { checkPool(false); }

TEST(GlobalAvgPool2DKernel, MatchesReference) {
  std::mt19937 rng(5);
  int configs = 0;
  for (int h : {1, 3, 8, 13})
    for (int w : {1, 5, 8})
      for (int c : {1, 7, 32}) {
        ++configs;
        SCOPED_TRACE(testing::Message() << h << "x" << w << "x" << c);
        Kernel k = globalAvgPool2dKernel(h, w, c);
        for (int n : batches()) {
          Tensor x = randomTensor({n, h, w, c}, rng), y({n, c});
          run(k, {&x}, y);
          std::vector<double> ref;
          for (int b = 0; b < n; ++b)
            for (int ch = 0; ch < c; ++ch) {
              double s = 0;
              for (int i = 0; i < h; ++i)
                for (int j = 0; j < w; ++j)
                  s += x.at({b, i, j, ch});
              ref.push_back(s / (h * w));
            }
          expectClose(y, ref);
        }
      }
  EXPECT_GE(configs, 20);
}

TEST(BatchNormInferenceKernel, MatchesReference) {
  std::mt19937 rng(6);
  int configs = 0;
  for (int c : {1, 3, 8, 16, 32, 64, 100, 128, 7, 33})
    for (float eps : {1e-3f, 1e-5f}) {
      ++configs;
      SCOPED_TRACE(testing::Message() << "C=" << c << " eps=" << eps);
      Kernel k = batchNormInferenceKernel(c, eps);
      Tensor gamma = randomTensor({c}, rng), beta = randomTensor({c}, rng);
      Tensor mean = randomTensor({c}, rng), var = randomTensor({c}, rng, 0.1f, 2.0f);
      for (int m : {1, 37, 37 * 9}) {
        Tensor x = randomTensor({m, c}, rng), y({m, c});
        run(k, {&x, &gamma, &beta, &mean, &var}, y);
        std::vector<double> ref;
        for (int i = 0; i < m; ++i)
          for (int ch = 0; ch < c; ++ch)
            ref.push_back((x.at({i, ch}) - double(mean.data[ch])) /
                              std::sqrt(double(var.data[ch]) + eps) * gamma.data[ch] +
                          beta.data[ch]);
        expectClose(y, ref);
      }
    }
  EXPECT_GE(configs, 20);
}

TEST(ActivationKernel, MatchesReference) {
  std::mt19937 rng(7);
  int configs = 0;
  for (const Activation &act : allActivations())
    for (int c : {1, 10, 17, 64}) {
      ++configs;
      SCOPED_TRACE(testing::Message() << "act=" << int(act.kind) << " C=" << c);
      Kernel k = activationKernel(c, act);
      for (int m : batches()) {
        Tensor x = randomTensor({m, c}, rng, -6, 6), y({m, c});
        run(k, {&x}, y);
        std::vector<double> ref(x.data.begin(), x.data.end());
        activateRows(ref, c, act);
        expectClose(y, ref);
      }
    }
  EXPECT_GE(configs, 20);
}

TEST(RescalingKernel, MatchesReference) {
  std::mt19937 rng(8);
  int configs = 0;
  for (int c : {1, 3, 28, 784, 5})
    for (auto [scale, offset] : {std::pair{1.0f / 255, 0.0f}, {2.0f, -1.0f}, {0.5f, 0.25f},
                                 {-1.0f, 3.0f}}) {
      ++configs;
      SCOPED_TRACE(testing::Message() << "C=" << c << " scale=" << scale);
      Kernel k = rescalingKernel(c, scale, offset);
      for (int m : batches()) {
        Tensor x = randomTensor({m, c}, rng, 0, 255), y({m, c});
        run(k, {&x}, y);
        std::vector<double> ref;
        for (float v : x.data)
          ref.push_back(double(v) * scale + offset);
        expectClose(y, ref);
      }
    }
  EXPECT_GE(configs, 20);
}

TEST(AddKernel, MatchesReference) {
  std::mt19937 rng(9);
  int configs = 0;
  for (int count : {2, 3, 4, 5})
    for (int c : {1, 8, 13, 32, 100}) {
      ++configs;
      SCOPED_TRACE(testing::Message() << count << " inputs, C=" << c);
      Kernel k = addKernel(c, count);
      for (int m : batches()) {
        std::vector<Tensor> xs;
        for (int i = 0; i < count; ++i)
          xs.push_back(randomTensor({m, c}, rng));
        std::vector<Tensor *> in;
        for (Tensor &t : xs)
          in.push_back(&t);
        Tensor y({m, c});
        run(k, in, y);
        std::vector<double> ref(y.data.size(), 0.0);
        for (const Tensor &t : xs)
          for (size_t i = 0; i < ref.size(); ++i)
            ref[i] += t.data[i];
        expectClose(y, ref);
      }
    }
  EXPECT_GE(configs, 20);
}

} // namespace

namespace {

TEST(ConcatenateKernel, MatchesReference) {
  std::mt19937 rng(10);
  int configs = 0;
  for (int inner : {1, 3, 16, 7})
    for (std::vector<int> lengths : std::vector<std::vector<int>>{
             {1, 1}, {2, 5}, {16, 16, 3}, {7, 1, 9}, {4, 4, 4, 4}}) {
      ++configs;
      SCOPED_TRACE(testing::Message() << "inner=" << inner << " inputs=" << lengths.size()
                                      << " first length=" << lengths[0]);
      Kernel k = concatenateKernel(inner, lengths);
      int total = 0;
      for (int len : lengths)
        total += len;
      for (int outer : {1, 37, 5 * 37}) {
        std::vector<Tensor> xs;
        for (int len : lengths)
          xs.push_back(randomTensor({outer, len, inner}, rng));
        std::vector<Tensor *> in;
        for (Tensor &t : xs)
          in.push_back(&t);
        Tensor y({outer, total, inner});
        run(k, in, y);
        std::vector<double> ref;
        for (int o = 0; o < outer; ++o)
          for (const Tensor &t : xs)
            for (int j = 0; j < t.shape[1]; ++j)
              for (int i = 0; i < inner; ++i)
                ref.push_back(t.at({o, j, i}));
        expectClose(y, ref);
      }
    }
  EXPECT_GE(configs, 20);
}

} // namespace

namespace {

TEST(DropoutKernel, SeededMaskScalingAndBackward) {
  std::mt19937 rng(11);
  for (float rate : {0.2f, 0.3f, 0.5f})
    for (int c : {1, 10, 100}) {
      SCOPED_TRACE(testing::Message() << "rate=" << rate << " C=" << c);
      int m = 37 * 9;
      Kernel fwd = dropoutKernel(c, rate), back = dropoutBackwardKernel(c, rate);
      Tensor x = randomTensor({m, c}, rng, 0.5f, 1.5f), dy = randomTensor({m, c}, rng, 0.5f, 1.5f);
      Halide::Buffer<uint32_t> seed(2);
      seed(0) = 1234;
      seed(1) = 7;
      auto runWith = [&](Kernel &k, Tensor &in, Tensor &out) {
        k.inputs[0].set(view(in));
        k.inputs[1].set(seed);
        Halide::Buffer<float> o = view(out);
        k.output.realize(o);
      };
      Tensor y({m, c}), y2({m, c}), dx({m, c});
      runWith(fwd, x, y);
      runWith(fwd, x, y2);
      EXPECT_EQ(y.data, y2.data) << "same seed and step, same mask";
      runWith(back, dy, dx);
      int kept = 0;
      for (size_t i = 0; i < y.data.size(); ++i) {
        bool k = y.data[i] != 0;
        kept += k;
        EXPECT_EQ(k, dx.data[i] != 0) << "the backward mask is the forward mask";
        if (k) {
          EXPECT_FLOAT_EQ(y.data[i], x.data[i] / (1 - rate));
          EXPECT_FLOAT_EQ(dx.data[i], dy.data[i] / (1 - rate));
        }
      }
      double n = y.data.size(), p = 1 - rate;
      EXPECT_NEAR(kept / n, p, 5 * std::sqrt(p * (1 - p) / n)) << "kept fraction";
      seed(1) = 8; // the next step draws another mask
      runWith(fwd, x, y2);
      EXPECT_NE(y.data, y2.data);
    }
}

TEST(ConcatenateSliceKernel, InvertsConcatenate) {
  std::mt19937 rng(12);
  for (int inner : {1, 5, 16})
    for (std::vector<int> lengths : std::vector<std::vector<int>>{{2, 3}, {1, 4, 2}}) {
      int total = 0;
      for (int len : lengths)
        total += len;
      int outer = 37;
      Tensor dy = randomTensor({outer, total, inner}, rng);
      int offset = 0;
      for (int len : lengths) {
        Kernel k = concatenateSliceKernel(inner, offset, len, total);
        Tensor dx({outer, len, inner});
        run(k, {&dy}, dx);
        std::vector<double> ref;
        for (int o = 0; o < outer; ++o)
          for (int j = 0; j < len; ++j)
            for (int i = 0; i < inner; ++i)
              ref.push_back(dy.at({o, offset + j, i}));
        expectClose(dx, ref);
        offset += len;
      }
    }
}

} // namespace

// The fused pooling kernels of the train step (the forward records each window's
// maximum; the backward routes dY through the activation's derivative to it) give the
// unfused kernels' bits: max_pool2d + max_pool2d_dx + activation_dx. Covers the
// gather path (stride = window, no padding; odd sizes leave pixels in no window) and
// the scatter path (overlapping or padded windows; where windows overlap, to 1e-5).
TEST(MaxPool2DFused, MatchesUnfusedKernels) {
  std::mt19937 rng(41);
  std::vector<PoolShape> shapes = {{28, 28, 32, 2, 2, 2, 2, false}, {7, 9, 3, 2, 2, 2, 2, false},
                                   {7, 7, 5, 3, 3, 2, 2, true},    {6, 6, 17, 2, 2, 1, 1, false}};
  for (const PoolShape &s : shapes)
    for (Act kind : {Act::Relu, Act::Sigmoid}) {
      SCOPED_TRACE(testing::Message() << s.height << "x" << s.width << "x" << s.channels
                                      << " pool " << s.poolH << " stride " << s.strideH
                                      << (kind == Act::Relu ? " relu" : " sigmoid"));
      int n = 3, oh = s.outH(), ow = s.outW();
      Tensor y = randomTensor({n, s.height, s.width, s.channels}, rng, -1, 1);
      for (size_t i = 0; i < y.data.size(); i += 7)
        y.data[i + 1 < y.data.size() ? i + 1 : i] = y.data[i]; // ties: the first one wins
      Tensor dy = randomTensor({n, oh, ow, s.channels}, rng);
      Tensor pooled({n, oh, ow, s.channels}), index({n, oh, ow, s.channels});
      Kernel argmax = maxPool2dArgmaxKernel(s);
      runTuple(argmax, {&y}, {&pooled, &index});
      Tensor refPooled({n, oh, ow, s.channels});
      Kernel pool = maxPool2dKernel(s);
      run(pool, {&y}, refPooled);
      EXPECT_EQ(pooled.data, refPooled.data);

      Tensor dx({n, s.height, s.width, s.channels});
      Kernel fused = maxPool2dActivationBackwardKernel(s, Activation{kind});
      run(fused, {&index, &pooled, &dy}, dx);
      // Unfused: dA = activation_dx(pooled, dy) scattered by max_pool2d_dx.
      // (the activation kernel sees rows of channels: 2-D views of the same data)
      int rows = n * oh * ow;
      Tensor pooled2({rows, s.channels}), dy2({rows, s.channels}), da2({rows, s.channels});
      pooled2.data = pooled.data;
      dy2.data = dy.data;
      Kernel act = activationBackwardKernel(s.channels, Activation{kind});
      run(act, {&pooled2, &dy2}, da2);
      Tensor da({n, oh, ow, s.channels}), refDx({n, s.height, s.width, s.channels});
      da.data = da2.data;
      Kernel scatter = maxPool2dBackwardKernel(s);
      run(scatter, {&y, &da}, refDx);
      if (s.strideW == s.poolW || kind == Act::Relu) {
        EXPECT_EQ(dx.data, refDx.data);
      } else { // overlapping windows sum terms the fused kernel may contract (FMA)
        std::vector<double> want(refDx.data.begin(), refDx.data.end());
        expectClose(dx, want);
      }
    }
}

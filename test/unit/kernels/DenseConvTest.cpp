// Dense and Conv2D kernels against naive references over 20+ shape configurations each.
#include "codegen/kernels/Conv.h"
#include "codegen/kernels/Dense.h"
#include "test/unit/kernels/ConvReference.h"
#include "test/unit/kernels/KernelTestUtil.h"

using namespace nnc::codegen;
using namespace nnc::test;

namespace {

TEST(DenseKernel, MatchesReference) {
  std::mt19937 rng(1);
  struct Config { int k, u; bool bias; int act; };
  std::vector<Config> configs;
  for (int k : {1, 3, 17, 64})
    for (int u : {1, 10, 33})
      configs.push_back({k, u, (k + u) % 2 == 0, int(configs.size() % 6)});
  ASSERT_GE(configs.size(), 12u);
  configs.push_back({784, 128, true, 1});
  configs.push_back({128, 64, true, 1});
  configs.push_back({3136, 64, true, 1}); // one thread below 9 rows, two from 9
  configs.push_back({64, 10, true, 4});
  configs.push_back({30, 16, true, 2});
  configs.push_back({2, 2, true, 2});
  configs.push_back({1, 10, true, 2});
  configs.push_back({100, 10, false, 4});
  configs.push_back({9, 8, true, 5});
  // Wide layers (NNRT_WIDE_WEIGHTS weights or more): the reduction in two halves; an
  // odd count leaves the second half one shorter.
  configs.push_back({6272, 64, true, 1});
  configs.push_back({4097, 32, false, 1});
  ASSERT_GE(configs.size(), 20u);
  for (const Config &c : configs) {
    SCOPED_TRACE(testing::Message() << "K=" << c.k << " U=" << c.u << " bias=" << c.bias
                                    << " act=" << c.act);
    Activation act = allActivations()[c.act];
    Kernel k = denseKernel(c.k, c.u, c.bias, act);
    Tensor w = randomTensor({c.k, c.u}, rng), b = randomTensor({c.u}, rng);
    for (int m : batches()) {
      Tensor x = randomTensor({m, c.k}, rng), y({m, c.u});
      std::vector<Tensor *> in{&x, &w};
      if (c.bias)
        in.push_back(&b);
      run(k, in, y);
      std::vector<double> ref(size_t(m) * c.u);
      for (int i = 0; i < m; ++i)
        for (int j = 0; j < c.u; ++j) {
          double s = c.bias ? b.data[j] : 0.0;
          for (int q = 0; q < c.k; ++q)
            s += double(x.at({i, q})) * w.at({q, j});
          ref[size_t(i) * c.u + j] = s;
        }
      activateRows(ref, c.u, act);
      expectClose(y, ref);
    }
  }
}

// A sample's outputs are the same bits whatever the batch it comes in (batch 1 takes
// its own schedules: one thread, or the wide layers' halves on two).
TEST(DenseKernel, BatchOfOneGivesTheSameBits) {
  std::mt19937 rng(11);
  for (auto [k, u] : std::vector<std::pair<int, int>>{{6272, 64}, {4097, 32}, {784, 128}}) {
    SCOPED_TRACE(testing::Message() << "K=" << k << " U=" << u);
    Kernel kernel = denseKernel(k, u, true, allActivations()[1]);
    Tensor w = randomTensor({k, u}, rng), b = randomTensor({u}, rng);
    Tensor x = randomTensor({9, k}, rng), y({9, u});
    run(kernel, {&x, &w, &b}, y);
    for (int row : {0, 8}) {
      Tensor one({1, k}), out({1, u});
      std::copy_n(x.data.begin() + size_t(row) * k, k, one.data.begin());
      run(kernel, {&one, &w, &b}, out);
      EXPECT_TRUE(std::equal(out.data.begin(), out.data.end(), y.data.begin() + size_t(row) * u))
          << "row " << row;
    }
  }
}

TEST(Conv2DKernel, MatchesReference) {
  std::mt19937 rng(2);
  std::vector<ConvShape> shapes;
  // height, width, channels, kernelH, kernelW, filters, strides, dilations, same
  for (bool same : {false, true}) {
    shapes.push_back({5, 5, 1, 3, 3, 4, 1, 1, 1, 1, same});
    shapes.push_back({7, 6, 3, 3, 3, 8, 1, 1, 1, 1, same});
    shapes.push_back({7, 7, 2, 3, 3, 5, 2, 2, 1, 1, same});
    shapes.push_back({8, 9, 4, 2, 2, 3, 2, 2, 1, 1, same});
    shapes.push_back({9, 7, 3, 3, 3, 6, 1, 1, 2, 2, same});
    shapes.push_back({6, 8, 5, 1, 1, 7, 1, 1, 1, 1, same});
    shapes.push_back({11, 5, 2, 5, 3, 4, 1, 2, 1, 1, same});
    shapes.push_back({4, 4, 16, 3, 3, 32, 1, 1, 1, 1, same});
    shapes.push_back({13, 13, 3, 4, 4, 2, 3, 3, 1, 1, same});
    shapes.push_back({10, 12, 1, 3, 5, 9, 1, 1, 2, 1, same});
    shapes.push_back({3, 3, 2, 3, 3, 1, 1, 1, 1, 1, same});
    // Register-tiled schedule (filters a multiple of 16, 4+ output columns): column
    // tails, strides, dilation, 16 and 32 filter tiles.
    shapes.push_back({9, 11, 3, 3, 3, 16, 1, 1, 1, 1, same});
    shapes.push_back({12, 10, 8, 3, 3, 64, 2, 2, 1, 1, same});
    shapes.push_back({10, 10, 5, 3, 3, 48, 1, 1, 2, 2, same});
  }
  ASSERT_GE(shapes.size(), 20u);
  int i = 0;
  for (const ConvShape &s : shapes) {
    SCOPED_TRACE(testing::Message() << "in " << s.height << "x" << s.width << "x" << s.channels
                                    << " k " << s.kernelH << "x" << s.kernelW << "x"
                                    << s.filters << " s " << s.strideH << "," << s.strideW
                                    << " d " << s.dilationH << "," << s.dilationW
                                    << " same " << s.same);
    bool bias = i % 3 != 2;
    Activation act = allActivations()[i++ % allActivations().size()];
    Kernel k = conv2dKernel(s, bias, act);
    int oh = referenceOut(s.height, s.kernelH, s.strideH, s.dilationH, s.same);
    int ow = referenceOut(s.width, s.kernelW, s.strideW, s.dilationW, s.same);
    ASSERT_GT(oh, 0);
    ASSERT_EQ(s.outH(), oh); // the production window arithmetic against TensorFlow's
    ASSERT_EQ(s.outW(), ow);
    Tensor w = randomTensor({s.kernelH, s.kernelW, s.channels, s.filters}, rng);
    Tensor b = randomTensor({s.filters}, rng);
    for (int n : batches()) {
      Tensor x = randomTensor({n, s.height, s.width, s.channels}, rng);
      Tensor y({n, oh, ow, s.filters});
      std::vector<Tensor *> in{&x, &w};
      if (bias)
        in.push_back(&b);
      run(k, in, y);
      std::vector<double> ref = conv2dReference(s, n, x.data, w.data);
      for (size_t i = 0; bias && i < ref.size(); ++i)
        ref[i] += b.data[i % s.filters];
      activateRows(ref, s.filters, act);
      expectClose(y, ref);
    }
  }
}

TEST(Conv2DKernel, SamePaddingSplitsAsTensorFlow) {
  // in 7, k 4, stride 2 -> out 4, total padding (4-1)*2 + 4 - 7 = 3: 1 before, 2 after.
  EXPECT_EQ(windowOut(7, 4, 2, 1, true), 4);
  EXPECT_EQ(padBefore(7, 4, 2, 1, true), 1);
  EXPECT_EQ(padBefore(28, 3, 1, 1, true), 1);
  EXPECT_EQ(padBefore(28, 3, 1, 1, false), 0);
}

} // namespace

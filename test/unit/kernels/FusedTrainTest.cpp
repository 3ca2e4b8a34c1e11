// Fused train-step kernels against the kernels they replace. --nn-fuse-conv-pool:
// Conv2D + max pooling with recorded maxima (the same bits), and the weight gradient
// from the pooled gradient (the same bits as the unfused weight gradient; the bias
// gradient, a sum in row order, to 1e-5 of a double-precision sum).
// --nn-fuse-dense-grad-activation: Dense's input gradient with the previous
// activation's derivative as its epilogue (the same bits as the two kernels).
// --nn-fuse-conv-bn-act in inference: Conv2D + BatchNormalization (moving statistics,
// per-channel values all different) + activation, against the two kernels.
#include "codegen/kernels/Conv.h"
#include "codegen/kernels/Dense.h"
#include "codegen/kernels/Elementwise.h"
#include "codegen/kernels/Fused.h"
#include "codegen/kernels/Norm.h"
#include "codegen/kernels/Pool.h"
#include "test/unit/kernels/KernelTestUtil.h"

#include <tuple>

using namespace nnc::codegen;
using namespace nnc::test;

namespace {

TEST(ConvPoolFused, MatchesUnfusedKernels) {
  std::mt19937 rng(43);
  // fashion-cnn's first layer; a valid conv whose last column and row are in no
  // window; filters not a multiple of 16 (the forward's fallback schedule; no fused
  // backward); two input channels.
  std::vector<ConvShape> shapes = {{28, 28, 1, 3, 3, 32, 1, 1, 1, 1, true},
                                   {7, 7, 1, 3, 3, 16, 1, 1, 1, 1, false},
                                   {6, 6, 2, 3, 3, 8, 1, 1, 1, 1, true},
                                   {8, 6, 2, 2, 2, 16, 1, 1, 1, 1, true}};
  for (const ConvShape &s : shapes) {
    SCOPED_TRACE(testing::Message() << s.height << "x" << s.width << "x" << s.channels << " -> "
                                    << s.filters << (s.same ? " same" : " valid"));
    int n = 3, oh = s.outH(), ow = s.outW(), ph = oh / 2, pw = ow / 2, f = s.filters;
    Tensor x = randomTensor({n, s.height, s.width, s.channels}, rng);
    Tensor w = randomTensor({s.kernelH, s.kernelW, s.channels, f}, rng);
    Tensor b = randomTensor({f}, rng, -0.2f, 0.2f);
    Activation relu{Act::Relu};
    // Unfused forward: conv2d (+ ReLU), then max pooling with the recorded maxima.
    Tensor conv({n, oh, ow, f});
    Kernel convK = conv2dKernel(s, true, relu);
    run(convK, {&x, &w, &b}, conv);
    PoolShape ps{oh, ow, f, 2, 2, 2, 2, false};
    Tensor pooled({n, ph, pw, f}), index({n, ph, pw, f});
    Kernel argmaxK = maxPool2dArgmaxKernel(ps);
    runTuple(argmaxK, {&conv}, {&pooled, &index});
    // Fused.
    Tensor fusedPooled({n, ph, pw, f}), fusedIndex({n, ph, pw, f});
    Kernel fusedK = conv2dMaxPoolArgmaxKernel(s, true, relu, 2, 2);
    runTuple(fusedK, {&x, &w, &b}, {&fusedPooled, &fusedIndex});
    EXPECT_EQ(fusedPooled.data, pooled.data);
    EXPECT_EQ(fusedIndex.data, index.data);
    // The inference form (no recorded maxima): max_pool2d's output.
    Tensor inferPooled({n, ph, pw, f}), unfusedPooled({n, ph, pw, f});
    Kernel poolK = maxPool2dKernel(ps), inferK = conv2dMaxPoolArgmaxKernel(s, true, relu, 2, 2, false);
    run(poolK, {&conv}, unfusedPooled);
    run(inferK, {&x, &w, &b}, inferPooled);
    EXPECT_EQ(inferPooled.data, unfusedPooled.data);
    if (f % 16 != 0 || s.channels * s.kernelW * s.kernelH > 16)
      continue;
    // Unfused backward: the conv-output gradient, then the weight gradient and the sum.
    Tensor dy = randomTensor({n, ph, pw, f}, rng);
    Tensor dz({n, oh, ow, f});
    Kernel poolGradK = maxPool2dActivationBackwardKernel(ps, relu);
    run(poolGradK, {&index, &pooled, &dy}, dz);
    Tensor dw({s.kernelH, s.kernelW, s.channels, f});
    Kernel dwK = conv2dBackwardWeightsKernel(s);
    run(dwK, {&x, &dz}, dw);
    std::vector<double> db(f, 0.0);
    for (size_t i = 0; i < dz.data.size(); ++i)
      db[i % f] += dz.data[i];
    // Fused.
    Tensor fusedDw({s.kernelH, s.kernelW, s.channels, f}), fusedDb({f});
    Kernel fusedGradK = conv2dMaxPoolBackwardWeightsKernel(s, relu, 2, 2);
    runAll(fusedGradK, {&x, &index, &pooled, &dy}, {&fusedDw, &fusedDb});
    EXPECT_EQ(fusedDw.data, dw.data);
    expectClose(fusedDb, db);
  }
}

TEST(ConvBNFused, MatchesConvThenBatchNorm) {
  std::mt19937 rng(45);
  std::vector<ConvShape> shapes = {{9, 8, 3, 3, 3, 32, 1, 1, 1, 1, true},
                                   {7, 7, 2, 3, 3, 5, 2, 2, 1, 1, false}};
  const float epsilon = 0.003f;
  for (const ConvShape &s : shapes) {
    SCOPED_TRACE(testing::Message() << s.height << "x" << s.width << "x" << s.channels << " -> "
                                    << s.filters);
    int n = 3, oh = s.outH(), ow = s.outW(), f = s.filters;
    Tensor x = randomTensor({n, s.height, s.width, s.channels}, rng);
    Tensor w = randomTensor({s.kernelH, s.kernelW, s.channels, f}, rng);
    Tensor b = randomTensor({f}, rng, -0.5f, 0.5f), gamma = randomTensor({f}, rng, 0.5f, 2.0f);
    Tensor beta = randomTensor({f}, rng, -1.0f, 1.0f), mean = randomTensor({f}, rng, -0.5f, 0.5f);
    Tensor var = randomTensor({f}, rng, 0.1f, 3.0f);
    Tensor conv({n, oh, ow, f});
    Kernel convK = conv2dKernel(s, true, Activation{Act::Linear});
    run(convK, {&x, &w, &b}, conv);
    Tensor flat({n * oh * ow, f}), normed({n * oh * ow, f});
    flat.data = conv.data;
    Kernel bnK = batchNormInferenceKernel(f, epsilon);
    run(bnK, {&flat, &gamma, &beta, &mean, &var}, normed);
    std::vector<double> want(normed.data.size());
    for (size_t i = 0; i < want.size(); ++i) // the BN kernel against the formula too
      want[i] = std::max(0.0, (double(conv.data[i]) - mean.data[i % f]) /
                                  std::sqrt(double(var.data[i % f]) + epsilon) *
                                  gamma.data[i % f] +
                              beta.data[i % f]);
    Tensor fused({n, oh, ow, f});
    Kernel fusedK = conv2dBNKernel(s, true, epsilon, Activation{Act::Relu});
    run(fusedK, {&x, &w, &gamma, &beta, &mean, &var, &b}, fused); // the bias last
    expectClose(fused, want);
    for (float &v : normed.data)
      v = std::max(v, 0.0f);
    Tensor unfused({n, oh, ow, f});
    unfused.data = normed.data;
    expectClose(fused, std::vector<double>(unfused.data.begin(), unfused.data.end()));
  }
}

TEST(DenseGradActivationFused, MatchesUnfusedKernels) {
  std::mt19937 rng(44);
  // (features, units, rows): the row-split and column-split tiled paths, the untiled
  // path, a row tail.
  for (auto [k, u, m] : std::vector<std::tuple<int, int, int>>{
           {128, 64, 37}, {1792, 10, 9}, {33, 7, 5}, {64, 128, 6}}) {
    for (Act kind : {Act::Relu, Act::Sigmoid, Act::LeakyRelu}) {
      SCOPED_TRACE(testing::Message() << "K=" << k << " U=" << u << " M=" << m);
      Tensor dz = randomTensor({m, u}, rng), w = randomTensor({k, u}, rng);
      Tensor y = randomTensor({m, k}, rng, kind == Act::Sigmoid ? 0.01f : -1.0f, 1.0f);
      Activation act{kind};
      Tensor dx({m, k}), ref({m, k}), fused({m, k});
      Kernel dataK = denseBackwardDataKernel(k, u);
      run(dataK, {&dz, &w}, dx);
      Kernel actK = activationBackwardKernel(k, act);
      run(actK, {&y, &dx}, ref);
      Kernel fusedK = denseBackwardDataKernel(k, u, act);
      run(fusedK, {&dz, &w, &y}, fused);
      EXPECT_EQ(fused.data, ref.data);
    }
  }
}

} // namespace

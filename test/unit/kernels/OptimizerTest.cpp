// Optimizer kernels against Keras's update rules in double, over several steps.
#include "codegen/kernels/Optimizer.h"
#include "test/unit/kernels/KernelTestUtil.h"

#include <cmath>

using namespace nnc::codegen;
using namespace nnc::test;

namespace {


void expectNear(const Tensor &got, const std::vector<double> &want) {
  expectClose(got, want);
}

TEST(OptimizerKernels, SgdPlainMomentumNesterov) {
  std::mt19937 rng(31);
  for (auto [momentum, nesterov] : std::vector<std::pair<float, bool>>{{0, false}, {0.9f, false}, {0.9f, true}})
    for (int n : {1, 7, 4099}) {
      SCOPED_TRACE(testing::Message() << "momentum=" << momentum << " nesterov=" << nesterov << " n=" << n);
      float lr = 0.05f;
      Kernel k = sgdKernel(lr, momentum, nesterov);
      Tensor p = randomTensor({n}, rng), v({n});
      std::vector<double> rp(p.data.begin(), p.data.end()), rv(n, 0.0);
      for (int step = 0; step < 3; ++step) {
        Tensor g = randomTensor({n}, rng), p1({n}), v1({n});
        if (momentum > 0)
          runTuple(k, {&p, &g, &v}, {&p1, &v1});
        else
          runTuple(k, {&p, &g}, {&p1});
        for (int i = 0; i < n; ++i) {
          if (momentum > 0) {
            rv[i] = momentum * rv[i] - lr * g.data[i];
            rp[i] += nesterov ? momentum * rv[i] - lr * g.data[i] : rv[i];
          } else {
            rp[i] -= lr * g.data[i];
          }
        }
        p = p1;
        v = v1;
        expectNear(p, rp);
      }
    }
}

TEST(OptimizerKernels, AdamMatchesKeras) {
  std::mt19937 rng(32);
  for (int n : {1, 10, 5000}) {
    SCOPED_TRACE(testing::Message() << "n=" << n);
    double lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-7;
    Kernel k = adamKernel((float)lr, (float)b1, (float)b2, (float)eps);
    Tensor p = randomTensor({n}, rng), m({n}), v({n});
    Halide::Buffer<uint32_t> counter(2);
    std::vector<double> rp(p.data.begin(), p.data.end()), rm(n, 0), rv(n, 0);
    for (long t = 1; t <= 4; ++t) {
      Tensor g = randomTensor({n}, rng), p1({n}), m1({n}), v1({n});
      counter(0) = 99;
      counter(1) = (uint32_t)t;
      k.inputs[4].set(counter);
      runTuple(k, {&p, &g, &m, &v}, {&p1, &m1, &v1});
      // Keras's bias-corrected step size, computed here (not the production helper).
      double a = lr * std::sqrt(1 - std::pow(b2, double(t))) / (1 - std::pow(b1, double(t)));
      for (int i = 0; i < n; ++i) {
        rm[i] += (g.data[i] - rm[i]) * (1 - b1);
        rv[i] += (double(g.data[i]) * g.data[i] - rv[i]) * (1 - b2);
        rp[i] -= rm[i] * a / (std::sqrt(rv[i]) + eps);
      }
      p = p1;
      m = m1;
      v = v1;
      expectNear(p, rp);
    }
  }
}

TEST(OptimizerKernels, RmspropWithAndWithoutMomentum) {
  std::mt19937 rng(33);
  for (float momentum : {0.0f, 0.5f})
    for (int n : {3, 1000}) {
      SCOPED_TRACE(testing::Message() << "momentum=" << momentum << " n=" << n);
      double lr = 1e-3, rho = 0.9, eps = 1e-7;
      Kernel k = rmspropKernel((float)lr, (float)rho, momentum, (float)eps);
      Tensor p = randomTensor({n}, rng), ms({n}), mom({n});
      std::vector<double> rp(p.data.begin(), p.data.end()), rms(n, 0), rmom(n, 0);
      for (int step = 0; step < 3; ++step) {
        Tensor g = randomTensor({n}, rng), p1({n}), ms1({n}), mom1({n});
        if (momentum > 0)
          runTuple(k, {&p, &g, &ms, &mom}, {&p1, &ms1, &mom1});
        else
          runTuple(k, {&p, &g, &ms}, {&p1, &ms1});
        for (int i = 0; i < n; ++i) {
          rms[i] = rho * rms[i] + (1 - rho) * double(g.data[i]) * g.data[i];
          double inc = lr * g.data[i] / std::sqrt(rms[i] + eps);
          if (momentum > 0) {
            rmom[i] = momentum * rmom[i] + inc;
            rp[i] -= rmom[i];
          } else {
            rp[i] -= inc;
          }
        }
        p = p1;
        ms = ms1;
        mom = mom1;
        expectNear(p, rp);
      }
    }
}

} // namespace

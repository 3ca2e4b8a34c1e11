// The fused loss gradient (through softmax / sigmoid, from probabilities) against the
// from-logits gradient of the same logits, and the metric kernels against a naive
// reference.
#include "codegen/kernels/Loss.h"
#include "codegen/kernels/Metric.h"
#include "test/unit/kernels/KernelTestUtil.h"

using namespace nnc::codegen;
using namespace nnc::test;

namespace {

TEST(Losses, FusedGradientEqualsLogitGradient) {
  std::mt19937 rng(41);
  for (LossKind kind : {LossKind::SparseCategorical, LossKind::Categorical, LossKind::Binary})
    for (int c : {1, 2, 10, 17}) {
      if (kind != LossKind::Binary && c == 1)
        continue;
      SCOPED_TRACE(testing::Message() << "kind=" << int(kind) << " C=" << c);
      int n = 13;
      Tensor z = randomTensor({n, c}, rng, -5, 5), p({n, c});
      for (int i = 0; i < n; ++i) { // p = softmax(z) per row, or sigmoid(z)
        double peak = -1e30, sum = 0;
        for (int j = 0; j < c; ++j)
          peak = std::max(peak, double(z.data[i * c + j]));
        for (int j = 0; j < c; ++j)
          sum += std::exp(z.data[i * c + j] - peak);
        for (int j = 0; j < c; ++j)
          p.data[i * c + j] = kind == LossKind::Binary
                                  ? float(1 / (1 + std::exp(-double(z.data[i * c + j]))))
                                  : float(std::exp(z.data[i * c + j] - peak) / sum);
      }
      Tensor labels = kind == LossKind::SparseCategorical ? Tensor({n}) : Tensor({n, c});
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < (kind == LossKind::SparseCategorical ? 1 : c); ++j)
          labels.data[i * (kind == LossKind::SparseCategorical ? 1 : c) + j] =
              kind == LossKind::SparseCategorical ? float(rng() % c)
              : kind == LossKind::Binary          ? float(rng() % 2)
                                                  : (j == i % c ? 1.0f : 0.0f);
      Kernel fused = lossGradThroughActivationKernel(kind, c);
      Kernel fromLogits = lossGradKernel(kind, c, true);
      Tensor got({n, c}), want({n, c});
      run(fused, {&p, &labels}, got);
      run(fromLogits, {&z, &labels}, want);
      std::vector<double> ref(want.data.begin(), want.data.end());
      expectClose(got, ref);
    }
}

double metricRef(MetricKind kind, const Tensor &p, const Tensor &y, int n, int c) {
  double total = 0;
  for (int i = 0; i < n; ++i) {
    auto argmax = [&](const Tensor &t) {
      int best = 0;
      for (int j = 1; j < c; ++j)
        if (t.data[i * c + j] > t.data[i * c + best])
          best = j;
      return best;
    };
    double score = 0;
    switch (kind) {
    case MetricKind::SparseAccuracy: score = argmax(p) == int(y.data[i]); break;
    case MetricKind::CategoricalAccuracy: score = argmax(p) == argmax(y); break;
    default:
      for (int j = 0; j < c; ++j) {
        double a = p.data[i * c + j], b = y.data[i * c + j];
        score += kind == MetricKind::BinaryAccuracy ? double((a > 0.5) == (b > 0.5))
                 : kind == MetricKind::MeanSquared  ? (a - b) * (a - b)
                                                    : std::fabs(a - b);
      }
      score /= c;
    }
    total += score;
  }
  return total / n;
}

TEST(Metrics, MatchReference) {
  std::mt19937 rng(42);
  for (MetricKind kind : {MetricKind::SparseAccuracy, MetricKind::CategoricalAccuracy,
                          MetricKind::BinaryAccuracy, MetricKind::MeanSquared,
                          MetricKind::MeanAbsolute})
    for (int c : {1, 3, 10}) {
      if ((kind == MetricKind::SparseAccuracy || kind == MetricKind::CategoricalAccuracy) && c == 1)
        continue;
      for (int n : {1, 7, 300}) {
        SCOPED_TRACE(testing::Message() << "kind=" << int(kind) << " C=" << c << " N=" << n);
        Tensor p = randomTensor({n, c}, rng, 0, 1);
        bool sparse = kind == MetricKind::SparseAccuracy;
        Tensor y = sparse ? Tensor({n}) : randomTensor({n, c}, rng, 0, 1);
        for (int i = 0; sparse && i < n; ++i)
          y.data[i] = float(rng() % c);
        if (kind == MetricKind::CategoricalAccuracy || kind == MetricKind::BinaryAccuracy)
          for (float &v : y.data)
            v = float(rng() % 2);
        Kernel k = metricKernel(kind, c);
        Tensor got({});
        run(k, {&p, &y}, got);
        EXPECT_NEAR(got.data[0], metricRef(kind, p, y, n, c), 1e-5);
      }
    }
}

TEST(Metrics, AccuracyTiesTakeTheFirstMaximum) {
  Tensor p({2, 3}), y({2});
  p.data = {0.4f, 0.4f, 0.2f, 0.1f, 0.45f, 0.45f};
  y.data = {0, 2};
  Kernel k = metricKernel(MetricKind::SparseAccuracy, 3);
  Tensor got({});
  run(k, {&p, &y}, got);
  EXPECT_FLOAT_EQ(got.data[0], 0.5f); // sample 0 right (class 0), sample 1 wrong (class 1)
}

} // namespace

// Backward kernels and loss gradients against central finite differences of a
// double-precision reference (relative error < 1e-3), over several shapes each.
#include "codegen/kernels/Conv.h"
#include "codegen/kernels/Dense.h"
#include "codegen/kernels/Elementwise.h"
#include "codegen/kernels/Loss.h"
#include "codegen/kernels/Norm.h"
#include "codegen/kernels/Pool.h"
#include "test/unit/kernels/ConvReference.h"
#include "test/unit/kernels/KernelTestUtil.h"

#include <functional>

using namespace nnc::codegen;
using namespace nnc::test;

namespace {

/// Checks `analytic` (d L / d v) against central differences of L over up to 40
/// sampled entries of `v` (in double, h = 1e-4 relative).
void checkGradient(std::vector<double> v, const std::function<double(const std::vector<double> &)> &L,
                   const Tensor &analytic, std::mt19937 &rng) {
  ASSERT_EQ(v.size(), analytic.data.size());
  std::uniform_int_distribution<size_t> pick(0, v.size() - 1);
  double worst = 0, scale = 1e-6;
  for (float g : analytic.data)
    scale = std::max(scale, (double)std::fabs(g));
  for (int t = 0; t < 40; ++t) {
    size_t i = t < (int)v.size() && v.size() <= 40 ? (size_t)t : pick(rng);
    if (v.size() <= 40 && t >= (int)v.size())
      break;
    double h = 1e-4 * std::max(1.0, std::fabs(v[i])), keep = v[i];
    v[i] = keep + h;
    double up = L(v);
    v[i] = keep - h;
    double down = L(v);
    v[i] = keep;
    double fd = (up - down) / (2 * h);
    worst = std::max(worst, std::fabs(fd - analytic.data[i]) / std::max(scale, std::fabs(fd)));
  }
  EXPECT_LT(worst, 1e-3) << "worst relative error against finite differences";
}

std::vector<double> asDouble(const Tensor &t) { return {t.data.begin(), t.data.end()}; }

TEST(DenseBackward, MatchesFiniteDifferences) {
  std::mt19937 rng(21);
  for (auto [k, u, m] : std::vector<std::tuple<int, int, int>>{{1, 1, 1}, {3, 5, 7}, {17, 10, 37}, {64, 33, 4},
        // register-tiled products (units or features a multiple of 16; row tails) and
        // the few-units paths
        {96, 64, 37}, {48, 16, 5}, {64, 10, 9}, {33, 48, 3},
        // the row halves of small weight gradients: one row (the second half empty)
        {32, 16, 1}}) {
    SCOPED_TRACE(testing::Message() << "K=" << k << " U=" << u << " M=" << m);
    Tensor x = randomTensor({m, k}, rng), w = randomTensor({k, u}, rng), dz = randomTensor({m, u}, rng);
    // L(x, w) = sum dz * (x . w)
    auto loss = [&](const std::vector<double> &xv, const std::vector<double> &wv) {
      double s = 0;
      for (int i = 0; i < m; ++i)
        for (int j = 0; j < u; ++j) {
          double z = 0;
          for (int q = 0; q < k; ++q)
            z += xv[i * k + q] * wv[q * u + j];
          s += dz.data[i * u + j] * z;
        }
      return s;
    };
    Kernel dataK = denseBackwardDataKernel(k, u), weightK = denseBackwardWeightsKernel(k, u);
    Tensor dx({m, k}), dw({k, u});
    run(dataK, {&dz, &w}, dx);
    run(weightK, {&x, &dz}, dw);
    checkGradient(asDouble(x), [&](const std::vector<double> &xv) { return loss(xv, asDouble(w)); }, dx, rng);
    checkGradient(asDouble(w), [&](const std::vector<double> &wv) { return loss(asDouble(x), wv); }, dw, rng);
    Kernel biasK = channelSumKernel(u);
    Tensor db({u});
    run(biasK, {&dz}, db);
    for (int j = 0; j < u; ++j) {
      double s = 0;
      for (int i = 0; i < m; ++i)
        s += dz.data[i * u + j];
      EXPECT_NEAR(db.data[j], s, 1e-4 * (1 + std::fabs(s)));
    }
  }
}

TEST(Conv2DBackward, MatchesFiniteDifferences) {
  std::mt19937 rng(22);
  std::vector<ConvShape> shapes = {
      {5, 5, 1, 3, 3, 2, 1, 1, 1, 1, false}, {6, 7, 2, 3, 3, 3, 1, 1, 1, 1, true},
      {7, 7, 2, 3, 3, 2, 2, 2, 1, 1, true},  {8, 6, 3, 2, 2, 4, 2, 2, 1, 1, false},
      {9, 8, 2, 3, 3, 2, 1, 1, 2, 2, true},  {7, 9, 1, 4, 2, 3, 3, 1, 1, 1, true},
      // register-tiled schedules: channels / filters multiples of 16, column tails,
      // dilation, valid padding, a stride-2 input gradient (the general path)
      {5, 6, 16, 3, 3, 16, 1, 1, 1, 1, true}, {6, 5, 32, 3, 3, 3, 1, 1, 2, 2, true},
      {6, 7, 3, 3, 3, 32, 1, 1, 1, 1, false}, {6, 6, 16, 3, 3, 16, 2, 2, 1, 1, true}};
  for (const ConvShape &s : shapes) {
    SCOPED_TRACE(testing::Message() << s.height << "x" << s.width << "x" << s.channels << " k"
                                    << s.kernelH << "x" << s.kernelW << " s" << s.strideH
                                    << " d" << s.dilationH << " same " << s.same);
    int n = 3, oh = s.outH(), ow = s.outW();
    Tensor x = randomTensor({n, s.height, s.width, s.channels}, rng);
    Tensor w = randomTensor({s.kernelH, s.kernelW, s.channels, s.filters}, rng);
    Tensor dz = randomTensor({n, oh, ow, s.filters}, rng);
    auto loss = [&](const std::vector<double> &xv, const std::vector<double> &wv) {
      std::vector<double> z = conv2dReference(s, n, xv, wv);
      double total = 0;
      for (size_t i = 0; i < z.size(); ++i)
        total += dz.data[i] * z[i];
      return total;
    };
    Kernel dataK = conv2dBackwardDataKernel(s), weightK = conv2dBackwardWeightsKernel(s);
    Tensor dx({n, s.height, s.width, s.channels}), dw({s.kernelH, s.kernelW, s.channels, s.filters});
    run(dataK, {&dz, &w}, dx);
    run(weightK, {&x, &dz}, dw);
    checkGradient(asDouble(x), [&](const std::vector<double> &xv) { return loss(xv, asDouble(w)); }, dx, rng);
    checkGradient(asDouble(w), [&](const std::vector<double> &wv) { return loss(asDouble(x), wv); }, dw, rng);
  }
}

TEST(ActivationBackward, MatchesFiniteDifferences) {
  std::mt19937 rng(23);
  for (const Activation &act : allActivations())
    for (int c : {1, 5, 16}) {
      SCOPED_TRACE(testing::Message() << "act=" << int(act.kind) << " C=" << c);
      int m = 7;
      // Wide enough to reach relu6's and hard_sigmoid's upper bends.
      float range = act.kind == Act::Relu6 || act.kind == Act::HardSigmoid ? 8 : 3;
      Tensor z = randomTensor({m, c}, rng, -range, range), dy = randomTensor({m, c}, rng);
      auto forward = [&](const std::vector<double> &zv) {
        std::vector<double> y = zv;
        activateRows(y, c, act);
        double s = 0;
        for (size_t i = 0; i < y.size(); ++i)
          s += dy.data[i] * y[i];
        return s;
      };
      Kernel fwd = activationKernel(c, act), back = activationBackwardKernel(c, act);
      Tensor y({m, c}), dz({m, c});
      run(fwd, {&z}, y);
      run(back, {act.gradientFromInput() ? &z : &y, &dy}, dz); // gelu, swish: from x
      checkGradient(asDouble(z), forward, dz, rng);
    }
}

/// The mean loss in double, as Keras defines it.
double lossRef(LossKind kind, bool logits, const std::vector<double> &p, const Tensor &labels,
               int c, int n) {
  double total = 0;
  for (int i = 0; i < n; ++i) {
    auto y = [&](int j) {
      return kind == LossKind::SparseCategorical ? (labels.data[i] == j ? 1.0 : 0.0)
                                                 : (double)labels.data[i * c + j];
    };
    const double *z = &p[i * c];
    double l = 0;
    if (kind == LossKind::SparseCategorical || kind == LossKind::Categorical) {
      if (logits) {
        double peak = *std::max_element(z, z + c), s = 0;
        for (int j = 0; j < c; ++j)
          s += std::exp(z[j] - peak);
        for (int j = 0; j < c; ++j)
          l += y(j) * (peak + std::log(s) - z[j]);
      } else {
        for (int j = 0; j < c; ++j)
          l -= y(j) * std::log(std::clamp(z[j], 1e-7, 1 - 1e-7));
      }
    } else if (kind == LossKind::Binary) {
      for (int j = 0; j < c; ++j) {
        if (logits)
          l += std::max(z[j], 0.0) - z[j] * y(j) + std::log1p(std::exp(-std::fabs(z[j])));
        else {
          double q = std::clamp(z[j], 1e-7, 1 - 1e-7);
          l -= y(j) * std::log(q + 1e-7) + (1 - y(j)) * std::log(1 - q + 1e-7);
        }
      }
      l /= c;
    } else {
      for (int j = 0; j < c; ++j)
        l += (z[j] - y(j)) * (z[j] - y(j));
      l /= c;
    }
    total += l;
  }
  return total / n;
}

TEST(Losses, ValueAndGradientMatchReference) {
  std::mt19937 rng(24);
  for (LossKind kind : {LossKind::SparseCategorical, LossKind::Categorical, LossKind::Binary,
                        LossKind::MeanSquared})
    for (bool logits : {false, true}) {
      if (kind == LossKind::MeanSquared && logits)
        continue;
      for (int c : {1, 3, 10}) {
        if ((kind == LossKind::SparseCategorical || kind == LossKind::Categorical) && c == 1)
          continue;
        SCOPED_TRACE(testing::Message() << "kind=" << int(kind) << " logits=" << logits << " C=" << c);
        int n = 9;
        // Probabilities away from the clip edges; logits anywhere.
        Tensor p = logits ? randomTensor({n, c}, rng, -4, 4) : randomTensor({n, c}, rng, 0.05f, 0.95f);
        if (!logits && kind != LossKind::Binary && kind != LossKind::MeanSquared)
          for (int i = 0; i < n; ++i) { // rows of a distribution
            float s = 0;
            for (int j = 0; j < c; ++j) s += p.data[i * c + j];
            for (int j = 0; j < c; ++j) p.data[i * c + j] /= s;
          }
        Tensor labels = kind == LossKind::SparseCategorical ? Tensor({n}) : Tensor({n, c});
        for (size_t i = 0; i < labels.data.size(); ++i)
          labels.data[i] = kind == LossKind::SparseCategorical ? float(rng() % c)
                           : kind == LossKind::MeanSquared     ? float(rng() % 100) / 50.0f
                                                               : float(rng() % 2);
        if (kind == LossKind::Categorical) // one-hot rows
          for (int i = 0; i < n; ++i)
            for (int j = 0; j < c; ++j) labels.data[i * c + j] = j == i % c ? 1.0f : 0.0f;
        Kernel value = lossKernel(kind, c, logits), gradK = lossGradKernel(kind, c, logits);
        Tensor l({}), g({n, c});
        run(value, {&p, &labels}, l);
        run(gradK, {&p, &labels}, g);
        double ref = lossRef(kind, logits, asDouble(p), labels, c, n);
        EXPECT_NEAR(l.data[0], ref, 1e-5 * (1 + std::fabs(ref)));
        checkGradient(asDouble(p),
                      [&](const std::vector<double> &pv) { return lossRef(kind, logits, pv, labels, c, n); },
                      g, rng);
      }
    }
}

TEST(PoolBackward, MatchesFiniteDifferences) {
  std::mt19937 rng(25);
  std::vector<PoolShape> shapes = {{6, 6, 2, 2, 2, 2, 2, false}, {7, 7, 3, 2, 2, 2, 2, true},
                                   {7, 5, 1, 3, 3, 2, 2, true},  {8, 9, 2, 3, 2, 1, 1, false},
                                   {5, 5, 4, 3, 3, 3, 3, true}};
  for (const PoolShape &s : shapes)
    for (bool isMax : {true, false}) {
      SCOPED_TRACE(testing::Message() << s.height << "x" << s.width << " pool " << s.poolH << "x"
                                      << s.poolW << " stride " << s.strideH << " same " << s.same
                                      << (isMax ? " max" : " avg"));
      int n = 2, oh = s.outH(), ow = s.outW();
      int pt = s.same ? std::max((oh - 1) * s.strideH + s.poolH - s.height, 0) / 2 : 0;
      int pl = s.same ? std::max((ow - 1) * s.strideW + s.poolW - s.width, 0) / 2 : 0;
      // Distinct values 0.01 apart: finite differences never flip a window's maximum.
      Tensor x({n, s.height, s.width, s.channels});
      for (size_t i = 0; i < x.data.size(); ++i)
        x.data[i] = 0.01f * float(i);
      std::shuffle(x.data.begin(), x.data.end(), rng);
      Tensor dy = randomTensor({n, oh, ow, s.channels}, rng);
      auto loss = [&](const std::vector<double> &xv) {
        double total = 0;
        for (int b = 0; b < n; ++b)
          for (int oy = 0; oy < oh; ++oy)
            for (int ox = 0; ox < ow; ++ox)
              for (int c = 0; c < s.channels; ++c) {
                double best = -1e300, sum = 0;
                int count = 0;
                for (int py = 0; py < s.poolH; ++py)
                  for (int px = 0; px < s.poolW; ++px) {
                    int iy = oy * s.strideH + py - pt, ix = ox * s.strideW + px - pl;
                    if (iy < 0 || iy >= s.height || ix < 0 || ix >= s.width)
                      continue;
                    double v = xv[((b * s.height + iy) * s.width + ix) * s.channels + c];
                    best = std::max(best, v);
                    sum += v;
                    ++count;
                  }
                total += dy.data[((b * oh + oy) * ow + ox) * s.channels + c] *
                         (isMax ? best : sum / count);
              }
        return total;
      };
      Kernel k = isMax ? maxPool2dBackwardKernel(s) : avgPool2dBackwardKernel(s);
      Tensor dx({n, s.height, s.width, s.channels});
      if (isMax)
        run(k, {&x, &dy}, dx);
      else
        run(k, {&dy}, dx);
      checkGradient(asDouble(x), loss, dx, rng);
    }
}

TEST(PoolBackward, GlobalAverage) {
  std::mt19937 rng(26);
  for (auto [h, w, c] : std::vector<std::tuple<int, int, int>>{{1, 1, 1}, {4, 3, 5}, {8, 8, 16}}) {
    int n = 3;
    Tensor dy = randomTensor({n, c}, rng), dx({n, h, w, c});
    Kernel k = globalAvgPool2dBackwardKernel(h, w, c);
    run(k, {&dy}, dx);
    std::vector<double> ref;
    for (int b = 0; b < n; ++b)
      for (int i = 0; i < h * w; ++i)
        for (int ch = 0; ch < c; ++ch)
          ref.push_back(dy.data[b * c + ch] / (h * w));
    expectClose(dx, ref);
  }
}


TEST(BatchNormTraining, StatisticsAndGradientsMatchFiniteDifferences) {
  std::mt19937 rng(27);
  for (auto [c, m] : std::vector<std::pair<int, int>>{{1, 5}, {3, 37}, {16, 64}, {7, 9 * 37}}) {
    SCOPED_TRACE(testing::Message() << "C=" << c << " M=" << m);
    float eps = 1e-3f;
    Tensor x = randomTensor({m, c}, rng, -2, 3), dy = randomTensor({m, c}, rng);
    Tensor gamma = randomTensor({c}, rng, 0.5f, 1.5f), beta = randomTensor({c}, rng);
    Tensor mean({c}), var({c}), movingVar({c});
    Kernel stats = batchNormStatsKernel(c, true);
    runTuple(stats, {&x}, {&mean, &var, &movingVar});
    std::vector<double> rmean(c, 0), rvar(c, 0);
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < c; ++j)
        rmean[j] += x.data[i * c + j] / double(m);
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < c; ++j)
        rvar[j] += std::pow(x.data[i * c + j] - rmean[j], 2) / m;
    expectClose(mean, rmean);
    expectClose(var, rvar);
    std::vector<double> unbiased(rvar);
    for (double &v : unbiased)
      v *= m > 1 ? double(m) / (m - 1) : 1.0;
    expectClose(movingVar, unbiased);

    // L = sum dy * BN_train(x) with batch statistics, in double.
    auto loss = [&](const std::vector<double> &xv, const std::vector<double> &g,
                    const std::vector<double> &b) {
      std::vector<double> mu(c, 0), va(c, 0);
      for (int i = 0; i < m; ++i)
        for (int j = 0; j < c; ++j)
          mu[j] += xv[i * c + j] / m;
      for (int i = 0; i < m; ++i)
        for (int j = 0; j < c; ++j)
          va[j] += std::pow(xv[i * c + j] - mu[j], 2) / m;
      double total = 0;
      for (int i = 0; i < m; ++i)
        for (int j = 0; j < c; ++j)
          total += dy.data[i * c + j] *
                   ((xv[i * c + j] - mu[j]) / std::sqrt(va[j] + eps) * g[j] + b[j]);
      return total;
    };
    Tensor dgamma({c}), dbeta({c}), dx({m, c});
    Kernel params = batchNormParamGradKernel(c, eps), data = batchNormBackwardDataKernel(c, eps);
    runTuple(params, {&x, &dy, &mean, &var}, {&dgamma, &dbeta});
    run(data, {&x, &dy, &gamma, &mean, &var, &dgamma, &dbeta}, dx);
    auto xs = asDouble(x), gs = asDouble(gamma), bs = asDouble(beta);
    checkGradient(xs, [&](const std::vector<double> &v) { return loss(v, gs, bs); }, dx, rng);
    checkGradient(gs, [&](const std::vector<double> &v) { return loss(xs, v, bs); }, dgamma, rng);
    checkGradient(bs, [&](const std::vector<double> &v) { return loss(xs, gs, v); }, dbeta, rng);

    // Moving averages with Keras's momentum.
    Tensor mm = randomTensor({c}, rng), mv = randomTensor({c}, rng, 0.5f, 2), nm({c}), nv({c});
    Kernel moving = movingAverageKernel(c, 0.99f);
    runTuple(moving, {&mm, &mv, &mean, &movingVar}, {&nm, &nv});
    std::vector<double> wantM, wantV;
    for (int j = 0; j < c; ++j) {
      wantM.push_back(mm.data[j] * 0.99 + rmean[j] * 0.01);
      wantV.push_back(mv.data[j] * 0.99 + unbiased[j] * 0.01);
    }
    expectClose(nm, wantM);
    expectClose(nv, wantV);
  }
}

} // namespace

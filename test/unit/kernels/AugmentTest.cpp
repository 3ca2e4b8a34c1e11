// Augmentation kernels against a naive reference of Keras's transforms
// (tf.image flips; ImageProjectiveTransform with TensorFlow's fill-mode mapping and
// bilinear / nearest reads), drawing the same per-sample parameters.
#include "codegen/kernels/Augment.h"
#include "test/unit/kernels/KernelTestUtil.h"

#include <cstdint>

using namespace nnc::codegen;
using namespace nnc::test;

namespace {

uint32_t mix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  h *= 0xC2B2AE35u;
  return h ^ (h >> 16);
}

/// The documented draw: sample b's j-th uniform for a layer `salt` at (seed, step).
float draw(uint32_t seed, uint32_t step, uint32_t salt, int b, int j) {
  uint32_t layerSeed = seed ^ (salt * 0x27D4EB2Fu);
  uint32_t h = mix32(uint32_t(4 * b + j) * 0x9E3779B9u ^ layerSeed);
  h = mix32(h ^ (step * 0x632BE5ABu));
  return float(h >> 8) * (1.0f / 16777216.0f);
}

constexpr uint32_t kSeed = 99, kStep = 3;

Tensor runAugment(Kernel &k, Tensor &x) {
  Tensor y(x.shape);
  Halide::Buffer<uint32_t> seed(2);
  seed(0) = kSeed;
  seed(1) = kStep;
  k.inputs[0].set(view(x));
  k.inputs[1].set(seed);
  Halide::Buffer<float> o = view(y);
  k.output.realize(o);
  return y;
}

/// TensorFlow's MapCoordinate for one axis.
double mapCoordinate(double v, int len, Fill fill) {
  if (fill == Fill::Constant)
    return v;
  if (len <= 1)
    return 0;
  if (fill == Fill::Reflect) {
    double sz2 = 2.0 * len;
    if (v < 0) {
      v = sz2 * (double)(int64_t)(-v / sz2) + v;
      v = v < -len ? v + sz2 : -v - 1;
    } else if (v > len - 1) {
      v -= sz2 * (double)(int64_t)(v / sz2);
      if (v >= len)
        v = sz2 - v - 1;
    }
  } else if (fill == Fill::Wrap) {
    double sz = len - 1;
    if (v < 0)
      v += len * ((double)(int64_t)(-v / sz) + 1);
    else if (v > len - 1)
      v -= len * (double)(int64_t)(v / sz);
  }
  return std::min(std::max(v, 0.0), double(len - 1));
}

/// Reference resampling of image b: out(x, y) <- in(a0 x + a1 y + a2, b0 x + b1 y + b2).
void affineReference(const Tensor &x, int b, const double t[6], const AffineSampling &how,
                     std::vector<double> &out) {
  int h = x.shape[1], w = x.shape[2], ch = x.shape[3];
  auto read = [&](int64_t xi, int64_t yi, int c) -> double {
    if (xi < 0 || xi >= w || yi < 0 || yi >= h)
      return how.fillValue;
    return x.at({b, (int)yi, (int)xi, c});
  };
  for (int oy = 0; oy < h; ++oy)
    for (int ox = 0; ox < w; ++ox)
      for (int c = 0; c < ch; ++c) {
        double sx = mapCoordinate(t[0] * ox + t[1] * oy + t[2], w, how.fill);
        double sy = mapCoordinate(t[3] * ox + t[4] * oy + t[5], h, how.fill);
        double v;
        if (how.bilinear) {
          double x0 = std::floor(sx), y0 = std::floor(sy);
          auto xi = (int64_t)x0, yi = (int64_t)y0;
          double top = (x0 + 1 - sx) * read(xi, yi, c) + (sx - x0) * read(xi + 1, yi, c);
          double bottom = (x0 + 1 - sx) * read(xi, yi + 1, c) + (sx - x0) * read(xi + 1, yi + 1, c);
          v = (y0 + 1 - sy) * top + (sy - y0) * bottom;
        } else {
          v = read((int64_t)std::round(sx), (int64_t)std::round(sy), c);
        }
        out.push_back(v);
      }
}

/// Bilinear within 1e-4 of the reference; nearest may pick the other neighbour
/// where a coordinate sits within float rounding of a half (at most 0.5% of pixels).
void expectResampled(const Tensor &got, const std::vector<double> &want, bool bilinear) {
  ASSERT_EQ(got.data.size(), want.size());
  size_t off = 0;
  double maxErr = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    double err = std::fabs(got.data[i] - want[i]);
    off += err > 1e-4;
    maxErr = std::max(maxErr, err);
  }
  if (bilinear)
    EXPECT_LE(maxErr, 1e-4);
  else
    EXPECT_LE(double(off), 0.005 * double(want.size())) << off << " pixels differ";
}

std::vector<ImageShape> shapes() { return {{8, 8, 3}, {5, 9, 1}, {16, 11, 2}, {1, 6, 3}}; }

std::vector<AffineSampling> samplings() {
  std::vector<AffineSampling> all;
  for (Fill f : {Fill::Reflect, Fill::Wrap, Fill::Constant, Fill::Nearest})
    for (bool bilinear : {true, false})
      all.push_back({f, f == Fill::Constant ? 0.25f : 0.0f, bilinear});
  return all;
}

TEST(RandomFlipKernel, FlipsExactlyAsDrawn) {
  std::mt19937 rng(21);
  for (ImageShape s : shapes())
    for (int mode = 0; mode < 3; ++mode) {
      bool horizontal = mode != 1, vertical = mode != 0;
      SCOPED_TRACE(testing::Message() << s.height << "x" << s.width << "x" << s.channels
                                      << " mode " << mode);
      int n = 24;
      uint32_t salt = 5 + mode;
      Kernel k = randomFlipKernel(s, horizontal, vertical, salt);
      Tensor x = randomTensor({n, s.height, s.width, s.channels}, rng);
      Tensor y = runAugment(k, x);
      int flipped = 0;
      for (int b = 0; b < n; ++b) {
        bool fx = horizontal && draw(kSeed, kStep, salt, b, 0) < 0.5f;
        bool fy = vertical && draw(kSeed, kStep, salt, b, 1) < 0.5f;
        flipped += fx || fy;
        for (int r = 0; r < s.height; ++r)
          for (int q = 0; q < s.width; ++q)
            for (int c = 0; c < s.channels; ++c)
              ASSERT_EQ(y.at({b, r, q, c}),
                        x.at({b, fy ? s.height - 1 - r : r, fx ? s.width - 1 - q : q, c}));
      }
      EXPECT_GT(flipped, 0);
      EXPECT_LT(flipped, n) << "some samples stay as they are";
    }
}

TEST(RandomRotationKernel, MatchesProjectiveTransformReference) {
  std::mt19937 rng(22);
  for (ImageShape s : shapes())
    for (const AffineSampling &how : samplings()) {
      SCOPED_TRACE(testing::Message() << s.height << "x" << s.width << "x" << s.channels
                                      << " fill " << int(how.fill) << " bilinear "
                                      << how.bilinear);
      int n = 6;
      float lower = -0.2f, upper = 0.3f;
      Kernel k = randomRotationKernel(s, lower, upper, how, 9);
      Tensor x = randomTensor({n, s.height, s.width, s.channels}, rng);
      Tensor y = runAugment(k, x);
      std::vector<double> want;
      for (int b = 0; b < n; ++b) {
        double angle = (lower + draw(kSeed, kStep, 9, b, 0) * (upper - lower)) * 2 * M_PI;
        double cs = std::cos(angle), sn = std::sin(angle), w1 = s.width - 1, h1 = s.height - 1;
        double t[6] = {cs, -sn, (w1 - (cs * w1 - sn * h1)) / 2,
                       sn, cs,  (h1 - (sn * w1 + cs * h1)) / 2};
        affineReference(x, b, t, how, want);
      }
      expectResampled(y, want, how.bilinear);
    }
}

TEST(RandomZoomKernel, MatchesProjectiveTransformReference) {
  std::mt19937 rng(23);
  for (ImageShape s : shapes())
    for (const AffineSampling &how : samplings())
      for (bool same : {true, false}) {
        SCOPED_TRACE(testing::Message() << s.height << "x" << s.width << "x" << s.channels
                                        << " fill " << int(how.fill) << " same " << same);
        int n = 6;
        float hl = -0.3f, hu = 0.4f, wl = -0.1f, wu = 0.5f;
        Kernel k = randomZoomKernel(s, hl, hu, wl, wu, same, how, 4);
        Tensor x = randomTensor({n, s.height, s.width, s.channels}, rng);
        Tensor y = runAugment(k, x);
        std::vector<double> want;
        for (int b = 0; b < n; ++b) {
          double zy = 1 + hl + draw(kSeed, kStep, 4, b, 0) * (hu - hl);
          double zx = same ? zy : 1 + wl + draw(kSeed, kStep, 4, b, 1) * (wu - wl);
          double t[6] = {zx, 0, (s.width - 1) / 2.0 * (1 - zx),
                         0,  zy, (s.height - 1) / 2.0 * (1 - zy)};
          affineReference(x, b, t, how, want);
        }
        expectResampled(y, want, how.bilinear);
      }
}

TEST(RandomZoomKernel, ZeroRangeIsIdentity) {
  std::mt19937 rng(24);
  ImageShape s{7, 5, 3};
  Kernel k = randomZoomKernel(s, 0, 0, 0, 0, true, {}, 1);
  Tensor x = randomTensor({3, 7, 5, 3}, rng);
  Tensor y = runAugment(k, x);
  std::vector<double> want(x.data.begin(), x.data.end());
  expectClose(y, want);
}

} // namespace

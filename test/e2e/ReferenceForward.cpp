// nnc-reference: a naive, double-precision forward pass of a .nn model with weights
// from an nnc checkpoint; compares its output with a compiled model's.
//   nnc-reference MODEL.nn WEIGHTS.ckpt INPUT.bin N EXPECTED.bin [TOLERANCE]
// Exits 0 when max |expected - reference| <= TOLERANCE * max(1, max |reference|).
#include "frontend/Frontend.h"
#include "ir/NNDialect.h"
#include "ir/NNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/SourceMgr.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

using namespace mlir;
using namespace nnc;

namespace {

struct T {
  std::vector<int64_t> shape; // with the batch
  std::vector<double> v;
  int64_t size() const {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  }
};

[[noreturn]] void die(const std::string &msg) {
  std::fprintf(stderr, "nnc-reference: %s\n", msg.c_str());
  std::exit(2);
}

std::vector<char> readFile(const char *path) {
  std::ifstream f(path, std::ios::binary);
  if (!f)
    die(std::string("cannot read ") + path);
  return std::vector<char>(std::istreambuf_iterator<char>(f), {});
}

/// Reads the checkpoint format of docs/checkpoint.md (independently of the runtime).
llvm::StringMap<std::vector<double>> readCheckpoint(const char *path) {
  std::vector<char> b = readFile(path);
  if (b.size() < 24 || std::memcmp(b.data(), "NNCKPT\0\1", 8) != 0)
    die("not a checkpoint");
  size_t p = 8;
  auto u32 = [&] { uint32_t x; std::memcpy(&x, &b[p], 4); p += 4; return x; };
  auto u64 = [&] { uint64_t x; std::memcpy(&x, &b[p], 8); p += 8; return x; };
  u32(); // version
  uint32_t n = u32();
  llvm::StringMap<std::vector<double>> out;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t len = u32();
    std::string name(&b[p], len);
    p += len;
    uint64_t count = u64();
    std::vector<double> v(count);
    for (uint64_t k = 0; k < count; ++k) {
      float f;
      std::memcpy(&f, &b[p + 4 * k], 4);
      v[k] = f;
    }
    p += 4 * count;
    out[name] = std::move(v);
  }
  return out;
}

double act(double x, llvm::StringRef kind, double alpha) {
  if (kind == "relu") return std::max(x, 0.0);
  if (kind == "sigmoid") return 1 / (1 + std::exp(-x));
  if (kind == "tanh") return std::tanh(x);
  if (kind == "leaky_relu") return x >= 0 ? x : x * alpha;
  if (kind == "elu") return x > 0 ? x : std::expm1(x);
  if (kind == "selu") return 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * std::expm1(x));
  if (kind == "gelu") return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
  if (kind == "swish" || kind == "silu") return x / (1 + std::exp(-x));
  if (kind == "hard_sigmoid") return std::min(std::max(x / 6 + 0.5, 0.0), 1.0);
  if (kind == "softplus") return std::log1p(std::exp(x));
  if (kind == "relu6") return std::min(std::max(x, 0.0), 6.0);
  if (kind == "exponential") return std::exp(x);
  if (kind == "softsign") return x / (1 + std::fabs(x));
  if (kind == "linear") return x;
  die("nnc-reference: no reference for activation " + kind.str());
}

void activate(T &t, llvm::StringRef kind, double alpha) {
  int64_t c = t.shape.back();
  if (kind == "softmax") {
    for (size_t r = 0; r < t.v.size(); r += c) {
      double m = *std::max_element(t.v.begin() + r, t.v.begin() + r + c), s = 0;
      for (int64_t i = 0; i < c; ++i) s += (t.v[r + i] = std::exp(t.v[r + i] - m));
      for (int64_t i = 0; i < c; ++i) t.v[r + i] /= s;
    }
    return;
  }
  for (double &x : t.v) x = act(x, kind, alpha);
}

std::vector<int64_t> shapeOf(Value v, int64_t n) {
  std::vector<int64_t> s(llvm::cast<RankedTensorType>(v.getType()).getShape().begin(),
                         llvm::cast<RankedTensorType>(v.getType()).getShape().end());
  s[0] = n;
  return s;
}

int64_t padBefore(int64_t in, int64_t k, int64_t s, int64_t d, bool same, int64_t out) {
  if (!same) return 0;
  return std::max<int64_t>((out - 1) * s + d * (k - 1) + 1 - in, 0) / 2;
}

/// A convolution's sizes: input H, W, C; kernel KH, KW; output OH, OW; strides,
/// dilation and the padding before the first row and column.
struct Geometry {
  int64_t H, W, C, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl;
};

template <typename ConvOp> Geometry geometry(ConvOp c, const T &x, const T &w, const T &out) {
  Geometry g{x.shape[1], x.shape[2], x.shape[3], w.shape[0], w.shape[1], out.shape[1],
             out.shape[2], c.getStrides()[0], c.getStrides()[1], c.getDilation()[0],
             c.getDilation()[1], 0, 0};
  bool same = c.getPadding() == "same";
  g.pt = padBefore(g.H, g.KH, g.sh, g.dh, same, g.OH);
  g.pl = padBefore(g.W, g.KW, g.sw, g.dw, same, g.OW);
  return g;
}

T window(const T &x, T out, int64_t kh, int64_t kw, int64_t sh, int64_t sw, bool same,
         bool isMax) {
  int64_t N = x.shape[0], H = x.shape[1], W = x.shape[2], C = x.shape[3];
  int64_t OH = out.shape[1], OW = out.shape[2];
  int64_t pt = padBefore(H, kh, sh, 1, same, OH), pl = padBefore(W, kw, sw, 1, same, OW);
  out.v.assign(out.size(), 0);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t oy = 0; oy < OH; ++oy)
      for (int64_t ox = 0; ox < OW; ++ox)
        for (int64_t c = 0; c < C; ++c) {
          double best = -INFINITY, sum = 0;
          int cnt = 0;
          for (int64_t i = 0; i < kh; ++i)
            for (int64_t j = 0; j < kw; ++j) {
              int64_t iy = oy * sh + i - pt, ix = ox * sw + j - pl;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              double v = x.v[((n * H + iy) * W + ix) * C + c];
              best = std::max(best, v);
              sum += v;
              ++cnt;
            }
          out.v[((n * OH + oy) * OW + ox) * C + c] = isMax ? best : sum / cnt;
        }
  return out;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 6)
    die("usage: nnc-reference MODEL.nn WEIGHTS.ckpt INPUT.bin N EXPECTED.bin [TOLERANCE]");
  int64_t N = std::atoll(argv[4]);
  double tolerance = argc > 6 ? std::atof(argv[6]) : 1e-5;
  MLIRContext ctx;
  ctx.loadDialect<nn::NNDialect, func::FuncDialect>();
  std::string err;
  auto file = openInputFile(argv[1], &err);
  if (!file)
    die(err);
  llvm::SourceMgr sm;
  sm.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler handler(sm, &ctx);
  OwningOpRef<ModuleOp> module = frontend::importNNFile(sm, &ctx);
  if (!module)
    die("cannot compile the model");
  auto weights = readCheckpoint(argv[2]);
  auto forward = module->lookupSymbol<func::FuncOp>("forward");

  llvm::DenseMap<Value, T> vals;
  {
    // One row per sample; a model of several inputs takes them packed in the row, in
    // order, as the compiled model does (nn-pack-inputs).
    std::vector<char> raw = readFile(argv[3]);
    std::vector<T> inputs;
    int64_t row = 0;
    for (BlockArgument arg : forward.getArguments()) {
      inputs.push_back(T{shapeOf(arg, N), {}});
      row += inputs.back().size() / N;
    }
    if ((int64_t)raw.size() != row * N * 4)
      die("input size mismatch");
    const float *f = reinterpret_cast<const float *>(raw.data());
    int64_t offset = 0;
    for (auto [arg, x] : llvm::zip(forward.getArguments(), inputs)) {
      int64_t size = x.size() / N;
      for (int64_t n = 0; n < N; ++n)
        x.v.insert(x.v.end(), f + n * row + offset, f + n * row + offset + size);
      offset += size;
      vals[arg] = std::move(x);
    }
  }
  for (Operation &op : forward.getBody().front().without_terminator()) {
    if (auto r = llvm::dyn_cast<nn::ReadOp>(op)) {
      auto s = llvm::cast<RankedTensorType>(r.getType()).getShape();
      vals[r.getResult()] = T{{s.begin(), s.end()}, weights.lookup(r.getVariable())};
      continue;
    }
    Value res = op.getResult(0);
    T out{shapeOf(res, N), {}};
    const T &x = vals[op.getOperand(0)];
    // Conv2D, and Conv2D(groups): output channel f reads the input channels of its
    // group, g = f / (F / groups), through the kernel's (kh, kw, C / groups, F) slice.
    auto convolve = [&](auto c, int64_t groups) {
      const T &w = vals[c.getKernel()];
      auto [H, W, C, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl] = geometry(c, x, w, out);
      int64_t F = w.shape[3], Cg = C / groups, Fg = F / groups;
      out.v.assign(out.size(), 0);
      for (int64_t n = 0; n < N; ++n)
        for (int64_t oy = 0; oy < OH; ++oy)
          for (int64_t ox = 0; ox < OW; ++ox)
            for (int64_t f = 0; f < F; ++f) {
              double s = c.getBias() ? vals[c.getBias()].v[f] : 0;
              for (int64_t i = 0; i < KH; ++i)
                for (int64_t j = 0; j < KW; ++j) {
                  int64_t iy = oy * sh + i * dh - pt, ix = ox * sw + j * dw - pl;
                  if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                  for (int64_t ci = 0; ci < Cg; ++ci)
                    s += x.v[((n * H + iy) * W + ix) * C + (f / Fg) * Cg + ci] *
                         w.v[((i * KW + j) * Cg + ci) * F + f];
                }
              out.v[((n * OH + oy) * OW + ox) * F + f] = s;
            }
      activate(out, c.getActivation(), c.getAlpha().convertToDouble());
    };
    llvm::TypeSwitch<Operation *>(&op)
        .Case([&](nn::DenseOp d) {
          const T &w = vals[d.getKernel()];
          int64_t K = w.shape[0], U = w.shape[1], M = x.size() / K;
          out.v.assign(M * U, 0);
          for (int64_t m = 0; m < M; ++m)
            for (int64_t u = 0; u < U; ++u) {
              double s = d.getBias() ? vals[d.getBias()].v[u] : 0;
              for (int64_t k = 0; k < K; ++k) s += x.v[m * K + k] * w.v[k * U + u];
              out.v[m * U + u] = s;
            }
          activate(out, d.getActivation(), d.getAlpha().convertToDouble());
        })
        .Case([&](nn::Conv2DOp c) { convolve(c, 1); })
        .Case([&](nn::GroupedConv2DOp c) { convolve(c, c.getGroups()); })
        .Case([&](nn::DepthwiseConv2DOp c) {
          const T &w = vals[c.getKernel()]; // (kh, kw, channels, multiplier)
          auto [H, W, C, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl] = geometry(c, x, w, out);
          int64_t M = w.shape[3];
          out.v.assign(out.size(), 0);
          for (int64_t n = 0; n < N; ++n)
            for (int64_t oy = 0; oy < OH; ++oy)
              for (int64_t ox = 0; ox < OW; ++ox)
                for (int64_t ci = 0; ci < C; ++ci)
                  for (int64_t m = 0; m < M; ++m) {
                    int64_t f = ci * M + m;
                    double s = c.getBias() ? vals[c.getBias()].v[f] : 0;
                    for (int64_t i = 0; i < KH; ++i)
                      for (int64_t j = 0; j < KW; ++j) {
                        int64_t iy = oy * sh + i * dh - pt, ix = ox * sw + j * dw - pl;
                        if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                        s += x.v[((n * H + iy) * W + ix) * C + ci] * w.v[((i * KW + j) * C + ci) * M + m];
                      }
                    out.v[((n * OH + oy) * OW + ox) * C * M + f] = s;
                  }
          activate(out, c.getActivation(), c.getAlpha().convertToDouble());
        })
        .Case<nn::ZeroPadding2DOp, nn::Cropping2DOp, nn::UpSampling2DOp>([&](Operation *o) {
          // out(oy, ox) = in(oy / size - top, ox / size - left), zero outside the input.
          int64_t H = x.shape[1], W = x.shape[2], C = x.shape[3];
          int64_t OH = out.shape[1], OW = out.shape[2];
          int64_t top = 0, left = 0, sh = 1, sw = 1;
          if (auto p = llvm::dyn_cast<nn::ZeroPadding2DOp>(o))
            top = p.getSides()[0], left = p.getSides()[2];
          if (auto c = llvm::dyn_cast<nn::Cropping2DOp>(o))
            top = -c.getSides()[0], left = -c.getSides()[2];
          if (auto u = llvm::dyn_cast<nn::UpSampling2DOp>(o))
            sh = u.getSize()[0], sw = u.getSize()[1];
          auto pad = llvm::dyn_cast<nn::ZeroPadding2DOp>(o);
          out.v.assign(out.size(), pad ? (double)pad.getValue().convertToFloat() : 0.0);
          auto u = llvm::dyn_cast<nn::UpSampling2DOp>(o);
          if (u && u.getInterpolation() == "bilinear") {
            // TF2's resize: source (o + 0.5) / size - 0.5, both neighbours clamped.
            auto tap = [](int64_t o, int64_t size, int64_t n, int64_t &lo, int64_t &hi) {
              double at = (o + 0.5) / (double)size - 0.5, f = std::floor(at);
              lo = std::clamp((int64_t)f, int64_t(0), n - 1);
              hi = std::clamp((int64_t)f + 1, int64_t(0), n - 1);
              return at - f;
            };
            for (int64_t n = 0; n < N; ++n)
              for (int64_t oy = 0; oy < OH; ++oy)
                for (int64_t ox = 0; ox < OW; ++ox) {
                  int64_t y0, y1, x0, x1;
                  double ly = tap(oy, sh, H, y0, y1), lx = tap(ox, sw, W, x0, x1);
                  for (int64_t c = 0; c < C; ++c) {
                    auto in = [&](int64_t iy, int64_t ix) {
                      return x.v[((n * H + iy) * W + ix) * C + c];
                    };
                    out.v[((n * OH + oy) * OW + ox) * C + c] =
                        (1 - ly) * ((1 - lx) * in(y0, x0) + lx * in(y0, x1)) +
                        ly * ((1 - lx) * in(y1, x0) + lx * in(y1, x1));
                  }
                }
            return;
          }
          for (int64_t n = 0; n < N; ++n)
            for (int64_t oy = 0; oy < OH; ++oy)
              for (int64_t ox = 0; ox < OW; ++ox) {
                int64_t iy = oy / sh - top, ix = ox / sw - left;
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                for (int64_t c = 0; c < C; ++c)
                  out.v[((n * OH + oy) * OW + ox) * C + c] = x.v[((n * H + iy) * W + ix) * C + c];
              }
        })
        .Case([&](nn::MergeOp mg) {
          llvm::StringRef kind = mg.getKind();
          out.v = x.v;
          for (Value other : mg.getInputs().drop_front()) {
            const T &y = vals[other];
            for (size_t i = 0; i < out.v.size(); ++i) {
              double &a = out.v[i], b = y.v[i];
              a = kind == "multiply" ? a * b
                  : kind == "subtract" ? a - b
                  : kind == "maximum"  ? std::max(a, b)
                  : kind == "minimum"  ? std::min(a, b)
                                       : a + b;
            }
          }
          if (kind == "average")
            for (double &a : out.v) a /= (double)mg.getInputs().size();
        })
        .Case([&](nn::LayerNormOp ln) {
          int64_t C = x.shape.back();
          const T &g = vals[ln.getGamma()], &be = vals[ln.getBeta()];
          double eps = ln.getEpsilon().convertToDouble();
          out.v = x.v;
          for (size_t r = 0; r < out.v.size(); r += C) {
            double mean = 0, var = 0;
            for (int64_t c = 0; c < C; ++c) mean += x.v[r + c] / C;
            for (int64_t c = 0; c < C; ++c) var += (x.v[r + c] - mean) * (x.v[r + c] - mean) / C;
            for (int64_t c = 0; c < C; ++c)
              out.v[r + c] = (x.v[r + c] - mean) / std::sqrt(var + eps) * g.v[c] + be.v[c];
          }
        })
        .Case([&](nn::MaxPool2DOp p) {
          out = window(x, out, p.getPoolSize()[0], p.getPoolSize()[1], p.getStrides()[0],
                       p.getStrides()[1], p.getPadding() == "same", true);
        })
        .Case([&](nn::AvgPool2DOp p) {
          out = window(x, out, p.getPoolSize()[0], p.getPoolSize()[1], p.getStrides()[0],
                       p.getStrides()[1], p.getPadding() == "same", false);
        })
        .Case([&](nn::GlobalAvgPool2DOp) {
          int64_t H = x.shape[1], W = x.shape[2], C = x.shape[3];
          out.v.assign(N * C, 0);
          for (int64_t n = 0; n < N; ++n)
            for (int64_t i = 0; i < H * W; ++i)
              for (int64_t c = 0; c < C; ++c) out.v[n * C + c] += x.v[(n * H * W + i) * C + c] / (H * W);
        })
        .Case([&](nn::BatchNormOp b) {
          out.v = x.v;
          int64_t C = x.shape.back();
          const T &g = vals[b.getGamma()], &be = vals[b.getBeta()], &mu = vals[b.getMovingMean()],
                  &var = vals[b.getMovingVariance()];
          double eps = b.getEpsilon().convertToDouble();
          for (size_t i = 0; i < out.v.size(); ++i) {
            int64_t c = i % C;
            out.v[i] = (x.v[i] - mu.v[c]) / std::sqrt(var.v[c] + eps) * g.v[c] + be.v[c];
          }
        })
        .Case([&](nn::ActivationOp a) {
          out.v = x.v;
          activate(out, a.getKind(), a.getAlpha().convertToDouble());
        })
        .Case([&](nn::RescalingOp r) {
          out.v = x.v;
          for (double &v : out.v)
            v = v * r.getScale().convertToDouble() + r.getOffset().convertToDouble();
        })
        .Case([&](nn::AddOp a) {
          out.v.assign(x.v.size(), 0);
          for (Value in : a.getInputs())
            for (size_t i = 0; i < out.v.size(); ++i) out.v[i] += vals[in].v[i];
        })
        .Case([&](nn::ConcatenateOp c) {
          int64_t axis = (int64_t)c.getAxis();
          if (axis < 0) axis += (int64_t)out.shape.size();
          int64_t inner = 1, outer = 1;
          for (size_t d = axis + 1; d < out.shape.size(); ++d) inner *= out.shape[d];
          for (int64_t d = 0; d < axis; ++d) outer *= out.shape[d];
          for (int64_t o = 0; o < outer; ++o)
            for (Value in : c.getInputs()) {
              const T &t = vals[in];
              int64_t len = t.shape[axis] * inner;
              out.v.insert(out.v.end(), t.v.begin() + o * len, t.v.begin() + (o + 1) * len);
            }
        })
        .Case([&](nn::TransposeOp t) {
          // out[i0, i1, ...] = x[j] where x's axis perm[k] is at index i_k.
          size_t rank = out.shape.size();
          std::vector<int64_t> inStride(rank, 1), idx(rank, 0);
          for (size_t d = rank - 1; d > 0; --d) inStride[d - 1] = inStride[d] * x.shape[d];
          out.v.resize(out.size());
          for (int64_t flat = 0; flat < out.size(); ++flat) {
            int64_t rest = flat, at = 0;
            for (size_t d = rank; d-- > 0;) {
              idx[d] = rest % out.shape[d];
              rest /= out.shape[d];
            }
            for (size_t k = 0; k < rank; ++k) at += idx[k] * inStride[t.getPerm()[k]];
            out.v[flat] = x.v[at];
          }
        })
        .Case<nn::FlattenOp, nn::ReshapeOp, nn::DropoutOp, nn::RandomFlipOp,
              nn::RandomRotationOp, nn::RandomZoomOp>([&](Operation *) { out.v = x.v; })
        .Default([&](Operation *o) { // a new op must get its reference here
          die("nnc-reference: no reference for " + o->getName().getStringRef().str());
        });
    vals[res] = std::move(out);
  }
  // A model of several outputs gives each sample's outputs one after the other.
  T y;
  for (int64_t n = 0; n < N; ++n)
    for (Value out : forward.getBody().front().getTerminator()->getOperands()) {
      const T &o = vals[out];
      int64_t per = o.size() / N;
      y.v.insert(y.v.end(), o.v.begin() + n * per, o.v.begin() + (n + 1) * per);
    }
  y.shape = {(int64_t)y.v.size()};
  std::vector<char> got = readFile(argv[5]);
  if ((int64_t)got.size() != y.size() * 4)
    die("expected output size mismatch");
  const float *g = reinterpret_cast<const float *>(got.data());
  double maxErr = 0, maxRef = 1;
  for (int64_t i = 0; i < y.size(); ++i) {
    maxErr = std::max(maxErr, std::fabs(g[i] - y.v[i]));
    maxRef = std::max(maxRef, std::fabs(y.v[i]));
  }
  std::printf("max abs error %.3g, relative %.3g (tolerance %g) over %lld values\n", maxErr,
              maxErr / maxRef, tolerance, (long long)y.size());
  return maxErr / maxRef <= tolerance ? 0 : 1;
}

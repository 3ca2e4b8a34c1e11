// A naive Conv2D in double (no bias, no activation), shared by the forward and the
// gradient tests.
#ifndef NNC_TEST_UNIT_KERNELS_CONVREFERENCE_H
#define NNC_TEST_UNIT_KERNELS_CONVREFERENCE_H

#include "codegen/kernels/Conv.h"

#include <vector>

namespace nnc::test {

/// TensorFlow's window arithmetic, written out here rather than taken from the
/// production ConvShape: the output length and the padding before the first window.
inline int referenceOut(int in, int k, int stride, int dilation, bool same) {
  int span = (k - 1) * dilation + 1;
  return same ? (in + stride - 1) / stride : (in - span) / stride + 1;
}
inline int referencePadBefore(int in, int k, int stride, int dilation, bool same) {
  if (!same)
    return 0;
  int span = (k - 1) * dilation + 1, out = (in + stride - 1) / stride;
  int total = (out - 1) * stride + span - in;
  return total > 0 ? total / 2 : 0;
}

/// x: [n, H, W, C] and w: [KH, KW, C, F] row-major; returns [n, OH, OW, F].
template <typename XT, typename WT>
std::vector<double> conv2dReference(const codegen::ConvShape &s, int n, const XT &x,
                                    const WT &w) {
  int oh = referenceOut(s.height, s.kernelH, s.strideH, s.dilationH, s.same);
  int ow = referenceOut(s.width, s.kernelW, s.strideW, s.dilationW, s.same);
  int padTop = referencePadBefore(s.height, s.kernelH, s.strideH, s.dilationH, s.same);
  int padLeft = referencePadBefore(s.width, s.kernelW, s.strideW, s.dilationW, s.same);
  std::vector<double> out;
  out.reserve(size_t(n) * oh * ow * s.filters);
  for (int b = 0; b < n; ++b)
    for (int oy = 0; oy < oh; ++oy)
      for (int ox = 0; ox < ow; ++ox)
        for (int co = 0; co < s.filters; ++co) {
          double acc = 0;
          for (int ky = 0; ky < s.kernelH; ++ky)
            for (int kx = 0; kx < s.kernelW; ++kx) {
              int iy = oy * s.strideH + ky * s.dilationH - padTop;
              int ix = ox * s.strideW + kx * s.dilationW - padLeft;
              if (iy < 0 || iy >= s.height || ix < 0 || ix >= s.width)
                continue;
              for (int ci = 0; ci < s.channels; ++ci)
                acc += double(x[((size_t(b) * s.height + iy) * s.width + ix) * s.channels + ci]) *
                       double(w[((size_t(ky) * s.kernelW + kx) * s.channels + ci) * s.filters + co]);
            }
          out.push_back(acc);
        }
  return out;
}

} // namespace nnc::test

#endif

// The executable's image reading (runtime/image.c): JPEG pixels are exactly those of
// libjpeg's own decoder (djpeg), PNG pixels those written, and bilinear resizing
// matches an independent reference (a tent filter over every source pixel, half-pixel
// centres as tf.image.resize) and values worked out by hand.
extern "C" {
#include "runtime/image.h"
}

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

std::string tempDir() {
  char dir[] = "/tmp/nnc-image-XXXXXX";
  EXPECT_NE(mkdtemp(dir), nullptr);
  return dir;
}

struct Pnm {
  int w = 0, h = 0, channels = 0;
  std::vector<unsigned char> pixels;
};

void writePpm(const std::string &path, int w, int h) {
  std::ofstream out(path, std::ios::binary);
  out << "P6\n" << w << " " << h << "\n255\n";
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c)
        out.put(char((x * 9 + y * 5 + c * 70 + (x * y) % 23) % 256));
}

Pnm readPnm(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::string magic;
  int maxval = 0;
  Pnm p;
  in >> magic >> p.w >> p.h >> maxval;
  in.get();
  p.channels = magic == "P6" ? 3 : magic == "P5" ? 1 : 0;
  EXPECT_EQ(maxval, 255) << path;
  p.pixels.resize(size_t(p.w) * p.h * p.channels);
  in.read(reinterpret_cast<char *>(p.pixels.data()), std::streamsize(p.pixels.size()));
  EXPECT_TRUE(in) << path;
  return p;
}

void run(const std::string &command) { ASSERT_EQ(std::system(command.c_str()), 0) << command; }

// Decoded at its own size (no resizing), a JPEG gives djpeg's pixels, RGB and gray.
TEST(Image, JpegPixelsAreLibjpegs) {
  std::string d = tempDir();
  writePpm(d + "/in.ppm", 37, 23);
  run("cjpeg -quality 85 " + d + "/in.ppm > " + d + "/a.jpg");
  run("djpeg -pnm " + d + "/a.jpg > " + d + "/rgb.ppm");
  run("djpeg -pnm -grayscale " + d + "/a.jpg > " + d + "/gray.pgm");
  for (const char *ref : {"/rgb.ppm", "/gray.pgm"}) {
    Pnm want = readPnm(d + ref);
    ASSERT_GT(want.channels, 0);
    std::vector<float> got(want.pixels.size(), -1.0f);
    ASSERT_EQ(nnrt_read_image((d + "/a.jpg").c_str(), want.h, want.w, want.channels, got.data()),
              1);
    size_t differ = 0;
    for (size_t i = 0; i < got.size(); ++i)
      differ += got[i] != float(want.pixels[i]);
    EXPECT_EQ(differ, 0u) << ref << ": " << differ << " of " << got.size() << " values differ";
  }
}

// Bilinear resizing against a tent filter: a source pixel x weighs max(0, 1 - |f - x|)
// at the source position f = (dst + 0.5) * in / out - 0.5, clamped into the image.
double tentResize(const std::vector<unsigned char> &src, int w, int h, int channels, int height,
                  int width, int y, int x, int c) {
  auto position = [](int dst, int in, int out) {
    double f = (dst + 0.5) * in / out - 0.5;
    return std::fmin(std::fmax(f, 0.0), in - 1.0);
  };
  double fy = position(y, h, height), fx = position(x, w, width), sum = 0;
  for (int sy = 0; sy < h; ++sy)
    for (int sx = 0; sx < w; ++sx) {
      double weight = std::fmax(0.0, 1 - std::fabs(fy - sy)) * std::fmax(0.0, 1 - std::fabs(fx - sx));
      sum += weight * src[(size_t(sy) * w + sx) * channels + c];
    }
  return sum;
}

TEST(Image, BilinearResizeMatchesATentFilter) {
  struct Case { int w, h, channels, width, height; };
  for (Case k : std::vector<Case>{{37, 23, 3, 64, 64}, {40, 30, 1, 28, 28}, {5, 7, 3, 11, 3},
                                  {64, 64, 1, 64, 64}}) {
    SCOPED_TRACE(testing::Message() << k.w << "x" << k.h << " -> " << k.width << "x" << k.height);
    std::vector<unsigned char> src(size_t(k.w) * k.h * k.channels);
    for (size_t i = 0; i < src.size(); ++i)
      src[i] = (unsigned char)((i * 37 + i / 7) % 256);
    std::vector<float> out(size_t(k.width) * k.height * k.channels);
    nnrt_resize_bilinear(src.data(), k.w, k.h, k.channels, k.height, k.width, out.data());
    double worst = 0;
    for (int y = 0; y < k.height; ++y)
      for (int x = 0; x < k.width; ++x)
        for (int c = 0; c < k.channels; ++c)
          worst = std::fmax(worst, std::fabs(out[(size_t(y) * k.width + x) * k.channels + c] -
                                             tentResize(src, k.w, k.h, k.channels, k.height,
                                                        k.width, y, x, c)));
    EXPECT_LE(worst, 1e-4);
  }
  // By hand: 2 pixels (0, 100) to 4 sit at source positions -0.25 (clamped: 0), 0.25,
  // 0.75 and 1.25 (clamped: 1); 4 to 2 at 0.5 and 2.5.
  const unsigned char two[] = {0, 100}, four[] = {0, 40, 80, 200};
  float up[4], down[2];
  nnrt_resize_bilinear(two, 2, 1, 1, 1, 4, up);
  EXPECT_EQ(std::vector<float>(up, up + 4), (std::vector<float>{0, 25, 75, 100}));
  nnrt_resize_bilinear(four, 4, 1, 1, 1, 2, down);
  EXPECT_EQ(std::vector<float>(down, down + 2), (std::vector<float>{20, 140}));
}

} // namespace

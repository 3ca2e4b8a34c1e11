// Dataset loaders: Fashion-MNIST from Debian's package, IDX folders (plain and .gz),
// CSV tables with headers, delimiters and label columns, and their error messages.
#include "runtime/data.h"
#include "runtime/nnrt.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

std::string tempDir() {
  char dir[] = "/tmp/nnc-data-XXXXXX";
  EXPECT_NE(mkdtemp(dir), nullptr);
  return dir;
}

void writeFile(const std::string &path, const std::string &bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

void writeGz(const std::string &path, const std::string &bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, bytes.data(), (unsigned)bytes.size());
  gzclose(f);
}

std::string idx(std::vector<uint32_t> dims, const std::string &payload) {
  std::string b = {0, 0, 8, (char)dims.size()};
  for (uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8)
      b += (char)(d >> s & 0xFF);
  return b + payload;
}

TEST(Datasets, FashionMnistFromTheDebianPackage) {
  if (access("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", R_OK) != 0)
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  setenv("NNC_DATA", "", 1);
  nnrt_dataset d;
  ASSERT_EQ(nnrt_load_dataset("fashion_mnist", 1, nullptr, &d), 0) << nnc_last_error();
  EXPECT_EQ(d.n, 10000);
  EXPECT_EQ(d.sample_size, 784);
  int counts[10] = {0};
  for (int64_t i = 0; i < d.n; ++i)
    ++counts[(int)d.y[i]];
  for (int c : counts)
    EXPECT_EQ(c, 1000); // the test set is balanced
  EXPECT_EQ(d.y[0], 9.0f); // the first test image is an ankle boot
  float maxPixel = 0;
  for (int64_t i = 0; i < 784; ++i)
    maxPixel = std::max(maxPixel, d.x[i]);
  EXPECT_EQ(maxPixel, 255.0f);
  nnrt_free_dataset(&d);
}

TEST(Datasets, IdxFolderPlainAndGz) {
  std::string dir = tempDir();
  writeGz(dir + "/train-images-idx3-ubyte.gz", idx({3, 2, 2}, std::string("\1\2\3\4\5\6\7\10\11\12\13\14")));
  writeFile(dir + "/train-labels-idx1-ubyte", idx({3}, std::string("\0\1\2", 3)));
  nnrt_dataset d;
  ASSERT_EQ(nnrt_load_dataset(("idx:" + dir).c_str(), 0, nullptr, &d), 0) << nnc_last_error();
  EXPECT_EQ(d.n, 3);
  EXPECT_EQ(d.sample_size, 4);
  EXPECT_EQ(d.x[4], 5.0f);
  EXPECT_EQ(d.y[2], 2.0f);
  nnrt_free_dataset(&d);
  // The test part is missing.
  EXPECT_EQ(nnrt_load_dataset(("idx:" + dir).c_str(), 1, nullptr, &d), -1);
  EXPECT_NE(std::string(nnc_last_error()).find("no t10k-images-idx3-ubyte[.gz]"), std::string::npos);
}

TEST(Datasets, IdxErrors) {
  std::string dir = tempDir();
  writeFile(dir + "/train-images-idx3-ubyte", std::string("\0\0\x09\3", 4) + std::string(20, '\0'));
  writeFile(dir + "/train-labels-idx1-ubyte", idx({1}, std::string("\0", 1)));
  nnrt_dataset d;
  EXPECT_EQ(nnrt_load_dataset(("idx:" + dir).c_str(), 0, nullptr, &d), -1);
  EXPECT_NE(std::string(nnc_last_error()).find("wrong magic number"), std::string::npos)
      << nnc_last_error();
  writeFile(dir + "/train-images-idx3-ubyte", idx({5, 2, 2}, std::string(8, '\1')));
  EXPECT_EQ(nnrt_load_dataset(("idx:" + dir).c_str(), 0, nullptr, &d), -1);
  EXPECT_NE(std::string(nnc_last_error()).find("promises 5 items of 4 values but the file holds 8"),
            std::string::npos)
      << nnc_last_error();
  writeFile(dir + "/train-images-idx3-ubyte", idx({2, 2, 2}, std::string(8, '\1')));
  EXPECT_EQ(nnrt_load_dataset(("idx:" + dir).c_str(), 0, nullptr, &d), -1);
  EXPECT_NE(std::string(nnc_last_error()).find("holds 1 labels for 2 images"), std::string::npos)
      << nnc_last_error();
}

TEST(Datasets, MissingPackageIsNamed) {
  setenv("NNC_DATA", "/nonexistent", 1);
  nnrt_dataset d;
  EXPECT_EQ(nnrt_load_dataset("fashion_mnist", 0, nullptr, &d), -1);
  EXPECT_NE(std::string(nnc_last_error()).find("apt-get install dataset-fashion-mnist"),
            std::string::npos)
      << nnc_last_error();
  EXPECT_EQ(nnrt_load_dataset("mnist", 0, nullptr, &d), -1);
  EXPECT_NE(std::string(nnc_last_error()).find("$NNC_DATA/mnist"), std::string::npos);
  EXPECT_EQ(nnrt_load_dataset("cifar10", 0, nullptr, &d), -1);
  EXPECT_NE(std::string(nnc_last_error()).find("unknown dataset 'cifar10'"), std::string::npos);
  unsetenv("NNC_DATA");
}

TEST(Datasets, CsvWithHeaderDelimiterAndLabelColumn) {
  std::string dir = tempDir();
  writeFile(dir + "/grades.csv", "G1;G2;G3\r\n5;6;6.5\r\n10;11;12\r\n\r\n");
  nnrt_csv_options opt{';', -1};
  nnrt_dataset d;
  ASSERT_EQ(nnrt_load_dataset(("csv:" + dir + "/grades.csv").c_str(), 0, &opt, &d), 0)
      << nnc_last_error();
  EXPECT_EQ(d.n, 2);
  EXPECT_EQ(d.sample_size, 2);
  EXPECT_EQ(d.x[2], 10.0f);
  EXPECT_EQ(d.y[0], 6.5f);
  nnrt_free_dataset(&d);
  opt = {';', 0}; // label first
  ASSERT_EQ(nnrt_load_dataset(("csv:" + dir + "/grades.csv").c_str(), 0, &opt, &d), 0);
  EXPECT_EQ(d.y[1], 10.0f);
  EXPECT_EQ(d.x[1], 6.5f);
  EXPECT_EQ(d.x[3], 12.0f);
  nnrt_free_dataset(&d);
}

TEST(Datasets, CsvErrors) {
  std::string dir = tempDir();
  nnrt_dataset d;
  writeFile(dir + "/ragged.csv", "1,2,3\n4,5\n");
  EXPECT_EQ(nnrt_load_dataset(("csv:" + dir + "/ragged.csv").c_str(), 0, nullptr, &d), -1);
  EXPECT_NE(std::string(nnc_last_error()).find("ragged.csv:2: 2 fields where earlier rows have 3"),
            std::string::npos)
      << nnc_last_error();
  writeFile(dir + "/words.csv", "a,b\n1,2\n3,x\n");
  EXPECT_EQ(nnrt_load_dataset(("csv:" + dir + "/words.csv").c_str(), 0, nullptr, &d), -1);
  EXPECT_NE(std::string(nnc_last_error()).find("words.csv:3: column 2: 'x' is not a number"),
            std::string::npos)
      << nnc_last_error();
  writeFile(dir + "/empty.csv", "a,b\n");
  EXPECT_EQ(nnrt_load_dataset(("csv:" + dir + "/empty.csv").c_str(), 0, nullptr, &d), -1);
  EXPECT_NE(std::string(nnc_last_error()).find("holds no data rows"), std::string::npos);
  nnrt_csv_options opt{',', 7};
  writeFile(dir + "/ok.csv", "1,2\n");
  EXPECT_EQ(nnrt_load_dataset(("csv:" + dir + "/ok.csv").c_str(), 0, &opt, &d), -1);
  EXPECT_NE(std::string(nnc_last_error()).find("label column 7 does not exist"), std::string::npos);
}

} // namespace

// Image folders: Keras's index order (classes, recursive walk, extensions), numpy's
// RandomState shuffle, Keras's training/validation split and the PNG/JPEG check.
#include "runtime/folder.h"
#include "runtime/nnrt.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

std::string tempDir() {
  char dir[] = "/tmp/nnc-folder-XXXXXX";
  EXPECT_NE(mkdtemp(dir), nullptr);
  return dir;
}

void writeFile(const std::string &path, const std::string &bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

const std::string png = "\x89PNG\r\n\x1a\n....";
const std::string jpeg = "\xFF\xD8\xFF\xE0....";

std::vector<std::string> paths(const nnrt_folder &f) {
  return std::vector<std::string>(f.paths, f.paths + f.n);
}

std::vector<int> labels(const nnrt_folder &f) { return std::vector<int>(f.labels, f.labels + f.n); }

// DIR/{cats,dogs}/... with the cases Keras's index_directory decides.
std::string makeTree() {
  std::string d = tempDir();
  for (const char *sub : {"/cats", "/cats/a", "/cats/a/x", "/cats/a b", "/dogs", "/.hidden"})
    mkdir((d + sub).c_str(), 0755);
  writeFile(d + "/top.png", png);            // directly in DIR: not in a class
  writeFile(d + "/.hidden/h.png", png);      // a hidden folder is no class
  writeFile(d + "/cats/a.jpg", jpeg);
  writeFile(d + "/cats/B.PNG", png);         // upper case: an image; 'B' < 'a'
  writeFile(d + "/cats/notes.txt", "text");  // not an image extension
  writeFile(d + "/cats/a/1.png", png);
  writeFile(d + "/cats/a/x/3.jpeg", jpeg);   // "cats/a/x" sorts after "cats/a b"
  writeFile(d + "/cats/a b/2.png", png);
  EXPECT_EQ(symlink("../dogs", (d + "/cats/link").c_str()), 0); // not entered
  writeFile(d + "/dogs/d.jpg", jpeg);
  writeFile(d + "/dogs/fake.png", "not a png");
  return d;
}

TEST(Folder, IndexesAsKeras) {
  std::string d = makeTree();
  nnrt_folder f;
  ASSERT_EQ(nnrt_folder_index(d.c_str(), &f), 0) << nnc_last_error();
  ASSERT_EQ(f.nclasses, 2);
  EXPECT_STREQ(f.classes[0], "cats");
  EXPECT_STREQ(f.classes[1], "dogs");
  std::vector<std::string> expected = {d + "/cats/B.PNG",     d + "/cats/a.jpg",
                                       d + "/cats/a/1.png",   d + "/cats/a b/2.png",
                                       d + "/cats/a/x/3.jpeg", d + "/dogs/d.jpg",
                                       d + "/dogs/fake.png"};
  EXPECT_EQ(paths(f), expected);
  EXPECT_EQ(labels(f), (std::vector<int>{0, 0, 0, 0, 0, 1, 1}));
  // A trailing slash does not double the separator (os.path.join).
  nnrt_folder g;
  ASSERT_EQ(nnrt_folder_index((d + "/").c_str(), &g), 0) << nnc_last_error();
  EXPECT_EQ(paths(g), expected);
  nnrt_folder_free(&g);
  nnrt_folder_free(&f);
  EXPECT_EQ(f.n, 0);
}

TEST(Folder, CheckDropsOrFailsOnNonImages) {
  std::string d = makeTree();
  nnrt_folder f;
  ASSERT_EQ(nnrt_folder_index(d.c_str(), &f), 0) << nnc_last_error();
  EXPECT_EQ(nnrt_folder_check(&f, 1), -1);
  EXPECT_EQ(std::string(nnc_last_error()), "'" + d + "/dogs/fake.png': not a PNG or JPEG image");
  EXPECT_EQ(f.n, 7);
  testing::internal::CaptureStderr();
  EXPECT_EQ(nnrt_folder_check(&f, 0), 1);
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            "warning: skipping '" + d + "/dogs/fake.png': not a PNG or JPEG image\n");
  ASSERT_EQ(f.n, 6);
  EXPECT_EQ(std::string(f.paths[5]), d + "/dogs/d.jpg");
  EXPECT_EQ(f.labels[5], 1);
  unlink((d + "/dogs/d.jpg").c_str()); // vanished since the index
  testing::internal::CaptureStderr();
  EXPECT_EQ(nnrt_folder_check(&f, 0), 1);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("d.jpg': cannot open"), std::string::npos);
  EXPECT_EQ(f.n, 5);
  nnrt_folder_free(&f);
}

TEST(Folder, SplitsAsKeras) {
  std::string d = makeTree();
  nnrt_folder f, v;
  ASSERT_EQ(nnrt_folder_index(d.c_str(), &f), 0);
  ASSERT_EQ(nnrt_folder_index(d.c_str(), &v), 0);
  // int(0.3 * 7) = 2 validation files: the last two.
  ASSERT_EQ(nnrt_folder_subset(&f, 0.3, 0), 0) << nnc_last_error();
  ASSERT_EQ(nnrt_folder_subset(&v, 0.3, 1), 0) << nnc_last_error();
  ASSERT_EQ(f.n, 5);
  ASSERT_EQ(v.n, 2);
  EXPECT_EQ(std::string(f.paths[4]), d + "/cats/a/x/3.jpeg");
  EXPECT_EQ(std::string(v.paths[0]), d + "/dogs/d.jpg");
  EXPECT_EQ(labels(v), (std::vector<int>{1, 1}));
  EXPECT_EQ(nnrt_folder_subset(&f, 0, 0), 0); // no split: all kept
  EXPECT_EQ(f.n, 5);
  EXPECT_EQ(nnrt_folder_subset(&f, 0.1, 0), -1); // int(0.1 * 5) = 0
  EXPECT_NE(std::string(nnc_last_error()).find("holds out none of the 5 images"), std::string::npos)
      << nnc_last_error();
  EXPECT_EQ(nnrt_folder_subset(&f, 1.0, 1), -1);
  EXPECT_NE(std::string(nnc_last_error()).find("not between 0 and 1"), std::string::npos);
  nnrt_folder_free(&f);
  nnrt_folder_free(&v);
}

TEST(Folder, IndexErrors) {
  nnrt_folder f;
  EXPECT_EQ(nnrt_folder_index("/nonexistent/images", &f), -1);
  EXPECT_NE(std::string(nnc_last_error()).find("image folder '/nonexistent/images' not found"),
            std::string::npos)
      << nnc_last_error();
  std::string d = tempDir();
  writeFile(d + "/file.png", png);
  EXPECT_EQ(nnrt_folder_index((d + "/file.png").c_str(), &f), -1);
  EXPECT_NE(std::string(nnc_last_error()).find("is not a folder"), std::string::npos);
  EXPECT_EQ(nnrt_folder_index(d.c_str(), &f), -1);
  EXPECT_NE(std::string(nnc_last_error()).find("has no class sub-folders"), std::string::npos)
      << nnc_last_error();
  mkdir((d + "/empty").c_str(), 0755);
  writeFile(d + "/empty/readme.txt", "");
  EXPECT_EQ(nnrt_folder_index(d.c_str(), &f), -1);
  EXPECT_EQ(std::string(nnc_last_error()),
            "found no .png/.jpg/.jpeg/.bmp/.gif files in the class folders of '" + d + "'");
  EXPECT_EQ(f.n, 0);
}

// Shuffles 0..n-1 (paths "0".."n-1" alongside, to check that they stay paired).
std::vector<int> shuffled(uint32_t seed, int n) {
  nnrt_folder f{};
  f.n = n;
  f.paths = (char **)malloc(n * sizeof(char *));
  f.labels = (int *)malloc(n * sizeof(int));
  for (int i = 0; i < n; ++i) {
    f.paths[i] = strdup(std::to_string(i).c_str());
    f.labels[i] = i;
  }
  nnrt_folder_shuffle(&f, seed);
  for (int i = 0; i < n; ++i)
    EXPECT_EQ(std::string(f.paths[i]), std::to_string(f.labels[i]));
  std::vector<int> out = labels(f);
  nnrt_folder_free(&f);
  return out;
}

// The expected permutations were printed by the real numpy (1.24.2, /usr/bin/python3):
//   x = list(range(n)); numpy.random.RandomState(seed).shuffle(x); print(x)
// and for n = 1000: print(x[:10], x[-10:], sum(i * v for i, v in enumerate(x))).
TEST(Folder, ShuffleIsNumpyRandomState) {
  EXPECT_EQ(shuffled(0, 1), (std::vector<int>{0}));
  EXPECT_EQ(shuffled(42, 10), (std::vector<int>{8, 1, 5, 0, 7, 2, 9, 4, 3, 6}));
  EXPECT_EQ(shuffled(1337, 10), (std::vector<int>{6, 3, 0, 4, 5, 2, 1, 9, 8, 7}));
  EXPECT_EQ(shuffled(3000000000u, 12), (std::vector<int>{4, 8, 9, 5, 11, 0, 7, 10, 6, 3, 2, 1}));
  EXPECT_EQ(shuffled(4294967295u, 12), (std::vector<int>{11, 8, 5, 9, 1, 10, 6, 0, 4, 7, 2, 3}));
  std::vector<int> x = shuffled(123, 1000);
  EXPECT_EQ(std::vector<int>(x.begin(), x.begin() + 10),
            (std::vector<int>{131, 203, 50, 585, 138, 632, 328, 461, 924, 479}));
  EXPECT_EQ(std::vector<int>(x.end() - 10, x.end()),
            (std::vector<int>{106, 595, 17, 742, 98, 988, 322, 382, 365, 510}));
  int64_t weighted = 0;
  for (int i = 0; i < 1000; ++i)
    weighted += (int64_t)i * x[i];
  EXPECT_EQ(weighted, 247982031);
}

} // namespace

// Unit tests of Keras's window arithmetic and shape printing.
#include "ir/ShapeUtils.h"

#include <gtest/gtest.h>

using namespace nnc::nn;

namespace {

TEST(WindowOutputSize, ValidPadding) {
  EXPECT_EQ(windowOutputSize(28, 3, 1, 1, false), 26);
  EXPECT_EQ(windowOutputSize(28, 2, 2, 1, false), 14);
  EXPECT_EQ(windowOutputSize(7, 3, 2, 1, false), 3);
  EXPECT_EQ(windowOutputSize(7, 3, 1, 2, false), 3); // dilated span 5
  EXPECT_EQ(windowOutputSize(2, 3, 1, 1, false), 0); // does not fit
}

TEST(WindowOutputSize, SamePadding) {
  EXPECT_EQ(windowOutputSize(28, 3, 1, 1, true), 28);
  EXPECT_EQ(windowOutputSize(7, 2, 2, 1, true), 4);
  EXPECT_EQ(windowOutputSize(kDynamic, 3, 1, 1, true), kDynamic);
}

TEST(KerasShape, MatchesPythonTuples) {
  EXPECT_EQ(kerasShape({kDynamic, 28, 28, 1}), "(None, 28, 28, 1)");
  EXPECT_EQ(kerasShape({kDynamic}), "(None,)");
  EXPECT_EQ(kerasShape({}), "()");
}

} // namespace

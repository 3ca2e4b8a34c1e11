// Registers the nn dialect's ops and instantiates the generated op definitions.
#include "ir/NNDialect.h"
#include "ir/NNOps.h"

using namespace mlir;
using namespace nnc::nn;

#include "ir/NNDialect.cpp.inc"

void NNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "ir/NNOps.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "ir/NNOps.cpp.inc"

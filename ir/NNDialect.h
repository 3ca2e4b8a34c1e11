// The nn dialect class (generated) and its registration.
#ifndef NNC_IR_NNDIALECT_H
#define NNC_IR_NNDIALECT_H

#include "mlir/IR/Dialect.h"

#include "ir/NNDialect.h.inc"

#endif // NNC_IR_NNDIALECT_H

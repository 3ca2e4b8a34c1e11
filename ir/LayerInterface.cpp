// The generated layer op interface's definitions.
#include "mlir/IR/OpDefinition.h"

#include "ir/LayerInterface.h.inc"

#include "ir/LayerInterface.cpp.inc"

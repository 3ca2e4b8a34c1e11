// The nn dialect's op classes (generated from ir/NNOps.td).
#ifndef NNC_IR_NNOPS_H
#define NNC_IR_NNOPS_H

#include "ir/Gradient.h"
#include "ir/NNDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "ir/LayerInterface.h.inc"

#define GET_OP_CLASSES
#include "ir/NNOps.h.inc"

#endif // NNC_IR_NNOPS_H

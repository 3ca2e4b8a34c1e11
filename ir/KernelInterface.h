// The generated KernelOpInterface (ir/KernelInterface.td). Its implementations live
// beside each op family's kernels in codegen/kernels/, attached as external models.
#ifndef NNC_IR_KERNELINTERFACE_H
#define NNC_IR_KERNELINTERFACE_H

#include "mlir/IR/OpDefinition.h"

namespace nnc {
struct TargetInfo;
namespace codegen {
struct OpLowering;
} // namespace codegen
} // namespace nnc

#include "ir/KernelInterface.h.inc"

#endif

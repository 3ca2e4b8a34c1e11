// Creation of an nn op by name with its result types inferred: what the frontends share.
#ifndef NNC_IR_CREATEOP_H
#define NNC_IR_CREATEOP_H

#include "mlir/IR/Builders.h"

namespace nnc::nn {

/// Creates `nn.<name>` at the builder's insertion point, with its default
/// attributes filled in and its result types inferred, and verifies it. On a
/// shape or attribute error the diagnostic is emitted at `at`, the op is not
/// created, and null is returned.
mlir::Operation *createInferred(mlir::OpBuilder &b, mlir::Location at, llvm::StringRef name,
                                mlir::ValueRange operands,
                                llvm::ArrayRef<mlir::NamedAttribute> attrs);

} // namespace nnc::nn

#endif // NNC_IR_CREATEOP_H

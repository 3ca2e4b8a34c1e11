// The host module under construction and its small helpers.
#include "codegen/HostBuilder.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace nnc::codegen {

HostBuilder::HostBuilder(MLIRContext *ctx, const std::string &name)
    : ctx(ctx), b(ctx), loc(UnknownLoc::get(ctx)), name(name) {
  ctx->loadDialect<LLVM::LLVMDialect>();
  ptr = LLVM::LLVMPointerType::get(ctx);
  i64 = b.getI64Type();
  i32 = b.getI32Type();
  module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module.getBody());
}

LLVM::LLVMFuncOp HostBuilder::declare(StringRef sym, Type result, ArrayRef<Type> args) {
  if (auto it = decls.find(sym); it != decls.end())
    return it->second;
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(module.getBody());
  auto fn = b.create<LLVM::LLVMFuncOp>(loc, sym, LLVM::LLVMFunctionType::get(result, args));
  decls[sym] = fn;
  return fn;
}

LLVM::GlobalOp HostBuilder::constantArray(ArrayRef<int64_t> values) {
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(module.getBody());
  auto type = RankedTensorType::get({(int64_t)values.size()}, i64);
  return b.create<LLVM::GlobalOp>(loc, LLVM::LLVMArrayType::get(i64, values.size()), true,
                                  LLVM::Linkage::Internal,
                                  llvm::formatv("{0}_data{1}", name, globals++).str(),
                                  DenseElementsAttr::get(type, values));
}

LLVM::GlobalOp HostBuilder::constantString(StringRef bytes) {
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(module.getBody());
  return b.create<LLVM::GlobalOp>(loc, LLVM::LLVMArrayType::get(b.getI8Type(), bytes.size()),
                                  true, LLVM::Linkage::Internal,
                                  llvm::formatv("{0}_data{1}", name, globals++).str(),
                                  b.getStringAttr(bytes));
}

LLVM::GlobalOp HostBuilder::constantFloats(ArrayRef<float> values) {
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(module.getBody());
  auto type = RankedTensorType::get({(int64_t)values.size()}, b.getF32Type());
  return b.create<LLVM::GlobalOp>(loc, LLVM::LLVMArrayType::get(b.getF32Type(), values.size()),
                                  true, LLVM::Linkage::Internal,
                                  llvm::formatv("{0}_data{1}", name, globals++).str(),
                                  DenseElementsAttr::get(type, values), /*alignment=*/64);
}

Value HostBuilder::constant(Type t, int64_t v) {
  return b.create<LLVM::ConstantOp>(loc, t, b.getIntegerAttr(t, v));
}

} // namespace nnc::codegen

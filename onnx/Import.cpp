// Reading a ModelProto from disk and reporting import errors (see Import.h).
#include "onnx/Import.h"

#include "onnx/Importer.h"

#include "onnx/onnx_pb.h"

#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace nnc::onnxfe {

namespace {

/// protobuf refuses messages over 2 GiB; larger weights belong in external data.
constexpr int64_t kMaxProtoBytes = (int64_t(1) << 31) - 1;

void report(llvm::raw_ostream &errors, llvm::StringRef path, const std::string &message) {
  errors << fmt::format("{}: error: {}\n", path.str(), message);
}

} // namespace

mlir::OwningOpRef<mlir::ModuleOp> importOnnxFile(llvm::StringRef path, mlir::MLIRContext *ctx) {
  std::ifstream in(path.str(), std::ios::binary);
  if (!in) {
    report(llvm::errs(), path, "cannot open the file");
    return nullptr;
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return importOnnxBytes(std::move(bytes).str(), path, ctx, llvm::errs());
}

mlir::OwningOpRef<mlir::ModuleOp> importOnnxBytes(const std::string &data, llvm::StringRef path,
                                                  mlir::MLIRContext *ctx,
                                                  llvm::raw_ostream &errors) {
  if (data.empty()) {
    report(errors, path, "the file is empty: not an ONNX model");
    return nullptr;
  }
  if ((int64_t)data.size() > kMaxProtoBytes) {
    report(errors, path, "the file is over 2 GiB: store the weights as external data");
    return nullptr;
  }
  onnx::ModelProto model;
  if (!model.ParseFromString(data)) {
    report(errors, path, "not an ONNX model: the file does not parse as an ONNX ModelProto "
                         "(truncated, or another format)");
    return nullptr;
  }
  if (!model.has_graph() || model.opset_import_size() == 0) {
    report(errors, path, "not an ONNX model: no graph or no opset import (truncated, or "
                         "another protobuf message)");
    return nullptr;
  }
  try {
    Importer importer(ctx, path.str());
    return importer.run(model);
  } catch (const ImportError &e) {
    report(errors, path, e.message);
    return nullptr;
  }
}

} // namespace nnc::onnxfe

// The driver's output paths: no output overwrites an input, another output or a folder.
#ifndef NNC_TOOLS_NNC_OUTPUTPATHS_H
#define NNC_TOOLS_NNC_OUTPUTPATHS_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <string>

namespace nnc::tools {

/// A file the driver reads or writes, and how the user named it ("the model", "-o").
struct RolePath {
  std::string path;
  std::string role;
};

/// Whether two paths name the same file: the same device and inode when both exist,
/// else the same absolute path with symbolic links of the folders resolved.
bool sameFile(const std::string &a, const std::string &b);

/// Why `path` cannot be read as an input file of `role`, or "": it must be a regular
/// file (a device such as /dev/zero never ends) of at most `maxBytes`.
std::string checkInput(const std::string &path, const std::string &role, uint64_t maxBytes);

/// The longest output file name: a temporary file beside it adds up to 24 characters
/// to the name, within the usual 255.
constexpr size_t kMaxOutputName = 200;

/// The error for the first output that would replace an input or another output, or
/// that is a folder, a device or a pipe, is named too long, or sits in a folder that
/// cannot be written; "" when every output is safe to write.
std::string checkOutputs(llvm::ArrayRef<RolePath> inputs, llvm::ArrayRef<RolePath> outputs);

} // namespace nnc::tools

#endif

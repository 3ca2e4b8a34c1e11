// The driver's output paths: no output overwrites an input, another output or a folder.
#include "tools/nnc/OutputPaths.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>

namespace nnc::tools {

namespace {

/// The absolute path with "." and ".." removed and the folder's links resolved.
std::string canonical(const std::string &path) {
  llvm::SmallString<256> abs(path);
  llvm::sys::fs::make_absolute(abs);
  llvm::sys::path::remove_dots(abs, /*remove_dot_dot=*/true);
  llvm::SmallString<256> dir = llvm::sys::path::parent_path(abs), real;
  if (!dir.empty() && !llvm::sys::fs::real_path(dir, real)) {
    llvm::sys::path::append(real, llvm::sys::path::filename(abs));
    return std::string(real);
  }
  return std::string(abs);
}

} // namespace

bool sameFile(const std::string &a, const std::string &b) {
  bool equal = false;
  if (llvm::sys::fs::exists(a) && llvm::sys::fs::exists(b))
    return !llvm::sys::fs::equivalent(a, b, equal) && equal;
  return canonical(a) == canonical(b);
}

std::string checkOutputs(llvm::ArrayRef<RolePath> inputs, llvm::ArrayRef<RolePath> outputs) {
  for (size_t i = 0; i < outputs.size(); ++i) {
    const RolePath &out = outputs[i];
    if (llvm::sys::fs::is_directory(out.path))
      return fmt::format("cannot write {} '{}': it is a folder; name a file inside it", out.role,
                         out.path);
    for (const RolePath &in : inputs)
      if (sameFile(out.path, in.path))
        return fmt::format("{} '{}' is {} '{}': writing it would destroy the input; choose "
                           "another output name",
                           out.role, out.path, in.role, in.path);
    for (size_t j = 0; j < i; ++j)
      if (sameFile(out.path, outputs[j].path))
        return fmt::format("{} '{}' and {} '{}' are the same file; choose another output name",
                           outputs[j].role, outputs[j].path, out.role, out.path);
  }
  return "";
}

} // namespace nnc::tools

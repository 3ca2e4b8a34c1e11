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

std::string checkInput(const std::string &path, const std::string &role, uint64_t maxBytes) {
  if (path.empty())
    return fmt::format("{} is an empty path", role);
  llvm::sys::fs::file_status st;
  if (std::error_code ec = llvm::sys::fs::status(path, st))
    return fmt::format("cannot open {} '{}': {}", role, path, ec.message());
  if (llvm::sys::fs::is_directory(st))
    return fmt::format("{} '{}' is a folder, not a file", role, path);
  if (!llvm::sys::fs::is_regular_file(st))
    return fmt::format("{} '{}' is not a regular file (a device, a pipe or a socket)", role,
                       path);
  if (st.getSize() > maxBytes)
    return fmt::format("{} '{}' has {} bytes; nnc reads at most {}", role, path, st.getSize(),
                       maxBytes);
  return "";
}

std::string checkOutputs(llvm::ArrayRef<RolePath> inputs, llvm::ArrayRef<RolePath> outputs) {
  for (size_t i = 0; i < outputs.size(); ++i) {
    const RolePath &out = outputs[i];
    if (out.path.empty())
      return fmt::format("{} is an empty path", out.role);
    if (llvm::sys::fs::is_directory(out.path))
      return fmt::format("cannot write {} '{}': it is a folder; name a file inside it", out.role,
                         out.path);
    // Outputs are written beside the target and renamed over it: a device or a pipe
    // would be replaced by a plain file (/dev/null is written to directly).
    llvm::sys::fs::file_status st;
    if (out.path != "/dev/null" && !llvm::sys::fs::status(out.path, st) &&
        llvm::sys::fs::exists(st) && !llvm::sys::fs::is_regular_file(st))
      return fmt::format("cannot write {} '{}': it is not a regular file (a device, a pipe or "
                         "a socket); name a file",
                         out.role, out.path);
    llvm::StringRef leaf = llvm::sys::path::filename(out.path);
    if (leaf.size() > kMaxOutputName)
      return fmt::format("{} '{}': its file name has {} characters; at most {} (the temporary "
                         "files beside it need the rest of the system's 255)",
                         out.role, out.path, leaf.size(), kMaxOutputName);
    llvm::StringRef dir = llvm::sys::path::parent_path(out.path);
    if (!dir.empty() && llvm::sys::fs::exists(dir) && !llvm::sys::fs::is_directory(dir))
      return fmt::format("cannot write {} '{}': '{}' is a file, not a folder", out.role,
                         out.path, dir.str());
    if (!dir.empty() && llvm::sys::fs::is_directory(dir) &&
        llvm::sys::fs::access(dir, llvm::sys::fs::AccessMode::Write))
      return fmt::format("cannot write {} '{}': the folder '{}' is not writable", out.role,
                         out.path, dir.str());
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

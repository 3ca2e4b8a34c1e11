// A content-addressed cache of compiled kernel objects: a kernel built again from the
// same op, for the same target, by the same nnc and Halide is copied, not compiled.
#include "codegen/KernelCache.h"

#include "Halide.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ObjCopy/ConfigManager.h"
#include "llvm/ObjCopy/ObjCopy.h"
#include "llvm/Object/Binary.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

namespace nnc::codegen {

namespace {

constexpr llvm::StringLiteral kMagic = "NNCKO001"; // entry: magic, SHA-256 of the object, object
constexpr size_t kHeader = 8 + 32;

std::string hexHash(llvm::StringRef bytes) {
  return llvm::toHex(llvm::SHA256::hash(llvm::arrayRefFromStringRef(bytes)), /*LowerCase=*/true);
}

/// nnc's build (its executable's bytes) and Halide's library (path, size, time):
/// a kernel compiled by another build of either is another kernel.
const std::string &buildIdentity() {
  static const std::string identity = [] {
    std::string text = NNC_VERSION "\n";
    if (auto exe = llvm::MemoryBuffer::getFile("/proc/self/exe"))
      text += hexHash((*exe)->getBuffer());
    Dl_info info;
    struct stat st;
    if (dladdr(reinterpret_cast<void *>(&Halide::get_host_target), &info) && info.dli_fname &&
        stat(info.dli_fname, &st) == 0)
      text += llvm::formatv("\n{0} {1} {2}", info.dli_fname, (long long)st.st_size,
                            (long long)st.st_mtime)
                  .str();
    return hexHash(text);
  }();
  return identity;
}

std::string entryPath(const std::string &dir, const std::string &key) {
  llvm::SmallString<256> p(dir);
  llvm::sys::path::append(p, key.substr(0, 2), key + ".o");
  return std::string(p);
}

bool writeFile(const std::string &path, llvm::StringRef bytes) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return false;
  os << bytes;
  os.close();
  return !os.has_error();
}

} // namespace

KernelCache KernelCache::open(bool disabled) {
  KernelCache cache;
  if (disabled)
    return cache;
  std::string dir;
  if (const char *env = std::getenv("NNC_CACHE_DIR"); env && *env) {
    dir = env;
  } else if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    dir = std::string(xdg) + "/nnc";
  } else if (const char *home = std::getenv("HOME"); home && *home) {
    dir = std::string(home) + "/.cache/nnc";
  }
  if (dir.empty() || llvm::sys::fs::create_directories(dir))
    return cache;
  cache.dir = dir;
  cache.maxBytes = 1024ull << 20;
  if (const char *env = std::getenv("NNC_CACHE_MAX_MB"); env && *env)
    cache.maxBytes = std::strtoull(env, nullptr, 10) << 20;
  return cache;
}

std::string KernelCache::key(const std::string &what, const std::string &target) const {
  return hexHash(buildIdentity() + "\n" + target + "\n" + what);
}

std::string KernelCache::canonicalSymbol(const std::string &key) {
  return "nnk_" + key.substr(0, 24);
}

bool KernelCache::fetch(const std::string &key, const std::string &path,
                        const std::string &symbol) const {
  if (!enabled())
    return false;
  std::string entry = entryPath(dir, key);
  auto file = llvm::MemoryBuffer::getFile(entry, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!file)
    return false;
  llvm::StringRef bytes = (*file)->getBuffer();
  llvm::StringRef object = bytes.size() >= kHeader ? bytes.drop_front(kHeader) : "";
  auto hash = llvm::SHA256::hash(llvm::arrayRefFromStringRef(object));
  if (bytes.size() < kHeader || !bytes.starts_with(kMagic) ||
      std::memcmp(bytes.data() + 8, hash.data(), 32) != 0) {
    llvm::sys::fs::remove(entry); // corrupt: compiled again and stored anew
    return false;
  }
  utime(entry.c_str(), nullptr); // recently used: kept by trim()
  if (symbol.empty())
    return writeFile(path, object);
  std::string staged = path + ".cached";
  bool ok = writeFile(staged, object) &&
            renameSymbols(staged, path, canonicalSymbol(key), symbol).empty();
  llvm::sys::fs::remove(staged);
  return ok;
}

void KernelCache::store(const std::string &key, const std::string &path) const {
  if (!enabled())
    return;
  auto file = llvm::MemoryBuffer::getFile(path, false, false);
  if (!file)
    return;
  llvm::StringRef object = (*file)->getBuffer();
  auto hash = llvm::SHA256::hash(llvm::arrayRefFromStringRef(object));
  std::string entry = entryPath(dir, key);
  if (llvm::sys::fs::create_directories(llvm::sys::path::parent_path(entry)))
    return;
  // Written beside the entry under a name of its own, then renamed: a reader sees the
  // whole entry or none, whatever runs at the same time.
  std::string tmp = llvm::formatv("{0}.{1}.tmp", entry, (long long)getpid()).str();
  std::string bytes = kMagic.str();
  bytes.append(reinterpret_cast<const char *>(hash.data()), hash.size());
  bytes += object;
  if (!writeFile(tmp, bytes) || llvm::sys::fs::rename(tmp, entry))
    llvm::sys::fs::remove(tmp);
}

std::string KernelCache::renameSymbols(const std::string &from, const std::string &to,
                                       const std::string &canonical, const std::string &symbol) {
  auto file = llvm::MemoryBuffer::getFile(from, false, false);
  if (!file)
    return "cannot read " + from;
  auto binary = llvm::object::createBinary((*file)->getMemBufferRef());
  if (!binary)
    return llvm::toString(binary.takeError());
  auto *object = llvm::dyn_cast<llvm::object::ObjectFile>(binary->get());
  if (!object)
    return from + " is not an object file";
  llvm::objcopy::ConfigManager config;
  std::vector<std::pair<std::string, std::string>> names;
  for (const llvm::object::SymbolRef &sym : object->symbols()) {
    llvm::Expected<llvm::StringRef> name = sym.getName();
    if (!name) {
      llvm::consumeError(name.takeError());
      continue;
    }
    if (name->starts_with(canonical))
      names.push_back({name->str(), symbol + name->drop_front(canonical.size()).str()});
  }
  for (const auto &[oldName, newName] : names)
    config.Common.SymbolsToRename.insert({oldName, newName});
  std::string out;
  llvm::raw_string_ostream os(out);
  if (llvm::Error err = llvm::objcopy::executeObjcopyOnBinary(config, *object, os))
    return llvm::toString(std::move(err));
  os.flush();
  return writeFile(to, out) ? "" : "cannot write " + to;
}

void KernelCache::trim() const {
  if (!enabled())
    return;
  struct Entry {
    std::string path;
    uint64_t size;
    time_t used;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  std::error_code ec;
  for (llvm::sys::fs::recursive_directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    struct stat st;
    if (llvm::StringRef(it->path()).ends_with(".o") && stat(it->path().c_str(), &st) == 0 &&
        S_ISREG(st.st_mode)) {
      entries.push_back({it->path(), (uint64_t)st.st_size, st.st_mtime});
      total += st.st_size;
    }
  }
  if (total <= maxBytes)
    return;
  std::sort(entries.begin(), entries.end(),
            [](const Entry &a, const Entry &b) { return a.used < b.used; });
  for (const Entry &e : entries) {
    if (total <= maxBytes / 10 * 8)
      break;
    if (!llvm::sys::fs::remove(e.path))
      total -= e.size;
  }
}

} // namespace nnc::codegen

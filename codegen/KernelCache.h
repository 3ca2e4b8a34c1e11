// A content-addressed cache of compiled kernel objects: a kernel built again from the
// same op, for the same target, by the same nnc and Halide is copied, not compiled.
#ifndef NNC_CODEGEN_KERNELCACHE_H
#define NNC_CODEGEN_KERNELCACHE_H

#include <cstdint>
#include <string>

namespace nnc::codegen {

class KernelCache {
public:
  /// This run's cache: NNC_CACHE_DIR, else $XDG_CACHE_HOME/nnc, else ~/.cache/nnc.
  /// Disabled when `disabled` (--no-cache) or when its folder cannot be made.
  static KernelCache open(bool disabled);

  bool enabled() const { return !dir.empty(); }
  const std::string &folder() const { return dir; }

  /// The key of a kernel built from `what` (the op, printed) for `target`: also nnc's
  /// own build (the bytes of its executable) and Halide's library.
  std::string key(const std::string &what, const std::string &target) const;

  /// The symbol a kernel is compiled under for the cache (a stored object is renamed
  /// to its output's symbols when it is used): "nnk_" and part of the key.
  static std::string canonicalSymbol(const std::string &key);

  /// Writes the stored object of `key` to `path`, its canonical symbols renamed to
  /// start with `symbol` ("" keeps them); false when there is none, or when it is
  /// corrupt (then it is removed and the kernel is compiled again).
  bool fetch(const std::string &key, const std::string &path, const std::string &symbol) const;

  /// Stores the object at `path` (compiled under canonicalSymbol(key)) atomically; a
  /// failure to store is ignored (the cache only saves time).
  void store(const std::string &key, const std::string &path) const;

  /// Renames the canonical symbols of the object at `from` into `to`; "" or an error.
  static std::string renameSymbols(const std::string &from, const std::string &to,
                                   const std::string &canonical, const std::string &symbol);

  /// Removes the least recently used entries while the cache holds more than its
  /// bound (NNC_CACHE_MAX_MB, default 1024 MB), down to 80% of it.
  void trim() const;

private:
  std::string dir;
  uint64_t maxBytes = 0;
};

} // namespace nnc::codegen

#endif

// Binding a call's arguments to a Keras signature, and typed access with clear errors.
#ifndef NNC_FRONTEND_ARGS_H
#define NNC_FRONTEND_ARGS_H

#include "frontend/Value.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <optional>
#include <vector>

namespace nnc::frontend {

/// A Keras signature: parameter names in positional order. A leading '!' marks
/// a parameter nnc does not support: it may only be given as None.
struct Signature {
  std::string callee;
  std::vector<llvm::StringRef> params;
  /// Accepted by keyword only (the base Layer's name, trainable, input_shape...).
  std::vector<llvm::StringRef> keywordOnly = {};
};

class Args {
public:
  /// Binds positional and keyword values to `sig`; throws SourceError on an
  /// unknown keyword (with the nearest known one), too many positional values,
  /// a parameter given twice, or an unsupported parameter given a value.
  static Args bind(const Signature &sig, Pos callPos, std::vector<Value> positional,
                   std::vector<std::pair<std::string, Value>> keywords);

  const std::string &callee() const { return calleeName; }
  Pos pos() const { return callPos; }
  bool has(llvm::StringRef name) const;
  /// The value given for `name` (None when absent).
  const Value &get(llvm::StringRef name) const;
  /// Where `name` was given, or the call's position.
  Pos posOf(llvm::StringRef name) const;

  // Typed getters: `def` is used when the argument is absent or None; without a
  // default a missing argument is an error naming it.
  int64_t getInt(llvm::StringRef name, std::optional<int64_t> def = std::nullopt) const;
  int64_t getPositiveInt(llvm::StringRef name,
                         std::optional<int64_t> def = std::nullopt) const;
  double getFloat(llvm::StringRef name, std::optional<double> def = std::nullopt) const;
  bool getBool(llvm::StringRef name, std::optional<bool> def = std::nullopt) const;
  /// A string among `choices` (compared case-insensitively when `foldCase`).
  std::string getChoice(llvm::StringRef name, llvm::ArrayRef<llvm::StringRef> choices,
                        std::optional<llvm::StringRef> def = std::nullopt,
                        bool foldCase = false) const;
  std::string getString(llvm::StringRef name,
                        std::optional<llvm::StringRef> def = std::nullopt) const;
  /// An int n (meaning (n, n)) or a pair of positive ints.
  std::vector<int64_t> getPair(llvm::StringRef name,
                               std::optional<std::vector<int64_t>> def = std::nullopt) const;
  /// A tuple/list of ints (a shape); `allowMinusOne` for Reshape.
  std::vector<int64_t> getShape(llvm::StringRef name, bool allowMinusOne = false) const;
  /// A float f (meaning (-f, f)) or a (lower, upper) pair.
  std::vector<float> getRange(llvm::StringRef name) const;
  /// Checks that `name`, when given, is None or equals `expected` (a feature
  /// nnc supports only in its default form).
  void requireDefault(llvm::StringRef name, const Value &expected,
                      llvm::StringRef why) const;

private:
  struct Arg {
    Value value;
    Pos pos;
  };
  std::string calleeName;
  Pos callPos;
  std::map<std::string, Arg, std::less<>> named;

  [[noreturn]] void typeError(llvm::StringRef name, llvm::StringRef expected) const;
  const Value *given(llvm::StringRef name) const;
};

} // namespace nnc::frontend

#endif // NNC_FRONTEND_ARGS_H

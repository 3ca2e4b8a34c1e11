// Binding a call's arguments to a Keras signature, and typed access with clear errors.
#include "frontend/Args.h"
#include "frontend/Object.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>
#include <limits>

namespace nnc::frontend {

std::string Value::describe() const {
  switch (kind) {
  case Kind::None: return "None";
  case Kind::Bool: return "a bool";
  case Kind::Int: return "an int";
  case Kind::Float: return "a float";
  case Kind::String: return "a string";
  case Kind::Tuple: return "a tuple";
  case Kind::List: return "a list";
  case Kind::Namespace: return "the module '" + text + "'";
  case Kind::Class: return "'" + text + "' (not called)";
  case Kind::Function: return "the merge function for " + text + " (not called)";
  case Kind::Object: return "a " + object->cls + " object";
  case Kind::Tensor: return "a tensor";
  case Kind::Data: return "run-time data '" + text + "'";
  }
  return "a value";
}

static llvm::StringRef paramName(llvm::StringRef p) { return p.ltrim('!'); }

/// Sizes (units, filters, dimensions) above this are rejected rather than
/// overflowing later arithmetic.
static constexpr int64_t kMaxSize = 2147483647;

static void checkSize(const std::string &callee, llvm::StringRef name, Pos pos, int64_t v) {
  if (v > kMaxSize)
    fail(pos, callee + " argument '" + name.str() + "' is too large: " + std::to_string(v) +
                  " (the limit is " + std::to_string(kMaxSize) + ")");
}

Args Args::bind(const Signature &sig, Pos callPos, std::vector<Value> positional,
                std::vector<std::pair<std::string, Value>> keywords) {
  Args a;
  a.calleeName = sig.callee;
  a.callPos = callPos;
  if (positional.size() > sig.params.size()) {
    std::string names;
    for (llvm::StringRef p : sig.params)
      names += (names.empty() ? "" : ", ") + paramName(p).str();
    fail(positional[sig.params.size()].pos,
         sig.callee + " takes at most " + std::to_string(sig.params.size()) +
             " positional argument" + (sig.params.size() == 1 ? "" : "s") +
             (names.empty() ? "" : " (" + names + ")") + ", got " +
             std::to_string(positional.size()));
  }
  for (size_t i = 0; i < positional.size(); ++i)
    a.named[paramName(sig.params[i]).str()] = {positional[i], positional[i].pos};

  std::vector<llvm::StringRef> known;
  for (llvm::StringRef p : sig.params)
    known.push_back(paramName(p));
  known.insert(known.end(), sig.keywordOnly.begin(), sig.keywordOnly.end());
  for (auto &[name, value] : keywords) {
    if (!llvm::is_contained(known, name))
      fail(value.pos, sig.callee + " has no argument '" + name + "'" +
                          didYouMean(name, known));
    if (a.named.count(name))
      fail(value.pos, sig.callee + " got argument '" + name +
                          "' both by position and by keyword");
    a.named[name] = {value, value.pos};
  }
  for (llvm::StringRef p : sig.params) {
    if (!p.starts_with("!"))
      continue;
    const Value *v = a.given(paramName(p));
    if (v && v->kind != Value::Kind::None)
      fail(v->pos, sig.callee + " argument '" + paramName(p).str() +
                       "' is not supported by nnc yet");
  }
  return a;
}

const Value *Args::given(llvm::StringRef name) const {
  auto it = named.find(name);
  return it == named.end() ? nullptr : &it->second.value;
}

bool Args::has(llvm::StringRef name) const {
  const Value *v = given(name);
  return v && v->kind != Value::Kind::None;
}

const Value &Args::get(llvm::StringRef name) const {
  static const Value none;
  const Value *v = given(name);
  return v ? *v : none;
}

Pos Args::posOf(llvm::StringRef name) const {
  auto it = named.find(name);
  return it == named.end() ? callPos : it->second.pos;
}

void Args::typeError(llvm::StringRef name, llvm::StringRef expected) const {
  if (!has(name))
    fail(callPos, calleeName + " needs argument '" + name.str() + "' (" + expected.str() + ")");
  fail(posOf(name), calleeName + " argument '" + name.str() + "' must be " + expected.str() +
                        ", got " + get(name).describe());
}

int64_t Args::getInt(llvm::StringRef name, std::optional<int64_t> def) const {
  if (!has(name)) {
    if (def)
      return *def;
    typeError(name, "an int");
  }
  const Value &v = get(name);
  if (v.kind != Value::Kind::Int)
    typeError(name, "an int");
  return (int64_t)v.number;
}

int64_t Args::getPositiveInt(llvm::StringRef name, std::optional<int64_t> def) const {
  int64_t n = getInt(name, def);
  if (n <= 0)
    fail(posOf(name), calleeName + " argument '" + name.str() +
                          "' must be a positive int, got " + std::to_string(n));
  checkSize(calleeName, name, posOf(name), n);
  return n;
}

double Args::getFloat(llvm::StringRef name, std::optional<double> def) const {
  if (!has(name)) {
    if (def)
      return *def;
    typeError(name, "a number");
  }
  const Value &v = get(name);
  if (!v.isNumber())
    typeError(name, "a number");
  if (!std::isfinite(v.number))
    fail(posOf(name), calleeName + " argument '" + name.str() + "' must be a finite number, got " +
                          formatNumber(v.number));
  // The compiled model holds float32: a value beyond its range would be infinity, a
  // tiny non-zero one 0 (SGD(learning_rate=1e-50) would not train).
  if (std::fabs(v.number) > std::numeric_limits<float>::max())
    fail(posOf(name), calleeName + " argument '" + name.str() + "' is " +
                          formatNumber(v.number) + ", beyond float32 (at most 3.4e+38)");
  if (v.number != 0 && (float)v.number == 0.0f)
    fail(posOf(name), calleeName + " argument '" + name.str() + "' is " +
                          formatNumber(v.number) + ", too small for float32 (it would be 0)");
  return v.number;
}

bool Args::getBool(llvm::StringRef name, std::optional<bool> def) const {
  if (!has(name)) {
    if (def)
      return *def;
    typeError(name, "True or False");
  }
  const Value &v = get(name);
  if (v.kind != Value::Kind::Bool)
    typeError(name, "True or False");
  return v.number != 0;
}

std::string Args::getString(llvm::StringRef name, std::optional<llvm::StringRef> def) const {
  if (!has(name)) {
    if (def)
      return def->str();
    typeError(name, "a string");
  }
  const Value &v = get(name);
  if (v.kind != Value::Kind::String)
    typeError(name, "a string");
  return v.text;
}

std::string Args::getChoice(llvm::StringRef name, llvm::ArrayRef<llvm::StringRef> choices,
                            std::optional<llvm::StringRef> def, bool foldCase) const {
  std::string s = getString(name, def);
  std::string key = foldCase ? llvm::StringRef(s).lower() : s;
  if (llvm::is_contained(choices, key))
    return key;
  std::string list;
  for (llvm::StringRef c : choices)
    list += (list.empty() ? "\"" : ", \"") + c.str() + "\"";
  fail(posOf(name), calleeName + " argument '" + name.str() + "' has unknown value \"" + s +
                        "\"" + didYouMean(s, choices) + " (expected one of " + list + ")");
}

std::vector<int64_t> Args::getPair(llvm::StringRef name,
                                   std::optional<std::vector<int64_t>> def) const {
  if (!has(name)) {
    if (def)
      return *def;
    typeError(name, "an int or a pair of ints");
  }
  const Value &v = get(name);
  std::vector<int64_t> out;
  if (v.kind == Value::Kind::Int) {
    out = {(int64_t)v.number, (int64_t)v.number};
  } else if (v.isSequence() && v.items.size() == 2 &&
             llvm::all_of(v.items, [](const Value &e) { return e.kind == Value::Kind::Int; })) {
    out = {(int64_t)v.items[0].number, (int64_t)v.items[1].number};
  } else {
    typeError(name, "an int or a pair of ints");
  }
  checkSize(calleeName, name, posOf(name), std::max(out[0], out[1]));
  if (out[0] <= 0 || out[1] <= 0)
    fail(posOf(name), calleeName + " argument '" + name.str() +
                          "' must be positive, got (" + std::to_string(out[0]) + ", " +
                          std::to_string(out[1]) + ")");
  return out;
}

std::vector<int64_t> Args::getShape(llvm::StringRef name, bool allowMinusOne) const {
  const Value &v = get(name);
  if (v.kind == Value::Kind::Int && v.number > 0 && !allowMinusOne) {
    checkSize(calleeName, name, v.pos, (int64_t)v.number);
    return {(int64_t)v.number}; // shape=784 reads as (784,)
  }
  if (!v.isSequence())
    typeError(name, "a tuple of ints such as (28, 28, 1)");
  std::vector<int64_t> shape;
  for (const Value &e : v.items) {
    if (e.kind == Value::Kind::None)
      fail(e.pos, calleeName + " argument '" + name.str() +
                      "': unknown (None) dimensions are not supported; give every "
                      "dimension but the batch");
    if (e.kind != Value::Kind::Int)
      fail(e.pos, calleeName + " argument '" + name.str() + "' must hold ints, got " +
                      e.describe());
    int64_t d = (int64_t)e.number;
    checkSize(calleeName, name, e.pos, d);
    if (d <= 0 && !(allowMinusOne && d == -1))
      fail(e.pos, calleeName + " argument '" + name.str() +
                      "' dimensions must be positive, got " + std::to_string(d));
    shape.push_back(d);
  }
  if (shape.empty())
    fail(v.pos, calleeName + " argument '" + name.str() + "' must not be empty");
  return shape;
}

std::vector<float> Args::getRange(llvm::StringRef name) const {
  const Value &v = get(name);
  if (v.isNumber()) { // Keras: lower = -factor, upper = factor
    if (v.number < 0)
      fail(posOf(name), calleeName + " " + name.str() +
                            " cannot be negative, got " + formatNumber(v.number) +
                            " (a number f means the range (-f, f))");
    return {-(float)v.number, (float)v.number};
  }
  if (v.isSequence() && v.items.size() == 2 && v.items[0].isNumber() &&
      v.items[1].isNumber())
    return {(float)v.items[0].number, (float)v.items[1].number};
  typeError(name, "a number or a (lower, upper) pair");
}

void Args::requireDefault(llvm::StringRef name, const Value &expected,
                          llvm::StringRef why) const {
  if (!has(name))
    return;
  const Value &v = get(name);
  bool same = v.kind == expected.kind &&
              (v.kind == Value::Kind::String ? v.text == expected.text
                                             : v.number == expected.number);
  if (!same)
    fail(posOf(name), calleeName + " argument '" + name.str() + "': " + why.str());
}

} // namespace nnc::frontend

// Built-ins of the .nn language: literal arithmetic, range/str/len/int/float, and
// the merge functions of keras.layers.
#include "frontend/Builtins.h"

#include <cmath>
#include <fmt/format.h>

namespace nnc::frontend {

static Value compare(const Expr &e, const Value &a, const Value &b) {
  Value r;
  r.pos = e.base->pos;
  r.kind = Value::Kind::Bool;
  const std::string &op = e.text;
  int order;
  if (a.isNumber() && b.isNumber())
    order = a.number < b.number ? -1 : a.number > b.number ? 1 : 0;
  else if (a.kind == Value::Kind::String && b.kind == Value::Kind::String)
    order = a.text.compare(b.text) < 0 ? -1 : a.text == b.text ? 0 : 1;
  else if (op == "==" || op == "!=")
    order = a.kind == b.kind && a.kind == Value::Kind::None ? 0 : 1; // unlike kinds differ
  else
    fail(e.pos, "'" + op + "' compares two numbers or two strings, got " + a.describe() + " and " +
                    b.describe());
  r.number = op == "=="   ? order == 0
             : op == "!=" ? order != 0
             : op == "<"  ? order < 0
             : op == ">"  ? order > 0
             : op == "<=" ? order <= 0
                          : order >= 0;
  return r;
}

Value binaryOp(const Expr &e, const Value &a, const Value &b) {
  Value r;
  r.pos = e.base->pos;
  const std::string &cmp = e.text;
  if (cmp == "==" || cmp == "!=" || cmp == "<" || cmp == ">" || cmp == "<=" || cmp == ">=")
    return compare(e, a, b);
  if (e.text == "+" && a.kind == Value::Kind::String && b.kind == Value::Kind::String) {
    r.kind = Value::Kind::String;
    r.text = a.text + b.text;
    return r;
  }
  if (!a.isNumber() || !b.isNumber())
    fail(e.pos, "'" + e.text + "' needs numbers, got " + a.describe() + " and " + b.describe() +
                    (a.kind == Value::Kind::Data || b.kind == Value::Kind::Data
                         ? " (data is prepared when the compiled model runs; put "
                           "scaling in the model with Rescaling(1/255))"
                         : ""));
  bool ints = a.kind == Value::Kind::Int && b.kind == Value::Kind::Int;
  r.kind = ints ? Value::Kind::Int : Value::Kind::Float;
  const std::string &op = e.text;
  if ((op == "/" || op == "//" || op == "%") && b.number == 0)
    fail(e.pos, "division by zero");
  if (op == "+")
    r.number = a.number + b.number;
  else if (op == "-")
    r.number = a.number - b.number;
  else if (op == "*")
    r.number = a.number * b.number;
  else if (op == "/") {
    r.kind = Value::Kind::Float;
    r.number = a.number / b.number;
  } else if (op == "//")
    r.number = std::floor(a.number / b.number);
  else if (op == "%")
    r.number = a.number - b.number * std::floor(a.number / b.number);
  else if (op == "**") {
    r.number = std::pow(a.number, b.number);
    if (ints && b.number < 0)
      r.kind = Value::Kind::Float;
  } else
    fail(e.pos, "operator '" + op + "' is not supported");
  if (!std::isfinite(r.number) || (r.kind == Value::Kind::Int && std::fabs(r.number) > 9.0e15))
    fail(e.pos, "arithmetic overflow: the result is too large");
  return r;
}

bool isBuiltinFunction(llvm::StringRef name) {
  return name == "range" || name == "str" || name == "len" || name == "int" || name == "float";
}

static Value number(Value::Kind kind, double x, Pos pos) {
  Value v;
  v.kind = kind;
  v.number = x;
  v.pos = pos;
  return v;
}

static double integer(const Value &v, llvm::StringRef fn) {
  if (v.kind != Value::Kind::Int)
    fail(v.pos, fmt::format("{}() needs integers, got {}", fn.str(), v.describe()));
  return v.number;
}

/// Python's str() of a literal: ints without a fraction, floats with one.
static std::string pythonStr(const Value &v) {
  switch (v.kind) {
  case Value::Kind::String:
    return v.text;
  case Value::Kind::Int:
    return fmt::format("{}", (long long)v.number);
  case Value::Kind::Bool:
    return v.number ? "True" : "False";
  case Value::Kind::None:
    return "None";
  case Value::Kind::Float: {
    std::string s = fmt::format("{}", v.number);
    return s.find_first_of(".en") == std::string::npos ? s + ".0" : s;
  }
  default:
    fail(v.pos, "str() of " + v.describe() + " is not part of the .nn language");
  }
}

Value callBuiltin(llvm::StringRef name, Pos pos, const CallArgs &args) {
  if (!args.keywords.empty())
    fail(args.keywords[0].second.pos, fmt::format("{}() takes no keyword arguments", name.str()));
  const std::vector<Value> &p = args.positional;
  if (name == "range") {
    if (p.empty() || p.size() > 3)
      fail(pos, fmt::format("range() takes 1 to 3 integers, got {}", p.size()));
    double start = p.size() > 1 ? integer(p[0], name) : 0;
    double stop = integer(p[p.size() > 1 ? 1 : 0], name);
    double step = p.size() > 2 ? integer(p[2], name) : 1;
    if (step == 0)
      fail(p[2].pos, "range() step must not be zero");
    Value list;
    list.kind = Value::Kind::List;
    list.pos = pos;
    for (double i = start; step > 0 ? i < stop : i > stop; i += step) {
      if (list.items.size() >= 1000000)
        fail(pos, "range() of more than 1,000,000 numbers is not supported");
      list.items.push_back(number(Value::Kind::Int, i, pos));
    }
    return list;
  }
  if (p.size() != 1)
    fail(pos, fmt::format("{}() takes one argument, got {}", name.str(), p.size()));
  const Value &x = p[0];
  if (name == "len") {
    if (!x.isSequence() && x.kind != Value::Kind::String)
      fail(x.pos, "len() of " + x.describe() + " is not supported");
    return number(Value::Kind::Int, x.isSequence() ? x.items.size() : x.text.size(), pos);
  }
  if (name == "str") {
    Value s;
    s.kind = Value::Kind::String;
    s.text = pythonStr(x);
    s.pos = pos;
    return s;
  }
  double value;
  if (x.isNumber() || x.kind == Value::Kind::Bool)
    value = x.number;
  else if (x.kind == Value::Kind::String) {
    llvm::StringRef text = llvm::StringRef(x.text).trim();
    long long i = 0;
    if (name == "int" ? text.getAsInteger(10, i) : text.getAsDouble(value))
      fail(x.pos, fmt::format("{}() cannot read \"{}\" as a number", name.str(), x.text));
    if (name == "int")
      value = (double)i;
  } else
    fail(x.pos, fmt::format("{}() of {} is not supported", name.str(), x.describe()));
  if (name == "int")
    return number(Value::Kind::Int, std::trunc(value), pos);
  return number(Value::Kind::Float, value, pos);
}

llvm::StringRef mergeFunctionClass(llvm::StringRef function) {
  static const std::pair<llvm::StringRef, llvm::StringRef> table[] = {
      {"add", "Add"},
      {"subtract", "Subtract"},
      {"multiply", "Multiply"},
      {"average", "Average"},
      {"maximum", "Maximum"},
      {"minimum", "Minimum"},
      {"concatenate", "Concatenate"}};
  for (auto &[fn, cls] : table)
    if (fn == function)
      return cls;
  return "";
}

} // namespace nnc::frontend

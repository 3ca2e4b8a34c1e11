// Keras-style model.summary() computed from an nn module.
#include "ir/ModelSummary.h"

#include "ir/NNOps.h"
#include "ir/ShapeUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"

#include <string>
#include <vector>

using namespace mlir;

namespace nnc::nn {

static int64_t elementCount(VariableOp var) {
  return llvm::cast<RankedTensorType>(var.getType()).getNumElements();
}

ParamCounts countParams(ModuleOp module) {
  ParamCounts counts;
  module.walk([&](VariableOp var) {
    (var.getTrainable() ? counts.trainable : counts.nonTrainable) += elementCount(var);
  });
  return counts;
}

/// The Keras class an op came from: the frontend's record where several classes share
/// an op (ReLU, Softmax, LeakyReLU as nn.activation), else the op's own (ODS).
std::string kerasClassOf(Operation *op) {
  if (auto cls = op->getAttrOfType<StringAttr>("nn.class"))
    return cls.str();
  if (auto layer = llvm::dyn_cast<LayerOpInterface>(op))
    return layer.getKerasClass().str();
  return op->getName().getStringRef().str();
}

/// Adds the variables `op` reads through nn.read that `counted` does not hold yet.
static void addLayerParams(Operation *op, SymbolTable &symbols, llvm::StringSet<> &counted,
                           ParamCounts &counts) {
  for (Value operand : op->getOperands()) {
    auto read = operand.getDefiningOp<ReadOp>();
    if (!read)
      continue;
    auto var = symbols.lookup<VariableOp>(read.getVariable());
    if (var && counted.insert(var.getSymName()).second)
      (var.getTrainable() ? counts.trainable : counts.nonTrainable) += elementCount(var);
  }
}

namespace {
/// Keras's print_row: columns end at `positions`, long cells wrap.
class TablePrinter {
public:
  TablePrinter(llvm::raw_ostream &os, std::vector<size_t> positions)
      : os(os), positions(std::move(positions)) {}

  void row(std::vector<std::string> cells) {
    auto pending = [&] {
      for (auto &c : cells)
        if (!c.empty())
          return true;
      return false;
    };
    do {
      std::string line;
      for (size_t col = 0; col < cells.size(); ++col) {
        bool last = col + 1 == positions.size();
        size_t start = col ? positions[col - 1] : 0;
        size_t space = last ? 0 : 2;
        size_t cutoff = positions[col] - start - space - (last ? 0 : 1);
        std::string fit = cells[col].substr(0, cutoff);
        // Break after the end of a tuple/list element, as Keras does.
        size_t best = std::string::npos;
        for (const char *mark : {"),", "},", "],", "',"}) {
          size_t at = fit.find(mark);
          if (at != std::string::npos)
            best = std::min(best, at + 2);
        }
        if (best != std::string::npos) {
          cutoff = best;
          fit = fit.substr(0, cutoff);
        }
        if (col == 0)
          line += " ";
        line += fit + std::string(space, ' ');
        cells[col] = cells[col].size() > cutoff ? cells[col].substr(cutoff) : "";
        if (line.size() < positions[col])
          line += std::string(positions[col] - line.size(), ' ');
      }
      os << line << "\n";
    } while (pending());
  }

private:
  llvm::raw_ostream &os;
  std::vector<size_t> positions;
};
} // namespace

/// Keras's readable_memory_size: "1.54 MB", "0.00 Byte".
static std::string readableSize(double bytes) {
  static const char *units[] = {"Byte", "KB", "MB", "GB", "TB", "PB"};
  for (const char *unit : units) {
    if (bytes / 1024 < 1)
      return llvm::formatv("{0:F2} {1}", bytes, unit).str();
    bytes /= 1024;
  }
  return llvm::formatv("{0:F2} PB", bytes * 1024).str();
}

LogicalResult printSummary(ModuleOp module, llvm::raw_ostream &os) {
  auto forward = module.lookupSymbol<func::FuncOp>("forward");
  if (!forward)
    return module.emitError("the module has no @forward function to summarise");
  SymbolTable symbols(module);
  const size_t width = 65;
  TablePrinter table(os, {29, 55, 65});

  std::string name = module.getSymName() ? module.getSymName()->str() : "model";
  os << "Model: \"" << name << "\"\n" << std::string(width, '_') << "\n";
  table.row({"Layer (type)", "Output Shape", "Param #"});
  os << std::string(width, '=') << "\n";

  std::vector<std::vector<std::string>> rows;
  if (module->hasAttr("nn.functional")) {
    for (auto [i, arg] : llvm::enumerate(forward.getArguments())) {
      auto nameAttr = forward.getArgAttrOfType<StringAttr>(i, "nn.name");
      auto type = llvm::cast<RankedTensorType>(arg.getType());
      rows.push_back({(nameAttr ? nameAttr.str() : "input") + " (InputLayer)",
                      "[" + kerasShape(type.getShape()) + "]", "0"});
    }
  }
  // A layer may be several ops (SeparableConv2D: depthwise then pointwise): one row,
  // the last op's output shape, the parameters of them all.
  struct LayerRow {
    size_t row;
    ParamCounts params;
    llvm::StringSet<> counted;
  };
  llvm::StringMap<LayerRow> layers;
  forward.walk([&](Operation *op) {
    auto layer = op->getAttrOfType<StringAttr>("layer");
    if (!layer || op->getNumResults() != 1)
      return;
    auto [it, fresh] = layers.try_emplace(layer.getValue(), LayerRow{rows.size(), {}, {}});
    LayerRow &l = it->second;
    if (fresh)
      rows.push_back({layer.str() + " (" + kerasClassOf(op) + ")", "", ""});
    addLayerParams(op, symbols, l.counted, l.params);
    auto type = llvm::cast<RankedTensorType>(op->getResult(0).getType());
    rows[l.row][1] = kerasShape(type.getShape());
    rows[l.row][2] = std::to_string(l.params.total());
  });
  for (auto &row : rows) {
    table.row(row);
    os << std::string(width, ' ') << "\n";
  }
  ParamCounts counts = countParams(module);
  os << std::string(width, '=') << "\n";
  os << "Total params: " << counts.total() << " (" << readableSize(counts.total() * 4.0)
     << ")\n";
  os << "Trainable params: " << counts.trainable << " ("
     << readableSize(counts.trainable * 4.0) << ")\n";
  os << "Non-trainable params: " << counts.nonTrainable << " ("
     << readableSize(counts.nonTrainable * 4.0) << ")\n";
  os << std::string(width, '_') << "\n";
  return success();
}

} // namespace nnc::nn

// --nn-schedule-updates: moves each state update (an optimizer step, a BN moving
// average) with its nn.assign ops to the earliest point where the variable's old
// value has no reader left, so a weight gradient dies as soon as it is applied
// instead of living until the end of the train step.
#include "passes/Passes.h"

#include "ir/NNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;

namespace nnc::passes {

#define GEN_PASS_DEF_SCHEDULEUPDATES
#include "passes/Passes.h.inc"

namespace {

/// An op whose every result is stored by exactly one nn.assign (and used by nothing
/// else): the op computes new values of those variables.
bool isUpdate(Operation *op, SmallVectorImpl<nn::AssignOp> &assigns) {
  if (op->getNumResults() == 0 || !isMemoryEffectFree(op))
    return false;
  for (Value r : op->getResults()) {
    if (!r.hasOneUse())
      return false;
    auto assign = dyn_cast<nn::AssignOp>(*r.getUsers().begin());
    if (!assign)
      return false;
    assigns.push_back(assign);
  }
  return true;
}

void scheduleBlock(Block &block) {
  SmallVector<Operation *> updates;
  SmallVector<nn::AssignOp> scratch;
  for (Operation &op : block.without_terminator())
    if (isUpdate(&op, scratch))
      updates.push_back(&op);
  for (Operation *update : updates) {
    llvm::DenseMap<Operation *, int64_t> position;
    for (auto [i, op] : llvm::enumerate(block.without_terminator()))
      position[&op] = (int64_t)i;
    SmallVector<nn::AssignOp> assigns;
    isUpdate(update, assigns);
    llvm::SmallDenseSet<StringRef> vars;
    for (nn::AssignOp a : assigns)
      vars.insert(a.getVariable());
    // Reads that feed only this update move with it.
    llvm::SetVector<Operation *> movable;
    for (Value operand : update->getOperands())
      if (auto read = operand.getDefiningOp<nn::ReadOp>())
        if (llvm::all_of(read->getUsers(), [&](Operation *u) { return u == update; }))
          movable.insert(read);
    // The update must follow its other operands' producers, every other reader of
    // the variables' old values (and those readers' uses of them), and any earlier
    // store to a variable one of its own reads reads.
    int64_t barrier = -1;
    auto after = [&](Operation *op) {
      if (op && op->getBlock() == &block && !movable.contains(op) && op != update)
        barrier = std::max(barrier, position.lookup(op));
    };
    for (Value operand : update->getOperands())
      after(operand.getDefiningOp());
    llvm::SmallDenseSet<StringRef> readVars;
    for (Operation *read : movable)
      readVars.insert(cast<nn::ReadOp>(read).getVariable());
    for (Operation &op : block.without_terminator()) {
      if (auto read = dyn_cast<nn::ReadOp>(op); read && vars.contains(read.getVariable())) {
        after(read);
        for (Operation *user : read->getUsers())
          after(user);
      }
      if (auto assign = dyn_cast<nn::AssignOp>(op);
          assign && readVars.contains(assign.getVariable()) &&
          !llvm::is_contained(assigns, assign))
        after(assign);
    }
    // Nothing to gain unless the update moves up.
    int64_t first = position.lookup(update);
    for (Operation *read : movable)
      first = std::min(first, position.lookup(read));
    if (barrier + 1 >= first)
      continue;
    Operation *anchor = barrier < 0 ? nullptr : &*std::next(block.begin(), barrier);
    auto place = [&](Operation *op) {
      if (anchor)
        op->moveAfter(anchor);
      else
        op->moveBefore(&block.front());
      anchor = op;
    };
    for (Operation *read : movable)
      place(read);
    place(update);
    for (nn::AssignOp a : assigns)
      place(a);
  }
}

struct ScheduleUpdatesPass : impl::ScheduleUpdatesBase<ScheduleUpdatesPass> {
  void runOnOperation() override {
    getOperation().walk([](func::FuncOp f) {
      if (!f.getBody().empty())
        scheduleBlock(f.getBody().front());
    });
  }
};

} // namespace

std::unique_ptr<Pass> createScheduleUpdatesPass() {
  return std::make_unique<ScheduleUpdatesPass>();
}

} // namespace nnc::passes

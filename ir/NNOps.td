// All nn dialect ops, one family per file under ir/ops/.
#ifndef NNC_IR_NNOPS_TD
#define NNC_IR_NNOPS_TD

include "ir/NNBase.td"
include "ir/ops/Variable.td"
include "ir/ops/Dense.td"
include "ir/ops/Conv.td"
include "ir/ops/Pool.td"
include "ir/ops/Shape.td"
include "ir/ops/Elementwise.td"
include "ir/ops/Norm.td"
include "ir/ops/Augment.td"
include "ir/ops/Loss.td"
include "ir/ops/Optimizer.td"
include "ir/ops/Grad.td"
include "ir/ops/Fused.td"

#endif // NNC_IR_NNOPS_TD

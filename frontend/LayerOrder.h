// The order of a functional model's `layers`, as Keras lists them.
#ifndef NNC_FRONTEND_LAYERORDER_H
#define NNC_FRONTEND_LAYERORDER_H

#include "frontend/Object.h"

#include <memory>
#include <vector>

namespace nnc::frontend {

/// The layers of the graph from `inputs` to `outputs` in Keras's order for
/// `Model.layers`: by depth from the inputs (an InputLayer per input first), layers of
/// equal depth in the order a depth-first walk back from the outputs meets them. The
/// notes' fine-tuning loop (`for layer in conv_base.layers`) depends on this order.
std::vector<std::shared_ptr<Object>>
kerasLayerOrder(const std::vector<std::shared_ptr<TensorNode>> &inputs,
                const std::vector<std::shared_ptr<TensorNode>> &outputs);

} // namespace nnc::frontend

#endif // NNC_FRONTEND_LAYERORDER_H

// Keras's order of a functional model's layers (keras Functional._map_graph_network):
// a depth-first walk back from the outputs numbers the layers in the order it meets
// them and lists the nodes in post-order; depths then flow from the outputs (depth 0)
// back to the inputs, a layer taking the largest depth of its nodes; `layers` is
// sorted by decreasing depth, ties by the walk's number.
#include "frontend/LayerOrder.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <algorithm>

namespace nnc::frontend {

namespace {

class Walk {
public:
  /// The layer of a node: its layer object, or an InputLayer made for an Input.
  Object *layerOf(TensorNode *node) {
    if (node->layer)
      return remember(node->layer);
    auto &made = inputLayers[node];
    if (!made) {
      made = std::make_shared<Object>();
      made->kind = Object::Kind::Layer;
      made->cls = "InputLayer";
      made->pos = node->pos;
      made->name = node->input ? node->input->name : "input";
      made->inputSpec = node->input;
    }
    return remember(made);
  }

  /// Post-order of the nodes reachable from `root`, numbering layers on first sight.
  void visit(TensorNode *root) {
    if (finished.count(root))
      return;
    std::vector<std::pair<TensorNode *, size_t>> stack;
    enter(root, stack);
    while (!stack.empty()) {
      auto &[node, next] = stack.back();
      if (next < node->inputs.size()) {
        TensorNode *in = node->inputs[next++].get();
        if (!finished.count(in) && !onStack.count(in))
          enter(in, stack);
        continue;
      }
      finished.insert(node);
      onStack.erase(node);
      postOrder.push_back(node);
      stack.pop_back();
    }
  }

  std::vector<TensorNode *> postOrder;
  llvm::DenseMap<Object *, int> index;
  llvm::DenseMap<Object *, std::shared_ptr<Object>> owner;

private:
  llvm::DenseSet<TensorNode *> finished, onStack;
  llvm::DenseMap<TensorNode *, std::shared_ptr<Object>> inputLayers;

  Object *remember(const std::shared_ptr<Object> &layer) {
    owner.try_emplace(layer.get(), layer);
    return layer.get();
  }

  void enter(TensorNode *node, std::vector<std::pair<TensorNode *, size_t>> &stack) {
    index.try_emplace(layerOf(node), (int)index.size());
    onStack.insert(node);
    stack.push_back({node, 0});
  }
};

} // namespace

std::vector<std::shared_ptr<Object>>
kerasLayerOrder(const std::vector<std::shared_ptr<TensorNode>> &inputs,
                const std::vector<std::shared_ptr<TensorNode>> &outputs) {
  Walk walk;
  for (const auto &out : outputs)
    walk.visit(out.get());
  llvm::DenseMap<TensorNode *, int> nodeDepth;
  llvm::DenseMap<Object *, int> layerDepth;
  std::vector<Object *> layers; // in the order depths were first given
  for (TensorNode *node : llvm::reverse(walk.postOrder)) {
    Object *layer = walk.layerOf(node);
    auto [it, fresh] = layerDepth.try_emplace(layer, 0);
    if (fresh)
      layers.push_back(layer);
    int depth = std::max(nodeDepth.lookup(node), it->second);
    it->second = depth;
    nodeDepth[node] = depth;
    for (const auto &in : node->inputs)
      nodeDepth[in.get()] = std::max(depth + 1, nodeDepth.lookup(in.get()));
  }
  for (const auto &in : inputs) { // an input no output depends on
    Object *layer = walk.layerOf(in.get());
    if (layerDepth.try_emplace(layer, 0).second) {
      layers.push_back(layer);
      walk.index[layer] = -1;
    }
  }
  std::stable_sort(layers.begin(), layers.end(), [&](Object *a, Object *b) {
    int da = layerDepth.lookup(a), db = layerDepth.lookup(b);
    return da != db ? da > db : walk.index.lookup(a) < walk.index.lookup(b);
  });
  std::vector<std::shared_ptr<Object>> ordered;
  for (Object *layer : layers)
    ordered.push_back(walk.owner.lookup(layer));
  return ordered;
}

} // namespace nnc::frontend

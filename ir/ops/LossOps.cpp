// Losses: label/prediction shape checks with the fix named in the message.
#include "ir/NNOps.h"
#include "ir/ShapeUtils.h"

using namespace mlir;

namespace nnc::nn {

/// Keras's message for a label/prediction mismatch, plus what to do about it.
static InFlightDiagnostic incompatible(Operation *op, RankedTensorType labels,
                                       RankedTensorType pred) {
  return op->emitOpError("Shapes ")
         << kerasShape(labels.getShape()) << " and " << kerasShape(pred.getShape())
         << " are incompatible";
}

LogicalResult SparseCategoricalCrossentropyOp::verify() {
  auto pred = getPrediction().getType();
  auto labels = getLabels().getType();
  if (pred.getRank() != 2)
    return emitOpError("prediction must be (batch, classes), got ")
           << kerasShape(pred.getShape());
  bool ok = (labels.getRank() == 1 ||
             (labels.getRank() == 2 && labels.getDimSize(1) == 1)) &&
            dimsAgree(labels.getDimSize(0), pred.getDimSize(0));
  if (!ok)
    return incompatible(*this, labels, pred)
           << ": sparse_categorical_crossentropy takes one integer class id per "
              "sample; for one-hot labels use categorical_crossentropy";
  return success();
}

LogicalResult CategoricalCrossentropyOp::verify() {
  auto pred = getPrediction().getType();
  auto labels = getLabels().getType();
  if (!shapesAgree(pred.getShape(), labels.getShape()))
    return incompatible(*this, labels, pred)
           << ": categorical_crossentropy takes one-hot labels of the prediction's "
              "shape; for integer class ids use sparse_categorical_crossentropy (or "
              "one-hot encode the labels)";
  return success();
}

LogicalResult BinaryCrossentropyOp::verify() {
  auto pred = getPrediction().getType();
  auto labels = getLabels().getType();
  if (!shapesAgree(pred.getShape(), labels.getShape()))
    return incompatible(*this, labels, pred)
           << ": binary_crossentropy takes one 0/1 target per output unit";
  return success();
}

LogicalResult MeanSquaredErrorOp::verify() {
  auto pred = getPrediction().getType();
  auto labels = getLabels().getType();
  if (getFromLogits())
    return emitOpError("mean_squared_error has no from_logits form");
  if (!shapesAgree(pred.getShape(), labels.getShape()))
    return incompatible(*this, labels, pred)
           << ": mean_squared_error takes targets of the prediction's shape";
  return success();
}

LogicalResult LossSumOp::verify() {
  if (getLosses().empty())
    return emitOpError("needs at least one loss");
  if (getWeights().size() != getLosses().size())
    return emitOpError("has ") << getLosses().size() << " losses but " << getWeights().size()
                               << " weights";
  return success();
}

} // namespace nnc::nn

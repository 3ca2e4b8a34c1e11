// model.compile / model.fit settings: optimizer, loss, metric and callback classes,
// their validation, and their form as module attributes.
#ifndef NNC_FRONTEND_TRAININGCONFIG_H
#define NNC_FRONTEND_TRAININGCONFIG_H

#include "frontend/Object.h"

#include "mlir/IR/BuiltinOps.h"

namespace nnc::frontend {

/// The signature of an optimizer, loss or callback class (by name or alias),
/// setting `kind` and `canonical`; null when `name` is none of them.
const Signature *findConfigClass(llvm::StringRef name, Object::Kind &kind,
                                 std::string &canonical);
std::vector<llvm::StringRef> configClassNames();

/// Checks a constructed optimizer/loss/callback's argument values.
void validateConfigObject(const Object &obj);

const Signature &compileSignature();
const Signature &fitSignature();
/// Reads model.compile(...) arguments: strings become objects with defaults.
CompileSpec parseCompile(const Args &args);
/// Reads model.fit(...) arguments (x, y and validation_data are run-time data).
FitSpec parseFit(const Args &args);

/// The nn loss op name ("nn.sparse_categorical_crossentropy") of a Loss object.
std::string lossOpName(const Value &loss);
bool lossFromLogits(const Value &loss);

/// Records compile/fit settings as module attributes nn.optimizer, nn.metrics,
/// nn.loss, nn.fit and nn.callbacks.
void attachTrainingConfig(mlir::ModuleOp module, const CompileSpec *compile,
                          const FitSpec *fit);

} // namespace nnc::frontend

#endif // NNC_FRONTEND_TRAININGCONFIG_H

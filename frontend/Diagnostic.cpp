// Nearest-name suggestions for unknown layers, arguments and string values.
#include "frontend/Diagnostic.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace nnc::frontend {

std::string nearest(llvm::StringRef name, llvm::ArrayRef<llvm::StringRef> candidates) {
  std::string lower = name.lower();
  unsigned best = ~0u;
  llvm::StringRef bestName;
  for (llvm::StringRef c : candidates) {
    // Edits count 2, a difference in case alone counts 1: MaxPooling2d is
    // closer to MaxPooling2D than to anything one letter away.
    std::string lc = c.lower();
    unsigned d = lc == lower ? 1 : llvm::StringRef(lower).edit_distance(lc) * 2;
    if (d < best) {
      best = d;
      bestName = c;
    }
  }
  // Accept up to about a third of the name's length in edits.
  unsigned limit = 2 * std::max<unsigned>(2, (unsigned)name.size() / 3);
  if (bestName.empty() || best > limit)
    return "";
  return bestName.str();
}

std::string formatNumber(double value) {
  char buf[64];
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e16)
    std::snprintf(buf, sizeof buf, "%.1f", value);
  else
    std::snprintf(buf, sizeof buf, "%g", value);
  return buf;
}

std::string didYouMean(llvm::StringRef name, llvm::ArrayRef<llvm::StringRef> candidates) {
  std::string n = nearest(name, candidates);
  return n.empty() ? "" : "; did you mean '" + n + "'?";
}

} // namespace nnc::frontend

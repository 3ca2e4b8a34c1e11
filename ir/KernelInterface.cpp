// The generated kernel op interface's definitions.
#include "ir/KernelInterface.h"

#include "ir/KernelInterface.cpp.inc"

// Independent compile jobs on several processes: Halide compiles one pipeline at a
// time on one thread, and an output has tens of kernels.
#ifndef NNC_CODEGEN_PARALLELJOBS_H
#define NNC_CODEGEN_PARALLELJOBS_H

#include <functional>
#include <string>
#include <vector>

namespace nnc::codegen {

/// The number of processes compile jobs use: NNC_JOBS when set (1 disables
/// forking), else the hardware threads.
unsigned compileProcesses();

/// Runs every job once, on this process and up to processes - 1 forked children that
/// take the next job from a shared counter. A job reports failure by throwing; the
/// result is "" or the first failed job's message. Jobs write only files: a child's
/// memory is gone when it exits.
std::string runJobs(const std::vector<std::function<void()>> &jobs, unsigned processes);

} // namespace nnc::codegen

#endif

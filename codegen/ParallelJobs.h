// Independent compile jobs on several processes: Halide compiles one pipeline at a
// time on one thread, and an output has tens of kernels.
#ifndef NNC_CODEGEN_PARALLELJOBS_H
#define NNC_CODEGEN_PARALLELJOBS_H

#include <functional>
#include <string>
#include <vector>

namespace nnc::codegen {

/// The number of processes compile jobs use at once: NNC_JOBS when set, else the
/// hardware threads.
unsigned compileProcesses();

/// Runs every job once, each in a child process of its own (up to `processes` at
/// once), so that every job starts from this process's state and the results do not
/// depend on how many run together. A job reports failure by throwing, and
/// returns whether it counts (a cache hit, say): *counted receives how many did. The
/// result is "" or the first failed job's message. Jobs write only files: a child's
/// memory is gone when it exits.
std::string runJobs(const std::vector<std::function<bool()>> &jobs, unsigned processes,
                    size_t *counted = nullptr);

} // namespace nnc::codegen

#endif

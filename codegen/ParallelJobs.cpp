// Independent compile jobs on several processes: Halide compiles one pipeline at a
// time on one thread, and an output has tens of kernels.
#include "codegen/ParallelJobs.h"

#include "Halide.h"

#include <cerrno>
#include <cstdlib>
#include <exception>
#include <map>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

namespace nnc::codegen {

namespace {

/// Runs one job: "" or its error; *counted when it counts.
std::string runOne(const std::function<bool()> &job, bool *counted) {
  try {
    *counted = job();
    return "";
  } catch (const Halide::Error &e) {
    return e.what();
  } catch (const std::exception &e) {
    return e.what();
  }
}

/// A child's exit codes: done, done and counted; anything else failed.
enum { kDone = 0, kCounted = 3 };

} // namespace

unsigned compileProcesses() {
  if (const char *env = std::getenv("NNC_JOBS")) {
    long n = std::strtol(env, nullptr, 10);
    if (n >= 1)
      return (unsigned)std::min(n, 64L);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

std::string runJobs(const std::vector<std::function<bool()>> &jobs, unsigned processes,
                    size_t *counted) {
  // Each job runs in a child of its own, forked from this process: every job starts
  // from the same compiler state (Halide numbers the names it makes per process), so
  // the objects are the same whatever the number of processes.
  struct Child {
    int fd; // the read end of its error pipe
  };
  std::map<pid_t, Child> running;
  std::string error;
  size_t count = 0;
  auto reap = [&]() {
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, 0)) < 0 && errno == EINTR) {
    }
    auto it = running.find(pid);
    if (it == running.end())
      return;
    std::string message;
    char buf[4096];
    for (ssize_t n; (n = read(it->second.fd, buf, sizeof buf)) > 0;)
      message.append(buf, (size_t)n);
    close(it->second.fd);
    running.erase(it);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code == kCounted)
      ++count;
    else if (code != kDone && error.empty())
      error = !message.empty()       ? message
              : WIFSIGNALED(status) ? "a compile process was killed by signal " +
                                          std::to_string(WTERMSIG(status))
                                    : "a compile process failed";
  };
  for (const std::function<bool()> &job : jobs) {
    while (running.size() >= std::max(1u, processes))
      reap();
    if (!error.empty())
      break;
    int fds[2];
    pid_t pid = pipe(fds) == 0 ? fork() : -1;
    if (pid == 0) { // the child: the job, its error (if any) down the pipe, no unwinding
      close(fds[0]);
      bool jobCounted = false;
      std::string message = runOne(job, &jobCounted).substr(0, 4000);
      if (!message.empty() && write(fds[1], message.data(), message.size()) < 0)
        _exit(1);
      _exit(!message.empty() ? 1 : jobCounted ? kCounted : kDone);
    }
    if (pid < 0) { // no process to be had: the job runs here
      bool jobCounted = false;
      std::string message = runOne(job, &jobCounted);
      count += jobCounted;
      if (!message.empty() && error.empty())
        error = message;
      continue;
    }
    close(fds[1]);
    running[pid] = {fds[0]};
  }
  while (!running.empty())
    reap();
  if (counted)
    *counted = count;
  return error;
}

} // namespace nnc::codegen

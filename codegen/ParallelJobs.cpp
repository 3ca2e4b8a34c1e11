// Independent compile jobs on several processes: Halide compiles one pipeline at a
// time on one thread, and an output has tens of kernels.
#include "codegen/ParallelJobs.h"

#include "Halide.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <thread>

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

namespace nnc::codegen {

namespace {

/// Runs jobs taken from `next` until none is left; "" or the first error.
std::string drain(const std::vector<std::function<void()>> &jobs, std::atomic<size_t> *next) {
  for (size_t i; (i = next->fetch_add(1)) < jobs.size();) {
    try {
      jobs[i]();
    } catch (const Halide::Error &e) {
      return e.what();
    } catch (const std::exception &e) {
      return e.what();
    }
  }
  return "";
}

} // namespace

unsigned compileProcesses() {
  if (const char *env = std::getenv("NNC_JOBS")) {
    long n = std::strtol(env, nullptr, 10);
    if (n >= 1)
      return (unsigned)std::min(n, 64L);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

std::string runJobs(const std::vector<std::function<void()>> &jobs, unsigned processes) {
  processes = std::min<size_t>(processes, jobs.size());
  void *shared = processes > 1 ? mmap(nullptr, sizeof(std::atomic<size_t>),
                                      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0)
                               : MAP_FAILED;
  if (shared == MAP_FAILED) { // one process
    std::atomic<size_t> next{0};
    return drain(jobs, &next);
  }
  auto *next = new (shared) std::atomic<size_t>(0);
  struct Child {
    pid_t pid;
    int fd; // the read end of its error pipe
  };
  std::vector<Child> children;
  for (unsigned p = 1; p < processes; ++p) {
    int fds[2];
    if (pipe(fds) != 0)
      break;
    pid_t pid = fork();
    if (pid == 0) { // the child: its jobs, its error (if any) down the pipe, no unwinding
      close(fds[0]);
      std::string error = drain(jobs, next);
      for (size_t off = 0; off < error.size();) {
        ssize_t n = write(fds[1], error.data() + off, error.size() - off);
        if (n <= 0)
          break;
        off += (size_t)n;
      }
      _exit(error.empty() ? 0 : 1);
    }
    close(fds[1]);
    if (pid < 0) {
      close(fds[0]);
      break; // fewer processes: this one takes their share
    }
    children.push_back({pid, fds[0]});
  }
  std::string error = drain(jobs, next);
  for (const Child &c : children) {
    std::string message;
    char buf[4096];
    for (ssize_t n; (n = read(c.fd, buf, sizeof buf)) > 0;)
      message.append(buf, (size_t)n);
    close(c.fd);
    int status = 0;
    while (waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
    }
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok && error.empty())
      error = !message.empty() ? message
              : WIFSIGNALED(status)
                  ? "a compile process was killed by signal " +
                        std::to_string(WTERMSIG(status))
                  : "a compile process failed";
  }
  munmap(shared, sizeof(std::atomic<size_t>));
  return error;
}

} // namespace nnc::codegen

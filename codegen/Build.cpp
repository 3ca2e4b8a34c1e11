// Building an output file from an nn module: kernels, host code, runtime, link, header.
#include "codegen/Build.h"

#include "codegen/HostEmitter.h"
#include "codegen/KernelCache.h"
#include "codegen/ObjectEmitter.h"
#include "codegen/Target.h"
#include "codegen/ParallelJobs.h"
#include "codegen/kernels/Kernel.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>

namespace nnc::codegen {

std::string outputName(const std::string &path) {
  std::string stem = llvm::sys::path::stem(path).str();
  std::string out;
  for (char c : stem)
    out += (llvm::isAlnum(c) || c == '_') ? c : '_';
  if (out.empty() || llvm::isDigit(out[0]))
    out = "model_" + out;
  return out;
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

/// The runtime libraries built with nnc (NNC_RUNTIME_DIR relocates them).
std::string runtimeLibrary(const char *file) {
  if (const char *dir = std::getenv("NNC_RUNTIME_DIR"))
    return (llvm::Twine(dir) + "/" + file).str();
  return (llvm::Twine(NNC_RUNTIME_DIR) + "/" + file).str();
}

/// The first line of a tool's log that says "error" (else its first line, else
/// `fallback`), without the tool's path prefix.
std::string firstToolError(llvm::StringRef logPath, const std::string &fallback) {
  auto text = llvm::MemoryBuffer::getFile(logPath);
  if (!text)
    return fallback.empty() ? "the linker failed" : fallback;
  llvm::SmallVector<llvm::StringRef> lines;
  (*text)->getBuffer().split(lines, '\n', -1, /*KeepEmpty=*/false);
  // The linker's own error lines: an undefined symbol, or "ld: error"; not collect2's
  // summary, nor the "in function" line before an undefined reference.
  for (llvm::StringRef line : lines)
    if (line.contains("undefined reference") ||
        (line.contains("error") && !line.starts_with("collect2") && !line.contains("in function")))
      return line.trim().str();
  if (!lines.empty())
    return lines.front().trim().str();
  return fallback.empty() ? "the linker failed" : fallback;
}

/// Runs `cc` to link the objects into a shared library or an executable at `out`;
/// "" or the linker's first error line.
std::string link(const std::vector<std::string> &objects, const std::string &out,
                 bool executable) {
  auto cc = llvm::sys::findProgramByName("cc");
  if (!cc)
    return "no C compiler driver 'cc' on PATH to link with";
  std::vector<std::string> args{*cc, executable ? "-no-pie" : "-shared", "-o", out};
  args.insert(args.end(), objects.begin(), objects.end());
  if (executable)
    args.insert(args.end(), {runtimeLibrary("libnnrt_main.a"), runtimeLibrary("libnnrt_data.a")});
  args.insert(args.end(), {"-Wl,--whole-archive", runtimeLibrary("libnnrt.a"),
                           "-Wl,--no-whole-archive"});
  if (executable) // kernel names for NNRT_PROFILE=1's report (dladdr)
    args.push_back("-Wl,--export-dynamic");
  if (executable) // image decoding, linked statically: the executable needs only libc/libm
    args.insert(args.end(), {"-l:libpng.a", "-l:libjpeg.a", "-l:libz.a"});
  args.insert(args.end(), {"-lm", "-lpthread", "-ldl"});
  if (*NNC_SANITIZE_LINK) // a sanitizer build's runtime needs the sanitizers' own runtime
    args.push_back(NNC_SANITIZE_LINK);
  std::vector<llvm::StringRef> refs(args.begin(), args.end());
  // The linker's own lines go to a file: a failure is reported as one nnc line
  // with the tool's first error, not as the linker's page of relocations.
  llvm::SmallString<128> log;
  if (llvm::sys::fs::createTemporaryFile("nnc-link", "log", log))
    return "cannot create a temporary file";
  auto removeLog = llvm::make_scope_exit([&] { llvm::sys::fs::remove(log); });
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log.str(), log.str()};
  std::string error;
  int rc = llvm::sys::ExecuteAndWait(*cc, refs, std::nullopt, redirects, 0, 0, &error);
  return rc == 0 ? "" : firstToolError(log, error);
}

/// Reports an error about the output itself (not about a place in the model) as one
/// `nnc: error:` line.
mlir::LogicalResult outputError(const std::string &message) {
  llvm::WithColor::error(llvm::errs(), "nnc") << message << "\n";
  return mlir::failure();
}

/// Host code for this CPU unless the kernels target another machine's CPU.
bool portableHost(const std::string &target) { return target != "host" && target != "cuda"; }

} // namespace

mlir::LogicalResult buildOutput(mlir::ModuleOp model, const BuildOptions &options) {
  auto start = Clock::now();
  mlir::Location loc = model.getLoc();
  std::string name = outputName(options.output);
  bool executable = !llvm::StringRef(options.output).ends_with(".so");
  TargetInfo target = TargetInfo::from(options.target);
  bool gpu = target.gpu;
  mlir::FailureOr<ModelBuild> build =
      buildHost(model, name, executable ? &options.summary : nullptr, options.optLevel, target);
  if (mlir::failed(build))
    return mlir::failure();

  llvm::SmallString<128> dir;
  if (std::error_code ec = llvm::sys::fs::createUniqueDirectory("nnc", dir))
    return mlir::emitError(loc, "cannot create a temporary folder: ") << ec.message();
  auto cleanup = llvm::make_scope_exit([&] { llvm::sys::fs::remove_directories(dir); });
  auto file = [&](llvm::StringRef leaf) {
    llvm::SmallString<128> p(dir);
    llvm::sys::path::append(p, leaf);
    return std::string(p);
  };

  // Every kernel and the Halide runtime is its own object: copied from the kernel
  // cache when it holds it, else compiled (and stored), on several processes
  // (ParallelJobs), the runtime first (the longest job). Keys are made here, before
  // the processes fork.
  auto phase = Clock::now();
  KernelCache cache = KernelCache::open(!options.cache);
  std::string resolved = resolvedTarget(options.target);
  std::vector<std::string> objects{file("halide_runtime.o")};
  std::vector<std::function<bool()>> jobs;
  std::string runtimeKey = cache.key("the Halide runtime", resolved);
  jobs.push_back([&, runtimeKey] {
    if (cache.fetch(runtimeKey, objects[0], ""))
      return true;
    compileRuntime(objects[0], options.target);
    cache.store(runtimeKey, objects[0]);
    return false;
  });
  for (auto &[symbol, kernel] : build->kernels) {
    // Short names: a symbol follows the output's name, which may be long.
    objects.push_back(file("k" + std::to_string(objects.size()) + ".o"));
    std::string key = kernel->origin.empty() ? "" : cache.key(kernel->origin, resolved);
    jobs.push_back([&, path = objects.back(), symbol = symbol, kernel = kernel, key] {
      if (key.empty() || !cache.enabled()) {
        if (gpu)
          scheduleGpu(*kernel);
        compileKernel(*kernel, path, symbol, options.target);
        return false;
      }
      if (cache.fetch(key, path, symbol))
        return true;
      // Compiled under the key's own symbol, stored, then renamed for this output.
      std::string canonical = KernelCache::canonicalSymbol(key), staged = path + ".canonical";
      if (gpu)
        scheduleGpu(*kernel);
      compileKernel(*kernel, staged, canonical, options.target);
      cache.store(key, staged);
      std::string error = KernelCache::renameSymbols(staged, path, canonical, symbol);
      if (!error.empty())
        throw std::runtime_error("renaming the symbols of " + symbol + ": " + error);
      return false;
    });
  }
  size_t cached = 0;
  if (std::string error = runJobs(jobs, compileProcesses(), &cached); !error.empty())
    return mlir::emitError(loc, "kernel generation failed: ") << error;
  cache.trim();
  double kernelTime = seconds(phase);

  phase = Clock::now();
  objects.push_back(file("host.o"));
  if (mlir::failed(emitObject(*build->host, objects.back(), nullptr, false,
                              portableHost(options.target))))
    return mlir::failure();
  double hostTime = seconds(phase);

  // Link next to the output, write the header next to its place, then rename both:
  // a failure leaves neither a partial file nor a new header beside an old library.
  phase = Clock::now();
  std::string partial = options.output + ".partial";
  if (std::string error = link(objects, partial, executable); !error.empty()) {
    llvm::sys::fs::remove(partial);
    return outputError(fmt::format("linking {} failed: {}", options.output, error));
  }
  double linkTime = seconds(phase);
  // NAME.h beside NAME.so (NAME: the file stem; the C prefix is its identifier form).
  llvm::SmallString<128> header(options.output);
  llvm::sys::path::replace_extension(header, "h");
  std::string headerPartial = (header + ".partial").str();
  auto removePartials = [&] {
    llvm::sys::fs::remove(partial);
    llvm::sys::fs::remove(headerPartial);
  };
  std::error_code ec;
  {
    llvm::raw_fd_ostream os(headerPartial, ec);
    if (!ec) {
      os << modelHeader(*build);
      os.close();
      if (os.has_error())
        ec = os.error();
    }
  }
  if (ec) {
    removePartials();
    return outputError(fmt::format("cannot write {}: {}", header.str().str(), ec.message()));
  }
  if ((ec = llvm::sys::fs::rename(partial, options.output))) {
    removePartials();
    return outputError(fmt::format("cannot write {}: {}", options.output, ec.message()));
  }
  if ((ec = llvm::sys::fs::rename(headerPartial, header))) {
    llvm::sys::fs::remove(headerPartial);
    return outputError(fmt::format("cannot write {}: {}", header.str().str(), ec.message()));
  }
  if (options.timeReport) {
    uint64_t size = 0;
    llvm::sys::fs::file_size(options.output, size);
    llvm::errs() << fmt::format("nnc: {} kernels {:.2f} s ({} of {} objects from the kernel "
                                "cache{}), host code {:.2f} s, link {:.2f} s, total {:.2f} s; {} "
                                "is {} KB\n",
                                build->kernels.size(), kernelTime, cached, jobs.size(),
                                cache.enabled() ? " " + cache.folder() : ", disabled", hostTime,
                                linkTime, seconds(start), options.output, (size + 1023) / 1024);
  }
  return mlir::success();
}

mlir::LogicalResult emitHostLLVM(mlir::ModuleOp model, const std::string &name, std::string &ir) {
  mlir::FailureOr<ModelBuild> build = buildHost(model, name);
  if (mlir::failed(build))
    return mlir::failure();
  llvm::SmallString<128> tmp;
  if (llvm::sys::fs::createTemporaryFile("nnc-host", "o", tmp))
    return mlir::emitError(model.getLoc(), "cannot create a temporary file");
  auto cleanup = llvm::make_scope_exit([&] { llvm::sys::fs::remove(tmp); });
  return emitObject(*build->host, std::string(tmp), &ir);
}

mlir::LogicalResult emitHostObject(mlir::ModuleOp model, const std::string &name,
                                   const std::string &path) {
  mlir::FailureOr<ModelBuild> build = buildHost(model, name);
  if (mlir::failed(build))
    return mlir::failure();
  return emitObject(*build->host, path);
}

/// Reads a whole text file into `text` (appending).
static bool appendFile(const std::string &path, std::string &text) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return false;
  text += (*buffer)->getBuffer();
  return true;
}

mlir::LogicalResult emitKernelText(mlir::ModuleOp model, const std::string &name,
                                   const std::string &target, bool assembly, std::string &text) {
  TargetInfo info = TargetInfo::from(target);
  bool gpu = info.gpu;
  mlir::FailureOr<ModelBuild> build = buildHost(model, name, nullptr, 2, info);
  if (mlir::failed(build))
    return mlir::failure();
  llvm::SmallString<128> dir;
  if (llvm::sys::fs::createUniqueDirectory("nnc", dir))
    return mlir::emitError(model.getLoc(), "cannot create a temporary folder");
  auto cleanup = llvm::make_scope_exit([&] { llvm::sys::fs::remove_directories(dir); });
  text.clear();
  if (assembly) {
    std::string hostAsm = (dir + "/host.s").str();
    if (mlir::failed(emitObject(*build->host, hostAsm, nullptr, true, portableHost(target))))
      return mlir::failure();
    text += "; ---- host code ----\n";
    appendFile(hostAsm, text);
  }
  try {
    for (auto &[symbol, kernel] : build->kernels) {
      std::string path = (dir + "/" + symbol + ".txt").str();
      if (gpu)
        scheduleGpu(*kernel);
      writeKernelText(*kernel, path, symbol, target, assembly);
      text += (assembly ? "; ---- kernel " : "// ---- kernel ") + symbol + " ----\n";
      if (!appendFile(path, text))
        return mlir::emitError(model.getLoc(), "cannot read back ") << path;
    }
  } catch (const Halide::Error &e) {
    return mlir::emitError(model.getLoc(), "kernel generation failed: ") << e.what();
  }
  return mlir::success();
}

std::string memorySummary(mlir::ModuleOp model, mlir::ModuleOp asWritten, unsigned optLevel) {
  // A model the code generator cannot compile still has a summary: stay quiet.
  mlir::ScopedDiagnosticHandler quiet(model.getContext(),
                                      [](mlir::Diagnostic &) { return mlir::success(); });
  mlir::FailureOr<ModelBuild> build = buildHost(model, "model", nullptr, optLevel);
  if (mlir::failed(build))
    return "";
  mlir::FailureOr<ModelBuild> plain = mlir::failure();
  if (asWritten && optLevel)
    plain = buildHost(asWritten, "model", nullptr, 0);
  int64_t batch = 32;
  if (auto fit = model->getAttrOfType<mlir::DictionaryAttr>("nn.fit"))
    if (auto b = fit.getAs<mlir::IntegerAttr>("batch_size"))
      batch = b.getInt();
  return memoryReport(*build, batch, mlir::succeeded(plain) ? &*plain : nullptr);
}

mlir::LogicalResult emitHeader(mlir::ModuleOp model, const std::string &name, std::string &text,
                               unsigned optLevel) {
  mlir::FailureOr<ModelBuild> build = buildHost(model, name, nullptr, optLevel);
  if (mlir::failed(build))
    return mlir::failure();
  text = modelHeader(*build);
  return mlir::success();
}

} // namespace nnc::codegen

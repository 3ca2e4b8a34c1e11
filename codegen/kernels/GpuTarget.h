// Whether the kernels being built run on a GPU: kept apart from Kernel.h so that
// host-code emission can ask without including Halide.
#ifndef NNC_CODEGEN_KERNELS_GPUTARGET_H
#define NNC_CODEGEN_KERNELS_GPUTARGET_H

namespace nnc::codegen {

/// Whether the kernels built now are for a GPU (a CUDA target): each family then
/// skips its CPU schedule (or applies its own GPU schedule) and `scheduleGpu` covers
/// every stage left unscheduled; the descriptor says the model runs on the device.
bool gpuSchedules();

/// Sets gpuSchedules() on this thread for one build.
class GpuScheduleScope {
public:
  explicit GpuScheduleScope(bool gpu);
  ~GpuScheduleScope();
  GpuScheduleScope(const GpuScheduleScope &) = delete;
  GpuScheduleScope &operator=(const GpuScheduleScope &) = delete;

private:
  bool saved;
};

} // namespace nnc::codegen

#endif // NNC_CODEGEN_KERNELS_GPUTARGET_H

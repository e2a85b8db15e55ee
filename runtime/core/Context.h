// The context behind the C ABI's opaque dl_context: everything the runtime
// may change lives here, so two contexts never interfere.
#ifndef DL_RUNTIME_CORE_CONTEXT_H
#define DL_RUNTIME_CORE_CONTEXT_H

#include "BufferCache.h"
#include "Generator.h"
#include "ThreadPool.h"
#include "dl_runtime.h"

#include <string>

namespace dl {
struct CudaDevice;  // cuda/Cuda.cpp
constexpr int kDeviceAuto = 0, kDeviceCpu = 1, kDeviceCuda = 2;
void destroyCuda(dl_context *ctx);
void cudaForget(dl_context *ctx, const void *data);  // a host buffer is freed
} // namespace dl

struct dl_context {
  dl::Generator generator;
  dl_print_options printOptions;
  int threads = 1;
  dl::ThreadPool pool;  // threads - 1 workers, started by the first parallel loop
  dl::BufferCache buffers;  // dl_buffer_alloc's memory, reused across steps
  bool printStats = false;  // --stats
  std::string lastError;
  const char *ptx = nullptr;         // the program's kernels (dl_cuda_enable), or none
  int device = dl::kDeviceAuto;      // --device=
  dl::CudaDevice *cuda = nullptr;    // the device in use (dl_cuda_start), or none
};

namespace dl {

// PyTorch 1.13's defaults (torch.set_printoptions(profile="default")) and
// DL's 8 decimals for scalars.
dl_print_options defaultPrintOptions();

// Records a failure on ctx and returns its status, for `return fail(...)`.
int fail(dl_context *ctx, dl_status status, const std::string &message);

} // namespace dl

// Every entry point starts with this: a null context cannot record an error.
#define DL_CHECK_CONTEXT(ctx)                                                  \
  do {                                                                         \
    if ((ctx) == nullptr)                                                      \
      return DL_ERR_ARG;                                                       \
  } while (0)

#endif

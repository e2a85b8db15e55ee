// The context behind the C ABI's opaque dl_context: everything the runtime
// may change lives here, so two contexts never interfere.
#ifndef DL_RUNTIME_CORE_CONTEXT_H
#define DL_RUNTIME_CORE_CONTEXT_H

#include "BufferCache.h"
#include "Generator.h"
#include "ThreadPool.h"
#include "dl_runtime.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dl {

// --resume, and where a resumed run stands (data/Checkpoint.cpp).
struct ResumeState {
  bool requested = false;         // --resume
  bool pending = false;           // restored; the checkpoint statement not reached again yet
  std::vector<int64_t> position;  // the loop indices the run restarts at, outermost first
  int64_t count = 0;              // times the checkpoint statement has run
};

// The progress line of batch loops on a terminal (core/Progress.cpp).
struct ProgressLine {
  bool quiet = false;    // --quiet
  bool enabled = false;  // not quiet, and stdout and stderr are terminals
  bool visible = false;  // a line is on the terminal now
  double started = -1;   // seconds (steady clock) of the first update
  double drawn = -1;     // of the last draw
  int64_t steps = 0;     // updates since the first
  int64_t epoch = -1;    // the epoch of the loss sum
  double lossSum = 0;    // this epoch's losses so far
  int64_t losses = 0;
};

// Erases the progress line, if one is shown, before other output.
void clearProgress(const dl_context *ctx);

} // namespace dl


// A series of points collected for plot() (include/dl_plot.h).
struct dl_series {
  std::string name;
  std::vector<double> x, y;
};

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
  dl::ResumeState resume;
  // mutable: the line is erased before any output, dl_error_report's too
  // (which takes a const context).
  mutable dl::ProgressLine progress;
  std::string lastError;
  std::map<int64_t, dl_series> series;  // plot(): the series of the program, by id
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

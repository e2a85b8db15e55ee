/* dl_cuda.h: the CUDA half of the runtime, for programs compiled with
 * `dlc --target=cuda`. The driver is loaded at run time (dlopen of
 * libcuda.so.1), so a binary needs nothing but the NVIDIA driver on a GPU
 * machine and still runs on the CPU everywhere else.
 *
 * Memory: every tensor buffer keeps its host address (from dl_buffer_alloc,
 * or a stack slot) as its name; a device twin of the same size is made when a
 * kernel first needs it. Each buffer knows whether its host copy, its device
 * copy or both are current: a kernel's result is current on the device only,
 * and it is copied back (dl_cuda_to_host) only when the host reads it — for
 * printing, saving, a loop bound, an op without a kernel. So parameters,
 * gradients and optimizer state stay on the device across steps.
 * dl_buffer_free forgets the twin and keeps its device memory for a later
 * buffer of the same size. Nothing here uses managed (unified) memory. */
#ifndef DL_CUDA_H
#define DL_CUDA_H

#include <stdint.h>

#include "dl_runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* This program carries kernels (PTX text, kept by pointer; it must outlive the
 * context). Call before dl_program_start, which then accepts --device=cuda. */
int dl_cuda_enable(dl_context *ctx, const char *ptx);

/* Picks the device after dl_program_start: *active = 1 when the kernels run
 * on a CUDA device. With --device=cpu, 0 silently. By default a machine
 * without a usable device (no libcuda.so.1, CUDA_ERROR_STUB_LIBRARY, no
 * device, a driver that cannot load the PTX) runs on the CPU after one line on
 * stderr saying why; with --device=cuda that is an error (DL_ERR_DEVICE). */
int dl_cuda_start(dl_context *ctx, int *active);

/* Launches `kernel` on grid_x × grid_y blocks of `block` threads (nothing when
 * the grid is empty). ptrs[0] is the result (bytes[0] bytes, current on the
 * device afterwards), ptrs[1..] the operands (copied to the device where only
 * the host has them); then `nints` i64 parameters. `where` names the source
 * position for error messages. */
int dl_cuda_launch(dl_context *ctx, const char *kernel, const char *where, int64_t grid_x, int64_t grid_y,
                   int64_t block, void *const *ptrs, const int64_t *bytes, int32_t nptrs, const int64_t *ints,
                   int32_t nints);

/* dst = src (`bytes` bytes): on the device when src is current only there. */
int dl_cuda_copy(dl_context *ctx, void *dst, const void *src, int64_t bytes);

/* Makes the host copy of `data` current before the host reads it. */
int dl_cuda_to_host(dl_context *ctx, const void *data, int64_t bytes);

/* The host has just written `data`: its device twin, if any, is stale. */
void dl_cuda_host_wrote(dl_context *ctx, const void *data, int64_t bytes);

#ifdef __cplusplus
}
#endif

#endif

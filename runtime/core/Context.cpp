// dl_context_* and dl_status_name: creation, errors, settings.
#include "Context.h"

#include <cstdio>
#include <new>
#include <thread>

namespace dl {

dl_print_options defaultPrintOptions() {
  dl_print_options options;
  options.precision = 4;
  options.threshold = 1000;
  options.edgeitems = 3;
  options.linewidth = 80;
  options.sci_mode = -1;
  options.scalar_precision = 8;
  return options;
}

int fail(dl_context *ctx, dl_status status, const std::string &message) {
  ctx->lastError = message;
  return status;
}

} // namespace dl

extern "C" {

const char *dl_dtype_name(dl_dtype dtype) {
  switch (dtype) {
  case DL_F32: return "f32";
  case DL_F64: return "f64";
  case DL_I32: return "i32";
  case DL_BOOL: return "bool";
  default: return "?";
  }
}

const char *dl_status_name(int status) {
  switch (status) {
  case DL_OK: return "DL_OK";
  case DL_ERR_ARG: return "DL_ERR_ARG";
  case DL_ERR_IO: return "DL_ERR_IO";
  case DL_ERR_DATA: return "DL_ERR_DATA";
  case DL_ERR_MEMORY: return "DL_ERR_MEMORY";
  case DL_ERR_DEVICE: return "DL_ERR_DEVICE";
  case DL_ERR_INTERNAL: return "DL_ERR_INTERNAL";
  case DL_ERR_STATE: return "DL_ERR_STATE";
  default: return "DL_ERR_UNKNOWN";
  }
}

int dl_context_create(dl_context **out) {
  if (out == nullptr)
    return DL_ERR_ARG;
  *out = new (std::nothrow) dl_context;
  if (*out == nullptr)
    return DL_ERR_MEMORY;
  (*out)->printOptions = dl::defaultPrintOptions();
  return DL_OK;
}

void dl_context_destroy(dl_context *ctx) {
  dl::clearProgress(ctx);
  if (ctx != nullptr && ctx->printStats) {
    std::fflush(stdout);  // keep the lines in order on a terminal
    std::fprintf(stderr, "stats: %lld buffers from the system\n",
                 static_cast<long long>(ctx->buffers.systemAllocations()));
  }
  if (ctx != nullptr) dl::destroyCuda(ctx);
  delete ctx;
}

const char *dl_context_last_error(const dl_context *ctx) {
  if (ctx == nullptr)
    return "no context (null dl_context pointer)";
  return ctx->lastError.c_str();
}

int dl_context_set_threads(dl_context *ctx, int threads) {
  DL_CHECK_CONTEXT(ctx);
  if (threads < 1)
    return dl::fail(ctx, DL_ERR_ARG, "thread count must be at least 1, got " + std::to_string(threads));
  ctx->threads = threads;
  return DL_OK;
}

int dl_hardware_threads(void) {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

int dl_parallel_for(dl_context *ctx, int64_t count, dl_task_fn fn, void *args) {
  DL_CHECK_CONTEXT(ctx);
  if (fn == nullptr || count < 0)
    return dl::fail(ctx, DL_ERR_ARG, "dl_parallel_for: null task or negative count");
  ctx->pool.run(ctx->threads, count, fn, args);
  return DL_OK;
}

int dl_parallel_for_chunks(dl_context *ctx, int64_t count, int chunks_per_thread, dl_task_fn fn, void *args) {
  DL_CHECK_CONTEXT(ctx);
  if (fn == nullptr || count < 0 || chunks_per_thread < 1)
    return dl::fail(ctx, DL_ERR_ARG, "dl_parallel_for_chunks: null task, negative count or fewer than 1 chunk per thread");
  ctx->pool.run(ctx->threads, count, fn, args, chunks_per_thread);
  return DL_OK;
}

int dl_context_get_threads(const dl_context *ctx, int *out) {
  if (ctx == nullptr || out == nullptr)
    return DL_ERR_ARG;
  *out = ctx->threads;
  return DL_OK;
}

} // extern "C"

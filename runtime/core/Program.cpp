// Services for the `main` that dlc generates: element buffers, run-time
// errors, the standard streams and the program's command line. The generated
// code decides what to do on failure (print the error, exit 2); nothing here
// exits.
#include "Context.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <unistd.h>

namespace {

bool startsWith(const char *text, const char *prefix) {
  return std::strncmp(text, prefix, std::strlen(prefix)) == 0;
}

void writeUsage(const char *program) {
  std::printf("usage: %s [options]\n"
              "\n"
              "A program compiled by dlc.\n"
              "\n"
              "options:\n"
              "  --help          show this message and exit\n"
              "  --threads=N     threads for tensor kernels (default: every core)\n"
              "  --device=D      where tensors live: cpu, or cuda for a program compiled with\n"
              "                  --target=cuda (default: cuda when usable, else cpu)\n"
              "  --quiet         no progress line on the terminal (print() output is kept)\n"
              "  --resume        continue from the program's checkpoint file, if there is one\n"
              "  --stats         at exit, print to stderr how many buffers came from the system\n",
              program);
  std::fflush(stdout);
}

} // namespace

extern "C" {

int dl_buffer_alloc(dl_context *ctx, int64_t bytes, void **out) {
  DL_CHECK_CONTEXT(ctx);
  if (out == nullptr || bytes < 0)
    return dl::fail(ctx, DL_ERR_ARG, "invalid buffer size " + std::to_string(bytes));
  void *data = ctx->buffers.allocate(static_cast<uint64_t>(bytes));
  if (data == nullptr)
    return dl::fail(ctx, DL_ERR_MEMORY, "out of memory: cannot allocate " + std::to_string(bytes) + " bytes");
  *out = data;
  return DL_OK;
}

void dl_buffer_free(dl_context *ctx, void *data) {
  if (ctx == nullptr) {
    std::free(data);
    return;
  }
  if (ctx->cuda != nullptr)
    dl::cudaForget(ctx, data);
  ctx->buffers.release(data);
}

int dl_buffer_system_allocations(const dl_context *ctx, int64_t *out) {
  if (ctx == nullptr || out == nullptr)
    return DL_ERR_ARG;
  *out = ctx->buffers.systemAllocations();
  return DL_OK;
}

int dl_error_format(dl_context *ctx, const char *text, int64_t first, int64_t second) {
  DL_CHECK_CONTEXT(ctx);
  std::string message;
  const int64_t values[2] = {first, second};
  int next = 0;
  for (const char *p = text ? text : ""; *p; ++p) {
    if (p[0] == '{' && p[1] == '}' && next < 2) {
      message += std::to_string(values[next++]);
      ++p;
    } else {
      message += *p;
    }
  }
  return dl::fail(ctx, DL_ERR_ARG, message);
}

void dl_error_report(const dl_context *ctx) {
  std::fflush(stdout);
  dl::clearProgress(ctx);
  std::fprintf(stderr, "error: %s\n", dl_context_last_error(ctx));
  std::fflush(stderr);
}

FILE *dl_stdout(void) { return stdout; }
FILE *dl_stderr(void) { return stderr; }

int dl_program_start(dl_context *ctx, int argc, char **argv, int *exit_now) {
  DL_CHECK_CONTEXT(ctx);
  if (exit_now == nullptr)
    return dl::fail(ctx, DL_ERR_ARG, "dl_program_start: null exit_now");
  *exit_now = 0;
  // Every core unless --threads says otherwise: kernels split their work
  // without changing their arithmetic, so the numbers are the same.
  int status = dl_context_set_threads(ctx, dl_hardware_threads());
  if (status != DL_OK)
    return status;
  const char *program = argc > 0 && argv[0] ? argv[0] : "program";
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    if (std::strcmp(arg, "--help") == 0 || std::strcmp(arg, "-h") == 0) {
      writeUsage(program);
      *exit_now = 1;
      return DL_OK;
    }
    if (std::strcmp(arg, "--quiet") == 0) {
      ctx->progress.quiet = true;
      continue;
    }
    if (std::strcmp(arg, "--resume") == 0) {
      ctx->resume.requested = true;
      continue;
    }
    if (std::strcmp(arg, "--stats") == 0) {
      ctx->printStats = true;
      continue;
    }
    if (startsWith(arg, "--threads=")) {
      const char *number = arg + std::strlen("--threads=");
      char *end = nullptr;
      long threads = std::strtol(number, &end, 10);
      if (*number == '\0' || *end != '\0' || threads < 1 || threads > 4096)
        return dl::fail(ctx, DL_ERR_ARG, std::string("invalid thread count in '") + arg +
                                             "': expected a whole number from 1 to 4096");
      status = dl_context_set_threads(ctx, static_cast<int>(threads));
      if (status != DL_OK)
        return status;
      continue;
    }
    if (startsWith(arg, "--device=")) {
      const char *device = arg + std::strlen("--device=");
      if (std::strcmp(device, "cpu") == 0) {
        ctx->device = dl::kDeviceCpu;
        continue;
      }
      if (std::strcmp(device, "cuda") == 0 && ctx->ptx != nullptr) {
        ctx->device = dl::kDeviceCuda;
        continue;
      }
      return dl::fail(ctx, DL_ERR_ARG, std::string("unsupported device '") + device + "': this program was compiled for " +
                                           (ctx->ptx ? "cpu and cuda" : "cpu only (dlc --target=cuda adds cuda)"));
    }
    return dl::fail(ctx, DL_ERR_ARG, std::string("unknown option '") + arg + "' (see --help)");
  }
  // Progress lines only where a person watches both streams.
  ctx->progress.enabled = !ctx->progress.quiet && isatty(STDOUT_FILENO) && isatty(STDERR_FILENO);
  return DL_OK;
}

} // extern "C"

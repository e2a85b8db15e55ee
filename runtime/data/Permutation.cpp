// dl_randperm_i32, dl_randperm_seeded_i32 and dl_loader_order_i32
// (dl_dataset.h): torch.randperm on the CPU, with the context's generator or a
// private one, and the draws of a DataLoader's pass around it.
#include "Context.h"
#include "dl_dataset.h"

#include <limits>
#include <string>

namespace {

// randperm_cpu of PyTorch 1.13: the identity, then one swap per position,
// its partner drawn as random() % (n - i) among the positions not yet fixed.
void randperm(dl::Generator &generator, int32_t *out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<int32_t>(i);
  for (int64_t i = 0; i + 1 < n; ++i) {
    int64_t z = static_cast<int64_t>(generator.random() % static_cast<uint64_t>(n - i));
    int32_t saved = out[i];
    out[i] = out[i + z];
    out[i + z] = saved;
  }
}

int checkArguments(dl_context *ctx, int32_t *out, int64_t n, const char *function) {
  if (n < 0 || n > std::numeric_limits<int32_t>::max())
    return dl::fail(ctx, DL_ERR_ARG, std::string(function) + ": cannot permute " + std::to_string(n) + " rows");
  if (out == nullptr && n > 0) return dl::fail(ctx, DL_ERR_ARG, std::string(function) + ": null output buffer");
  return DL_OK;
}

} // namespace

extern "C" {

int dl_randperm_i32(dl_context *ctx, int32_t *out, int64_t n) {
  DL_CHECK_CONTEXT(ctx);
  if (int status = checkArguments(ctx, out, n, "dl_randperm_i32")) return status;
  randperm(ctx->generator, out, n);
  return DL_OK;
}

int dl_randperm_seeded_i32(dl_context *ctx, int32_t *out, int64_t n, uint64_t seed) {
  DL_CHECK_CONTEXT(ctx);
  if (int status = checkArguments(ctx, out, n, "dl_randperm_seeded_i32")) return status;
  dl::Generator generator;
  generator.seed(seed);
  randperm(generator, out, n);
  return DL_OK;
}

int dl_loader_order_i32(dl_context *ctx, int32_t *out, int64_t n, int shuffle, int seeded, uint64_t seed) {
  DL_CHECK_CONTEXT(ctx);
  if (int status = checkArguments(ctx, out, n, "dl_loader_order_i32")) return status;
  if (!shuffle) {
    if (!seeded) ctx->generator.random64();  // the pass's base seed, from torch's default generator
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<int32_t>(i);
    return DL_OK;
  }
  if (seeded) {
    dl::Generator generator;
    generator.seed(seed);
    generator.random64();  // the base seed
    randperm(generator, out, n);
    return DL_OK;
  }
  ctx->generator.random64();  // the base seed
  // RandomSampler: seed = torch.empty((), dtype=torch.int64).random_(), i.e.
  // random64() % 2^63, for a fresh generator that keeps its low 32 bits.
  dl::Generator generator;
  generator.seed(ctx->generator.random64() & 0x7fffffffffffffffULL);
  randperm(generator, out, n);
  return DL_OK;
}

} // extern "C"

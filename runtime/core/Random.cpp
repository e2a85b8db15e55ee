// dl_generator_seed and the dl_rand* / dl_uniform* / dl_normal* entry points:
// argument checks, then the context's Generator.
#include "Context.h"

#include <cmath>
#include <limits>
#include <type_traits>
#include <string>

namespace {

template <typename T>
int checkOutput(dl_context *ctx, T *out, int64_t n, const char *function) {
  if (n < 0)
    return dl::fail(ctx, DL_ERR_ARG, std::string(function) + ": negative element count " + std::to_string(n));
  if (out == nullptr && n > 0)
    return dl::fail(ctx, DL_ERR_ARG, std::string(function) + ": null output buffer");
  return DL_OK;
}

template <typename T>
int randint(dl_context *ctx, T *out, int64_t n, int64_t lo, int64_t hi, const char *function) {
  DL_CHECK_CONTEXT(ctx);
  if (int status = checkOutput(ctx, out, n, function))
    return status;
  if (lo >= hi)
    return dl::fail(ctx, DL_ERR_ARG, std::string(function) + ": empty range [" + std::to_string(lo) + ", " +
                                         std::to_string(hi) + ")");
  if (std::is_same<T, int32_t>::value &&
      (lo < std::numeric_limits<int32_t>::min() || hi - 1 > std::numeric_limits<int32_t>::max()))
    return dl::fail(ctx, DL_ERR_ARG, std::string(function) + ": range does not fit in i32");
  // hi - lo as unsigned: right even when the signed difference overflows.
  ctx->generator.fillRandint(out, n, static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo), lo);
  return DL_OK;
}

template <typename T>
int uniform(dl_context *ctx, T *out, int64_t n, double lo, double hi, const char *function) {
  DL_CHECK_CONTEXT(ctx);
  if (int status = checkOutput(ctx, out, n, function))
    return status;
  if (!(lo <= hi) || !std::isfinite(lo) || !std::isfinite(hi))
    return dl::fail(ctx, DL_ERR_ARG, std::string(function) + ": needs finite lo <= hi, got [" +
                                         std::to_string(lo) + ", " + std::to_string(hi) + ")");
  // torch casts the bounds to the element type before drawing.
  ctx->generator.fillUniform(out, n, static_cast<T>(lo), static_cast<T>(hi));
  return DL_OK;
}

template <typename T>
int normal(dl_context *ctx, T *out, int64_t n, double mean, double std, const char *function) {
  DL_CHECK_CONTEXT(ctx);
  if (int status = checkOutput(ctx, out, n, function))
    return status;
  if (!(std >= 0.0))
    return dl::fail(ctx, DL_ERR_ARG, std::string(function) + ": needs std >= 0, got " + std::to_string(std));
  ctx->generator.fillNormal(out, n, mean, std);
  return DL_OK;
}

} // namespace

extern "C" {

int dl_generator_seed(dl_context *ctx, uint64_t seed) {
  DL_CHECK_CONTEXT(ctx);
  ctx->generator.seed(seed);
  return DL_OK;
}

int dl_rand_f32(dl_context *ctx, float *out, int64_t n) { return uniform(ctx, out, n, 0.0, 1.0, "dl_rand_f32"); }
int dl_rand_f64(dl_context *ctx, double *out, int64_t n) { return uniform(ctx, out, n, 0.0, 1.0, "dl_rand_f64"); }

int dl_randint_f32(dl_context *ctx, float *out, int64_t n, int64_t lo, int64_t hi) {
  return randint(ctx, out, n, lo, hi, "dl_randint_f32");
}
int dl_randint_i32(dl_context *ctx, int32_t *out, int64_t n, int64_t lo, int64_t hi) {
  return randint(ctx, out, n, lo, hi, "dl_randint_i32");
}

int dl_randn_f32(dl_context *ctx, float *out, int64_t n) { return normal(ctx, out, n, 0.0, 1.0, "dl_randn_f32"); }
int dl_randn_f64(dl_context *ctx, double *out, int64_t n) { return normal(ctx, out, n, 0.0, 1.0, "dl_randn_f64"); }

int dl_uniform_f32(dl_context *ctx, float *out, int64_t n, double lo, double hi) {
  return uniform(ctx, out, n, lo, hi, "dl_uniform_f32");
}
int dl_uniform_f64(dl_context *ctx, double *out, int64_t n, double lo, double hi) {
  return uniform(ctx, out, n, lo, hi, "dl_uniform_f64");
}

int dl_normal_f32(dl_context *ctx, float *out, int64_t n, double mean, double std) {
  return normal(ctx, out, n, mean, std, "dl_normal_f32");
}
int dl_normal_f64(dl_context *ctx, double *out, int64_t n, double mean, double std) {
  return normal(ctx, out, n, mean, std, "dl_normal_f64");
}

} // extern "C"

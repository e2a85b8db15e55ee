// Elementwise math that generated code calls per element: the functions whose
// rounding is not fixed by IEEE 754, kept in one place so that they follow
// PyTorch's CPU kernels. Square roots, absolute values and the four
// arithmetic operations are exact in IEEE arithmetic and are emitted inline.
//
// torch 1.13 computes exp, log and tanh of f32 tensors with SLEEF's AVX2
// kernels (Sleef_expf8_u10, Sleef_logf8_u10, Sleef_tanhf8_u10), which differ
// from glibc's in the last bit for a few percent of inputs. The f32 functions
// below are those algorithms written out for one element, with std::fma where
// SLEEF's FMA build fuses (SLEEF is under the Boost Software License 1.0,
// (c) Naoki Shibata and contributors); they agree with torch bit for bit
// (test/runtime/MathTest.cpp). The others still use libm.
#include "dl_runtime.h"

#include <cfloat>
#include <cmath>
#include <cstring>

namespace {

// A float-float number x + y with |y| <= ulp(x) / 2.
struct F2 {
  float x, y;
};

float fma(float a, float b, float c) { return std::fma(a, b, c); }
float fmapn(float a, float b, float c) { return std::fma(a, b, -c); }  // a*b - c
float fmanp(float a, float b, float c) { return std::fma(-a, b, c); }  // c - a*b

int32_t bitsOf(float f) {
  int32_t i;
  std::memcpy(&i, &f, sizeof i);
  return i;
}
float fromBits(int32_t i) {
  float f;
  std::memcpy(&f, &i, sizeof f);
  return f;
}
float pow2i(int32_t q) { return fromBits(static_cast<int32_t>(static_cast<uint32_t>(q + 0x7f) << 23)); }
float ldexp2(float d, int32_t e) { return d * pow2i(e >> 1) * pow2i(e - (e >> 1)); }
float ldexp3(float d, int32_t q) {
  return fromBits(static_cast<int32_t>(static_cast<uint32_t>(bitsOf(d)) + (static_cast<uint32_t>(q) << 23)));
}
int32_t ilogb2k(float d) { return ((bitsOf(d) >> 23) & 0xff) - 0x7f; }
int32_t roundToInt(float x) { return static_cast<int32_t>(std::nearbyint(x)); }  // cvtps2dq: to nearest even

F2 add2(float x, float y) {
  float r = x + y, v = r - x;
  return {r, (x - (r - v)) + (y - v)};
}
F2 add2(F2 x, float y) {
  float r = x.x + y, v = r - x.x;
  return {r, ((x.x - (r - v)) + (y - v)) + x.y};
}
F2 add2(F2 x, F2 y) {
  float r = x.x + y.x, v = r - x.x;
  return {r, ((x.x - (r - v)) + (y.x - v)) + (x.y + y.y)};
}
F2 add(F2 x, F2 y) {  // |x| >= |y|
  float r = x.x + y.x;
  return {r, (((x.x - r) + y.x) + x.y) + y.y};
}
F2 add(F2 x, float y) {
  float r = x.x + y;
  return {r, ((x.x - r) + y) + x.y};
}
F2 add(float x, F2 y) {
  float r = x + y.x;
  return {r, ((x - r) + y.x) + y.y};
}
F2 scale(F2 d, float s) { return {d.x * s, d.y * s}; }
F2 neg(F2 d) { return {-d.x, -d.y}; }
F2 mul(F2 x, float y) {
  float r = x.x * y;
  return {r, fma(x.y, y, fmapn(x.x, y, r))};
}
F2 mul(F2 x, F2 y) {
  float r = x.x * y.x;
  return {r, fma(x.x, y.y, fma(x.y, y.x, fmapn(x.x, y.x, r)))};
}
F2 square(F2 x) {
  float r = x.x * x.x;
  return {r, fma(x.x + x.x, x.y, fmapn(x.x, x.x, r))};
}
F2 reciprocal(F2 d) {
  float q = 1.0f / d.x;
  return {q, q * fmanp(d.y, q, fmanp(d.x, q, 1))};
}
F2 divide(F2 n, F2 d) {
  float t = 1.0f / d.x, q = n.x * t;
  float u = fmapn(t, n.x, q);
  float y = fmanp(d.y, t, fmanp(d.x, t, 1));
  return {q, fma(q, y, fma(n.y, t, u))};
}

constexpr float kLn2Upper = 0.693145751953125f;
constexpr float kLn2Lower = 1.428606765330187045e-06f;
constexpr float kInvLn2 = 1.442695040888963407359924681001892137426645954152985934135449406931f;

// Sleef_expf_u10
float expF32(float d) {
  if (std::isnan(d)) return d;
  if (d < -104) return 0.0f;
  if (d > 100) return INFINITY;
  int32_t q = roundToInt(d * kInvLn2);
  float qf = static_cast<float>(q);
  float s = fma(qf, -kLn2Upper, d);
  s = fma(qf, -kLn2Lower, s);
  float u = 0.000198527617612853646278381f;
  u = fma(u, s, 0.00139304355252534151077271f);
  u = fma(u, s, 0.00833336077630519866943359f);
  u = fma(u, s, 0.0416664853692054748535156f);
  u = fma(u, s, 0.166666671633720397949219f);
  u = fma(u, s, 0.5f);
  u = 1.0f + fma(s * s, u, s);
  return ldexp2(u, q);
}

// Sleef_logf_u10
float logF32(float d) {
  const bool tiny = d < FLT_MIN;
  if (tiny) d = d * 1.8446744073709552e19f;  // 2^64
  int32_t e = ilogb2k(d * (1.0f / 0.75f));
  float m = ldexp3(d, -e);
  if (tiny) e -= 64;
  F2 s = mul(F2{0.69314718246459960938f, -1.904654323148236017e-09f}, static_cast<float>(e));
  F2 x = divide(add2(-1.0f, m), add2(1.0f, m));
  float x2 = x.x * x.x;
  float t = 0.3027294874f;
  t = fma(t, x2, 0.3996108174f);
  t = fma(t, x2, 0.6666694880f);
  s = add(s, scale(x, 2));
  s = add(s, x2 * x.x * t);
  float r = s.x + s.y;
  if (d == INFINITY) r = INFINITY;
  if (d < 0 || std::isnan(d)) r = NAN;
  if (d == 0) r = -INFINITY;
  return r;
}

// SLEEF's expk2f: e^d as a float-float, for d <= 9.
F2 expFloat2(F2 d) {
  int32_t q = roundToInt((d.x + d.y) * kInvLn2);
  F2 s = add2(d, static_cast<float>(q) * -kLn2Upper);
  s = add2(s, static_cast<float>(q) * -kLn2Lower);
  float u = 0.1980960224e-3f;
  u = fma(u, s.x, 0.1394256484e-2f);
  u = fma(u, s.x, 0.8333456703e-2f);
  u = fma(u, s.x, 0.4166637361e-1f);
  F2 t = add2(mul(s, u), 0.166666659414234244790680580464e+0f);
  t = add2(mul(s, t), 0.5f);
  t = add2(s, mul(square(s), t));
  t = add(1.0f, t);
  return {ldexp2(t.x, q), ldexp2(t.y, q)};
}

// Sleef_tanhf_u10
float tanhF32(float x) {
  if (std::isnan(x)) return x;
  if (std::fabs(x) > 8.664339742f) return std::copysign(1.0f, x);
  F2 d = expFloat2(F2{std::fabs(x), 0});
  F2 e = reciprocal(d);
  d = divide(add(d, neg(e)), add(d, e));
  float y = d.x + d.y;
  if (std::isnan(y)) y = 1.0f;
  return std::copysign(y, x);
}

} // namespace

extern "C" {

float dl_math_exp_f32(float x) { return expF32(x); }
float dl_math_log_f32(float x) { return logF32(x); }
float dl_math_tanh_f32(float x) { return tanhF32(x); }
float dl_math_sin_f32(float x) { return std::sin(x); }
float dl_math_cos_f32(float x) { return std::cos(x); }
float dl_math_pow_f32(float x, float y) { return std::pow(x, y); }

double dl_math_exp_f64(double x) { return std::exp(x); }
double dl_math_log_f64(double x) { return std::log(x); }
double dl_math_tanh_f64(double x) { return std::tanh(x); }
double dl_math_sin_f64(double x) { return std::sin(x); }
double dl_math_cos_f64(double x) { return std::cos(x); }
double dl_math_pow_f64(double x, double y) { return std::pow(x, y); }

// torch.pow on integer tensors: repeated squaring with wrap-around; negative
// exponents give 0 except for bases 1 and -1 (torch's own rule).
int32_t dl_math_pow_i32(int32_t base, int32_t exponent) {
  if (exponent < 0) {
    if (base == 1)
      return 1;
    if (base == -1)
      return (exponent & 1) ? -1 : 1;
    return 0;
  }
  uint32_t result = 1, b = static_cast<uint32_t>(base);
  for (uint32_t e = static_cast<uint32_t>(exponent); e != 0; e >>= 1) {
    if (e & 1)
      result *= b;
    b *= b;
  }
  return static_cast<int32_t>(result);
}

} // extern "C"

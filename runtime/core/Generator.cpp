// PyTorch 1.13's CPU distributions, reproduced bit for bit.
//
// The torch code lives in aten/src/ATen/core/DistributionsHelper.h,
// ATen/core/TransformationHelper.h and ATen/native/cpu/DistributionTemplates.h.
// torch compiles the CPU kernels once per instruction set and, on x86-64 with
// AVX2 (also on AVX-512 machines, where 1.13 still picks AVX2), runs the AVX2
// build: GCC contracts `a * b + c` into one fused multiply-add there, so the
// code below writes std::fma exactly where that build has one. The runtime
// itself is compiled with -ffp-contract=off, so every other operation rounds
// as written. Each std::fma placement was confirmed against torch on ~10^6
// draws; the tests in test/reference pin them down.
#include "Generator.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <cstring>
#include <type_traits>

namespace dl {

std::string Generator::state() const {
  std::ostringstream out;
  out << engine_ << ' ';
  if (nextDoubleNormal_) {
    char text[64];
    std::snprintf(text, sizeof text, "%a", *nextDoubleNormal_);
    out << text;
  } else {
    out << '-';
  }
  return out.str();
}

bool Generator::setState(const std::string &text) {
  std::istringstream in(text);
  std::mt19937 engine;
  std::string normal;
  if (!(in >> engine) || !(in >> normal))
    return false;
  std::string rest;
  if (in >> rest)
    return false;
  std::optional<double> cached;
  if (normal != "-") {
    char *end = nullptr;
    double value = std::strtod(normal.c_str(), &end);
    if (end == normal.c_str() || *end != '\0')
      return false;
    cached = value;
  }
  engine_ = engine;
  nextDoubleNormal_ = cached;
  return true;
}

namespace {

float bitsToFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}
uint32_t floatToBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

// ---- log and sincos of ATen's avx_mathfun.h, one lane at a time ------------
// (Pommier's AVX port of the Cephes single-precision routines, zlib licence.)
// The vector code is branch-free with masks; selecting with ?: is the same
// arithmetic. Polynomial steps are fused where the AVX2 build fuses them.

float cephesLog(float x) {
  const bool invalid = x <= 0.0f;            // the lane becomes NaN
  x = std::fmax(x, bitsToFloat(0x00800000)); // cut off denormals
  int32_t exponent = static_cast<int32_t>(floatToBits(x) >> 23) - 0x7f;
  x = bitsToFloat((floatToBits(x) & ~0x7f800000u) | floatToBits(0.5f)); // mantissa in [0.5, 1)
  float e = static_cast<float>(exponent) + 1.0f;
  // if (x < sqrt(1/2)) { e -= 1; x = x + x - 1; } else { x = x - 1; }
  const bool small = x < 0.707106781186547524f;
  const float addend = small ? x : 0.0f;
  x = x - 1.0f;
  e = e - (small ? 1.0f : 0.0f);
  x = x + addend;

  const float z = x * x;
  float y = 7.0376836292E-2f;
  y = std::fma(y, x, -1.1514610310E-1f);
  y = std::fma(y, x, 1.1676998740E-1f);
  y = std::fma(y, x, -1.2420140846E-1f);
  y = std::fma(y, x, 1.4249322787E-1f);
  y = std::fma(y, x, -1.6668057665E-1f);
  y = std::fma(y, x, 2.0000714765E-1f);
  y = std::fma(y, x, -2.4999993993E-1f);
  y = std::fma(y, x, 3.3333331174E-1f);
  y = y * x;
  y = std::fma(y, z, e * -2.12194440e-4f); // y*z + e*q1: the first product is fused
  y = std::fma(-z, 0.5f, y);               // y - z*0.5
  x = x + y;
  x = std::fma(e, 0.693359375f, x); // x + e*q2
  if (invalid)
    x = bitsToFloat(0xffffffffu);
  return x;
}

void cephesSinCos(float x, float *sinOut, float *cosOut) {
  uint32_t sinSign = floatToBits(x) & 0x80000000u;
  x = std::fabs(x);
  // j = (int)(x * 4/pi); j = (j + 1) & ~1; the octant picks polynomial and signs.
  int32_t j = static_cast<int32_t>(x * 1.27323954473516f);
  j = (j + 1) & ~1;
  const float y = static_cast<float>(j);
  sinSign ^= static_cast<uint32_t>(j & 4) << 29;
  const bool sinUsesSinPoly = (j & 2) == 0;
  const uint32_t cosSign = static_cast<uint32_t>(~(j - 2) & 4) << 29;

  // Extended-precision modular arithmetic: x = ((x - y*DP1) - y*DP2) - y*DP3.
  x = std::fma(y, -0.78515625f, x);
  x = std::fma(y, -2.4187564849853515625e-4f, x);
  x = std::fma(y, -3.77489497744594108e-8f, x);

  const float z = x * x;
  float cosPoly = 2.443315711809948E-005f; // for 0 <= x <= pi/4
  cosPoly = std::fma(cosPoly, z, -1.388731625493765E-003f);
  cosPoly = std::fma(cosPoly, z, 4.166664568298827E-002f);
  cosPoly = cosPoly * z;
  cosPoly = std::fma(cosPoly, z, -(z * 0.5f)); // y*z - z*0.5: the first product is fused
  cosPoly = cosPoly + 1.0f;

  float sinPoly = -1.9515295891E-4f;
  sinPoly = std::fma(sinPoly, z, 8.3321608736E-3f);
  sinPoly = std::fma(sinPoly, z, -1.6666654611E-1f);
  sinPoly = sinPoly * z;
  sinPoly = std::fma(sinPoly, x, x);

  // The vector code masks and adds; adding +0 can turn a -0 into +0, so keep it.
  const float sinFromSinPoly = sinUsesSinPoly ? sinPoly : 0.0f;
  const float sinFromCosPoly = sinUsesSinPoly ? 0.0f : cosPoly;
  const float sinValue = sinFromCosPoly + sinFromSinPoly;
  const float cosValue = (cosPoly - sinFromCosPoly) + (sinPoly - sinFromSinPoly);
  *sinOut = bitsToFloat(floatToBits(sinValue) ^ sinSign);
  *cosOut = bitsToFloat(floatToBits(cosValue) ^ cosSign);
}

// normal_fill_16_AVX2: Box-Muller on 16 uniforms in place, data[j] paired with
// data[j + 8].
void normalFill16Avx2(float *data, float mean, float std) {
  const float twoPi = static_cast<float>(2.0f * 3.14159265358979323846);
  for (int j = 0; j < 8; ++j) {
    const float u1 = 1.0f - data[j]; // [0, 1) -> (0, 1] for log
    const float u2 = data[j + 8];
    const float radius = std::sqrt(-2.0f * cephesLog(u1));
    const float theta = twoPi * u2;
    float sinTheta, cosTheta;
    cephesSinCos(theta, &sinTheta, &cosTheta);
    data[j] = std::fma(radius * cosTheta, std, mean);
    data[j + 8] = std::fma(radius * sinTheta, std, mean);
  }
}

// normal_fill_16<double>: the scalar template, with libm's log, cos and sin.
void normalFill16(double *data, double mean, double std) {
  const double twoPi = 2.0f * 3.14159265358979323846;
  for (int j = 0; j < 8; ++j) {
    const double u1 = 1 - data[j];
    const double u2 = data[j + 8];
    const double radius = std::sqrt(-2 * std::log(u1));
    const double theta = twoPi * u2;
    data[j] = std::fma(radius * std::cos(theta), std, mean);
    data[j + 8] = std::fma(radius * std::sin(theta), std, mean);
  }
}

} // namespace

double Generator::normalDouble(double mean, double std) {
  if (nextDoubleNormal_) {
    const double cached = *nextDoubleNormal_;
    nextDoubleNormal_.reset();
    return std::fma(cached, std, mean);
  }
  const double u1 = uniformDouble();
  const double u2 = uniformDouble();
  const double r = std::sqrt(-2.0 * std::log(1.0 - u2));
  const double theta = 2.0 * 3.14159265358979323846 * u1;
  nextDoubleNormal_ = r * std::sin(theta);
  return std::fma(r * std::cos(theta), std, mean);
}

// uniform_kernel: x * (to - from) + from, in the element type.
void Generator::fillUniform(float *out, int64_t n, float lo, float hi) {
  for (int64_t i = 0; i < n; ++i)
    out[i] = std::fma(uniformFloat(), hi - lo, lo);
}

void Generator::fillUniform(double *out, int64_t n, double lo, double hi) {
  for (int64_t i = 0; i < n; ++i)
    out[i] = std::fma(uniformDouble(), hi - lo, lo);
}

// normal_kernel: 16 or more elements take the vectorised Box-Muller of
// normal_fill(_AVX2) — all uniforms first, then blocks of 16, then a ragged
// tail recomputed as the last 16 elements from 16 fresh uniforms. Fewer take
// normal_distribution<double> one element at a time.
void Generator::fillNormal(float *out, int64_t n, double mean, double std) {
  if (n < 16) {
    for (int64_t i = 0; i < n; ++i)
      out[i] = static_cast<float>(normalDouble(mean, std));
    return;
  }
  const float meanF = static_cast<float>(mean), stdF = static_cast<float>(std);
  for (int64_t i = 0; i < n; ++i)
    out[i] = uniformFloat();
  for (int64_t i = 0; i < n - 15; i += 16)
    normalFill16Avx2(out + i, meanF, stdF);
  if (n % 16 != 0) {
    float *tail = out + n - 16;
    for (int i = 0; i < 16; ++i)
      tail[i] = uniformFloat();
    normalFill16Avx2(tail, meanF, stdF);
  }
}

void Generator::fillNormal(double *out, int64_t n, double mean, double std) {
  if (n < 16) {
    for (int64_t i = 0; i < n; ++i)
      out[i] = normalDouble(mean, std);
    return;
  }
  for (int64_t i = 0; i < n; ++i)
    out[i] = uniformDouble();
  for (int64_t i = 0; i < n - 15; i += 16)
    normalFill16(out + i, mean, std);
  if (n % 16 != 0) {
    double *tail = out + n - 16;
    for (int i = 0; i < 16; ++i)
      tail[i] = uniformDouble();
    normalFill16(tail, mean, std);
  }
}

// random_from_to_kernel: uniform_int_from_to_distribution draws 64 bits only
// when the range needs them (and the type can hold them), else 32.
template <typename T>
void Generator::fillRandint(T *out, int64_t n, uint64_t range, int64_t lo) {
  const bool wide = range >= (1ULL << 32) && !std::is_same<T, int32_t>::value;
  for (int64_t i = 0; i < n; ++i) {
    const uint64_t bits = wide ? random64() : random();
    out[i] = static_cast<T>(static_cast<int64_t>(bits % range + static_cast<uint64_t>(lo)));
  }
}

template void Generator::fillRandint<float>(float *, int64_t, uint64_t, int64_t);
template void Generator::fillRandint<double>(double *, int64_t, uint64_t, int64_t);
template void Generator::fillRandint<int32_t>(int32_t *, int64_t, uint64_t, int64_t);

} // namespace dl

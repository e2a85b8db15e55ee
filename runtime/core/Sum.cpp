// Float sums in PyTorch 1.13's order, so that sum() and mean() give torch's
// bits, not just its value to within rounding.
//
// ATen's cascade_sum (aten/src/ATen/native/cpu/SumKernel.cpp, AVX2 build)
// adds in a fixed pattern that depends only on the shape:
//   cascade(x, n)   multi_row_sum: running sums of chunks of 2^p elements
//                   (p = max(4, ceil(log2 n) / 4)), the chunk sums carried up
//                   through four levels, the levels added at the end;
//   rowSum(x, n)    row_sum: four interleaved cascades (x[k], x[k+4], ...),
//                   the leftover elements into the first, then the four added;
//   innerVector     vectorized_inner_sum, for a contiguous reduced dim of at
//                   least one vector (8 floats or 4 doubles): a rowSum per
//                   vector lane, the scalar tail summed from zero, then the
//                   lanes added to it in order;
//   outer           vectorized_outer_sum / scalar_outer_sum, for a reduced dim
//                   with contiguous outputs beside it: a cascade per output in
//                   full groups (4 vectors of outputs, or 4 outputs when fewer
//                   than a vector), rowSum for the outputs left over.
// The output starts at zero and the sum is added to it. Above 32768 elements
// torch may split the work across threads; that is not reproduced.
#include "dl_runtime.h"
#include "Vectorize.h"

#include <algorithm>
#include <cstdint>

namespace {

int64_t ceilLog2(int64_t x) {
  if (x <= 2) return 1;
  int64_t bits = 0;
  for (uint64_t v = static_cast<uint64_t>(x) - 1; v != 0; v >>= 1) ++bits;
  return bits;
}

template <typename T>
T cascade(const T *x, int64_t stride, int64_t n) {
  constexpr int levels = 4;
  const int64_t power = std::max<int64_t>(4, ceilLog2(n) / levels);
  const int64_t step = int64_t(1) << power;
  const int64_t mask = step - 1;
  T acc[levels] = {T(0), T(0), T(0), T(0)};
  int64_t i = 0;
  while (i + step <= n) {
    for (int64_t j = 0; j < step; ++j, ++i) acc[0] += x[i * stride];
    for (int j = 1; j < levels; ++j) {
      acc[j] += acc[j - 1];
      acc[j - 1] = T(0);
      if ((i & (mask << (j * power))) != 0) break;
    }
  }
  for (; i < n; ++i) acc[0] += x[i * stride];
  for (int j = 1; j < levels; ++j) acc[0] += acc[j];
  return acc[0];
}

// cascade() for W neighbouring columns at once: out[w] = cascade(x + w,
// stride, n). Each column gets exactly cascade's additions in cascade's
// order (the columns only share the loop control), so the bits are the same;
// the lanes are independent, which lets the compiler vectorise across them,
// as ATen's vectorised outer sum does.
template <typename T, int W>
DL_VECTORIZE void cascadeColumns(const T *x, int64_t stride, int64_t n, T *out) {
  constexpr int levels = 4;
  const int64_t power = std::max<int64_t>(4, ceilLog2(n) / levels);
  const int64_t step = int64_t(1) << power;
  const int64_t mask = step - 1;
  alignas(64) T acc[levels][W] = {};
  int64_t i = 0;
  while (i + step <= n) {
    for (int64_t j = 0; j < step; ++j, ++i) {
      const T *row = x + i * stride;
      for (int w = 0; w < W; ++w) acc[0][w] += row[w];
    }
    for (int j = 1; j < levels; ++j) {
      for (int w = 0; w < W; ++w) {
        acc[j][w] += acc[j - 1][w];
        acc[j - 1][w] = T(0);
      }
      if ((i & (mask << (j * power))) != 0) break;
    }
  }
  for (; i < n; ++i) {
    const T *row = x + i * stride;
    for (int w = 0; w < W; ++w) acc[0][w] += row[w];
  }
  for (int j = 1; j < levels; ++j)
    for (int w = 0; w < W; ++w) acc[0][w] += acc[j][w];
  for (int w = 0; w < W; ++w) out[w] = acc[0][w];
}

template <typename T>
T rowSum(const T *x, int64_t stride, int64_t n) {
  constexpr int ilp = 4;
  const int64_t rows = n / ilp;
  T partial[ilp];
  for (int k = 0; k < ilp; ++k) partial[k] = cascade(x + k * stride, ilp * stride, rows);
  for (int64_t i = rows * ilp; i < n; ++i) partial[0] += x[i * stride];
  for (int k = 1; k < ilp; ++k) partial[0] += partial[k];
  return partial[0];
}

// innerVectorSum for fewer than 4 * Lanes elements (a softmax over 10
// classes): no lane has a cascade, so each is a running sum from zero (the
// zeros the general path adds afterwards change no bits: a sum that starts
// at +0 is never -0) and the lanes are added to the tail's sum in order.
template <typename T, int Lanes>
DL_VECTORIZE T shortInnerVectorSum(const T *x, int64_t n) {
  const int64_t vectors = n / Lanes;
  alignas(64) T lanes[Lanes] = {};
  for (int64_t i = 0; i < vectors; ++i)
    for (int l = 0; l < Lanes; ++l) lanes[l] += x[i * Lanes + l];
  T total = T(0);
  for (int64_t k = vectors * Lanes; k < n; ++k) total += x[k];
  for (int l = 0; l < Lanes; ++l) total += lanes[l];
  return total;
}

template <typename T, int Lanes>
T innerVectorSum(const T *x, int64_t n) {
  if (n < 4 * Lanes)
    return shortInnerVectorSum<T, Lanes>(x, n);
  const int64_t vectors = n / Lanes;
  T lanes[Lanes];
  // lanes[l] = rowSum(x + l, Lanes, vectors): its four interleaved cascades
  // are the columns l + Lanes * k (k < 4) of rows of 4 * Lanes elements.
  constexpr int ilp = 4;
  const int64_t rows = vectors / ilp;
  T partial[ilp * Lanes];
  if (rows > 0) cascadeColumns<T, ilp * Lanes>(x, ilp * Lanes, rows, partial);
  else std::fill(partial, partial + ilp * Lanes, T(0));  // what the cascade of nothing gives
  for (int l = 0; l < Lanes; ++l) {
    T first = partial[l];
    for (int64_t i = rows * ilp; i < vectors; ++i) first += x[l + i * Lanes];
    for (int k = 1; k < ilp; ++k) first += partial[l + k * Lanes];
    lanes[l] = first;
  }
  T total = T(0);
  for (int64_t k = vectors * Lanes; k < n; ++k) total += x[k];
  for (int l = 0; l < Lanes; ++l) total += lanes[l];
  return total;
}

// out[o, j] = sum over k of in[o, k, j], in torch's order.
template <typename T, int Lanes>
void sum(const T *in, T *out, int64_t outer, int64_t n, int64_t inner) {
  for (int64_t o = 0; o < outer; ++o) {
    const T *block = in + o * n * inner;
    T *result = out + o * inner;
    if (inner == 1) {
      result[0] = T(0) + (n >= Lanes ? innerVectorSum<T, Lanes>(block, n) : rowSum(block, 1, n));
      continue;
    }
    const int64_t group = inner >= Lanes ? 4 * Lanes : 4;
    const int64_t grouped = inner / group * group;
    int64_t j = 0;
    alignas(64) T columns[4 * Lanes];
    for (; j < grouped; j += group) {
      if (group == 4 * Lanes) cascadeColumns<T, 4 * Lanes>(block + j, inner, n, columns);
      else cascadeColumns<T, 4>(block + j, inner, n, columns);
      for (int64_t w = 0; w < group; ++w) result[j + w] = T(0) + columns[w];
    }
    for (; j < inner; ++j) result[j] = T(0) + rowSum(block + j, inner, n);
  }
}

} // namespace

extern "C" {

void dl_sum_f32(const float *in, float *out, int64_t outer, int64_t n, int64_t inner) {
  sum<float, 8>(in, out, outer, n, inner);
}

void dl_sum_f64(const double *in, double *out, int64_t outer, int64_t n, int64_t inner) {
  sum<double, 4>(in, out, outer, n, inner);
}

} // extern "C"

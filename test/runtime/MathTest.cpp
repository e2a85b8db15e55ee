// The runtime's elementwise math and sums against PyTorch 1.13: inputs where
// glibc rounds differently from torch's SLEEF kernels, and shapes where
// torch's summation order changes the last bit. Expected values are torch's
// (torch.exp/log/tanh of a one-element f32 tensor; torch.sum).
#include "RuntimeTestSupport.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace {

struct MathCase {
  const char *function;
  float input, torch;
};

const MathCase kMathCases[] = {
  {"exp", -0x1.a37ccc0000000p+2f, 0x1.7537480000000p-10f},
  {"exp", -0x1.e392880000000p+1f, 0x1.76b5a80000000p-6f},
  {"exp", -0x1.e41d500000000p+1f, 0x1.75203c0000000p-6f},
  {"exp", -0x1.f7fae00000000p-1f, 0x1.7ea7e40000000p-2f},
  {"exp", -0x1.1ab9e40000000p+2f, 0x1.8b49740000000p-7f},
  {"exp", -0x1.f3b7b80000000p+1f, 0x1.4a4e140000000p-6f},
  {"log", 0x1.07429e0000000p+0f, 0x1.ca2ffc0000000p-6f},
  {"log", 0x1.7643e60000000p+1f, 0x1.12abd60000000p+0f},
  {"log", 0x1.77ee880000000p+2f, 0x1.c5411a0000000p+0f},
  {"log", 0x1.d535340000000p-1f, -0x1.657e7e0000000p-4f},
  {"log", 0x1.260cb00000000p+0f, 0x1.1bcb0e0000000p-3f},
  {"log", 0x1.77ac180000000p+2f, 0x1.c513d80000000p+0f},
  {"tanh", 0x1.cc88000000000p-1f, 0x1.6e9d140000000p-1f},
  {"tanh", -0x1.b4e2600000000p-1f, -0x1.62b49a0000000p-1f},
  {"tanh", 0x1.af63800000000p-1f, 0x1.5fd3800000000p-1f},
  {"tanh", -0x1.c45f400000000p-1f, -0x1.6a979c0000000p-1f},
  {"tanh", -0x1.f778000000000p-1f, -0x1.824ebe0000000p-1f},
  {"tanh", 0x1.316d000000000p-3f, 0x1.2f2e720000000p-3f},
};

float apply(const char *function, float x) {
  if (std::strcmp(function, "exp") == 0) return dl_math_exp_f32(x);
  if (std::strcmp(function, "log") == 0) return dl_math_log_f32(x);
  return dl_math_tanh_f32(x);
}

TEST(MathF32, RoundsLikeTorch) {
  for (const MathCase &c : kMathCases)
    EXPECT_EQ(apply(c.function, c.input), c.torch) << c.function << "(" << c.input << ")";
}

TEST(MathF32, SpecialValues) {
  EXPECT_EQ(dl_math_exp_f32(0.0f), 1.0f);
  EXPECT_EQ(dl_math_exp_f32(-200.0f), 0.0f);
  EXPECT_EQ(dl_math_exp_f32(200.0f), INFINITY);
  EXPECT_TRUE(std::isnan(dl_math_exp_f32(NAN)));
  EXPECT_EQ(dl_math_log_f32(1.0f), 0.0f);
  EXPECT_EQ(dl_math_log_f32(0.0f), -INFINITY);
  EXPECT_EQ(dl_math_log_f32(INFINITY), INFINITY);
  EXPECT_TRUE(std::isnan(dl_math_log_f32(-1.0f)));
  EXPECT_EQ(dl_math_tanh_f32(20.0f), 1.0f);
  EXPECT_EQ(dl_math_tanh_f32(-20.0f), -1.0f);
  EXPECT_EQ(dl_math_pow_i32(3, 4), 81);
  EXPECT_EQ(dl_math_pow_i32(-1, -3), -1);
  EXPECT_EQ(dl_math_pow_i32(2, -1), 0);
}

struct SumCase {
  int64_t outer, n, inner;
  std::vector<std::pair<int, float>> expected;  // (output index, torch's value)
};

// x = torch.arange(numel) * 0.37 - 3 (f32).
const SumCase kSumCases[] = {
  {1, 24, 1, {{0, 0x1.e1eb880000000p+4f}}},  // torch: x.reshape((24,)).sum()
  {1, 10, 1, {{0, -0x1.ab33320000000p+3f}}},  // torch: x.reshape((10,)).sum()
  {1, 5, 1, {{0, -0x1.69999a0000000p+3f}}},  // torch: x.reshape((5,)).sum()
  {3, 40, 1, {{0, 0x1.5133340000000p+7f}, {1, 0x1.7c4ccc0000000p+9f}, {2, 0x1.5226680000000p+10f}}},  // torch: x.reshape((3, 40)).sum(1)
  {1, 40, 3, {{0, 0x1.74e6640000000p+9f}, {1, 0x1.7c4ccc0000000p+9f}, {2, 0x1.83b3340000000p+9f}}},  // torch: x.reshape((40, 3)).sum(0)
  {1, 33, 40, {{0, 0x1.e236680000000p+12f}, {1, 0x1.e2f9c40000000p+12f}, {38, 0x1.ff36140000000p+12f}, {39, 0x1.fff9740000000p+12f}}},  // torch: x.reshape((33, 40)).sum(0)
  {1, 100, 9, {{0, 0x1.f9bc000000000p+13f}, {1, 0x1.fae4000000000p+13f}, {7, 0x1.00ea000000000p+14f}, {8, 0x1.017e000000000p+14f}}},  // torch: x.reshape((100, 9)).sum(0)
  // Groups of 4 columns, long rows, and many levels of the cascade (torch on one thread):
  {1, 40, 5, {{0, 0x1.4ac0000000000p+10f}, {2, 0x1.5226680000000p+10f}, {4, 0x1.598ccc0000000p+10f}}},  // torch: x.reshape((1, 40, 5)).sum(1)
  {1, 1000, 1, {{0, 0x1.631b800000000p+17f}}},  // torch: x.reshape((1, 1000, 1)).sum(1)
  {1, 600, 40, {{0, 0x1.446f000000000p+21f}, {20, 0x1.44f9c00000000p+21f}, {39, 0x1.457d900000000p+21f}}},  // torch: x.reshape((1, 600, 40)).sum(1)
  {2, 3000, 1, {{0, 0x1.9429500000000p+20f}, {1, 0x1.3049940000000p+22f}}},  // torch: x.reshape((2, 3000, 1)).sum(1)
};

TEST(SumF32, AddsInTorchsOrder) {
  for (const SumCase &c : kSumCases) {
    std::vector<float> in(static_cast<size_t>(c.outer * c.n * c.inner));
    for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<float>(i) * 0.37f - 3.0f;
    std::vector<float> out(static_cast<size_t>(c.outer * c.inner));
    dl_sum_f32(in.data(), out.data(), c.outer, c.n, c.inner);
    for (auto [index, value] : c.expected)
      EXPECT_EQ(out[static_cast<size_t>(index)], value) << c.outer << "x" << c.n << "x" << c.inner << " output " << index;
  }
}

} // namespace

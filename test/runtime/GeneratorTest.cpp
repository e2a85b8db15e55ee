// The generator's contract with PyTorch 1.13, checked on a few known values.
// (runtime-vs-reference and runtime-vs-torch compare thousands more.)
#include "RuntimeTestSupport.h"

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

// LANGUAGE.md: `seed(0); rand([5])` starts 0.4963, 0.7682, 0.0885, 0.1320, 0.3074.
TEST_F(RuntimeTest, Seed0RandMatchesTorch) {
  ASSERT_EQ(dl_generator_seed(ctx, 0), DL_OK);
  float x[5];
  ASSERT_EQ(dl_rand_f32(ctx, x, 5), DL_OK);
  const double torch[5] = {0.49625658988952637, 0.7682217955589294, 0.08847743272781372, 0.13203048706054688,
                           0.30742281675338745};
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(x[i], static_cast<float>(torch[i])) << i;
}

// torch seeds its default generator nondeterministically; a fresh context
// starts from ATen's default_rng_seed_val, so unseeded programs reproduce.
TEST_F(RuntimeTest, FreshContextStartsFromAtenDefaultSeed) {
  float x[3];
  ASSERT_EQ(dl_rand_f32(ctx, x, 3), DL_OK); // torch.manual_seed(67280421310721); torch.rand(3)
  EXPECT_EQ(x[0], 0.267295241355896f);
  EXPECT_EQ(x[1], 0.8725283145904541f);
  EXPECT_EQ(x[2], 0.3352888226509094f);
}

TEST_F(RuntimeTest, OnlyTheLow32BitsOfTheSeedCount) {
  float a[8], b[8];
  dl_generator_seed(ctx, (1ULL << 32) + 5);
  dl_rand_f32(ctx, a, 8);
  dl_generator_seed(ctx, 5);
  dl_rand_f32(ctx, b, 8);
  EXPECT_EQ(std::memcmp(a, b, sizeof a), 0);
}

TEST_F(RuntimeTest, RandintMatchesTorch) {
  dl_generator_seed(ctx, 0);
  float x[8];
  ASSERT_EQ(dl_randint_f32(ctx, x, 8, 0, 10), DL_OK);
  const float torch[8] = {4, 9, 3, 0, 3, 9, 7, 3};
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(x[i], torch[i]) << i;
  int32_t y[8];
  dl_generator_seed(ctx, 0);
  ASSERT_EQ(dl_randint_i32(ctx, y, 8, 0, 10), DL_OK);
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(y[i], static_cast<int32_t>(torch[i])) << i;
}

TEST_F(RuntimeTest, SmallRandnMatchesTorch) {
  dl_generator_seed(ctx, 0);
  float x[3];
  ASSERT_EQ(dl_randn_f32(ctx, x, 3), DL_OK);
  EXPECT_EQ(x[0], 1.5409960746765137f);
  EXPECT_EQ(x[1], -0.293428897857666f);
  EXPECT_EQ(x[2], -2.1787893772125244f);
}

// The small-tensor normal path caches the sine half of each Box-Muller pair;
// seeding forgets it, as torch.manual_seed does.
TEST_F(RuntimeTest, SeedingForgetsTheCachedNormal) {
  double first[2], again[2], odd;
  dl_generator_seed(ctx, 9);
  dl_randn_f64(ctx, first, 2);
  dl_generator_seed(ctx, 9);
  dl_randn_f64(ctx, &odd, 1); // leaves first[1] cached
  dl_generator_seed(ctx, 9);
  dl_randn_f64(ctx, again, 2);
  EXPECT_EQ(odd, first[0]);
  EXPECT_EQ(std::memcmp(first, again, sizeof first), 0);
}

TEST_F(RuntimeTest, LargeRandnIsStandardNormalInDistribution) {
  std::vector<float> x(100000);
  dl_generator_seed(ctx, 1);
  ASSERT_EQ(dl_randn_f32(ctx, x.data(), static_cast<int64_t>(x.size())), DL_OK);
  double sum = 0, squares = 0;
  for (float v : x) {
    ASSERT_TRUE(std::isfinite(v));
    sum += v;
    squares += static_cast<double>(v) * v;
  }
  const double mean = sum / x.size();
  EXPECT_NEAR(mean, 0.0, 0.02);
  EXPECT_NEAR(squares / x.size() - mean * mean, 1.0, 0.02);
}

TEST_F(RuntimeTest, UniformStaysInRange) {
  std::vector<double> x(10000);
  ASSERT_EQ(dl_uniform_f64(ctx, x.data(), static_cast<int64_t>(x.size()), -2.0, 3.0), DL_OK);
  for (double v : x) {
    EXPECT_GE(v, -2.0);
    EXPECT_LT(v, 3.0);
  }
}

TEST_F(RuntimeTest, RejectsBadArguments) {
  float x[4];
  EXPECT_EQ(dl_rand_f32(ctx, x, -1), DL_ERR_ARG);
  EXPECT_EQ(dl_rand_f32(ctx, nullptr, 4), DL_ERR_ARG);
  EXPECT_EQ(dl_rand_f32(ctx, nullptr, 0), DL_OK);
  EXPECT_EQ(dl_randint_f32(ctx, x, 4, 3, 2), DL_ERR_ARG);
  EXPECT_EQ(dl_uniform_f32(ctx, x, 4, 1.0, 0.0), DL_ERR_ARG);
  EXPECT_EQ(dl_normal_f32(ctx, x, 4, 0.0, -1.0), DL_ERR_ARG);
  int32_t y[4];
  EXPECT_EQ(dl_randint_i32(ctx, y, 4, 0, 1LL << 40), DL_ERR_ARG);
}

// The generator's bulk fill (rand of many elements) and its one-draw-at-a-time
// path (randint) stay in step with std::mt19937, word for word, across the
// 624-word refills: fills of every awkward size, interleaved with single draws.
TEST_F(RuntimeTest, BulkDrawsFollowMt19937WordForWord) {
  for (uint32_t seed : {0u, 1u, 12345u, 4294967295u}) {
    ASSERT_EQ(dl_generator_seed(ctx, seed), DL_OK);
    std::mt19937 reference(seed);
    for (int64_t n : {1, 623, 624, 625, 1000, 5, 3000, 1248, 7}) {
      std::vector<float> x(static_cast<size_t>(n));
      ASSERT_EQ(dl_rand_f32(ctx, x.data(), n), DL_OK);
      for (int64_t i = 0; i < n; ++i) {
        float expected = static_cast<float>(reference() & 0xFFFFFFu) * 0x1.0p-24f;
        ASSERT_EQ(x[static_cast<size_t>(i)], expected) << "seed " << seed << ", fill of " << n << ", element " << i;
      }
      int32_t k[3];
      ASSERT_EQ(dl_randint_i32(ctx, k, 3, 0, 1000), DL_OK);
      for (int32_t v : k) EXPECT_EQ(v, static_cast<int32_t>(reference() % 1000));
    }
  }
}

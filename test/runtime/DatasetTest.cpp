// dl_dataset.h: torch.randperm's permutations, checked on values from
// PyTorch 1.13 (test/reference/split_reference.py compares whole splits).
#include "RuntimeTestSupport.h"

#include "dl_dataset.h"

#include <cstring>
#include <vector>

// torch.randperm(10, generator=torch.Generator().manual_seed(0))
TEST_F(RuntimeTest, SeededRandpermMatchesTorch) {
  std::vector<int32_t> p(10);
  ASSERT_EQ(dl_randperm_seeded_i32(ctx, p.data(), 10, 0), DL_OK);
  EXPECT_EQ(p, (std::vector<int32_t>{4, 1, 7, 5, 3, 9, 0, 8, 6, 2}));
  std::vector<int32_t> q(7);
  ASSERT_EQ(dl_randperm_seeded_i32(ctx, q.data(), 7, 123), DL_OK);
  EXPECT_EQ(q, (std::vector<int32_t>{2, 0, 4, 5, 3, 1, 6}));
}

// A private generator: the context's draws are the same with or without it.
TEST_F(RuntimeTest, SeededRandpermLeavesTheContextGeneratorAlone) {
  float a[4], b[4];
  dl_generator_seed(ctx, 3);
  dl_rand_f32(ctx, a, 4);
  dl_generator_seed(ctx, 3);
  int32_t p[100];
  ASSERT_EQ(dl_randperm_seeded_i32(ctx, p, 100, 9), DL_OK);
  dl_rand_f32(ctx, b, 4);
  EXPECT_EQ(std::memcmp(a, b, sizeof a), 0);
}

// torch.manual_seed(5); torch.randperm(6); torch.rand(2): n - 1 draws, then rand goes on.
TEST_F(RuntimeTest, RandpermDrawsFromTheContextGenerator) {
  dl_generator_seed(ctx, 5);
  std::vector<int32_t> p(6);
  ASSERT_EQ(dl_randperm_i32(ctx, p.data(), 6), DL_OK);
  EXPECT_EQ(p, (std::vector<int32_t>{5, 0, 1, 3, 4, 2}));
  float r[2];
  ASSERT_EQ(dl_rand_f32(ctx, r, 2), DL_OK);
  EXPECT_EQ(r[0], 0.1166452169418335f);
  EXPECT_EQ(r[1], 0.16439151763916016f);
}

TEST_F(RuntimeTest, RandpermOfNothingAndBadSizes) {
  EXPECT_EQ(dl_randperm_i32(ctx, nullptr, 0), DL_OK);
  int32_t one = -1;
  EXPECT_EQ(dl_randperm_seeded_i32(ctx, &one, 1, 0), DL_OK);
  EXPECT_EQ(one, 0);
  EXPECT_EQ(dl_randperm_i32(ctx, &one, -1), DL_ERR_ARG);
  EXPECT_STREQ(dl_context_last_error(ctx), "dl_randperm_i32: cannot permute -1 rows");
}

// DataLoader(range(10), batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(5)):
// the pass draws its base seed from the generator before the sampler's randperm.
TEST_F(RuntimeTest, SeededLoaderOrderMatchesTorch) {
  std::vector<int32_t> p(10);
  ASSERT_EQ(dl_loader_order_i32(ctx, p.data(), 10, 1, 1, 5), DL_OK);
  EXPECT_EQ(p, (std::vector<int32_t>{7, 4, 8, 1, 2, 3, 6, 5, 9, 0}));
}

// torch.manual_seed(7); a shuffled DataLoader pass over range(10); torch.rand(1).
TEST_F(RuntimeTest, LoaderOrderDrawsFromTheContextGenerator) {
  dl_generator_seed(ctx, 7);
  std::vector<int32_t> p(10);
  ASSERT_EQ(dl_loader_order_i32(ctx, p.data(), 10, 1, 0, 0), DL_OK);
  EXPECT_EQ(p, (std::vector<int32_t>{3, 2, 7, 8, 6, 1, 5, 9, 0, 4}));
  float r;
  ASSERT_EQ(dl_rand_f32(ctx, &r, 1), DL_OK);
  EXPECT_EQ(r, 0.23276156187057495f);
}

// A pass in order still draws its base seed from torch's default generator.
TEST_F(RuntimeTest, OrderedLoaderPassDrawsItsBaseSeed) {
  dl_generator_seed(ctx, 7);
  std::vector<int32_t> p(3);
  ASSERT_EQ(dl_loader_order_i32(ctx, p.data(), 3, 0, 0, 0), DL_OK);
  EXPECT_EQ(p, (std::vector<int32_t>{0, 1, 2}));
  float r;
  ASSERT_EQ(dl_rand_f32(ctx, &r, 1), DL_OK);
  EXPECT_EQ(r, 0.6592116951942444f);
}

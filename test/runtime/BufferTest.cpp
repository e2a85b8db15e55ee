// dl_buffer_alloc / dl_buffer_free: aligned, never null, and reused: a buffer
// given back is handed out again for the same rounded size, so only the
// first of many same-sized allocations reaches the system.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "dl_runtime.h"

namespace {

class Buffers : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_EQ(dl_context_create(&ctx_), DL_OK); }
  void TearDown() override { dl_context_destroy(ctx_); }
  int64_t systemAllocations() {
    int64_t n = -1;
    EXPECT_EQ(dl_buffer_system_allocations(ctx_, &n), DL_OK);
    return n;
  }
  void *alloc(int64_t bytes) {
    void *p = nullptr;
    EXPECT_EQ(dl_buffer_alloc(ctx_, bytes, &p), DL_OK);
    EXPECT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u);
    return p;
  }
  dl_context *ctx_ = nullptr;
};

TEST_F(Buffers, ReusedAfterFree) {
  void *a = alloc(1000);
  std::memset(a, 1, 1000);
  dl_buffer_free(ctx_, a);
  for (int i = 0; i < 100; ++i) {
    void *b = alloc(1000);
    EXPECT_EQ(b, a);
    dl_buffer_free(ctx_, b);
  }
  EXPECT_EQ(systemAllocations(), 1);
  // 1000 and 1020 bytes round to the same 1024: the same buffer serves both.
  void *c = alloc(1020);
  EXPECT_EQ(c, a);
  dl_buffer_free(ctx_, c);
  EXPECT_EQ(systemAllocations(), 1);
}

TEST_F(Buffers, LiveBuffersAreDistinct) {
  std::vector<void *> live;
  for (int i = 0; i < 10; ++i) live.push_back(alloc(256));
  for (size_t i = 0; i < live.size(); ++i)
    for (size_t j = i + 1; j < live.size(); ++j) EXPECT_NE(live[i], live[j]);
  EXPECT_EQ(systemAllocations(), 10);
  for (void *p : live) dl_buffer_free(ctx_, p);
  for (int i = 0; i < 10; ++i) live[static_cast<size_t>(i)] = alloc(256);
  EXPECT_EQ(systemAllocations(), 10);
  for (void *p : live) dl_buffer_free(ctx_, p);
}

TEST_F(Buffers, OtherSizesComeFromTheSystem) {
  void *a = alloc(64);
  dl_buffer_free(ctx_, a);
  void *b = alloc(128);
  EXPECT_EQ(systemAllocations(), 2);
  dl_buffer_free(ctx_, b);
}

// From 32 KiB up buffers come from huge-page mappings: an arena of 2 MiB
// chunks below 1 MiB, a mapping each above. They must still be aligned,
// writable to the last byte, disjoint while live, and reused when freed.
TEST_F(Buffers, LargeBuffersAreDisjointAndReused) {
  const int64_t sizes[] = {32 << 10, 100 << 10, 300 << 10, 900 << 10, 1 << 20, (3 << 20) + 5, 40 << 10};
  std::vector<std::pair<unsigned char *, int64_t>> live;
  for (int round = 0; round < 3; ++round)
    for (int64_t n : sizes) {
      auto *p = static_cast<unsigned char *>(alloc(n));
      std::memset(p, static_cast<int>(live.size() + 1), static_cast<size_t>(n));
      live.emplace_back(p, n);
    }
  for (size_t i = 0; i < live.size(); ++i) {
    auto [p, n] = live[i];
    EXPECT_EQ(p[0], static_cast<unsigned char>(i + 1));
    EXPECT_EQ(p[n - 1], static_cast<unsigned char>(i + 1)) << "buffer " << i << " was overwritten";
  }
  int64_t before = systemAllocations();
  EXPECT_EQ(before, static_cast<int64_t>(live.size()));
  for (auto [p, n] : live) dl_buffer_free(ctx_, p);
  for (int64_t n : sizes) dl_buffer_free(ctx_, alloc(n));
  EXPECT_EQ(systemAllocations(), before);
}

TEST_F(Buffers, EmptyAndBadSizes) {
  void *a = alloc(0);
  void *b = alloc(0);
  EXPECT_NE(a, b);
  dl_buffer_free(ctx_, a);
  dl_buffer_free(ctx_, b);
  dl_buffer_free(ctx_, nullptr);
  void *p = nullptr;
  EXPECT_EQ(dl_buffer_alloc(ctx_, -1, &p), DL_ERR_ARG);
  EXPECT_EQ(dl_buffer_alloc(ctx_, INT64_MAX, &p), DL_ERR_MEMORY);
  EXPECT_EQ(dl_buffer_system_allocations(nullptr, nullptr), DL_ERR_ARG);
}

}  // namespace

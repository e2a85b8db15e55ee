// The context: creation, errors, settings, and that contexts share nothing.
#include "RuntimeTestSupport.h"

#include <cstring>

TEST(Context, CreateAndDestroy) {
  dl_context *ctx = nullptr;
  ASSERT_EQ(dl_context_create(&ctx), DL_OK);
  ASSERT_NE(ctx, nullptr);
  EXPECT_STREQ(dl_context_last_error(ctx), "");
  dl_context_destroy(ctx);
  dl_context_destroy(nullptr); // ignored
  EXPECT_EQ(dl_context_create(nullptr), DL_ERR_ARG);
}

TEST(Context, NullContextIsAnArgumentError) {
  float x;
  EXPECT_EQ(dl_rand_f32(nullptr, &x, 1), DL_ERR_ARG);
  EXPECT_EQ(dl_generator_seed(nullptr, 0), DL_ERR_ARG);
  EXPECT_EQ(dl_print_end(nullptr, stdout), DL_ERR_ARG);
  EXPECT_GT(std::strlen(dl_context_last_error(nullptr)), 0u);
}

TEST_F(RuntimeTest, ErrorsLeaveAMessageUntilTheNextFailure) {
  float x[2];
  EXPECT_EQ(dl_randint_f32(ctx, x, 2, 5, 5), DL_ERR_ARG);
  EXPECT_STREQ(dl_context_last_error(ctx), "dl_randint_f32: empty range [5, 5)");
  EXPECT_EQ(dl_rand_f32(ctx, x, 2), DL_OK);
  EXPECT_STREQ(dl_context_last_error(ctx), "dl_randint_f32: empty range [5, 5)");
  EXPECT_EQ(dl_normal_f32(ctx, x, 2, 0.0, -1.0), DL_ERR_ARG);
  EXPECT_STREQ(dl_context_last_error(ctx), "dl_normal_f32: needs std >= 0, got -1.000000");
}

TEST_F(RuntimeTest, Threads) {
  int threads = 0;
  ASSERT_EQ(dl_context_get_threads(ctx, &threads), DL_OK);
  EXPECT_EQ(threads, 1);
  EXPECT_EQ(dl_context_set_threads(ctx, 8), DL_OK);
  ASSERT_EQ(dl_context_get_threads(ctx, &threads), DL_OK);
  EXPECT_EQ(threads, 8);
  EXPECT_EQ(dl_context_set_threads(ctx, 0), DL_ERR_ARG);
}

TEST(Context, StatusNames) {
  EXPECT_STREQ(dl_status_name(DL_OK), "DL_OK");
  EXPECT_STREQ(dl_status_name(DL_ERR_IO), "DL_ERR_IO");
  EXPECT_STREQ(dl_status_name(DL_ERR_DATA), "DL_ERR_DATA");
  EXPECT_STREQ(dl_status_name(12345), "DL_ERR_UNKNOWN");
}

TEST(Context, ContextsDoNotShareState) {
  dl_context *a = nullptr, *b = nullptr;
  ASSERT_EQ(dl_context_create(&a), DL_OK);
  ASSERT_EQ(dl_context_create(&b), DL_OK);
  dl_generator_seed(a, 0);
  dl_generator_seed(b, 0);
  float fromA[4], fromB[4], ignored[7];
  dl_rand_f32(a, ignored, 7); // advances a only
  dl_rand_f32(a, fromA, 4);
  dl_rand_f32(b, ignored, 7);
  dl_rand_f32(b, fromB, 4);
  EXPECT_EQ(std::memcmp(fromA, fromB, sizeof fromA), 0);

  dl_print_options options;
  ASSERT_EQ(dl_print_options_get(a, &options), DL_OK);
  options.precision = 2;
  ASSERT_EQ(dl_print_options_set(a, &options), DL_OK);
  ASSERT_EQ(dl_print_options_get(b, &options), DL_OK);
  EXPECT_EQ(options.precision, 4);
  dl_context_destroy(a);
  dl_context_destroy(b);
}

TEST(Context, DtypeNamesAreTheLanguagesSpellings) {
  EXPECT_STREQ(dl_dtype_name(DL_F32), "f32");
  EXPECT_STREQ(dl_dtype_name(DL_F64), "f64");
  EXPECT_STREQ(dl_dtype_name(DL_I32), "i32");
  EXPECT_STREQ(dl_dtype_name(DL_BOOL), "bool");
  EXPECT_STREQ(dl_dtype_name(static_cast<dl_dtype>(42)), "?");
}

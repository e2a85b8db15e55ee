// dl_plot.h: series, the pixel grid of plot_boundary, and the errors of the
// PNG writers (the pictures themselves are checked by test/lit/e2e/plot-*,
// decoded by Python's zlib).
#include <gtest/gtest.h>

#include <cstdio>
#include <limits>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "dl_plot.h"

namespace {

class Plot : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_EQ(dl_context_create(&ctx_), DL_OK);
    char pattern[] = "/tmp/dl_plot_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    dl_context_destroy(ctx_);
    std::remove((dir_ + "/a.png").c_str());
    rmdir(dir_.c_str());
  }
  bool exists(const std::string &path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0;
  }
  dl_context *ctx_ = nullptr;
  std::string dir_;
};

TEST_F(Plot, SeriesCollectPointsOfAnyNumericDtype) {
  ASSERT_EQ(dl_series_reset(ctx_, 3, "loss"), DL_OK);
  const int32_t xs[2] = {1, 2};
  const float ys[2] = {0.5f, 0.25f};
  ASSERT_EQ(dl_series_add(ctx_, 3, DL_I32, xs, DL_F32, ys, 2), DL_OK);
  const double x = 3, y = 0.125;
  ASSERT_EQ(dl_series_add(ctx_, 3, DL_F64, &x, DL_F64, &y, 1), DL_OK);
  const int64_t id = 3;
  const std::string path = dir_ + "/a.png";
  EXPECT_EQ(dl_plot_series(ctx_, path.c_str(), 1, &id, "t", "x", "y"), DL_OK);
  EXPECT_TRUE(exists(path));
}

TEST_F(Plot, UnknownSeriesAndBadArgumentsAreErrors) {
  const float v = 1;
  EXPECT_EQ(dl_series_add(ctx_, 9, DL_F32, &v, DL_F32, &v, 1), DL_ERR_ARG);
  ASSERT_EQ(dl_series_reset(ctx_, 9, "s"), DL_OK);
  EXPECT_EQ(dl_series_add(ctx_, 9, static_cast<dl_dtype>(42), &v, DL_F32, &v, 1), DL_ERR_ARG);
  EXPECT_EQ(dl_series_add(ctx_, 9, DL_F32, nullptr, DL_F32, &v, 1), DL_ERR_ARG);
  const int64_t missing = 10;
  EXPECT_EQ(dl_plot_series(ctx_, (dir_ + "/a.png").c_str(), 1, &missing, "", "", ""), DL_ERR_ARG);
  EXPECT_EQ(dl_series_reset(nullptr, 1, "s"), DL_ERR_ARG);
}

TEST_F(Plot, EmptySeriesWritesNothing) {
  ASSERT_EQ(dl_series_reset(ctx_, 1, "empty"), DL_OK);
  const int64_t id = 1;
  const std::string path = dir_ + "/a.png";
  EXPECT_EQ(dl_plot_series(ctx_, path.c_str(), 1, &id, "", "", ""), DL_ERR_ARG);
  EXPECT_STREQ(dl_context_last_error(ctx_),
               ("cannot plot '" + path + "': series 'empty' has no points (nothing was written)").c_str());
  EXPECT_FALSE(exists(path));
}

TEST_F(Plot, MissingDirectoryIsAnIoErrorNamingTheFile) {
  ASSERT_EQ(dl_series_reset(ctx_, 1, "s"), DL_OK);
  const float v = 1;
  ASSERT_EQ(dl_series_add(ctx_, 1, DL_F32, &v, DL_F32, &v, 1), DL_OK);
  const int64_t id = 1;
  const std::string path = dir_ + "/no/such/dir/a.png";
  EXPECT_EQ(dl_plot_series(ctx_, path.c_str(), 1, &id, "", "", ""), DL_ERR_IO);
  EXPECT_STREQ(dl_context_last_error(ctx_), ("cannot write '" + path + "': No such file or directory").c_str());
}

// The grid spans the points' range plus 10% each side; pixel centres,
// row-major from the top-left.
TEST_F(Plot, GridHoldsPixelCentres) {
  const float points[4] = {0, 0, 1, 2};
  float grid[10 * 10 * 2];
  ASSERT_EQ(dl_plot_grid(ctx_, "b.png", points, 2, 10, grid), DL_OK);
  // x in [-0.1, 1.1], y in [-0.2, 2.2]; pixel (row 0, col 0) centre:
  EXPECT_FLOAT_EQ(grid[0], static_cast<float>(-0.1 + 0.5 * 1.2 / 10));
  EXPECT_FLOAT_EQ(grid[1], static_cast<float>(2.2 - 0.5 * 2.4 / 10));
  // row 9, col 9: the bottom-right pixel.
  EXPECT_FLOAT_EQ(grid[2 * 99], static_cast<float>(-0.1 + 9.5 * 1.2 / 10));
  EXPECT_FLOAT_EQ(grid[2 * 99 + 1], static_cast<float>(2.2 - 9.5 * 2.4 / 10));
  EXPECT_EQ(dl_plot_grid(ctx_, "b.png", points, 0, 10, grid), DL_ERR_ARG);  // no points
  EXPECT_STREQ(dl_context_last_error(ctx_), "cannot plot 'b.png': there are no points (nothing was written)");
  EXPECT_EQ(dl_plot_grid(ctx_, "b.png", points, 2, 4, grid), DL_ERR_ARG);   // too small
  const float nan[2] = {0, std::numeric_limits<float>::quiet_NaN()};
  EXPECT_EQ(dl_plot_grid(ctx_, "b.png", nan, 1, 10, grid), DL_ERR_ARG);
}

}  // namespace

// print(): the LANGUAGE.md examples, the print() line builder, options and
// errors. (runtime-vs-reference compares ~100 tensors with torch's text.)
#include "RuntimeTestSupport.h"

#include <cmath>
#include <limits>
#include <vector>

namespace {

template <typename T>
std::string format(dl_context *ctx, dl_dtype dtype, const std::vector<T> &data, std::vector<int64_t> dims,
                   int precision = -1) {
  size_t needed = 0;
  dl_format_tensor(ctx, nullptr, 0, &needed, dtype, data.data(), static_cast<int>(dims.size()), dims.data(),
                   precision);
  std::string text(needed + 1, '\0');
  EXPECT_EQ(dl_format_tensor(ctx, &text[0], text.size(), nullptr, dtype, data.data(), static_cast<int>(dims.size()),
                             dims.data(), precision),
            DL_OK)
      << dl_context_last_error(ctx);
  text.resize(needed);
  return text;
}

} // namespace

// LANGUAGE.md 6.2: A3 after seed(0) and the draws before it.
TEST_F(RuntimeTest, Language62SeededTensor) {
  dl_generator_seed(ctx, 0);
  std::vector<float> X(4), A1(20), A2(15), A3(6);
  dl_randint_f32(ctx, X.data(), 4, 0, 10);
  dl_rand_f32(ctx, A1.data(), 20);
  dl_rand_f32(ctx, A2.data(), 15);
  dl_rand_f32(ctx, A3.data(), 6);
  EXPECT_EQ(format(ctx, DL_F32, A3, {3, 2}), "tensor([[0.7423, 0.5263],\n"
                                             "        [0.2437, 0.5846],\n"
                                             "        [0.0332, 0.1387]])");
  for (float &v : A3)
    v -= static_cast<float>(1e-3 * 1.2);
  EXPECT_EQ(format(ctx, DL_F32, A3, {3, 2}), "tensor([[0.7411, 0.5251],\n"
                                             "        [0.2425, 0.5834],\n"
                                             "        [0.0320, 0.1375]])");
}

// LANGUAGE.md 6.1: print(out, precision: 8) and the scalar prints.
TEST_F(RuntimeTest, Language61Prints) {
  const std::vector<double> out = {0.6094460040427492, 0.6638449116006227};
  EXPECT_EQ(format(ctx, DL_F64, out, {1, 2}, 8), "tensor([[0.60944600, 0.66384491]], dtype=f64)");
  EXPECT_EQ(captured([&](FILE *f) { dl_print_scalar(ctx, f, 0.023971901311154, -1); }), "0.02397190");
  EXPECT_EQ(captured([&](FILE *f) { dl_print_scalar(ctx, f, 0.43703857, -1); }), "0.43703857");
}

TEST_F(RuntimeTest, PrintLine) {
  const std::vector<float> t = {1.5f, -2.0f};
  const int64_t dims[1] = {2};
  const std::string line = captured([&](FILE *f) {
    dl_print_string(ctx, f, "epoch");
    dl_print_separator(ctx, f);
    dl_print_i64(ctx, f, 3);
    dl_print_separator(ctx, f);
    dl_print_scalar(ctx, f, 0.125, -1);
    dl_print_separator(ctx, f);
    dl_print_bool(ctx, f, 1);
    dl_print_separator(ctx, f);
    dl_print_tensor(ctx, f, DL_F32, t.data(), 1, dims, -1);
    dl_print_end(ctx, f);
  });
  EXPECT_EQ(line, "epoch 3 0.12500000 true tensor([ 1.5000, -2.0000])\n");
}

TEST_F(RuntimeTest, ScalarSpecialValuesAreSpelledAsPython) {
  auto scalar = [&](double v, int precision = -1) {
    return captured([&](FILE *f) { dl_print_scalar(ctx, f, v, precision); });
  };
  EXPECT_EQ(scalar(std::nan("")), "nan");
  EXPECT_EQ(scalar(-std::nan("")), "nan");
  EXPECT_EQ(scalar(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(scalar(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(scalar(-0.0), "-0.00000000");
  EXPECT_EQ(scalar(2.5, 0), "2");
  EXPECT_EQ(scalar(1.0 / 3, 3), "0.333");
}

TEST_F(RuntimeTest, NegativeNanInATensorPrintsAsNan) {
  EXPECT_EQ(format(ctx, DL_F32, std::vector<float>{-std::nanf(""), 0.5f}, {2}), "tensor([   nan, 0.5000])");
}

TEST_F(RuntimeTest, OptionsChangeTheDefaults) {
  dl_print_options options;
  ASSERT_EQ(dl_print_options_get(ctx, &options), DL_OK);
  EXPECT_EQ(options.precision, 4);
  EXPECT_EQ(options.threshold, 1000);
  EXPECT_EQ(options.edgeitems, 3);
  EXPECT_EQ(options.linewidth, 80);
  EXPECT_EQ(options.sci_mode, -1);
  EXPECT_EQ(options.scalar_precision, 8);

  options.precision = 2;
  options.sci_mode = 1;
  options.scalar_precision = 3;
  ASSERT_EQ(dl_print_options_set(ctx, &options), DL_OK);
  EXPECT_EQ(format(ctx, DL_F32, std::vector<float>{0.5f, 1.25f}, {2}), "tensor([5.00e-01, 1.25e+00])");
  EXPECT_EQ(captured([&](FILE *f) { dl_print_scalar(ctx, f, 0.5, -1); }), "0.500");

  options.sci_mode = -1;
  options.threshold = 5;
  options.edgeitems = 1;
  ASSERT_EQ(dl_print_options_set(ctx, &options), DL_OK);
  EXPECT_EQ(format(ctx, DL_I32, std::vector<int32_t>{1, 2, 3, 4, 5, 6}, {6}), "tensor([1,  ..., 6])");

  options.edgeitems = 0;
  EXPECT_EQ(dl_print_options_set(ctx, &options), DL_ERR_ARG);
}

TEST_F(RuntimeTest, FormatIntoSmallBufferTruncates) {
  const std::vector<float> t = {0.25f};
  const int64_t dims[1] = {1};
  char buffer[8];
  size_t needed = 0;
  EXPECT_EQ(dl_format_tensor(ctx, buffer, sizeof buffer, &needed, DL_F32, t.data(), 1, dims, -1), DL_ERR_ARG);
  EXPECT_EQ(needed, std::string("tensor([0.2500])").size());
  EXPECT_STREQ(buffer, "tensor(");
}

TEST_F(RuntimeTest, PrintRejectsBadArguments) {
  const float x = 1.0f;
  const int64_t negative[1] = {-1};
  EXPECT_EQ(dl_print_tensor(ctx, stdout, DL_F32, &x, 1, negative, -1), DL_ERR_ARG);
  EXPECT_EQ(dl_print_tensor(ctx, stdout, DL_F32, &x, 1, nullptr, -1), DL_ERR_ARG);
  EXPECT_EQ(dl_print_tensor(ctx, stdout, static_cast<dl_dtype>(99), &x, 0, nullptr, -1), DL_ERR_ARG);
  EXPECT_EQ(dl_print_tensor(ctx, nullptr, DL_F32, &x, 0, nullptr, -1), DL_ERR_ARG);
  EXPECT_EQ(dl_print_string(ctx, stdout, nullptr), DL_ERR_ARG);
}

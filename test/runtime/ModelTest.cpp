// dl_model_*, the handle behind `dlc --emit=lib` libraries, driven directly
// with a hand-written forward function: argument checks, loading (a failed
// load keeps the weights), and what forward receives. The compiled forward
// passes are tested end to end in test/lit/lib.
#include "RuntimeTestSupport.h"
#include "dl_data.h"
#include "dl_model.h"

#include <unistd.h>

#include <string>

namespace {

// Two parameters, as save(net, path) would write them for a model with
// W: f32[2, 3] and b: f64[3].
const char *const kNames[] = {"W", "b"};
const int32_t kDtypes[] = {DL_F32, DL_F64};
const int32_t kRanks[] = {2, 1};
const int64_t kWDims[] = {2, 3};
const int64_t kBDims[] = {3};
const int64_t *const kDims[] = {kWDims, kBDims};

// y[i] = x[i] * W[0][0] + b[2], so a test sees which weights forward got.
int fakeForward(dl_context *, void *const *params, const void *x, int64_t n, void *y) {
  const float *w = static_cast<const float *>(params[0]);
  const double *b = static_cast<const double *>(params[1]);
  for (int64_t i = 0; i < n; ++i)
    static_cast<float *>(y)[i] = static_cast<const float *>(x)[i] * w[0] + static_cast<float>(b[2]);
  return DL_OK;
}

class ModelTest : public RuntimeTest {
protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    ASSERT_EQ(dl_model_create(&model, 2, kNames, kDtypes, kRanks, kDims, fakeForward, 1, 4, 1, 4), DL_OK);
    dir = ::testing::TempDir();
  }
  void TearDown() override {
    dl_model_destroy(model);
    for (auto &path : written) std::remove(path.c_str());
    RuntimeTest::TearDown();
  }
  // Saves W filled with w and b with b[2] = bias under `name`.
  std::string save(const std::string &name, float w, double bias, int64_t wCols = 3) {  // wCols <= 4
    std::string path = dir + "/model-test-" + std::to_string(::getpid()) + "-" + name;
    float W[8];  // room for the wrong [2, 4] shape too
    for (float &v : W) v = w;
    double b[3] = {0, 0, bias};
    int64_t wDims[] = {2, wCols};
    const int64_t *dims[] = {wDims, kBDims};
    dl_dtype dtypes[] = {DL_F32, DL_F64};
    int ranks[] = {2, 1};
    const void *data[] = {W, b};
    EXPECT_EQ(dl_safetensors_save(ctx, path.c_str(), 2, kNames, dtypes, ranks, dims, data), DL_OK);
    written.push_back(path);
    return path;
  }

  dl_model *model = nullptr;
  std::string dir;
  std::vector<std::string> written;
};

} // namespace

TEST_F(ModelTest, CreateChecksItsArguments) {
  dl_model *m = reinterpret_cast<dl_model *>(1);
  EXPECT_EQ(dl_model_create(nullptr, 2, kNames, kDtypes, kRanks, kDims, fakeForward, 1, 4, 1, 4), DL_ERR_ARG);
  EXPECT_EQ(dl_model_create(&m, 2, kNames, kDtypes, kRanks, kDims, nullptr, 1, 4, 1, 4), DL_ERR_ARG);
  EXPECT_EQ(m, nullptr);
  EXPECT_EQ(dl_model_create(&m, 2, nullptr, kDtypes, kRanks, kDims, fakeForward, 1, 4, 1, 4), DL_ERR_ARG);
  EXPECT_EQ(dl_model_create(&m, -1, kNames, kDtypes, kRanks, kDims, fakeForward, 1, 4, 1, 4), DL_ERR_ARG);
  dl_model_destroy(nullptr);
  EXPECT_STREQ(dl_model_last_error(nullptr), "no model (null handle)");
}

TEST_F(ModelTest, ForwardNeedsWeightsAndABatch) {
  float x[2] = {1, 2}, y[2] = {0, 0};
  EXPECT_EQ(dl_model_forward(model, x, 2, y), DL_ERR_STATE);
  EXPECT_STREQ(dl_model_last_error(model), "forward: no weights loaded yet (call load first)");
  ASSERT_EQ(dl_model_load(model, save("good", 2.0f, 0.5).c_str()), DL_OK);
  EXPECT_EQ(dl_model_forward(model, x, 0, y), DL_ERR_ARG);
  EXPECT_STREQ(dl_model_last_error(model), "forward: the batch size must be at least 1, got 0");
  EXPECT_EQ(dl_model_forward(model, nullptr, 2, y), DL_ERR_ARG);
  EXPECT_EQ(dl_model_forward(model, x, 2, nullptr), DL_ERR_ARG);
  EXPECT_EQ(dl_model_forward(model, x, INT64_MAX / 2, y), DL_ERR_ARG);
  EXPECT_STREQ(dl_model_last_error(model), "forward: the batch size 4611686018427387903 is too large");
  EXPECT_EQ(dl_model_forward(nullptr, x, 2, y), DL_ERR_ARG);
  EXPECT_EQ(y[0], 0.0f);  // nothing written by a failing call
  ASSERT_EQ(dl_model_forward(model, x, 2, y), DL_OK);
  EXPECT_EQ(y[0], 2.5f);
  EXPECT_EQ(y[1], 4.5f);
}

TEST_F(ModelTest, AFailedLoadKeepsTheWeights) {
  float x[1] = {1}, y[1] = {0};
  ASSERT_EQ(dl_model_load(model, save("first", 3.0f, 1.0).c_str()), DL_OK);
  std::string wrong = save("wrong", 5.0f, 5.0, 4);
  EXPECT_EQ(dl_model_load(model, wrong.c_str()), DL_ERR_DATA);
  EXPECT_EQ(std::string(dl_model_last_error(model)), "'" + wrong + "': tensor 'W' has shape [2, 4], expected [2, 3]");
  EXPECT_EQ(dl_model_load(model, (dir + "/no-such-file.safetensors").c_str()), DL_ERR_IO);
  EXPECT_EQ(dl_model_load(model, nullptr), DL_ERR_ARG);
  ASSERT_EQ(dl_model_forward(model, x, 1, y), DL_OK);
  EXPECT_EQ(y[0], 4.0f);  // 1 * 3 + 1: the first file's weights
  // A good load replaces them.
  ASSERT_EQ(dl_model_load(model, save("second", 0.5f, -1.0).c_str()), DL_OK);
  ASSERT_EQ(dl_model_forward(model, x, 1, y), DL_OK);
  EXPECT_EQ(y[0], -0.5f);
}

TEST_F(ModelTest, Threads) {
  EXPECT_EQ(dl_model_set_threads(model, 4), DL_OK);
  EXPECT_EQ(dl_model_set_threads(model, 0), DL_ERR_ARG);
  EXPECT_EQ(dl_model_set_threads(nullptr, 2), DL_ERR_ARG);
}

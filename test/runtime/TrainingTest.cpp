// The checkpoint functions of dl_training.h through the C ABI: a checkpoint
// written by one context and restored by another gives back the storage, the
// position and a generator that draws the same numbers (a cached normal
// sample included); a checkpoint of another program or a failed save changes
// nothing.
#include "dl_training.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// A program with one storage, "w": f32[3].
struct Program {
  dl_context *ctx = nullptr;
  void *buffer = nullptr;
  int64_t dims[1] = {0};
  const char *names[1] = {"w"};
  dl_dtype dtypes[1] = {DL_F32};
  int ranks[1] = {1};
  int64_t staticDims[1] = {3};
  const int64_t *staticDimArrays[1] = {staticDims};
  void **buffers[1] = {&buffer};
  int64_t *dimArrays[1] = {dims};

  explicit Program(bool resume) {
    EXPECT_EQ(dl_context_create(&ctx), DL_OK);
    char name[] = "program", flag[] = "--resume";
    char *argv[] = {name, flag};
    int exitNow = 0;
    EXPECT_EQ(dl_program_start(ctx, resume ? 2 : 1, argv, &exitNow), DL_OK);
  }
  ~Program() {
    dl_buffer_free(ctx, buffer);
    dl_context_destroy(ctx);
  }
  void set(std::vector<float> values) {
    ASSERT_EQ(dl_buffer_alloc(ctx, 12, &buffer), DL_OK);
    std::memcpy(buffer, values.data(), 12);
    dims[0] = 3;
  }
  int step(const std::string &path, int64_t position, uint64_t fingerprint = 42) {
    return dl_checkpoint_step(ctx, path.c_str(), fingerprint, 1, 1, &position, 1, names, dtypes, ranks,
                              reinterpret_cast<void *const *const *>(buffers),
                              const_cast<const int64_t *const *>(dimArrays));
  }
  int restore(const std::string &path, uint64_t fingerprint = 42) {
    return dl_checkpoint_restore(ctx, path.c_str(), fingerprint, 1, 1, names, dtypes, ranks, staticDimArrays,
                                 buffers, dimArrays);
  }
};

class TrainingTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "dl-training-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  std::string read(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  fs::path dir;
};

TEST_F(TrainingTest, RestoredStateContinuesExactly) {
  const std::string path = (dir / "run.ckpt").string();
  std::vector<double> expected(5);
  {
    Program first(false);
    first.set({1.5f, -2.0f, 0.25f});
    double one;
    ASSERT_EQ(dl_randn_f64(first.ctx, &one, 1), DL_OK);  // leaves a cached normal sample
    ASSERT_EQ(first.step(path, 7), DL_OK);
    ASSERT_EQ(dl_randn_f64(first.ctx, expected.data(), 5), DL_OK);
  }
  // The generator's state in the metadata ends with the cached sample.
  const std::string file = read(path);
  const std::string key = "\"generator\":\"";
  size_t begin = file.find(key), end = file.find('"', begin + key.size());
  ASSERT_NE(begin, std::string::npos);
  const std::string state = file.substr(begin + key.size(), end - begin - key.size());
  EXPECT_NE(state.substr(state.size() - 2), " -") << "no cached normal sample was saved";
  Program second(true);
  EXPECT_EQ(dl_checkpoint_position(second.ctx, 0), -1);
  ASSERT_EQ(second.restore(path), DL_OK) << dl_context_last_error(second.ctx);
  ASSERT_NE(second.buffer, nullptr);
  EXPECT_EQ(second.dims[0], 3);
  const float *w = static_cast<const float *>(second.buffer);
  EXPECT_EQ(w[0], 1.5f);
  EXPECT_EQ(w[1], -2.0f);
  EXPECT_EQ(w[2], 0.25f);
  EXPECT_EQ(dl_checkpoint_position(second.ctx, 0), 7);
  std::vector<double> drawn(5);
  ASSERT_EQ(dl_randn_f64(second.ctx, drawn.data(), 5), DL_OK);
  EXPECT_EQ(drawn, expected);
  // The checkpoint statement reached again ends the resume without saving.
  const std::string before = read(path);
  ASSERT_EQ(second.step(path, 7), DL_OK);
  EXPECT_EQ(dl_checkpoint_position(second.ctx, 0), -1);
  EXPECT_EQ(read(path), before);
}

TEST_F(TrainingTest, AnotherProgramsCheckpointChangesNothing) {
  const std::string path = (dir / "run.ckpt").string();
  {
    Program first(false);
    first.set({1, 2, 3});
    ASSERT_EQ(first.step(path, 0), DL_OK);
  }
  Program second(true);
  second.set({4, 5, 6});
  void *kept = second.buffer;
  EXPECT_EQ(second.restore(path, 43), DL_ERR_DATA);
  std::string message = dl_context_last_error(second.ctx);
  EXPECT_NE(message.find("'" + path + "' was written by another program"), std::string::npos) << message;
  EXPECT_EQ(second.buffer, kept);
  EXPECT_EQ(static_cast<const float *>(second.buffer)[0], 4.0f);
  EXPECT_EQ(dl_checkpoint_position(second.ctx, 0), -1);
}

TEST_F(TrainingTest, WithoutResumeNothingIsRead) {
  Program program(false);
  EXPECT_EQ(program.restore((dir / "absent.ckpt").string()), DL_OK);
  EXPECT_EQ(program.buffer, nullptr);
  EXPECT_EQ(dl_checkpoint_none(program.ctx), DL_OK);
  Program resuming(true);
  EXPECT_EQ(dl_checkpoint_none(resuming.ctx), DL_ERR_ARG);
}

TEST_F(TrainingTest, FailedSaveKeepsThePreviousCheckpoint) {
  const std::string path = (dir / "run.ckpt").string();
  Program program(false);
  program.set({1, 2, 3});
  ASSERT_EQ(program.step(path, 0), DL_OK);
  const std::string before = read(path);
  fs::create_directory(path + ".tmp");  // the temporary file cannot be made
  static_cast<float *>(program.buffer)[0] = 9;
  EXPECT_EQ(program.step(path, 1), DL_ERR_IO);
  std::string message = dl_context_last_error(program.ctx);
  EXPECT_NE(message.find("cannot write '" + path + "'"), std::string::npos) << message;
  EXPECT_EQ(read(path), before);
}

TEST_F(TrainingTest, EveryMustBePositive) {
  Program program(false);
  program.set({1, 2, 3});
  int64_t position = 0;
  EXPECT_EQ(dl_checkpoint_step(program.ctx, (dir / "x").c_str(), 1, 0, 1, &position, 1, program.names,
                               program.dtypes, program.ranks,
                               reinterpret_cast<void *const *const *>(program.buffers),
                               const_cast<const int64_t *const *>(program.dimArrays)),
            DL_ERR_ARG);
}

} // namespace

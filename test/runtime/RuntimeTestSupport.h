// Helpers shared by the runtime's GoogleTest files.
#ifndef DL_RUNTIME_TEST_SUPPORT_H
#define DL_RUNTIME_TEST_SUPPORT_H

#include "dl_runtime.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

// A fresh context per test.
class RuntimeTest : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_EQ(dl_context_create(&ctx), DL_OK); }
  void TearDown() override { dl_context_destroy(ctx); }

  // What the print functions wrote, via an in-memory FILE.
  template <typename Body> std::string captured(Body body) {
    char *buffer = nullptr;
    size_t size = 0;
    FILE *out = open_memstream(&buffer, &size);
    body(out);
    std::fclose(out);
    std::string text(buffer, size);
    std::free(buffer);
    return text;
  }

  dl_context *ctx = nullptr;
};

#endif

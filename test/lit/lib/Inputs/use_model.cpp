// A C++ program that embeds the model of mlp.dl through libmodel.a and
// model.h: a RAII wrapper, two handles used from two threads at once (one
// with worker threads of its own), and the outputs printed as use_model.c
// prints them.
#include "model.h"

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Model {
  std::unique_ptr<model_handle, void (*)(model_handle *)> handle{nullptr, model_destroy};
  explicit Model(const std::string &weights) {
    model_handle *m = nullptr;
    if (model_create(&m) != MODEL_OK) throw std::runtime_error("create failed");
    handle.reset(m);
    if (model_load(m, weights.c_str()) != MODEL_OK) throw std::runtime_error(model_last_error(m));
  }
  std::vector<float> operator()(const std::vector<float> &x) {
    int64_t n = static_cast<int64_t>(x.size()) / MODEL_INPUT_SIZE;
    std::vector<float> y(static_cast<size_t>(n) * MODEL_OUTPUT_SIZE);
    if (model_forward(handle.get(), x.data(), n, y.data()) != MODEL_OK)
      throw std::runtime_error(model_last_error(handle.get()));
    return y;
  }
};

}  // namespace

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  const int n = 5;
  std::vector<float> x(n * MODEL_INPUT_SIZE);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < MODEL_INPUT_SIZE; ++j) x[i * MODEL_INPUT_SIZE + j] = static_cast<float>(4 * i + j - 10) / 8.0f;
  // A large batch (x repeated), so each thread runs a while and they overlap,
  // and the first layer's matrix product (over a million multiply-adds) is
  // split across a's 4 threads: the results do not depend on that.
  std::vector<float> big;
  for (int r = 0; r < 8000; ++r) big.insert(big.end(), x.begin(), x.end());
  try {
    Model a(argv[1]), b(argv[1]);
    if (model_set_threads(a.handle.get(), 4) != MODEL_OK) throw std::runtime_error("set_threads failed");
    std::vector<float> ya, yb;
    std::thread ta([&] { for (int k = 0; k < 5; ++k) ya = a(big); });
    std::thread tb([&] { for (int k = 0; k < 5; ++k) yb = b(big); });
    ta.join();
    tb.join();
    std::vector<float> y = a(x);
    for (size_t i = 0; i < ya.size(); ++i)
      if (ya[i] != yb[i] || ya[i] != y[i % y.size()]) {
        std::printf("threads disagree at %zu\n", i);
        return 1;
      }
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < MODEL_OUTPUT_SIZE; ++j) std::printf("%s%.8f", j ? " " : "", y[i * MODEL_OUTPUT_SIZE + j]);
      std::printf("\n");
    }
  } catch (const std::exception &e) {
    std::printf("error: %s\n", e.what());
    return 1;
  }
  return 0;
}

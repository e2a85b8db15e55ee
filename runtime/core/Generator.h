// The random number generator: PyTorch 1.13's CPU generator, number for number.
//
// torch.manual_seed(s) seeds an mt19937 with init_genrand(s & 0xffffffff)
// (at::mt19937 keeps only the low 32 bits) and forgets the cached normal
// sample. random() is one 32-bit draw; random64() is two, the first one being
// the high word. Everything else is a transformation of these draws, written
// next to the torch code it reproduces (Generator.cpp).
#ifndef DL_RUNTIME_CORE_GENERATOR_H
#define DL_RUNTIME_CORE_GENERATOR_H

#include <cstdint>
#include <optional>
#include <random>
#include <string>

namespace dl {

class Generator {
public:
  // ATen's default_rng_seed_val. (torch's own default generator starts from a
  // nondeterministic seed; a fresh context is reproducible instead.)
  static constexpr uint64_t kDefaultSeed = 67280421310721ULL;

  Generator() { seed(kDefaultSeed); }

  void seed(uint64_t seed) {
    engine_.seed(static_cast<uint32_t>(seed));
    nextDoubleNormal_.reset();
  }

  uint32_t random() { return static_cast<uint32_t>(engine_()); }
  uint64_t random64() {
    uint64_t hi = random();
    uint64_t lo = random();
    return (hi << 32) | lo;
  }

  // at::uniform_real_distribution<T>(0, 1): 24 (float) or 53 (double) random bits.
  float uniformFloat() { return static_cast<float>(random() & 0xFFFFFFu) * 0x1.0p-24f; }
  double uniformDouble() {
    return static_cast<double>(random64() & ((1ULL << 53) - 1)) * 0x1.0p-53;
  }

  // at::normal_distribution<double>(mean, std): Box-Muller on two doubles; the
  // sine half is cached in the generator and returned by the next call.
  double normalDouble(double mean, double std);

  // The whole state as text: the mt19937 words and position (the standard
  // library's << format), then the cached normal sample as a hex float or
  // "-". setState gives false, leaving the generator alone, on text that
  // is not such a state.
  std::string state() const;
  bool setState(const std::string &text);

  // Fill functions, one per torch kernel (see Generator.cpp).
  void fillUniform(float *out, int64_t n, float lo, float hi);
  void fillUniform(double *out, int64_t n, double lo, double hi);
  void fillNormal(float *out, int64_t n, double mean, double std);
  void fillNormal(double *out, int64_t n, double mean, double std);
  // range = hi - lo > 0; T is float, double or int32_t.
  template <typename T> void fillRandint(T *out, int64_t n, uint64_t range, int64_t lo);

private:
  std::mt19937 engine_;
  std::optional<double> nextDoubleNormal_;
};

} // namespace dl

#endif

// dl_runtime_refcheck: replays the cases of test/reference/*.json (written by
// PyTorch through generator_reference.py and print_reference.py) with the
// runtime and demands identical numbers and identical text.
//
//   dl_runtime_refcheck --generator generator_reference.json --print print_reference.json
//
// Exit status 0 when every case matches; otherwise the mismatches are listed.
#include "dl_runtime.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

using nlohmann::json;

namespace {

struct ContextDeleter {
  void operator()(dl_context *ctx) const { dl_context_destroy(ctx); }
};
using ContextPtr = std::unique_ptr<dl_context, ContextDeleter>;

ContextPtr makeContext() {
  dl_context *ctx = nullptr;
  if (dl_context_create(&ctx) != DL_OK) {
    std::cerr << "dl_context_create failed\n";
    std::exit(2);
  }
  return ContextPtr(ctx);
}

json readJson(const std::string &path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cannot open " << path << "\n";
    std::exit(2);
  }
  return json::parse(in);
}

// Floats travel as Python reprs ("0.1", "nan", "-inf"): exact for f32 and f64.
double parseFloat(const json &value) { return std::strtod(value.get<std::string>().c_str(), nullptr); }

template <typename T> std::string hex(T value) {
  char text[64];
  std::snprintf(text, sizeof text, "%a", static_cast<double>(value));
  return text;
}

class Failures {
public:
  void add(const std::string &message) {
    if (count_++ < 40)
      std::cerr << "MISMATCH " << message << "\n";
  }
  int count() const { return count_; }

private:
  int count_ = 0;
};

// Runs one generator step into out (sized n) and returns the status.
template <typename T> int draw(dl_context *ctx, const json &step, std::vector<T> &out);

template <> int draw<float>(dl_context *ctx, const json &step, std::vector<float> &out) {
  const std::string op = step["op"];
  const json &args = step["args"];
  const int64_t n = static_cast<int64_t>(out.size());
  if (op == "rand") return dl_rand_f32(ctx, out.data(), n);
  if (op == "randn") return dl_randn_f32(ctx, out.data(), n);
  if (op == "randint") return dl_randint_f32(ctx, out.data(), n, args[0].get<int64_t>(), args[1].get<int64_t>());
  if (op == "uniform") return dl_uniform_f32(ctx, out.data(), n, args[0].get<double>(), args[1].get<double>());
  if (op == "normal") return dl_normal_f32(ctx, out.data(), n, args[0].get<double>(), args[1].get<double>());
  return -1;
}

template <> int draw<double>(dl_context *ctx, const json &step, std::vector<double> &out) {
  const std::string op = step["op"];
  const json &args = step["args"];
  const int64_t n = static_cast<int64_t>(out.size());
  if (op == "rand") return dl_rand_f64(ctx, out.data(), n);
  if (op == "randn") return dl_randn_f64(ctx, out.data(), n);
  if (op == "uniform") return dl_uniform_f64(ctx, out.data(), n, args[0].get<double>(), args[1].get<double>());
  if (op == "normal") return dl_normal_f64(ctx, out.data(), n, args[0].get<double>(), args[1].get<double>());
  return -1;
}

template <typename T>
void checkStep(dl_context *ctx, const std::string &where, const json &step, Failures &failures, int64_t &values) {
  std::vector<T> out(step["n"].get<size_t>());
  const int status = draw<T>(ctx, step, out);
  if (status != DL_OK) {
    failures.add(where + ": status " + std::to_string(status) + " " + dl_context_last_error(ctx));
    return;
  }
  const json &expected = step["values"];
  for (size_t i = 0; i < out.size(); ++i, ++values) {
    const T want = static_cast<T>(parseFloat(expected[i]));
    if (std::memcmp(&want, &out[i], sizeof(T)) != 0)
      failures.add(where + "[" + std::to_string(i) + "]: runtime " + hex(out[i]) + ", torch " + hex(want) + " (" +
                   expected[i].get<std::string>() + ")");
  }
}

int checkGenerator(const std::string &path) {
  const json reference = readJson(path);
  ContextPtr ctx = makeContext();
  Failures failures;
  int64_t values = 0;
  for (const json &c : reference["cases"]) {
    dl_generator_seed(ctx.get(), c["seed"].get<uint64_t>());
    int index = 0;
    for (const json &step : c["steps"]) {
      const std::string where = c["name"].get<std::string>() + " step " + std::to_string(index++) + " (" +
                                step["op"].get<std::string>() + " " + step["dtype"].get<std::string>() + " n=" +
                                std::to_string(step["n"].get<int64_t>()) + ")";
      if (step["dtype"] == "f32")
        checkStep<float>(ctx.get(), where, step, failures, values);
      else
        checkStep<double>(ctx.get(), where, step, failures, values);
    }
  }
  std::cout << path << ": " << reference["cases"].size() << " generator cases, " << values << " values, "
            << failures.count() << " mismatches\n";
  return failures.count();
}

// The tensor of a print case, as raw bytes of its dtype.
std::vector<unsigned char> tensorData(dl_context *ctx, const json &c, dl_dtype dtype, int64_t numel) {
  const size_t elementSize = dtype == DL_F64 ? 8 : dtype == DL_BOOL ? 1 : 4;
  std::vector<unsigned char> bytes(static_cast<size_t>(numel) * elementSize + 1);
  if (c.contains("generator")) {
    const json &g = c["generator"];
    dl_generator_seed(ctx, g["seed"].get<uint64_t>());
    const bool uniform = g["op"] == "rand";
    if (dtype == DL_F32) {
      float *out = reinterpret_cast<float *>(bytes.data());
      uniform ? dl_rand_f32(ctx, out, numel) : dl_randn_f32(ctx, out, numel);
    } else {
      double *out = reinterpret_cast<double *>(bytes.data());
      uniform ? dl_rand_f64(ctx, out, numel) : dl_randn_f64(ctx, out, numel);
    }
    return bytes;
  }
  const json &data = c["data"];
  for (int64_t i = 0; i < numel; ++i) {
    switch (dtype) {
    case DL_F32: reinterpret_cast<float *>(bytes.data())[i] = static_cast<float>(parseFloat(data[i])); break;
    case DL_F64: reinterpret_cast<double *>(bytes.data())[i] = parseFloat(data[i]); break;
    case DL_I32: reinterpret_cast<int32_t *>(bytes.data())[i] = data[i].get<int32_t>(); break;
    case DL_BOOL: bytes[i] = data[i].get<bool>() ? 1 : 0; break;
    }
  }
  return bytes;
}

dl_dtype parseDtype(const std::string &name) {
  if (name == "f64") return DL_F64;
  if (name == "i32") return DL_I32;
  if (name == "bool") return DL_BOOL;
  return DL_F32;
}

int checkPrint(const std::string &path) {
  const json reference = readJson(path);
  ContextPtr ctx = makeContext();
  Failures failures;
  for (const json &c : reference["cases"]) {
    const std::string name = c["name"];
    const dl_dtype dtype = parseDtype(c["dtype"]);
    const std::vector<int64_t> dims = c["shape"].get<std::vector<int64_t>>();
    int64_t numel = 1;
    for (int64_t d : dims)
      numel *= d;
    const std::vector<unsigned char> bytes = tensorData(ctx.get(), c, dtype, numel);
    const int precision = c["precision"].is_null() ? -1 : c["precision"].get<int>();
    size_t needed = 0;
    dl_format_tensor(ctx.get(), nullptr, 0, &needed, dtype, bytes.data(), static_cast<int>(dims.size()), dims.data(),
                     precision);
    std::string text(needed + 1, '\0');
    const int status = dl_format_tensor(ctx.get(), &text[0], text.size(), nullptr, dtype, bytes.data(),
                                        static_cast<int>(dims.size()), dims.data(), precision);
    text.resize(needed);
    const std::string expected = c["expected"];
    if (status != DL_OK)
      failures.add(name + ": status " + std::to_string(status) + " " + dl_context_last_error(ctx.get()));
    else if (text != expected)
      failures.add(name + ":\n--- torch\n" + expected + "\n--- runtime\n" + text);
  }
  std::cout << path << ": " << reference["cases"].size() << " print cases, " << failures.count()
            << " mismatches\n";
  return failures.count();
}

} // namespace

int main(int argc, char **argv) {
  int failures = 0;
  bool any = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--generator")
      failures += checkGenerator(argv[i + 1]);
    else if (flag == "--print")
      failures += checkPrint(argv[i + 1]);
    else {
      std::cerr << "unknown option " << flag << "\n";
      return 2;
    }
    any = true;
  }
  if (!any || argc % 2 == 0) {
    std::cerr << "usage: dl_runtime_refcheck [--generator FILE] [--print FILE]\n";
    return 2;
  }
  return failures == 0 ? 0 : 1;
}

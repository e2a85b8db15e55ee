// dl_data_tool: the runtime's data services on the command line, for the
// tests that check them against independent readers and writers (Python's
// stdlib for safetensors, numpy for NPY).
//
//   dl_data_tool st-write OUT.safetensors OUT.json
//       saves the fixed tensor set below with dl_safetensors_save, and the
//       same names, dtypes, shapes and values as plain JSON
//   dl_data_tool st-read IN.safetensors
//       loads the fixed tensor set with dl_safetensors_load and compares it
//       with the values below (exit 0 when equal)
//   dl_data_tool npy|idx PATH f32|f64|i32|bool RANK
//       loads an array and prints {"dims": [...], "values": [...]}
//
// Failures print the runtime's message on stderr and exit 1.
#include "dl_data.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace {

struct Tensor {
  std::string name;
  dl_dtype dtype;
  std::vector<int64_t> dims;
  std::vector<double> values; // exact in the tensor's dtype
};

// Names with dots, a slash and non-ASCII text; a scalar, an empty tensor,
// every dtype; values that need all their digits.
std::vector<Tensor> fixedTensors() {
  std::vector<Tensor> tensors = {
      {"fc1.W", DL_F32, {2, 3}, {}},
      {"fc1.b", DL_F32, {3}, {0.1f, -2.5f, 3e-7f}},
      {"scale", DL_F32, {}, {1.0f / 3.0f}},
      {"Tiny.W2", DL_F64, {2, 2}, {0.45, 0.7, 0.4, 0.6}},
      {"steps", DL_I32, {4}, {0, -1, 2147483647, -2147483648.0}},
      {"mask", DL_BOOL, {2, 2}, {1, 0, 0, 1}},
      {"empty/0", DL_F32, {0, 5}, {}},
      {"gr\xC3\xB6\xC3\x9F" "e", DL_F64, {1}, {std::nextafter(1.0, 2.0)}},
  };
  for (int i = 0; i < 6; ++i)
    tensors[0].values.push_back(static_cast<float>((i - 2.5) / 7.0));
  return tensors;
}

template <typename T> std::vector<unsigned char> encode(const std::vector<double> &values) {
  std::vector<unsigned char> bytes(values.size() * sizeof(T));
  for (size_t i = 0; i < values.size(); ++i) {
    T value = static_cast<T>(values[i]);
    std::memcpy(bytes.data() + i * sizeof(T), &value, sizeof(T));
  }
  return bytes;
}

std::vector<unsigned char> encode(const Tensor &tensor) {
  switch (tensor.dtype) {
  case DL_F32: return encode<float>(tensor.values);
  case DL_F64: return encode<double>(tensor.values);
  case DL_I32: return encode<int32_t>(tensor.values);
  case DL_BOOL: return encode<uint8_t>(tensor.values);
  }
  return {};
}

const char *dtypeName(dl_dtype dtype) {
  switch (dtype) {
  case DL_F32: return "F32";
  case DL_F64: return "F64";
  case DL_I32: return "I32";
  case DL_BOOL: return "BOOL";
  }
  return "?";
}

int failed(dl_context *ctx) {
  std::fprintf(stderr, "error: %s\n", dl_context_last_error(ctx));
  return 1;
}

struct Arguments {
  std::vector<const char *> names;
  std::vector<dl_dtype> dtypes;
  std::vector<int> ranks;
  std::vector<const int64_t *> dims;
};

Arguments argumentsOf(const std::vector<Tensor> &tensors) {
  Arguments arguments;
  for (const Tensor &tensor : tensors) {
    arguments.names.push_back(tensor.name.c_str());
    arguments.dtypes.push_back(tensor.dtype);
    arguments.ranks.push_back(static_cast<int>(tensor.dims.size()));
    arguments.dims.push_back(tensor.dims.data());
  }
  return arguments;
}

int writeSafetensors(dl_context *ctx, const char *path, const char *jsonPath) {
  std::vector<Tensor> tensors = fixedTensors();
  Arguments arguments = argumentsOf(tensors);
  std::vector<std::vector<unsigned char>> bytes;
  std::vector<const void *> data;
  for (const Tensor &tensor : tensors)
    bytes.push_back(encode(tensor));
  for (const auto &b : bytes)
    data.push_back(b.data());
  if (dl_safetensors_save(ctx, path, static_cast<int64_t>(tensors.size()), arguments.names.data(),
                          arguments.dtypes.data(), arguments.ranks.data(), arguments.dims.data(), data.data()))
    return failed(ctx);

  nlohmann::json expected = nlohmann::json::object();
  for (const Tensor &tensor : tensors)
    expected[tensor.name] = {{"dtype", dtypeName(tensor.dtype)}, {"shape", tensor.dims}, {"values", tensor.values}};
  FILE *out = std::fopen(jsonPath, "w");
  if (out == nullptr) {
    std::perror(jsonPath);
    return 1;
  }
  std::fputs(expected.dump(1).c_str(), out);
  return std::fclose(out) == 0 ? 0 : 1;
}

int readSafetensors(dl_context *ctx, const char *path) {
  std::vector<Tensor> tensors = fixedTensors();
  Arguments arguments = argumentsOf(tensors);
  std::vector<std::vector<unsigned char>> buffers;
  std::vector<void *> data;
  for (const Tensor &tensor : tensors)
    buffers.emplace_back(encode(tensor).size() + 1, 0xAB);
  for (auto &b : buffers)
    data.push_back(b.data());
  if (dl_safetensors_load(ctx, path, static_cast<int64_t>(tensors.size()), arguments.names.data(),
                          arguments.dtypes.data(), arguments.ranks.data(), arguments.dims.data(), data.data()))
    return failed(ctx);
  int differences = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    std::vector<unsigned char> expected = encode(tensors[i]);
    if (!expected.empty() && std::memcmp(buffers[i].data(), expected.data(), expected.size()) != 0) {
      std::fprintf(stderr, "tensor '%s' differs from the expected values\n", tensors[i].name.c_str());
      ++differences;
    }
  }
  return differences == 0 ? 0 : 1;
}

int printArray(dl_context *ctx, bool npy, const char *path, const std::string &dtypeText, int rank) {
  dl_dtype dtype = dtypeText == "f64" ? DL_F64 : dtypeText == "i32" ? DL_I32 : dtypeText == "bool" ? DL_BOOL : DL_F32;
  std::vector<int64_t> dims(static_cast<size_t>(rank));
  void *data = nullptr;
  int status = npy ? dl_npy_load(ctx, path, dtype, rank, nullptr, &data, dims.data())
                   : dl_idx_load(ctx, path, dtype, rank, nullptr, &data, dims.data());
  if (status != DL_OK)
    return failed(ctx);
  int64_t count = 1;
  for (int64_t dim : dims)
    count *= dim;
  nlohmann::json values = nlohmann::json::array();
  for (int64_t i = 0; i < count; ++i) {
    switch (dtype) {
    case DL_F32: values.push_back(static_cast<double>(static_cast<float *>(data)[i])); break;
    case DL_F64: values.push_back(static_cast<double *>(data)[i]); break;
    case DL_I32: values.push_back(static_cast<int32_t *>(data)[i]); break;
    case DL_BOOL: values.push_back(static_cast<uint8_t *>(data)[i]); break;
    default: break;  // dl_load_* gives only the four dtypes
    }
  }
  dl_data_free(data);
  // JSON has no NaN or infinity: spell them as Python's float() reads them.
  for (auto &value : values)
    if (value.is_number_float() && !std::isfinite(value.get<double>()))
      value = std::isnan(value.get<double>()) ? "nan" : value.get<double>() > 0 ? "inf" : "-inf";
  std::printf("%s\n", nlohmann::json{{"dims", dims}, {"values", values}}.dump().c_str());
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  dl_context *ctx = nullptr;
  if (dl_context_create(&ctx) != DL_OK)
    return 1;
  std::string command = argc > 1 ? argv[1] : "";
  int result = 2;
  if (command == "st-write" && argc == 4)
    result = writeSafetensors(ctx, argv[2], argv[3]);
  else if (command == "st-read" && argc == 3)
    result = readSafetensors(ctx, argv[2]);
  else if ((command == "npy" || command == "idx") && argc == 5)
    result = printArray(ctx, command == "npy", argv[2], argv[3], std::atoi(argv[4]));
  else
    std::fprintf(stderr, "usage: %s st-write OUT JSON | st-read IN | npy|idx PATH f32|f64|i32|bool RANK\n", argv[0]);
  dl_context_destroy(ctx);
  return result;
}

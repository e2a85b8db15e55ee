// cublas_sgemm N [REPS]: cuBLAS SGEMM GFLOP/s for C = A·B, N×N f32 (median of
// 5 timings of REPS calls, CUDA events), then the device-to-device copy
// bandwidth (GB/s, read + write) of a 256 MiB cudaMemcpy: the yardsticks of
// test/gpu/run.sh. Built there with nvcc -O2 -lcublas.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cublas_v2.h>
#include <cuda_runtime.h>

#define CHECK(call)                                                                   \
  do {                                                                                \
    auto status_ = (call);                                                            \
    if (status_ != 0) {                                                               \
      std::fprintf(stderr, "%s failed: %d (line %d)\n", #call, (int)status_, __LINE__); \
      return 1;                                                                       \
    }                                                                                 \
  } while (0)

int main(int argc, char **argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 2048;
  const int reps = argc > 2 ? std::atoi(argv[2]) : 20;
  const size_t count = size_t(n) * n;
  std::vector<float> host(count);
  for (size_t i = 0; i < count; ++i) host[i] = float(std::rand()) / RAND_MAX;
  float *a, *b, *c;
  CHECK(cudaMalloc(&a, count * 4));
  CHECK(cudaMalloc(&b, count * 4));
  CHECK(cudaMalloc(&c, count * 4));
  CHECK(cudaMemcpy(a, host.data(), count * 4, cudaMemcpyHostToDevice));
  CHECK(cudaMemcpy(b, host.data(), count * 4, cudaMemcpyHostToDevice));
  cublasHandle_t handle;
  CHECK(cublasCreate(&handle));
  // Strict FP32 (no TF32), as the generated GEMM computes.
  CHECK(cublasSetMathMode(handle, CUBLAS_PEDANTIC_MATH));
  const float one = 1.0f, zero = 0.0f;
  cudaEvent_t start, stop;
  CHECK(cudaEventCreate(&start));
  CHECK(cudaEventCreate(&stop));
  CHECK(cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, b, n, a, n, &zero, c, n));  // warm-up
  std::vector<float> ms;
  for (int t = 0; t < 5; ++t) {
    CHECK(cudaEventRecord(start));
    for (int r = 0; r < reps; ++r)
      CHECK(cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, b, n, a, n, &zero, c, n));
    CHECK(cudaEventRecord(stop));
    CHECK(cudaEventSynchronize(stop));
    float elapsed = 0;
    CHECK(cudaEventElapsedTime(&elapsed, start, stop));
    ms.push_back(elapsed / reps);
  }
  std::sort(ms.begin(), ms.end());
  std::printf("sgemm %d %.1f GFLOP/s\n", n, 2.0 * n * n * n / (ms[2] * 1e-3) / 1e9);

  const size_t bytes = size_t(256) << 20;
  void *x, *y;
  CHECK(cudaMalloc(&x, bytes));
  CHECK(cudaMalloc(&y, bytes));
  CHECK(cudaMemcpy(y, x, bytes, cudaMemcpyDeviceToDevice));
  ms.clear();
  for (int t = 0; t < 5; ++t) {
    CHECK(cudaEventRecord(start));
    for (int r = 0; r < 10; ++r) CHECK(cudaMemcpy(y, x, bytes, cudaMemcpyDeviceToDevice));
    CHECK(cudaEventRecord(stop));
    CHECK(cudaEventSynchronize(stop));
    float elapsed = 0;
    CHECK(cudaEventElapsedTime(&elapsed, start, stop));
    ms.push_back(elapsed / 10);
  }
  std::sort(ms.begin(), ms.end());
  std::printf("copy %.1f GB/s\n", 2.0 * bytes / (ms[2] * 1e-3) / 1e9);
  return 0;
}

// The CUDA runtime (include/dl_cuda.h): the driver loaded with dlopen, one
// device and its primary context, the program's PTX module, device twins of
// host buffers, launches. All of it lives in the context (dl_context::cuda).
#include "Context.h"
#include "CudaDriver.h"
#include "dl_cuda.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

namespace dl {

using namespace dl::cuda;

namespace cuda {

bool Driver::load(std::string *why) {
  library = ::dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char *error = ::dlerror();
    *why = std::string("cannot load libcuda.so.1") + (error ? std::string(" (") + error + ")" : "");
    return false;
  }
  bool ok = true;
  auto resolve = [&](auto &entry, const char *name) {
    entry = reinterpret_cast<std::remove_reference_t<decltype(entry)>>(::dlsym(library, name));
    if (entry == nullptr && ok) {
      *why = std::string("libcuda.so.1 has no ") + name;
      ok = false;
    }
  };
  resolve(cuInit, "cuInit");
  resolve(cuGetErrorName, "cuGetErrorName");
  resolve(cuGetErrorString, "cuGetErrorString");
  resolve(cuDeviceGetCount, "cuDeviceGetCount");
  resolve(cuDeviceGet, "cuDeviceGet");
  resolve(cuDeviceGetName, "cuDeviceGetName");
  resolve(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
  resolve(cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2");
  resolve(cuCtxSetCurrent, "cuCtxSetCurrent");
  resolve(cuCtxSynchronize, "cuCtxSynchronize");
  resolve(cuModuleLoadDataEx, "cuModuleLoadDataEx");
  resolve(cuModuleUnload, "cuModuleUnload");
  resolve(cuModuleGetFunction, "cuModuleGetFunction");
  resolve(cuMemAlloc, "cuMemAlloc_v2");
  resolve(cuMemFree, "cuMemFree_v2");
  resolve(cuMemcpyHtoD, "cuMemcpyHtoD_v2");
  resolve(cuMemcpyDtoH, "cuMemcpyDtoH_v2");
  resolve(cuMemcpyDtoD, "cuMemcpyDtoD_v2");
  resolve(cuLaunchKernel, "cuLaunchKernel");
  if (!ok) unload();
  return ok;
}

void Driver::unload() {
  if (library != nullptr) ::dlclose(library);
  *this = Driver{};
}

std::string Driver::describe(CUresult result) const {
  const char *name = nullptr, *text = nullptr;
  if (cuGetErrorName == nullptr || cuGetErrorName(result, &name) != CUDA_SUCCESS || name == nullptr) {
    // The stub library and a driver that failed to start cannot name their errors.
    switch (result) {
    case 3: return "CUDA_ERROR_NOT_INITIALIZED";
    case CUDA_ERROR_STUB_LIBRARY: return "CUDA_ERROR_STUB_LIBRARY (libcuda.so.1 is the toolkit's stub, not a driver)";
    case 35: return "CUDA_ERROR_INSUFFICIENT_DRIVER";
    case CUDA_ERROR_NO_DEVICE: return "CUDA_ERROR_NO_DEVICE";
    default: return "CUDA error " + std::to_string(result);
    }
  }
  std::string out = name;
  if (cuGetErrorString != nullptr && cuGetErrorString(result, &text) == CUDA_SUCCESS && text != nullptr)
    out += std::string(": ") + text;
  return out;
}

} // namespace cuda

// A host buffer's device twin and which copies are current.
struct Twin {
  CUdeviceptr device = 0;
  size_t bytes = 0;
  bool hostCurrent = true;
  bool deviceCurrent = false;
};

struct CudaDevice {
  Driver api;
  CUdevice device = 0;
  CUcontext context = nullptr;
  CUmodule module = nullptr;
  std::unordered_map<std::string, CUfunction> functions;
  std::unordered_map<const void *, Twin> twins;
  std::unordered_multimap<size_t, CUdeviceptr> spare;  // freed twins' memory, by size
  std::string lastKernel;                              // for errors found after a launch
  int64_t launches = 0, bytesToDevice = 0, bytesToHost = 0;  // for --stats

  ~CudaDevice() {
    if (api.library == nullptr) return;
    for (auto &entry : twins)
      if (entry.second.device) api.cuMemFree(entry.second.device);
    for (auto &entry : spare) api.cuMemFree(entry.second);
    if (module) api.cuModuleUnload(module);
    if (context) api.cuDevicePrimaryCtxRelease(device);
    api.unload();
  }
};

namespace {

int deviceError(dl_context *ctx, const std::string &what, CUresult result) {
  std::string message = "CUDA: " + what + ": " + ctx->cuda->api.describe(result);
  if (!ctx->cuda->lastKernel.empty()) message += " (the last kernel launched was " + ctx->cuda->lastKernel + ")";
  return fail(ctx, DL_ERR_DEVICE, message);
}

// Opens the driver, the first device and the program's module; false with *why.
bool open(CudaDevice &cuda, const char *ptx, std::string *why) {
  if (!cuda.api.load(why)) return false;
  Driver &api = cuda.api;
  CUresult result = api.cuInit(0);
  if (result != CUDA_SUCCESS) {
    *why = "cuInit failed: " + api.describe(result);
    return false;
  }
  int count = 0;
  result = api.cuDeviceGetCount(&count);
  if (result != CUDA_SUCCESS || count == 0) {
    *why = result != CUDA_SUCCESS ? "cuDeviceGetCount failed: " + api.describe(result) : "no CUDA device";
    return false;
  }
  if ((result = api.cuDeviceGet(&cuda.device, 0)) != CUDA_SUCCESS ||
      (result = api.cuDevicePrimaryCtxRetain(&cuda.context, cuda.device)) != CUDA_SUCCESS) {
    cuda.context = nullptr;
    *why = "cannot open device 0: " + api.describe(result);
    return false;
  }
  if ((result = api.cuCtxSetCurrent(cuda.context)) != CUDA_SUCCESS) {
    *why = "cannot use device 0: " + api.describe(result);
    return false;
  }
  std::vector<char> log(8192, '\0');
  int options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {log.data(), reinterpret_cast<void *>(static_cast<uintptr_t>(log.size()))};
  result = api.cuModuleLoadDataEx(&cuda.module, ptx, 2, options, values);
  if (result != CUDA_SUCCESS) {
    cuda.module = nullptr;
    *why = "the driver cannot load the kernels (PTX for sm_90): " + api.describe(result);
    if (log[0]) *why += ": " + std::string(log.data());
    return false;
  }
  return true;
}

int allocate(dl_context *ctx, size_t bytes, CUdeviceptr *out) {
  CudaDevice &cuda = *ctx->cuda;
  *out = 0;
  if (bytes == 0) return DL_OK;
  auto it = cuda.spare.find(bytes);
  if (it != cuda.spare.end()) {
    *out = it->second;
    cuda.spare.erase(it);
    return DL_OK;
  }
  CUresult result = cuda.api.cuMemAlloc(out, bytes);
  if (result != CUDA_SUCCESS) return deviceError(ctx, "cannot allocate " + std::to_string(bytes) + " bytes", result);
  return DL_OK;
}

// The twin of `data`, made (host copy current) when it has none of `bytes`.
int twinOf(dl_context *ctx, const void *data, size_t bytes, Twin **out) {
  CudaDevice &cuda = *ctx->cuda;
  Twin &twin = cuda.twins[data];
  if (twin.bytes < bytes || (twin.device == 0 && bytes > 0)) {
    if (twin.device && twin.deviceCurrent && !twin.hostCurrent && twin.bytes > 0) {
      CUresult result = cuda.api.cuMemcpyDtoH(const_cast<void *>(data), twin.device, twin.bytes);
      if (result != CUDA_SUCCESS) return deviceError(ctx, "copy to the host", result);
      cuda.bytesToHost += static_cast<int64_t>(twin.bytes);
    }
    if (twin.device) cuda.spare.emplace(twin.bytes, twin.device);
    int status = allocate(ctx, bytes, &twin.device);
    if (status != DL_OK) {
      cuda.twins.erase(data);
      return status;
    }
    twin.bytes = bytes;
    twin.hostCurrent = true;
    twin.deviceCurrent = false;
  }
  *out = &twin;
  return DL_OK;
}

int toDevice(dl_context *ctx, const void *data, size_t bytes, Twin **out) {
  int status = twinOf(ctx, data, bytes, out);
  if (status != DL_OK) return status;
  Twin &twin = **out;
  if (!twin.deviceCurrent && bytes > 0) {
    CUresult result = ctx->cuda->api.cuMemcpyHtoD(twin.device, data, bytes);
    if (result != CUDA_SUCCESS) return deviceError(ctx, "copy to the device", result);
    ctx->cuda->bytesToDevice += static_cast<int64_t>(bytes);
  }
  twin.deviceCurrent = true;
  return DL_OK;
}

} // namespace

void destroyCuda(dl_context *ctx) {
  if (ctx->cuda != nullptr && ctx->printStats) {
    std::fflush(stdout);
    std::fprintf(stderr, "stats: cuda: %lld kernel launches, %lld bytes copied to the device, %lld to the host\n",
                 static_cast<long long>(ctx->cuda->launches), static_cast<long long>(ctx->cuda->bytesToDevice),
                 static_cast<long long>(ctx->cuda->bytesToHost));
  }
  delete ctx->cuda;
  ctx->cuda = nullptr;
}

void cudaForget(dl_context *ctx, const void *data) {
  auto it = ctx->cuda->twins.find(data);
  if (it == ctx->cuda->twins.end()) return;
  if (it->second.device) ctx->cuda->spare.emplace(it->second.bytes, it->second.device);
  ctx->cuda->twins.erase(it);
}

} // namespace dl

extern "C" {

int dl_cuda_enable(dl_context *ctx, const char *ptx) {
  DL_CHECK_CONTEXT(ctx);
  ctx->ptx = ptx;
  return DL_OK;
}

int dl_cuda_start(dl_context *ctx, int *active) {
  DL_CHECK_CONTEXT(ctx);
  if (active == nullptr) return dl::fail(ctx, DL_ERR_ARG, "dl_cuda_start: null active");
  *active = 0;
  if (ctx->ptx == nullptr || ctx->device == dl::kDeviceCpu) return DL_OK;
  auto *cuda = new dl::CudaDevice;
  std::string why;
  if (!dl::open(*cuda, ctx->ptx, &why)) {
    delete cuda;
    if (ctx->device == dl::kDeviceCuda)
      return dl::fail(ctx, DL_ERR_DEVICE, "--device=cuda: no usable CUDA device: " + why);
    std::fflush(stdout);
    std::fprintf(stderr, "note: no usable CUDA device (%s); running on the CPU\n", why.c_str());
    std::fflush(stderr);
    return DL_OK;
  }
  ctx->cuda = cuda;
  *active = 1;
  return DL_OK;
}

int dl_cuda_launch(dl_context *ctx, const char *kernel, const char *where, int64_t grid_x, int64_t grid_y,
                   int64_t block, void *const *ptrs, const int64_t *bytes, int32_t nptrs, const int64_t *ints,
                   int32_t nints) {
  DL_CHECK_CONTEXT(ctx);
  if (ctx->cuda == nullptr || kernel == nullptr || ptrs == nullptr || bytes == nullptr || nptrs < 1 ||
      (nints > 0 && ints == nullptr))
    return dl::fail(ctx, DL_ERR_ARG, "dl_cuda_launch: invalid arguments");
  dl::CudaDevice &cuda = *ctx->cuda;
  std::string name = std::string("'") + kernel + "'" + (where ? where : "");
  std::vector<dl::cuda::CUdeviceptr> devices(static_cast<size_t>(nptrs));
  dl::Twin *result = nullptr;
  for (int32_t i = nptrs; i-- > 0;) {  // operands first: the result is made last
    dl::Twin *twin = nullptr;
    size_t size = static_cast<size_t>(bytes[i]);
    int status = i == 0 ? dl::twinOf(ctx, ptrs[0], size, &twin) : dl::toDevice(ctx, ptrs[i], size, &twin);
    if (status != DL_OK) return status;
    devices[static_cast<size_t>(i)] = twin->device;
    if (i == 0) result = twin;
  }
  if (grid_x > 0 && grid_y > 0 && bytes[0] > 0) {
    auto it = cuda.functions.find(kernel);
    if (it == cuda.functions.end()) {
      dl::cuda::CUfunction function = nullptr;
      dl::cuda::CUresult r = cuda.api.cuModuleGetFunction(&function, cuda.module, kernel);
      if (r != dl::cuda::CUDA_SUCCESS) return dl::deviceError(ctx, "no kernel " + name, r);
      it = cuda.functions.emplace(kernel, function).first;
    }
    std::vector<void *> params;
    for (auto &d : devices) params.push_back(&d);
    for (int32_t i = 0; i < nints; ++i) params.push_back(const_cast<int64_t *>(&ints[i]));
    cuda.lastKernel = name;
    ++cuda.launches;
    dl::cuda::CUresult r =
        cuda.api.cuLaunchKernel(it->second, static_cast<unsigned>(grid_x), static_cast<unsigned>(grid_y), 1,
                                static_cast<unsigned>(block), 1, 1, 0, nullptr, params.data(), nullptr);
    if (r != dl::cuda::CUDA_SUCCESS) return dl::fail(ctx, DL_ERR_DEVICE, "CUDA: cannot launch kernel " + name + ": " + cuda.api.describe(r));
  }
  result = &cuda.twins[ptrs[0]];
  result->deviceCurrent = true;
  result->hostCurrent = bytes[0] == 0;
  return DL_OK;
}

int dl_cuda_copy(dl_context *ctx, void *dst, const void *src, int64_t bytes) {
  DL_CHECK_CONTEXT(ctx);
  if (bytes <= 0) return DL_OK;
  size_t size = static_cast<size_t>(bytes);
  if (ctx->cuda != nullptr) {
    auto it = ctx->cuda->twins.find(src);
    if (it != ctx->cuda->twins.end() && it->second.deviceCurrent && it->second.bytes >= size) {
      dl::cuda::CUdeviceptr from = it->second.device;
      dl::Twin *twin = nullptr;
      int status = dl::twinOf(ctx, dst, size, &twin);
      if (status != DL_OK) return status;
      dl::cuda::CUresult r = ctx->cuda->api.cuMemcpyDtoD(twin->device, from, size);
      if (r != dl::cuda::CUDA_SUCCESS) return dl::deviceError(ctx, "copy on the device", r);
      twin->deviceCurrent = true;
      twin->hostCurrent = false;
      return DL_OK;
    }
    int status = dl_cuda_to_host(ctx, src, bytes);
    if (status != DL_OK) return status;
  }
  std::memcpy(dst, src, size);
  dl_cuda_host_wrote(ctx, dst, bytes);
  return DL_OK;
}

int dl_cuda_to_host(dl_context *ctx, const void *data, int64_t bytes) {
  DL_CHECK_CONTEXT(ctx);
  if (ctx->cuda == nullptr) return DL_OK;
  auto it = ctx->cuda->twins.find(data);
  if (it == ctx->cuda->twins.end() || it->second.hostCurrent) return DL_OK;
  size_t size = std::min(static_cast<size_t>(bytes < 0 ? 0 : bytes), it->second.bytes);
  dl::cuda::CUresult r = ctx->cuda->api.cuMemcpyDtoH(const_cast<void *>(data), it->second.device, size);
  if (r != dl::cuda::CUDA_SUCCESS) return dl::deviceError(ctx, "copy to the host", r);
  ctx->cuda->bytesToHost += static_cast<int64_t>(size);
  it->second.hostCurrent = true;
  return DL_OK;
}

void dl_cuda_host_wrote(dl_context *ctx, const void *data, int64_t bytes) {
  (void)bytes;
  if (ctx == nullptr || ctx->cuda == nullptr) return;
  auto it = ctx->cuda->twins.find(data);
  if (it == ctx->cuda->twins.end()) return;
  it->second.hostCurrent = true;
  it->second.deviceCurrent = false;
}

} // extern "C"

// The emulated GPU behind mock_libcuda.c -DMOCK_EMULATE (device-emulated.test):
// runs a `dlc --emit=kernels-emu` kernel (Kernels.h) on the CPU, block after
// block, with one thread per GPU thread, so that barriers and warp shuffles
// behave as on the device. Slow: for small programs only.
#include <barrier>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <dlfcn.h>

namespace {
thread_local unsigned tidX, ctaX, ctaY;
unsigned blockDimX, gridDimX;
std::unique_ptr<std::barrier<>> block;
std::vector<std::unique_ptr<std::barrier<>>> warps;
std::vector<int32_t> slots;
}  // namespace

extern "C" {

int32_t dl_emu_special(int32_t which) {
  switch (which) {
  case 0: return static_cast<int32_t>(tidX);
  case 1: return static_cast<int32_t>(ctaX);
  case 2: return static_cast<int32_t>(ctaY);
  case 3: return static_cast<int32_t>(blockDimX);
  default: return static_cast<int32_t>(gridDimX);
  }
}

void dl_emu_barrier(void) { block->arrive_and_wait(); }

// shfl.sync.down over a full warp: every lane writes, then reads lane + delta
// (its own value past the warp's end), as the hardware does.
int32_t dl_emu_shfl_down(int32_t word, int32_t delta) {
  unsigned warp = tidX / 32, lane = tidX % 32;
  slots[tidX] = word;
  warps[warp]->arrive_and_wait();
  int32_t out = lane + static_cast<unsigned>(delta) < 32 ? slots[tidX + static_cast<unsigned>(delta)] : word;
  warps[warp]->arrive_and_wait();
  return out;
}

int mock_emulate(const char *name, unsigned gx, unsigned gy, unsigned bx, void **params) {
  Dl_info self;
  if (!dladdr(reinterpret_cast<void *>(&mock_emulate), &self)) return 1;
  void *library = dlopen(self.dli_fname, RTLD_NOW | RTLD_NOLOAD);
  if (!library) return 1;
  auto kernel = reinterpret_cast<void (*)(void **)>(dlsym(library, (std::string("dl_emu_") + name).c_str()));
  dlclose(library);
  if (!kernel) {
    std::fprintf(stderr, "emu: no kernel dl_emu_%s\n", name);
    return 1;
  }
  blockDimX = bx;
  gridDimX = gx;
  block = std::make_unique<std::barrier<>>(bx);
  warps.clear();
  for (unsigned w = 0; w < bx / 32; ++w) warps.push_back(std::make_unique<std::barrier<>>(32));
  slots.assign(bx, 0);
  // The block's threads run every block in turn, meeting at a barrier between blocks.
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < bx; ++t)
    threads.emplace_back([=] {
      tidX = t;
      for (unsigned y = 0; y < gy; ++y)
        for (unsigned x = 0; x < gx; ++x) {
          ctaX = x;
          ctaY = y;
          kernel(params);
          block->arrive_and_wait();
        }
    });
  for (auto &thread : threads) thread.join();
  return 0;
}

}  // extern "C"

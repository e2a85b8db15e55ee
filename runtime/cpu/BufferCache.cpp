#include "BufferCache.h"

#include <cstdlib>

#if defined(__SANITIZE_ADDRESS__)
#define DL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DL_ASAN 1
#endif
#endif
#ifdef DL_ASAN
#include <sanitizer/asan_interface.h>
#define DL_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define DL_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define DL_POISON(p, n) ((void)(p), (void)(n))
#define DL_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace dl {

BufferCache::~BufferCache() {
  for (auto &[data, size] : sizes_) {
    DL_UNPOISON(data, size);
    std::free(data);
  }
}

void *BufferCache::allocate(uint64_t bytes) {
  // aligned_alloc wants a multiple of the alignment; 0 bytes still gives a
  // unique pointer, so a buffer is never null.
  uint64_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded == 0)
    rounded = kAlignment;
  if (rounded > static_cast<uint64_t>(INT64_MAX) || rounded < bytes)
    return nullptr;
  size_t size = static_cast<size_t>(rounded);
  auto it = idle_.find(size);
  if (it != idle_.end() && !it->second.empty()) {
    void *data = it->second.back();
    it->second.pop_back();
    idleBytes_ -= size;
    DL_UNPOISON(data, size);
    return data;
  }
  void *data = std::aligned_alloc(kAlignment, size);
  if (data == nullptr)
    return nullptr;
  ++systemAllocations_;
  try {
    sizes_.emplace(data, size);
  } catch (...) {
    std::free(data);
    return nullptr;
  }
  return data;
}

void BufferCache::release(void *data) {
  if (data == nullptr)
    return;
  auto it = sizes_.find(data);
  if (it == sizes_.end()) {
    std::free(data);  // not ours: a bug elsewhere, but freeing is what the caller meant
    return;
  }
  size_t size = it->second;
  if (idleBytes_ + size > kMaxCachedBytes) {
    sizes_.erase(it);
    std::free(data);
    return;
  }
  try {
    idle_[size].push_back(data);
  } catch (...) {
    sizes_.erase(it);
    std::free(data);
    return;
  }
  idleBytes_ += size;
  DL_POISON(data, size);
}

} // namespace dl

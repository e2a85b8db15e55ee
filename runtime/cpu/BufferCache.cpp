#include "BufferCache.h"

#include <cstdlib>

#include <sys/mman.h>

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

namespace {

// Where a buffer's memory comes from depends on its (rounded) size:
// - kHugeBytes or more: a mapping of its own, aligned to and rounded up to
//   kHugePage and marked for transparent huge pages;
// - kArenaBytes up to kHugeBytes: carved from the cache's arena, chunks of
//   kHugePage marked the same way, and never handed back before the cache
//   dies (a freed one waits in the idle lists);
// - smaller: malloc.
// Huge pages matter at start-up: under a hypervisor each page fault costs
// microseconds, and a step's first touch of its weights, gradients and
// activations was half the start-up time of the 784 MLP; they also cut the
// GEMM's TLB misses.
constexpr size_t kHugePage = size_t(2) << 20;
constexpr size_t kHugeBytes = size_t(1) << 20;
constexpr size_t kArenaBytes = size_t(32) << 10;

enum class Source { Malloc, Arena, Mapped };

Source sourceOf(size_t size) {
  if (size >= kHugeBytes)
    return Source::Mapped;
  return size >= kArenaBytes ? Source::Arena : Source::Malloc;
}

// `size` bytes (a multiple of kHugePage) aligned to kHugePage, advised to be
// backed by huge pages; null when the system has no memory left.
void *mapHuge(size_t size) {
  // Over-map by one huge page, then unmap the unaligned head and the tail.
  size_t span = size + kHugePage;
  void *raw = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED)
    return nullptr;
  auto start = reinterpret_cast<uintptr_t>(raw);
  uintptr_t aligned = (start + kHugePage - 1) & ~(uintptr_t(kHugePage) - 1);
  if (aligned > start)
    munmap(raw, aligned - start);
  if (uintptr_t end = start + span, used = aligned + size; end > used)
    munmap(reinterpret_cast<void *>(used), end - used);
  void *data = reinterpret_cast<void *>(aligned);
  madvise(data, size, MADV_HUGEPAGE);  // advice only: without THP, plain pages
  return data;
}

// The size a buffer of `bytes` takes: a multiple of the alignment (of the
// huge page, for a mapped buffer), never 0, so a buffer is never null; 0
// when it cannot be represented.
size_t roundedSize(uint64_t bytes) {
  uint64_t unit = bytes >= kHugeBytes ? kHugePage : BufferCache::kAlignment;
  uint64_t rounded = (bytes + unit - 1) / unit * unit;
  if (rounded == 0)
    rounded = unit;
  if (rounded > static_cast<uint64_t>(INT64_MAX) || rounded < bytes)
    return 0;
  return static_cast<size_t>(rounded);
}

} // namespace

void *BufferCache::systemAllocate(size_t size) {
  switch (sourceOf(size)) {
  case Source::Malloc:
    return std::aligned_alloc(kAlignment, size);
  case Source::Mapped:
    return mapHuge(size);
  case Source::Arena:
    break;
  }
  if (arenaLeft_ < size) {
    void *chunk = mapHuge(kHugePage);
    if (chunk == nullptr)
      return nullptr;
    try {
      chunks_.push_back(chunk);
    } catch (...) {
      munmap(chunk, kHugePage);
      return nullptr;
    }
    arenaNext_ = static_cast<char *>(chunk);
    arenaLeft_ = kHugePage;
  }
  void *data = arenaNext_;
  arenaNext_ += size;
  arenaLeft_ -= size;
  return data;
}

void BufferCache::systemFree(void *data, size_t size) {
  switch (sourceOf(size)) {
  case Source::Malloc:
    std::free(data);
    return;
  case Source::Mapped:
    munmap(data, size);
    return;
  case Source::Arena:
    return;  // the chunk goes when the cache does
  }
}

BufferCache::~BufferCache() {
  for (auto &[data, size] : sizes_) {
    DL_UNPOISON(data, size);
    systemFree(data, size);
  }
  for (void *chunk : chunks_)
    munmap(chunk, kHugePage);
}

void *BufferCache::allocate(uint64_t bytes) {
  size_t size = roundedSize(bytes);
  if (size == 0)
    return nullptr;
  auto it = idle_.find(size);
  if (it != idle_.end() && !it->second.empty()) {
    void *data = it->second.back();
    it->second.pop_back();
    idleBytes_ -= size;
    DL_UNPOISON(data, size);
    return data;
  }
  void *data = systemAllocate(size);
  if (data == nullptr)
    return nullptr;
  ++systemAllocations_;
  try {
    sizes_.emplace(data, size);
  } catch (...) {
    systemFree(data, size);
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
  if (idleBytes_ + size > kMaxCachedBytes && sourceOf(size) != Source::Arena) {
    sizes_.erase(it);
    systemFree(data, size);
    return;
  }
  try {
    idle_[size].push_back(data);
  } catch (...) {
    sizes_.erase(it);
    systemFree(data, size);
    return;
  }
  idleBytes_ += size;
  DL_POISON(data, size);
}

} // namespace dl

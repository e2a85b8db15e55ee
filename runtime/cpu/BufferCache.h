// The context's element buffers: freed buffers are kept, by size, and handed
// out again, so a training loop that makes the same tensors every step asks
// the system for memory only during its first step. Sizes are rounded up to
// 64 bytes (the alignment); at most kMaxCachedBytes are kept idle, beyond
// which a freed buffer goes back to the system (one carved from the arena
// stays). Buffers from 32 KiB up are backed by transparent huge pages
// (BufferCache.cpp says how). Under AddressSanitizer an
// idle buffer is poisoned, so a use after dl_buffer_free is still reported.
#ifndef DL_RUNTIME_CPU_BUFFERCACHE_H
#define DL_RUNTIME_CPU_BUFFERCACHE_H

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace dl {

class BufferCache {
public:
  static constexpr size_t kAlignment = 64;
  static constexpr size_t kMaxCachedBytes = size_t(1) << 30;

  BufferCache() = default;
  BufferCache(const BufferCache &) = delete;
  BufferCache &operator=(const BufferCache &) = delete;
  ~BufferCache();

  // A buffer of at least `bytes` bytes (never null unless out of memory).
  void *allocate(uint64_t bytes);
  // Takes back a buffer from allocate(); null is ignored.
  void release(void *data);

  // Buffers taken from the system so far (not counting reuse).
  int64_t systemAllocations() const { return systemAllocations_; }

private:
  void *systemAllocate(size_t size);
  void systemFree(void *data, size_t size);

  std::unordered_map<void *, size_t> sizes_;                // every live or idle buffer
  std::unordered_map<size_t, std::vector<void *>> idle_;   // by rounded size
  size_t idleBytes_ = 0;
  int64_t systemAllocations_ = 0;
  std::vector<void *> chunks_;  // the arena's huge pages
  char *arenaNext_ = nullptr;
  size_t arenaLeft_ = 0;
};

} // namespace dl

#endif

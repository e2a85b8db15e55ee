#include "ThreadPool.h"

#include <system_error>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define DL_CPU_RELAX() _mm_pause()
#else
#define DL_CPU_RELAX() ((void)0)
#endif

namespace dl {

namespace {
// [begin, end) of chunk `i` of `chunks` over [0, count).
void chunkBounds(int64_t count, int chunks, int i, int64_t *begin, int64_t *end) {
  *begin = count * i / chunks;
  *end = count * (i + 1) / chunks;
}
} // namespace

template <typename Done> bool ThreadPool::spinUntil(Done done) {
  // Pause-spin briefly, then yield between checks: with more threads than
  // free cores (a --threads above the core count, or other processes), a
  // spinning thread would otherwise keep the one with work off its core.
  // A long gap between two checks means this thread was descheduled: the
  // cores are wanted elsewhere, so it stops spinning and sleeps.
  using Clock = std::chrono::steady_clock;
  auto start = Clock::now(), last = start;
  while (true) {
    for (int i = 0; i < 64; ++i) {
      if (done())
        return true;
      DL_CPU_RELAX();
    }
    auto now = Clock::now();
    if (now - start >= kSpin || now - last >= kPreempted)
      return done();
    last = now;
    if (now - start >= kSpin / 10)
      std::this_thread::yield();
  }
}

bool ThreadPool::start(int workers) {
  if (static_cast<int>(workers_.size()) == workers)
    return true;
  stop();
  stopping_.store(false);
  try {
    // A new worker must not mistake the last loop, long finished, for work.
    uint64_t current = generation_.load();
    for (int i = 0; i < workers; ++i)
      workers_.emplace_back([this, current] { work(current); });
  } catch (const std::system_error &) {
    stop();
    return false;
  }
  return true;
}

void ThreadPool::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_.store(true);
  }
  wake_.notify_all();
  for (std::thread &t : workers_)
    t.join();
  workers_.clear();
}

namespace {
constexpr uint64_t kChunkBits = 16;
constexpr uint64_t kChunkMask = (uint64_t(1) << kChunkBits) - 1;
} // namespace

void ThreadPool::runChunks(uint64_t generation) {
  // What the loop is, read before the first claim: a successful claim
  // proves these were the values of loop `generation` (it cannot end, and
  // the next loop be written, before the claimed chunk is done).
  Task task = task_.load(std::memory_order_relaxed);
  void *args = args_.load(std::memory_order_relaxed);
  int64_t count = count_.load(std::memory_order_relaxed);
  uint64_t chunks = static_cast<uint64_t>(chunks_.load(std::memory_order_relaxed));
  uint64_t expected = claim_.load(std::memory_order_acquire);
  while ((expected >> kChunkBits) == (generation & (~uint64_t(0) >> kChunkBits)) && (expected & kChunkMask) < chunks) {
    if (!claim_.compare_exchange_weak(expected, expected + 1, std::memory_order_acq_rel, std::memory_order_acquire))
      continue;
    int64_t begin, end;
    chunkBounds(count, static_cast<int>(chunks), static_cast<int>(expected & kChunkMask), &begin, &end);
    task(args, begin, end);
    if (finished_.fetch_add(1, std::memory_order_acq_rel) + 1 == static_cast<int>(chunks)) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (callerSleeping_)
        done_.notify_one();
    }
    expected = claim_.load(std::memory_order_acquire);
  }
}

bool ThreadPool::run(int threads, int64_t count, Task task, void *args, int chunksPerThread) {
  int64_t wanted = threads > 1 ? int64_t(threads) * chunksPerThread : 1;
  int64_t chunks64 = count < wanted ? count : wanted;
  int chunks = static_cast<int>(chunks64 < int64_t(kChunkMask) ? chunks64 : int64_t(kChunkMask));
  if (chunks <= 1) {
    if (count > 0)
      task(args, 0, count);
    return true;
  }
  if (!start(threads - 1)) {
    task(args, 0, count);
    return false;
  }
  bool wakeWorkers;
  uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    task_.store(task, std::memory_order_relaxed);
    args_.store(args, std::memory_order_relaxed);
    count_.store(count, std::memory_order_relaxed);
    chunks_.store(chunks, std::memory_order_relaxed);
    // Chunk 0 is the caller's; 1 onwards are claimed.
    finished_.store(1, std::memory_order_relaxed);
    generation = generation_.load(std::memory_order_relaxed) + 1;
    claim_.store((generation << kChunkBits) | 1, std::memory_order_release);
    generation_.store(generation, std::memory_order_release);
    wakeWorkers = sleepingWorkers_ > 0;
  }
  if (wakeWorkers)
    wake_.notify_all();
  int64_t begin, end;
  chunkBounds(count, chunks, 0, &begin, &end);
  task(args, begin, end);
  runChunks(generation);  // what no worker has started yet
  auto finished = [this, chunks] { return finished_.load(std::memory_order_acquire) == chunks; };
  if (!spinUntil(finished)) {
    std::unique_lock<std::mutex> lock(mutex_);
    callerSleeping_ = true;
    done_.wait(lock, finished);
    callerSleeping_ = false;
  }
  return true;
}

void ThreadPool::work(uint64_t seen) {
  auto ready = [&] { return stopping_.load(std::memory_order_acquire) ||
                            generation_.load(std::memory_order_acquire) != seen; };
  while (true) {
    if (!spinUntil(ready)) {
      std::unique_lock<std::mutex> lock(mutex_);
      ++sleepingWorkers_;
      wake_.wait(lock, ready);
      --sleepingWorkers_;
    }
    if (stopping_.load(std::memory_order_acquire))
      return;
    seen = generation_.load(std::memory_order_acquire);
    runChunks(seen);
  }
}

} // namespace dl

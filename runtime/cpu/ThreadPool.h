// The context's worker threads for dl_parallel_for: threads - 1 workers
// (the calling thread takes a share too), started on first use and joined
// when the context is destroyed or its thread count changes. One parallel
// loop runs at a time; the caller waits until every worker has finished.
//
// Waiting spins before it sleeps. A training step runs a dozen parallel
// loops tens of microseconds apart; waking a sleeping thread through the
// kernel costs tens of microseconds under a hypervisor, which cost the 784
// MLP's step a fifth of its time. So a worker that has finished spins for
// kSpin (checking for the next loop) before it blocks on the condition
// variable, and the caller spins as long for its workers before blocking:
// at most kSpin of a core is spent after the last loop of a burst. On a
// busy machine spinning would take cores that other processes need (and
// our own threads, descheduled, would be waited for): a spinning thread
// that finds it was descheduled for kPreempted sleeps at once.
//
// Chunks other than the caller's are claimed, by whichever thread gets
// there first: the caller, done with its own chunk, runs any chunk no
// worker has started, so a worker that is descheduled or asleep when a
// loop begins delays it by nothing (the caller waits only for chunks
// being run). A late worker finds nothing left and goes back to waiting.
#ifndef DL_RUNTIME_CPU_THREADPOOL_H
#define DL_RUNTIME_CPU_THREADPOOL_H

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace dl {

class ThreadPool {
public:
  using Task = void (*)(void *args, int64_t begin, int64_t end);
  static constexpr std::chrono::microseconds kSpin{500};
  static constexpr std::chrono::microseconds kPreempted{200};

  ThreadPool() = default;
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;
  ~ThreadPool() { stop(); }

  // Runs task over [0, count) in threads * chunksPerThread contiguous chunks
  // of nearly equal size (fewer when count is smaller), chunk 0 on the
  // calling thread, the others, in order, on whichever thread claims them
  // first: with more than one chunk per thread, a thread the machine slows
  // down runs fewer. With one thread, one chunk.
  // False if a worker thread could not be started (the loop then ran on the
  // calling thread alone, so the work is still done).
  bool run(int threads, int64_t count, Task task, void *args, int chunksPerThread = 1);
  // Joins the workers.
  void stop();

private:
  void work(uint64_t seen);
  bool start(int workers);
  // Claims and runs chunks of loop `generation` until none is left.
  void runChunks(uint64_t generation);
  // Spins for up to kSpin until done() is true; then says whether it is.
  template <typename Done> static bool spinUntil(Done done);

  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  // The loop being run: written by the caller before it publishes the
  // loop's generation (release), read by a worker after it sees that
  // generation (acquire). A worker may read them late, while the caller
  // already writes the next loop's (hence atomics); it then fails to claim
  // a chunk (claim_ holds the new generation) and ignores what it read.
  std::atomic<Task> task_{nullptr};
  std::atomic<void *> args_{nullptr};
  std::atomic<int64_t> count_{0};
  std::atomic<int> chunks_{0};
  std::atomic<uint64_t> generation_{0};  // bumped for each loop
  // The loop's generation (high bits) and its next unclaimed chunk (low 16
  // bits): a claim is a compare-and-swap, so a claim for a past loop fails.
  std::atomic<uint64_t> claim_{0};
  std::atomic<int> finished_{0};  // chunks of the current loop done
  std::atomic<bool> stopping_{false};
  int sleepingWorkers_ = 0;  // blocked on wake_ (under mutex_)
  bool callerSleeping_ = false;  // blocked on done_ (under mutex_)
};

} // namespace dl

#endif

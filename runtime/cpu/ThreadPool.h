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

  // Runs task over [0, count) in `threads` contiguous chunks of nearly equal
  // size (fewer when count is smaller), chunk 0 on the calling thread.
  // False if a worker thread could not be started (the loop then ran on the
  // calling thread alone, so the work is still done).
  bool run(int threads, int64_t count, Task task, void *args);
  // Joins the workers.
  void stop();

private:
  void work(int index, uint64_t seen);
  bool start(int workers);
  // Spins for up to kSpin until done() is true; then says whether it is.
  template <typename Done> static bool spinUntil(Done done);

  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  // The loop being run, written before generation_ is bumped (release) and
  // read after it is seen (acquire): worker `index` takes chunk index + 1
  // when index + 1 < chunks_.
  Task task_ = nullptr;
  void *args_ = nullptr;
  int64_t count_ = 0;
  int chunks_ = 0;
  std::atomic<uint64_t> generation_{0};  // bumped for each loop, so a worker runs it once
  std::atomic<int> pending_{0};          // workers not yet finished with this loop
  std::atomic<bool> stopping_{false};
  int sleepingWorkers_ = 0;  // blocked on wake_ (under mutex_)
  bool callerSleeping_ = false;  // blocked on done_ (under mutex_)
};

} // namespace dl

#endif

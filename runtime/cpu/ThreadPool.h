// The context's worker threads for dl_parallel_for: threads - 1 workers
// (the calling thread takes a share too), started on first use and joined
// when the context is destroyed or its thread count changes. One parallel
// loop runs at a time; the caller waits until every chunk has finished.
#ifndef DL_RUNTIME_CPU_THREADPOOL_H
#define DL_RUNTIME_CPU_THREADPOOL_H

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace dl {

class ThreadPool {
public:
  using Task = void (*)(void *args, int64_t begin, int64_t end);

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

  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  // The loop being run: workers with index < chunks_ - 1 take chunk index + 1.
  Task task_ = nullptr;
  void *args_ = nullptr;
  int64_t count_ = 0;
  int chunks_ = 0;
  uint64_t generation_ = 0;  // bumped for each loop, so a worker runs it once
  int pending_ = 0;          // chunks not yet finished by workers
  bool stopping_ = false;
};

} // namespace dl

#endif

#include "ThreadPool.h"

#include <system_error>

namespace dl {

namespace {
// [begin, end) of chunk `i` of `chunks` over [0, count).
void chunkBounds(int64_t count, int chunks, int i, int64_t *begin, int64_t *end) {
  *begin = count * i / chunks;
  *end = count * (i + 1) / chunks;
}
} // namespace

bool ThreadPool::start(int workers) {
  if (static_cast<int>(workers_.size()) == workers)
    return true;
  stop();
  stopping_ = false;
  try {
    // A new worker must not mistake the last loop, long finished, for work.
    uint64_t current = generation_;
    for (int i = 0; i < workers; ++i)
      workers_.emplace_back([this, i, current] { work(i, current); });
  } catch (const std::system_error &) {
    stop();
    return false;
  }
  return true;
}

void ThreadPool::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread &t : workers_)
    t.join();
  workers_.clear();
}

bool ThreadPool::run(int threads, int64_t count, Task task, void *args) {
  int chunks = static_cast<int>(count < threads ? count : threads);
  if (chunks <= 1) {
    if (count > 0)
      task(args, 0, count);
    return true;
  }
  if (!start(threads - 1)) {
    task(args, 0, count);
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    task_ = task;
    args_ = args;
    count_ = count;
    chunks_ = chunks;
    pending_ = chunks - 1;
    ++generation_;
  }
  wake_.notify_all();
  int64_t begin, end;
  chunkBounds(count, chunks, 0, &begin, &end);
  task(args, begin, end);
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [this] { return pending_ == 0; });
  return true;
}

void ThreadPool::work(int index, uint64_t seen) {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
    if (stopping_)
      return;
    seen = generation_;
    if (index + 1 >= chunks_)
      continue;  // this loop has fewer chunks than workers
    Task task = task_;
    void *args = args_;
    int64_t begin, end;
    chunkBounds(count_, chunks_, index + 1, &begin, &end);
    lock.unlock();
    task(args, begin, end);
    lock.lock();
    if (--pending_ == 0)
      done_.notify_one();
  }
}

} // namespace dl

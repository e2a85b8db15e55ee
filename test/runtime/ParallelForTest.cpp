// dl_parallel_for and dl_parallel_for_chunks: every iteration runs exactly
// once, in contiguous chunks, whatever the thread count, and the pool
// survives many loops in a row and a change of thread count; the caller
// runs the chunks no worker started, and a slow thread takes fewer.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "dl_runtime.h"

namespace {

struct Hits {
  std::vector<std::atomic<int>> counts;
  std::atomic<int> calls{0};
  explicit Hits(size_t n) : counts(n) {}
};

void countHits(void *args, int64_t begin, int64_t end) {
  auto *hits = static_cast<Hits *>(args);
  hits->calls.fetch_add(1);
  for (int64_t i = begin; i < end; ++i) hits->counts[static_cast<size_t>(i)].fetch_add(1);
}

class ParallelFor : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_EQ(dl_context_create(&ctx_), DL_OK); }
  void TearDown() override { dl_context_destroy(ctx_); }
  dl_context *ctx_ = nullptr;
};

TEST_F(ParallelFor, EveryIterationOnceForAnyThreadCount) {
  for (int threads : {1, 2, 3, 8}) {
    ASSERT_EQ(dl_context_set_threads(ctx_, threads), DL_OK);
    for (int64_t count : {0, 1, 2, 5, 7, 1000}) {
      Hits hits(static_cast<size_t>(count));
      ASSERT_EQ(dl_parallel_for(ctx_, count, countHits, &hits), DL_OK);
      for (int64_t i = 0; i < count; ++i)
        EXPECT_EQ(hits.counts[static_cast<size_t>(i)].load(), 1) << "threads " << threads << " count " << count;
      int64_t chunks = count < threads ? count : threads;
      EXPECT_EQ(hits.calls.load(), count == 0 ? 0 : chunks) << "threads " << threads << " count " << count;
    }
  }
}

TEST_F(ParallelFor, ManyLoopsInARow) {
  ASSERT_EQ(dl_context_set_threads(ctx_, 4), DL_OK);
  Hits hits(64);
  for (int round = 0; round < 2000; ++round) ASSERT_EQ(dl_parallel_for(ctx_, 64, countHits, &hits), DL_OK);
  for (auto &c : hits.counts) EXPECT_EQ(c.load(), 2000);
}

TEST_F(ParallelFor, ChunksRunOnSeveralThreads) {
  ASSERT_EQ(dl_context_set_threads(ctx_, 2), DL_OK);
  struct Seen {
    std::atomic<int> started{0};
    std::thread::id ids[2];
  } seen;
  // Each chunk waits until both have started: only possible on two threads.
  auto task = [](void *args, int64_t begin, int64_t) {
    auto *s = static_cast<Seen *>(args);
    s->ids[begin == 0 ? 0 : 1] = std::this_thread::get_id();
    s->started.fetch_add(1);
    while (s->started.load() < 2) std::this_thread::yield();
  };
  ASSERT_EQ(dl_parallel_for(ctx_, 2, task, &seen), DL_OK);
  EXPECT_NE(seen.ids[0], seen.ids[1]);
  EXPECT_EQ(seen.ids[0], std::this_thread::get_id());
}

// Workers spin for a while after a loop, then sleep; the caller spins, then
// sleeps, while it waits for them. Loops spaced wider than the spin, and
// chunks slower than it, take the sleeping paths: every iteration still runs
// once and the caller returns only when every chunk is done.
TEST_F(ParallelFor, LoopsAfterTheWorkersSleep) {
  ASSERT_EQ(dl_context_set_threads(ctx_, 3), DL_OK);
  Hits hits(30);
  for (int round = 0; round < 5; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_EQ(dl_parallel_for(ctx_, 30, countHits, &hits), DL_OK);
    for (auto &c : hits.counts) ASSERT_EQ(c.load(), round + 1);
  }
}

TEST_F(ParallelFor, CallerWaitsForSlowChunks) {
  ASSERT_EQ(dl_context_set_threads(ctx_, 2), DL_OK);
  std::atomic<int> finished{0};
  auto slow = [](void *args, int64_t begin, int64_t) {
    if (begin != 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    static_cast<std::atomic<int> *>(args)->fetch_add(1);
  };
  for (int round = 1; round <= 3; ++round) {
    ASSERT_EQ(dl_parallel_for(ctx_, 2, slow, &finished), DL_OK);
    EXPECT_EQ(finished.load(), 2 * round);
  }
}

// A chunk no worker has started is run by the caller once its own is done:
// with the worker asleep when each loop begins (the loops 2 ms apart, past
// its spin), the caller does not wait for it to wake but runs chunk 1
// itself, in some round at least (the wake-up takes microseconds; the
// claim, nanoseconds). Every iteration still runs once.
TEST_F(ParallelFor, CallerRunsChunksNoWorkerStarted) {
  ASSERT_EQ(dl_context_set_threads(ctx_, 2), DL_OK);
  struct Record {
    std::thread::id ran[2];
    std::atomic<int> hits{0};
  };
  auto task = [](void *args, int64_t begin, int64_t end) {
    auto *r = static_cast<Record *>(args);
    r->ran[begin == 0 ? 0 : 1] = std::this_thread::get_id();
    r->hits.fetch_add(static_cast<int>(end - begin));
  };
  int byCaller = 0;
  for (int round = 0; round < 20; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    Record record;
    ASSERT_EQ(dl_parallel_for(ctx_, 2, task, &record), DL_OK);
    EXPECT_EQ(record.hits.load(), 2);
    EXPECT_EQ(record.ran[0], std::this_thread::get_id());
    byCaller += record.ran[1] == std::this_thread::get_id();
  }
  EXPECT_GT(byCaller, 0);
}

// dl_parallel_for_chunks: threads x chunks_per_thread chunks (one with a
// single thread, at most count), every iteration once.
TEST_F(ParallelFor, ChunksPerThreadEveryIterationOnce) {
  for (int threads : {1, 2, 3}) {
    ASSERT_EQ(dl_context_set_threads(ctx_, threads), DL_OK);
    for (int perThread : {1, 4}) {
      for (int64_t count : {0, 1, 5, 7, 1000}) {
        Hits hits(static_cast<size_t>(count));
        ASSERT_EQ(dl_parallel_for_chunks(ctx_, count, perThread, countHits, &hits), DL_OK);
        for (int64_t i = 0; i < count; ++i)
          EXPECT_EQ(hits.counts[static_cast<size_t>(i)].load(), 1) << "threads " << threads << " count " << count;
        int64_t wanted = threads > 1 ? threads * perThread : 1;
        EXPECT_EQ(hits.calls.load(), count < wanted ? count : wanted)
            << "threads " << threads << " per thread " << perThread << " count " << count;
      }
    }
  }
}

// With several chunks per thread, a thread held up in its chunk takes no
// more: while the caller sleeps in chunk 0, the worker runs chunks 1..7
// (in some round at least, the worker could itself be descheduled).
TEST_F(ParallelFor, ASlowThreadTakesFewerChunks) {
  ASSERT_EQ(dl_context_set_threads(ctx_, 2), DL_OK);
  struct Record {
    std::thread::id caller;
    std::atomic<int> byCaller{0}, hits{0};
  };
  auto task = [](void *args, int64_t begin, int64_t end) {
    auto *r = static_cast<Record *>(args);
    if (begin == 0) std::this_thread::sleep_for(std::chrono::milliseconds(30));
    if (std::this_thread::get_id() == r->caller) r->byCaller.fetch_add(1);
    r->hits.fetch_add(static_cast<int>(end - begin));
  };
  bool workerTookTheRest = false;
  for (int round = 0; round < 5 && !workerTookTheRest; ++round) {
    Record record;
    record.caller = std::this_thread::get_id();
    ASSERT_EQ(dl_parallel_for_chunks(ctx_, 8, 4, task, &record), DL_OK);
    EXPECT_EQ(record.hits.load(), 8);
    EXPECT_GE(record.byCaller.load(), 1);
    workerTookTheRest = record.byCaller.load() == 1;
  }
  EXPECT_TRUE(workerTookTheRest);
}

TEST_F(ParallelFor, BadArguments) {
  EXPECT_EQ(dl_parallel_for_chunks(ctx_, 4, 0, countHits, nullptr), DL_ERR_ARG);
  EXPECT_EQ(dl_parallel_for_chunks(nullptr, 4, 1, countHits, nullptr), DL_ERR_ARG);
  EXPECT_EQ(dl_parallel_for_chunks(ctx_, -1, 1, countHits, nullptr), DL_ERR_ARG);
  EXPECT_EQ(dl_parallel_for(nullptr, 1, countHits, nullptr), DL_ERR_ARG);
  EXPECT_EQ(dl_parallel_for(ctx_, -1, countHits, nullptr), DL_ERR_ARG);
  EXPECT_EQ(dl_parallel_for(ctx_, 1, nullptr, nullptr), DL_ERR_ARG);
}

}  // namespace

// kzg/thread_pool.hpp — one pool of threads for a whole process.
//
// A service posts its requests here and gives the same pool to its Context
// (ContextOptions::pool), which splits large calls into pieces on it. A call
// that waits for its pieces runs pieces itself meanwhile, so nesting cannot
// deadlock, and the process never runs more crypto threads than the pool has
// (plus callers). Pieces go to the front of the queue: work already admitted
// finishes before new requests start.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace kzg {

class ThreadPool {
  public:
    // `threads` workers (0 is allowed: then parallel_for runs on the caller).
    explicit ThreadPool(std::size_t threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    // Queues a task (a request) at the back.
    void post(std::function<void()> task);
    // Finishes the running tasks, drops the queued ones, joins the threads.
    void stop();
    std::size_t size() const { return threads_.size(); }
    std::size_t queued() const;

    // Runs f(begin, end) over [0, n) split into at most `pieces` contiguous
    // slices, on the pool and the calling thread; returns when all are done.
    void parallel_for(std::size_t n, std::size_t pieces, const std::function<void(std::size_t, std::size_t)>& f);

    // A hint from a caller about to split work after some set-up of its own
    // (decoding its inputs): blocked workers wake up and poll the queue for a
    // short while, so that the first pieces do not wait for a thread to be
    // woken (20 us, often over 200 us on a virtual machine). Costs nothing
    // when no worker is blocked.
    void wake();
    // For tests and diagnostics: workers blocked now, waiting for work; and
    // how many times wake() has sent a blocked worker back to polling.
    std::size_t blocked() const { return blocked_.load(std::memory_order_acquire); }
    std::size_t wakeups() const { return wakeups_.load(std::memory_order_acquire); }

  private:
    void run();
    void post_front(std::function<void()> task, std::size_t copies);

    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> queue_;
    // queue_.size(), readable without the lock: an idle worker polls it for a
    // short while before it blocks (see run()).
    std::atomic<std::size_t> pending_{0};
    std::atomic<std::size_t> blocked_{0}, wakeups_{0};
    std::uint64_t wakes_ = 0;  // wake() calls: a blocked worker returns to polling when it changes
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace kzg

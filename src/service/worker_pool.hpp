// The crypto threads: the library's kzg::ThreadPool, shared with the Context
// (ContextOptions::pool) so that one request's large call (a blob batch, FK20,
// recovery, cell-proof batches) is split across the idle workers, and the
// process never runs more crypto threads than the pool has. Requests are
// admitted by Admission before they are posted, so the queue is bounded.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "kzg/thread_pool.hpp"

namespace kzgd {

class WorkerPool {
  public:
    explicit WorkerPool(std::size_t threads) : pool_(std::make_shared<kzg::ThreadPool>(threads == 0 ? 1 : threads)) {}
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    void post(std::function<void()> task) { pool_->post(std::move(task)); }
    // Finishes the running tasks, drops the queued ones, joins the threads.
    void stop() { pool_->stop(); }
    std::size_t size() const { return pool_->size(); }
    // For ContextOptions::pool.
    const std::shared_ptr<kzg::ThreadPool>& shared() const { return pool_; }

  private:
    std::shared_ptr<kzg::ThreadPool> pool_;
};

}  // namespace kzgd

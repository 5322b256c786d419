#include "kzg/thread_pool.hpp"

#include <algorithm>
#include <exception>

namespace kzg {

ThreadPool::ThreadPool(std::size_t threads) {
    threads_.reserve(threads);
    for (std::size_t i = 0; i < threads; i++) threads_.emplace_back([this] { run(); });
}

ThreadPool::~ThreadPool() { stop(); }

void ThreadPool::post(std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        queue_.push_back(std::move(task));
    }
    cv_.notify_one();
}

void ThreadPool::post_front(std::function<void()> task, std::size_t copies) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        for (std::size_t i = 0; i < copies; i++) queue_.push_front(task);
    }
    if (copies == 1) {
        cv_.notify_one();
    } else {
        cv_.notify_all();
    }
}

std::size_t ThreadPool::queued() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

void ThreadPool::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && threads_.empty()) return;
        stopping_ = true;
        queue_.clear();
    }
    cv_.notify_all();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    threads_.clear();
}

void ThreadPool::run() {
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock lock(mutex_);
            cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping
            task = std::move(queue_.front());
            queue_.pop_front();
        }
        task();
    }
}

void ThreadPool::parallel_for(std::size_t n, std::size_t pieces,
                              const std::function<void(std::size_t, std::size_t)>& f) {
    pieces = std::min(pieces, n);
    if (pieces <= 1 || threads_.empty()) {
        if (n) f(0, n);
        return;
    }
    // Shared with the helpers: a helper that starts after the work is done
    // only reads `next` (kept alive here) and leaves without touching f.
    struct State {
        std::atomic<std::size_t> next{0};
        std::atomic<std::size_t> done{0};
        std::size_t n = 0, pieces = 0;
        const std::function<void(std::size_t, std::size_t)>* f = nullptr;
        std::mutex m;
        std::condition_variable cv;
        std::exception_ptr error;  // the first exception a piece threw
    };
    auto st = std::make_shared<State>();
    st->n = n;
    st->pieces = pieces;
    st->f = &f;
    auto work = [st] {
        for (;;) {
            const std::size_t p = st->next.fetch_add(1);
            if (p >= st->pieces) return;
            const std::size_t b = st->n * p / st->pieces, e = st->n * (p + 1) / st->pieces;
            try {
                (*st->f)(b, e);
            } catch (...) {
                std::lock_guard lock(st->m);
                if (!st->error) st->error = std::current_exception();
            }
            if (st->done.fetch_add(1) + 1 == st->pieces) {
                std::lock_guard lock(st->m);
                st->cv.notify_all();
            }
        }
    };
    post_front(work, std::min(pieces - 1, threads_.size()));
    work();  // the caller takes pieces too
    std::unique_lock lock(st->m);
    st->cv.wait(lock, [&] { return st->done.load() == st->pieces; });
    if (st->error) std::rethrow_exception(st->error);
}

}  // namespace kzg

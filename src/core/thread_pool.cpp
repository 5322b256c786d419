#include "kzg/thread_pool.hpp"

#include <algorithm>
#include <chrono>
#include <exception>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace kzg {

namespace {

// How long an idle worker, or a caller waiting for its pieces, polls before
// it blocks. Waking a blocked thread takes 20 us and often over 200 us on a
// virtual machine, while one G1 FFT level of FK20 runs ~0.5 ms per thread:
// a few dozen such hand-offs per call cost more than the spinning.
constexpr auto kSpin = std::chrono::microseconds(100);

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#endif
}

// Polls ready() until it holds or kSpin passes; says whether it held.
template <class Ready>
bool spin_until(const Ready& ready) {
    const auto deadline = std::chrono::steady_clock::now() + kSpin;
    for (unsigned i = 0;; i++) {
        if (ready()) return true;
        cpu_relax();
        if (i % 64 == 63 && std::chrono::steady_clock::now() > deadline) return false;
    }
}

}  // namespace

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
        pending_.store(queue_.size(), std::memory_order_release);
    }
    cv_.notify_one();
}

void ThreadPool::post_front(std::function<void()> task, std::size_t copies) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        for (std::size_t i = 0; i < copies; i++) queue_.push_front(task);
        pending_.store(queue_.size(), std::memory_order_release);
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
        pending_.store(0, std::memory_order_release);
    }
    cv_.notify_all();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    threads_.clear();
}

void ThreadPool::wake() {
    if (blocked_.load(std::memory_order_acquire) == 0) return;
    {
        std::lock_guard lock(mutex_);
        wakes_++;
    }
    cv_.notify_all();
}

void ThreadPool::run() {
    for (;;) {
        std::function<void()> task;
        // Polls a short while before blocking: a call's next pieces usually
        // come within microseconds (stop() is seen once the poll ends).
        spin_until([this] { return pending_.load(std::memory_order_acquire) != 0; });
        {
            std::unique_lock lock(mutex_);
            if (!stopping_ && queue_.empty()) {
                const std::uint64_t seen = wakes_;
                blocked_.fetch_add(1, std::memory_order_release);
                cv_.wait(lock, [&] { return stopping_ || !queue_.empty() || wakes_ != seen; });
                blocked_.fetch_sub(1, std::memory_order_release);
                if (!stopping_ && queue_.empty()) {  // wake(): poll again
                    wakeups_.fetch_add(1, std::memory_order_release);
                    continue;
                }
            }
            if (queue_.empty()) return;  // stopping
            task = std::move(queue_.front());
            queue_.pop_front();
            pending_.store(queue_.size(), std::memory_order_release);
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
    // The helpers' last pieces usually end within microseconds of ours.
    if (!spin_until([&] { return st->done.load(std::memory_order_acquire) == st->pieces; })) {
        std::unique_lock lock(st->m);
        st->cv.wait(lock, [&] { return st->done.load() == st->pieces; });
    }
    if (st->error) std::rethrow_exception(st->error);
}

}  // namespace kzg

// kzg::ThreadPool: parallel_for covers every index once, nests inside pool
// tasks without deadlock (the waiting caller runs pieces), propagates
// exceptions, and stop() drops queued work.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <stdexcept>
#include <thread>
#include <vector>

#include "kzg/thread_pool.hpp"

namespace {

TEST(ThreadPool, ParallelForCoversEveryIndexOnce) {
    for (std::size_t workers : {0u, 1u, 3u}) {
        kzg::ThreadPool pool(workers);
        for (std::size_t n : {0u, 1u, 2u, 7u, 1000u}) {
            std::vector<std::atomic<int>> hits(n);
            pool.parallel_for(n, 5, [&](std::size_t b, std::size_t e) {
                for (std::size_t i = b; i < e; i++) hits[i]++;
            });
            for (std::size_t i = 0; i < n; i++) ASSERT_EQ(hits[i].load(), 1) << workers << " " << n << " " << i;
        }
    }
}

TEST(ThreadPool, NestedParallelForInsideEveryWorkerDoesNotDeadlock) {
    // Every worker runs a task that itself waits on a parallel_for: only the
    // callers' own help can finish the pieces.
    kzg::ThreadPool pool(2);
    std::vector<std::promise<long>> results(6);
    for (std::size_t t = 0; t < results.size(); t++) {
        pool.post([&, t] {
            std::atomic<long> sum{0};
            pool.parallel_for(100, 8, [&](std::size_t b, std::size_t e) {
                for (std::size_t i = b; i < e; i++) sum += static_cast<long>(i);
            });
            results[t].set_value(sum.load());
        });
    }
    for (auto& r : results) {
        auto f = r.get_future();
        ASSERT_EQ(f.wait_for(std::chrono::seconds(30)), std::future_status::ready);
        EXPECT_EQ(f.get(), 4950);
    }
}

TEST(ThreadPool, ExceptionsReachTheCaller) {
    kzg::ThreadPool pool(2);
    EXPECT_THROW(pool.parallel_for(10, 10,
                                   [](std::size_t b, std::size_t) {
                                       if (b == 7) throw std::runtime_error("piece 7");
                                   }),
                 std::runtime_error);
    // The pool still works afterwards.
    std::atomic<int> n{0};
    pool.parallel_for(4, 4, [&](std::size_t, std::size_t) { n++; });
    EXPECT_EQ(n.load(), 4);
}

// Workers and waiting callers poll for ~100 us before they block: work must
// arrive through both paths, after short gaps (polling) and long ones
// (blocked on the condition variable), and a caller whose helper's piece
// outlasts the poll must still wait for it.
TEST(ThreadPool, WorkArrivesWhetherWorkersPollOrSleep) {
    kzg::ThreadPool pool(1);
    for (int gap_us : {0, 20, 5000, 0, 20000}) {
        std::this_thread::sleep_for(std::chrono::microseconds(gap_us));
        std::promise<void> done;
        pool.post([&] { done.set_value(); });
        ASSERT_EQ(done.get_future().wait_for(std::chrono::seconds(30)), std::future_status::ready) << gap_us;
    }
    const auto caller = std::this_thread::get_id();
    for (int piece_ms : {0, 1, 20}) {
        std::atomic<int> started{0}, pieces{0};
        std::atomic<bool> slow_done{false};
        pool.parallel_for(2, 2, [&](std::size_t, std::size_t) {
            // Both pieces in flight at once, so the worker holds one; its
            // piece is the slow one, and the caller waits past its poll.
            started++;
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (started.load() < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
            if (std::this_thread::get_id() != caller) {
                std::this_thread::sleep_for(std::chrono::milliseconds(piece_ms));
                slow_done = true;
            }
            pieces++;
        });
        EXPECT_EQ(pieces.load(), 2) << piece_ms;
        EXPECT_TRUE(slow_done.load()) << piece_ms << " ms: returned before the worker's piece ended";
    }
}

// wake(): blocked workers leave the condition variable and poll again
// (wakeups() counts them), block again once the poll ends, and still take
// work afterwards; with no blocked worker it does nothing. (Waiting, not
// spinning: on two busy cores a spinning test could hold the very core the
// woken worker needs.)
TEST(ThreadPool, WakeSendsBlockedWorkersBackToPolling) {
    kzg::ThreadPool pool(2);
    const auto wait_until = [](const auto& ready) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (!ready() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        return ready();
    };
    ASSERT_TRUE(wait_until([&] { return pool.blocked() == 2; })) << "idle workers should block after their poll";
    for (int round = 0; round < 3; round++) {
        const std::size_t before = pool.wakeups();
        pool.wake();
        EXPECT_TRUE(wait_until([&] { return pool.wakeups() >= before + 2; }))
            << "round " << round << ": " << pool.wakeups() - before << " of 2 workers woke";
        ASSERT_TRUE(wait_until([&] { return pool.blocked() == 2; })) << "round " << round << ": workers should block again";
    }
    const std::size_t before = pool.wakeups();
    std::atomic<int> sum{0};
    pool.parallel_for(100, 3, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; i++) sum += static_cast<int>(i);
    });
    EXPECT_EQ(sum.load(), 4950);
    EXPECT_EQ(pool.wakeups(), before) << "work is not a wake-up";
    kzg::ThreadPool none(0);
    none.wake();  // no workers: nothing to wake
    EXPECT_EQ(none.wakeups(), 0u);
}

TEST(ThreadPool, StopFinishesRunningAndDropsQueued) {
    kzg::ThreadPool pool(1);
    std::latch running(1), release(1);
    std::atomic<int> ran{0};
    pool.post([&] {
        running.count_down();
        release.wait();
        ran++;
    });
    running.wait();
    for (int i = 0; i < 5; i++) pool.post([&] { ran += 100; });
    EXPECT_EQ(pool.queued(), 5u);
    std::thread stopper([&] { pool.stop(); });
    // Release the running task only once stop() has dropped the queue: before
    // that, the worker could legitimately take the queued tasks.
    while (pool.queued() != 0) std::this_thread::yield();
    release.count_down();
    stopper.join();
    EXPECT_EQ(ran.load(), 1);
    pool.post([&] { ran += 1000; });  // ignored after stop
    EXPECT_EQ(ran.load(), 1);
}

}  // namespace

// A background thread that calls a function every interval until stopped: the
// loop behind the health checks and the resource monitor. stop() wakes it at
// once (no waiting out the interval) and joins it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace kzgd::ops {

class PeriodicThread {
  public:
    PeriodicThread() = default;
    ~PeriodicThread() { stop(); }
    PeriodicThread(const PeriodicThread&) = delete;
    PeriodicThread& operator=(const PeriodicThread&) = delete;

    // Calls tick() every interval_s seconds, first after one interval.
    void start(double interval_s, std::function<void()> tick) {
        thread_ = std::thread([this, interval_s, tick = std::move(tick)] {
            std::unique_lock<std::mutex> lock(mutex_);
            while (!cv_.wait_for(lock, std::chrono::duration<double>(interval_s), [this] { return stopping_; })) {
                lock.unlock();
                tick();
                lock.lock();
            }
        });
    }

    // Idempotent; a tick in progress finishes first.
    void stop() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        cv_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

  private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace kzgd::ops

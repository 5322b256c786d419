// Admission control: a bounded number of requests in the worker pool
// (running + queued), a bounded number of request-body bytes held in memory,
// and the memory budget (the estimated working memory of admitted requests).
// All refuse at once when full: the caller answers 503 + Retry-After.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace kzgd {

// Counts admitted tasks against a capacity (workers + queue depth).
class Admission {
  public:
    explicit Admission(std::size_t capacity) : capacity_(capacity) {}
    bool try_enter() {
        std::size_t n = in_flight_.load(std::memory_order_relaxed);
        do {
            if (n >= capacity_) return false;
        } while (!in_flight_.compare_exchange_weak(n, n + 1, std::memory_order_acq_rel));
        return true;
    }
    void leave() { in_flight_.fetch_sub(1, std::memory_order_acq_rel); }
    std::size_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
    std::size_t capacity() const { return capacity_; }

  private:
    const std::size_t capacity_;
    std::atomic<std::size_t> in_flight_{0};
};

// A budget of bytes (request bodies being read or processed; the estimated
// working memory of admitted requests).
class ByteBudget {
  public:
    explicit ByteBudget(std::uint64_t capacity) : capacity_(capacity) {}
    bool try_take(std::uint64_t n) {
        const std::uint64_t cap = capacity();
        std::uint64_t used = used_.load(std::memory_order_relaxed);
        do {
            if (used > cap || n > cap - used) return false;
        } while (!used_.compare_exchange_weak(used, used + n, std::memory_order_acq_rel));
        return true;
    }
    void give(std::uint64_t n) { used_.fetch_sub(n, std::memory_order_acq_rel); }
    std::uint64_t used() const { return used_.load(std::memory_order_relaxed); }
    std::uint64_t capacity() const { return capacity_.load(std::memory_order_relaxed); }
    // The memory budget is known only once the setup has loaded (what is left
    // of it after the tables); reservations already held are kept.
    void set_capacity(std::uint64_t c) { capacity_.store(c, std::memory_order_relaxed); }

  private:
    std::atomic<std::uint64_t> capacity_;
    std::atomic<std::uint64_t> used_{0};
};

// Holds bytes of a ByteBudget until destroyed or released.
class Reservation {
  public:
    Reservation() = default;
    Reservation(ByteBudget* budget, std::uint64_t n) : budget_(budget), n_(n) {}
    Reservation(Reservation&& o) noexcept : budget_(o.budget_), n_(o.n_) { o.budget_ = nullptr; }
    Reservation& operator=(Reservation&& o) noexcept {
        if (this != &o) {
            release();
            budget_ = o.budget_;
            n_ = o.n_;
            o.budget_ = nullptr;
        }
        return *this;
    }
    Reservation(const Reservation&) = delete;
    Reservation& operator=(const Reservation&) = delete;
    ~Reservation() { release(); }
    void release() {
        if (budget_) budget_->give(n_);
        budget_ = nullptr;
    }

  private:
    ByteBudget* budget_ = nullptr;
    std::uint64_t n_ = 0;
};

// Why admission refused a request: the reason (the label of
// kzg_rejected_requests_total) and the message of the 503.
struct Refusal {
    std::string_view reason;
    std::string message;
};

// What an admitted request holds until its response is sent.
struct Reservations {
    Reservation body;    // its body bytes
    Reservation memory;  // its estimated working memory
    void release() {
        body.release();
        memory.release();
    }
};

// The byte budgets a request reserves from before its body is read: request
// bodies in memory (max-inflight-bytes) and the memory budget. The memory
// budget's capacity is what the budget leaves for requests once the setup has
// loaded (KzgdOps measures it and sets it; 0 until then).
class RequestBudgets {
  public:
    explicit RequestBudgets(std::uint64_t max_inflight_bytes) : body_(max_inflight_bytes) {}
    RequestBudgets(const RequestBudgets&) = delete;
    RequestBudgets& operator=(const RequestBudgets&) = delete;

    // Reserves `body` bytes, then `working_set` bytes of memory, into `out`;
    // when either does not fit, nothing stays reserved and the refusal says why.
    std::optional<Refusal> reserve(std::uint64_t body, std::uint64_t working_set, Reservations& out) {
        if (!body_.try_take(body)) {
            return Refusal{"body_bytes", "overloaded: request bodies in memory are at the limit of " +
                                             std::to_string(body_.capacity()) + " bytes (max-inflight-bytes)"};
        }
        Reservation held(&body_, body);
        if (!memory_.try_take(working_set)) {
            return Refusal{"memory", "overloaded: the memory budget cannot hold this request (" +
                                         std::to_string(working_set) + " bytes estimated, " +
                                         std::to_string(memory_.used()) + " of " +
                                         std::to_string(memory_.capacity()) + " reserved)"};
        }
        out.body = std::move(held);
        out.memory = Reservation(&memory_, working_set);
        return std::nullopt;
    }

    void set_memory_capacity(std::uint64_t c) { memory_.set_capacity(c); }
    const ByteBudget& body() const { return body_; }
    const ByteBudget& memory() const { return memory_; }

  private:
    ByteBudget body_;
    ByteBudget memory_{0};
};

}  // namespace kzgd

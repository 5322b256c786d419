// What the request path needs to know about the process: the loaded
// context (published once, when the setup has loaded) and the drain flag.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "kzg/kzg.hpp"
#include "ops/proc.hpp"

namespace kzgd {

class ServiceState {
  public:
    // Publishes the context; called once, from the setup loader.
    void set_context(std::shared_ptr<const kzg::Context> ctx) {
        owner_ = std::move(ctx);
        ctx_.store(owner_.get(), std::memory_order_release);
    }
    // nullptr until the setup has loaded.
    const kzg::Context* context() const { return ctx_.load(std::memory_order_acquire); }

    void set_draining() { draining_.store(true, std::memory_order_release); }
    bool draining() const { return draining_.load(std::memory_order_acquire); }
    bool ready() const { return context() != nullptr && !draining(); }

    std::string setup_source;  // "embedded mainnet" or the file
    kzg::ContextOptions options;  // what the context is built with
    std::size_t workers = 1;
    ops::CpuBudget cpu;

  private:
    std::shared_ptr<const kzg::Context> owner_;
    std::atomic<const kzg::Context*> ctx_{nullptr};
    std::atomic<bool> draining_{false};
};

}  // namespace kzgd

// The HTTP/1.1 server (Boost.Beast; the only translation unit that includes
// it): acceptor, connections with their timeouts and limits, signals and the
// graceful drain. Requests go to the Router; crypto never runs on its threads.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "service/config.hpp"
#include "service/routes.hpp"
#include "service/state.hpp"
#include "service/worker_pool.hpp"

namespace kzgd {

class Server {
  public:
    Server(const Config& cfg, ServiceState& state, Router& router);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and listens, writes the ports file, logs the address. An error message on failure.
    std::optional<std::string> open();
    // Serves until drained (SIGTERM/SIGINT) or fatal(); stops the pool; returns the exit status.
    int run(WorkerPool& pool);
    // From any thread: stop at once and make run() return `status`.
    void fatal(int status);

    struct Impl;  // server.cpp only

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace kzgd

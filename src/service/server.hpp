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

namespace kzgd {

class Server {
  public:
    Server(const Config& cfg, ServiceState& state, Router& router);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Use listening sockets taken over from a running kzgd (handover.hpp)
    // instead of binding; accepting waits for start_accepting(). Before open().
    void adopt(int api_fd, int admin_fd);
    // Binds and listens (or adopts), writes the ports file, logs the address. An error message on failure.
    std::optional<std::string> open();
    // After adopt(): accept from now on (the new process passed its self-test).
    void start_accepting();
    // Serves handovers to a newer kzgd at --upgrade-socket (nothing when unset). Any thread.
    // take_path: after an acknowledged takeover (the old process's socket file is ours).
    std::optional<std::string> serve_upgrades(bool take_path = false);
    // Serves until drained (SIGTERM/SIGINT) or fatal(); returns the exit status. The caller
    // stops the worker pool afterwards (other threads, the loader and health checks, use it).
    int run();
    // From any thread: stop at once and make run() return `status`.
    void fatal(int status);

    struct Impl;  // server.cpp only

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace kzgd

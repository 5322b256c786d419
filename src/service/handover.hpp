// Single-host binary upgrades without a dropped connection: a new kzgd takes
// over the listening sockets of the running one through a Unix socket
// (SCM_RIGHTS), so the kernel's accept queue is never closed — both processes
// accept from the same socket until the old one drains and exits.
//
// Why descriptor passing rather than systemd socket activation: it works under
// any supervisor (or none), in a container as on a host, and the new process
// proves itself (loads the setup, passes the known-answer self-test) before
// the old one lets go; socket activation alone cannot stage that check.
//
// Protocol (one line each way, ASCII; the socket is 0600 and the peer must be
// the same user):
//   new -> old  "HANDOVER 1"
//   old -> new  "LISTENERS pid=<pid> version=<v> admin=<0|1>" + the descriptors
//   new -> old  "READY pid=<pid>"     (it is accepting; the old one drains now)
//   old -> new  "OK"
//   anyone      "STATUS" -> "pid=<pid> version=<v> state=serving|draining"
// A new process that closes the connection without READY (failed load or
// self-test, crash) leaves the old one serving. Plain POSIX; no Beast here.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <thread>

namespace kzgd::handover {

inline constexpr int kProtocolVersion = 1;

// The listening sockets handed over: the API listener, and the admin one (-1: none).
struct Listeners {
    int api = -1;
    int admin = -1;
};

// The new process's side of a handover in progress.
struct Takeover {
    int conn = -1;  // to the old process; closed by confirm() or at exit
    Listeners fds;
    long old_pid = 0;
    std::string old_version;
};

// Asks the kzgd serving at `path` for its listeners. nullopt with an empty
// `error`: nobody serves there (no socket file, or a stale one: it is removed).
std::optional<Takeover> request(const std::string& path, std::string& error);

// Tells the old process that this one accepts now; waits for its "OK".
bool confirm(Takeover& t, std::string& error);

struct Status {
    long pid = 0;
    std::string version;
    std::string state;
};
std::optional<Status> status(const std::string& path, std::string& error);

// The serving side: a thread that answers STATUS and at most one successful
// HANDOVER, after which it stops (the process drains).
class Listener {
  public:
    struct Hooks {
        std::function<bool()> draining;                // refuse handovers while draining
        std::function<void(long new_pid)> handed_over;  // called before "OK" is sent
    };
    // `listeners` are duplicates owned (and closed) by the Listener.
    Listener(std::string path, Listeners listeners, Hooks hooks);
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    // Binds the socket (replacing a stale file) and starts the thread.
    // take_path: the old process acknowledged our takeover, so the path is
    // ours even if its listener has not gone yet.
    std::optional<std::string> start(bool take_path = false);
    // Stops the thread and closes the duplicates (a handover in progress is
    // abandoned). Removes the socket file unless it was handed over.
    void stop();

  private:
    void serve();
    void handle(int conn);

    std::string path_;
    Listeners fds_;
    Hooks hooks_;
    int sock_ = -1;
    int wake_[2] = {-1, -1};
    std::thread thread_;
    std::atomic<bool> handed_over_{false};
};

}  // namespace kzgd::handover

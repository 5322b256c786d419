// The systemd readiness protocol (sd_notify(3)), implemented directly: kzgd
// does not link libsystemd. Under a Type=notify unit, systemd sets
// NOTIFY_SOCKET to an AF_UNIX datagram socket; a service reports its state by
// sending newline-separated VAR=VALUE assignments to it:
//   READY=1         start-up finished (kzgd: setup loaded, self-test passed)
//   STOPPING=1      shutting down (kzgd: draining after SIGTERM/SIGINT)
//   MAINPID=<pid>   the service's main process is now <pid> (kzgd: a new
//                   process took over the listening sockets, handover.hpp)
//   STATUS=<text>   free text for `systemctl status`
// Without NOTIFY_SOCKET every call is a no-op. Errors are returned (or
// logged), never fatal: a supervisor that cannot hear us is no reason to stop
// serving. Plain POSIX; no Beast here.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kzgd::sd {

// Sends `state` as one datagram to $NOTIFY_SOCKET: a path, or "@name" for the
// Linux abstract namespace. nullopt when sent or when NOTIFY_SOCKET is unset
// or empty; otherwise what went wrong.
std::optional<std::string> notify(std::string_view state);

// notify(), logging the outcome (debug when sent, warn on error). Returns
// whether a datagram was sent.
bool notify_logged(std::string_view state);

}  // namespace kzgd::sd

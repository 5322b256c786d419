// kzgctl upgrade: a single-host binary upgrade of kzgd without a dropped
// connection. Starts the new binary with --upgrade-socket; it takes over the
// running kzgd's listening sockets, passes its self-test, and the old one
// drains (src/service/handover.hpp). This command reports which happened.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <thread>

#include "command.hpp"
#include "service/handover.hpp"

extern char** environ;

namespace kzgctl {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPoll = std::chrono::milliseconds(100);

struct UpgradeArgs {
    std::string socket;
    double timeout_s = 120;
    std::string log = "/dev/null";
    bool status = false;
    bool no_wait_old = false;
    std::vector<std::string> command;  // the new kzgd and its arguments
};

// Running, as opposed to gone or a zombie its parent has not reaped yet.
bool alive(long pid) {
    if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM)) return false;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    std::getline(stat, text);
    const auto paren = text.rfind(')');  // the command name may hold spaces and parentheses
    return paren == std::string::npos || paren + 2 >= text.size() || text[paren + 2] != 'Z';
}

// The new kzgd in its own session, so that it outlives this command and a
// terminal's hangup; stdin from /dev/null, stdout and stderr appended to `log`.
pid_t spawn_detached(const UpgradeArgs& a, std::string& error) {
    std::vector<std::string> args = a.command;
    args.push_back("--upgrade-socket");
    args.push_back(a.socket);
    std::vector<char*> argv;
    for (auto& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, a.log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0640);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, argv[0], &fa, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        error = "cannot start " + a.command[0] + ": " + std::strerror(rc);
        return -1;
    }
    return pid;
}

std::string exit_text(int wstatus) {
    if (WIFEXITED(wstatus)) return "exited with status " + std::to_string(WEXITSTATUS(wstatus));
    if (WIFSIGNALED(wstatus)) return std::string("was killed by signal ") + ::strsignal(WTERMSIG(wstatus));
    return "stopped";
}

int run_upgrade(const UpgradeArgs& a) {
    std::string error;
    const auto old = kzgd::handover::status(a.socket, error);
    if (!old) {
        std::cerr << "kzgctl: " << error << "\n";
        return kExitFalse;
    }
    if (a.status) {
        std::cout << "pid=" << old->pid << " version=" << old->version << " state=" << old->state << "\n";
        return kExitOk;
    }
    if (a.command.empty()) {
        std::cerr << "kzgctl: upgrade needs the new kzgd after --, e.g. kzgctl upgrade --socket S -- /usr/local/bin/kzgd --config /etc/kzgd.conf\n";
        return kExitInput;
    }
    if (old->state != "serving") {
        std::cerr << "kzgctl: the kzgd at " << a.socket << " (pid " << old->pid << ") is " << old->state
                  << ": nothing to upgrade\n";
        return kExitFalse;
    }
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(a.timeout_s));
    const auto t0 = Clock::now();
    const pid_t pid = spawn_detached(a, error);
    if (pid < 0) {
        std::cerr << "kzgctl: upgrade failed: " << error << "; pid " << old->pid << " keeps serving\n";
        return kExitFalse;
    }
    std::cout << "upgrade: started pid " << pid << " (" << a.command[0] << "); pid " << old->pid << " (version "
              << old->version << ") serves until it has passed its self-test" << std::endl;
    auto fail = [&](const std::string& why) {
        std::cerr << "kzgctl: upgrade failed: " << why << "; pid " << old->pid
                  << (alive(old->pid) ? " keeps serving" : " is gone as well") << " (log: " << a.log << ")\n";
        return kExitFalse;
    };
    for (;;) {
        int wstatus = 0;
        if (::waitpid(pid, &wstatus, WNOHANG) == pid) return fail("the new process " + exit_text(wstatus));
        const auto now = kzgd::handover::status(a.socket, error);
        if (now && now->pid == pid) {
            const double s = std::chrono::duration<double>(Clock::now() - t0).count();
            std::cout << "upgraded: pid " << old->pid << " (version " << old->version << ") -> pid " << pid
                      << " (version " << now->version << ") in " << s << " s" << std::endl;
            break;
        }
        if (Clock::now() >= deadline) {
            if (!alive(old->pid)) {
                // The old process handed over and exited: the new one is all
                // there is. Leave it running; say what is wrong.
                std::cerr << "kzgctl: warning: pid " << old->pid << " has exited and pid " << pid
                          << " serves, but it does not answer on " << a.socket << " (log: " << a.log << ")\n";
                return kExitFalse;
            }
            // It never took over: stop it; a process that has not accepted has nothing to drain.
            ::kill(pid, SIGTERM);
            for (int i = 0; i < 50 && ::waitpid(pid, &wstatus, WNOHANG) == 0; i++) std::this_thread::sleep_for(kPoll);
            if (::waitpid(pid, &wstatus, WNOHANG) == 0) {
                ::kill(pid, SIGKILL);
                ::waitpid(pid, &wstatus, 0);
            }
            return fail("no handover within " + std::to_string(a.timeout_s) + " s (the new process was stopped)");
        }
        std::this_thread::sleep_for(kPoll);
    }
    if (a.no_wait_old) return kExitOk;
    while (alive(old->pid) && Clock::now() < deadline) std::this_thread::sleep_for(kPoll);
    if (alive(old->pid)) {
        std::cerr << "kzgctl: warning: pid " << old->pid << " is still draining at the deadline\n";
        return kExitOk;
    }
    std::cout << "upgrade: pid " << old->pid << " drained and exited" << std::endl;
    return kExitOk;
}

}  // namespace

void register_upgrade(CLI::App& app, Env& env) {
    auto a = std::make_shared<UpgradeArgs>();
    auto* sub = app.add_subcommand(
        "upgrade",
        "Replace the kzgd serving at an --upgrade-socket with a new binary, without dropping a connection: "
        "the new process takes over the listening sockets, and only when it has passed its known-answer "
        "self-test does the old one drain and exit. Exit status 0: upgraded; 1: not upgraded (the old "
        "process keeps serving); 2: bad usage.");
    sub->add_option("--socket", a->socket, "the running kzgd's --upgrade-socket")->required();
    sub->add_option("--timeout", a->timeout_s, "seconds to wait for the handover (and for the old process to exit)")
        ->capture_default_str()
        ->check(CLI::Range(1.0, 86400.0));
    sub->add_option("--log", a->log, "append the new process's stdout and stderr to this file")->capture_default_str();
    sub->add_flag("--status", a->status, "print the serving process's pid, version and state, and exit");
    sub->add_flag("--no-wait-old", a->no_wait_old, "return once the new process serves; do not wait for the old one to exit");
    sub->add_option("command", a->command, "after --: the new kzgd binary and its arguments (without --upgrade-socket)");
    sub->callback([&env, a] { env.action = [a] { return run_upgrade(*a); }; });
}

}  // namespace kzgctl

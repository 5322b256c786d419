// kzgctl rollout: a Kubernetes rolling upgrade of kzgd through kubectl, with
// an end-to-end check of the new version and an automatic undo on failure.
//
// Steps: read the container's current image (for the from -> to report, and
// to know whether an undo would restore anything), kubectl set image,
// kubectl rollout status (streamed), then verify through --verify-url:
// /readyz, /v1/info's version, and a known-answer commitment. A failure
// after the image changed runs kubectl rollout undo and waits for it.
//
// kubectl runs as a child process (posix_spawnp, no shell) in its own
// process group, with its output on pipes; at kzgctl's deadline the whole
// group is killed, so a hung kubectl (or a wrapper script's children) never
// outlives the command.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "command.hpp"
#include "http_client.hpp"
#include "inputs.hpp"
#include "kzg/codec.hpp"
#include "ops/known_answer.hpp"
#include "ops/text.hpp"  // trim

extern char** environ;

namespace kzgctl {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// Exit statuses of kzgctl rollout (also in its --help). 2 is bad usage, as
// for every command.
constexpr int kExitNotRead = 4;     // the deployment could not be read (or kubectl not run): nothing changed
constexpr int kExitSetImage = 5;    // kubectl set image failed; the deployment is unchanged or was undone
constexpr int kExitRollout = 6;     // the rollout failed or timed out; undone
constexpr int kExitVerify = 7;      // the new version failed verification; undone
constexpr int kExitUndoFailed = 8;  // a step failed and the undo failed or its outcome is unknown: act by hand

constexpr int kVerifyIntervalS = 2;  // between verification attempts

std::string fmt_seconds(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", s);
    return buf;
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
double seconds_left(Clock::time_point deadline) {
    return std::max(0.0, std::chrono::duration<double>(deadline - Clock::now()).count());
}

// ---- child processes ---------------------------------------------------------

// The running child's process group, for the signal handler: kubectl runs in
// its own group, so a Ctrl-C to kzgctl would not reach it otherwise.
volatile sig_atomic_t g_child_group = 0;

extern "C" void kill_child_and_die(int sig) {
    const pid_t group = g_child_group;
    if (group > 0) ::kill(-group, SIGKILL);
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

struct Proc {
    std::vector<std::string> argv;
    int exit_code = -1;        // when it exited
    int signal = 0;            // when a signal ended it
    bool timed_out = false;    // kzgctl killed it at its deadline
    std::string spawn_error;   // it could not be started (kubectl not found...)
    std::string out, err;
    double seconds = 0;

    bool ok() const { return spawn_error.empty() && !timed_out && signal == 0 && exit_code == 0; }
    std::string result() const {
        if (!spawn_error.empty()) return spawn_error;
        if (timed_out) return "killed by kzgctl at its deadline (--timeout) after " + fmt_seconds(seconds) + " s";
        if (signal) return "killed by signal " + std::to_string(signal);
        return "exit status " + std::to_string(exit_code);
    }
};

// Line callback for streamed output: (from stderr?, the line without '\n').
using LineFn = std::function<void(bool, const std::string&)>;

// Runs argv (argv[0] searched on PATH), collecting stdout and stderr and
// passing each complete line to on_line as it arrives; kills the child's
// process group at the deadline.
Proc run_process(const std::vector<std::string>& argv, Clock::time_point deadline, const LineFn& on_line) {
    Proc p;
    p.argv = argv;
    const auto start = Clock::now();
    if (start >= deadline) {
        p.timed_out = true;  // no time left: do not start something we would kill at once
        return p;
    }
    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
        p.spawn_error = std::string("pipe: ") + std::strerror(errno);
        return p;
    }
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        p.spawn_error = std::string("pipe: ") + std::strerror(errno);
        ::close(out_pipe[0]);
        ::close(out_pipe[1]);
        return p;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);  // never prompt for input
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setpgroup(&attr, 0);  // its own group: one kill(-pgid) ends it and its children
    sigset_t signals;
    sigemptyset(&signals);
    posix_spawnattr_setsigmask(&attr, &signals);
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) sigaddset(&signals, s);
    posix_spawnattr_setsigdefault(&attr, &signals);  // not our handlers or ignored SIGPIPE
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int rc = ::posix_spawnp(&pid, argv[0].c_str(), &actions, &attr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    if (rc != 0) {
        p.spawn_error = "cannot run " + argv[0] + ": " + std::strerror(rc);
        ::close(out_pipe[0]);
        ::close(err_pipe[0]);
        return p;
    }
    g_child_group = pid;

    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    std::string* whole[2] = {&p.out, &p.err};
    std::string partial[2];
    auto emit_lines = [&](int i, bool flush) {
        std::size_t nl;
        while ((nl = partial[i].find('\n')) != std::string::npos) {
            std::string line = partial[i].substr(0, nl);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            partial[i].erase(0, nl + 1);
            if (on_line) on_line(i == 1, line);
        }
        if (flush && !partial[i].empty()) {
            if (on_line) on_line(i == 1, partial[i]);
            partial[i].clear();
        }
    };
    bool exited = false;
    Clock::time_point exited_at{};
    while (!exited || fds[0].fd >= 0 || fds[1].fd >= 0) {
        const auto now = Clock::now();
        if (now >= deadline) {
            p.timed_out = true;
            break;
        }
        // Something kubectl started may hold the pipes open after it exited:
        // give it a second, then stop reading (it is killed below).
        if (exited && now - exited_at > std::chrono::seconds(1)) break;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
        const int n = ::poll(fds, 2, static_cast<int>(std::min<long long>(left + 1, 200)));
        if (n < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || n <= 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[4096];
            const ssize_t r = ::read(fds[i].fd, buf, sizeof buf);
            if (r > 0) {
                whole[i]->append(buf, static_cast<std::size_t>(r));
                partial[i].append(buf, static_cast<std::size_t>(r));
                emit_lines(i, false);
            } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
            }
        }
        if (!exited) {
            // WNOWAIT: note the exit but leave the zombie, so the group id
            // cannot be reused before the kill below.
            siginfo_t info{};
            if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid) {
                exited = true;
                exited_at = Clock::now();
            }
        }
    }
    // The child at its deadline, or what it left behind in its group.
    ::kill(-pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    g_child_group = 0;
    for (auto& f : fds)
        if (f.fd >= 0) ::close(f.fd);
    emit_lines(0, true);
    emit_lines(1, true);
    if (WIFEXITED(status)) p.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status) && !p.timed_out) p.signal = WTERMSIG(status);
    p.seconds = seconds_since(start);
    return p;
}

// ---- text helpers --------------------------------------------------------------

// A command as one could paste it into a shell.
std::string shell_line(const std::vector<std::string>& argv) {
    std::string s;
    for (const auto& a : argv) {
        if (!s.empty()) s += ' ';
        const bool plain = !a.empty() && a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                             "0123456789_./:=@%+,-") == std::string::npos;
        if (plain) {
            s += a;
            continue;
        }
        s += '\'';
        for (char c : a) s += c == '\'' ? std::string("'\\''") : std::string(1, c);
        s += '\'';
    }
    return s;
}

// The last few lines of a command's stderr, on one line, for the report.
std::string tail_of(const std::string& text) {
    std::string t(kzgd::trim(text));
    if (t.size() > 400) t = "..." + t.substr(t.size() - 400);
    for (auto& c : t)
        if (c == '\n') c = ' ';
    return t;
}

// "reg:5000/kzgd:v0.2.0@sha256:..." -> "v0.2.0"; "" when there is no tag.
std::string image_tag(std::string image) {
    if (const auto at = image.find('@'); at != std::string::npos) image.resize(at);
    const auto colon = image.rfind(':');
    const auto slash = image.rfind('/');
    if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) return "";
    return image.substr(colon + 1);
}

// Versions compare without a leading 'v' and without semver build metadata
// ("+..."), so the tag v0.2.0 matches kzgd's "0.2.0" and "0.2.0+abc".
std::string normal_version(std::string v) {
    v = std::string(kzgd::trim(v));
    if (!v.empty() && (v[0] == 'v' || v[0] == 'V')) v.erase(0, 1);
    if (const auto plus = v.find('+'); plus != std::string::npos) v.resize(plus);
    return v;
}

// "300s", "5m", "1.5h", "300" -> seconds; nullopt when not understood.
std::optional<double> parse_duration(const std::string& text) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str()) return std::nullopt;
    const std::string unit = end;
    const double scale = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : -1;
    if (scale < 0 || !(v > 0)) return std::nullopt;
    return v * scale;
}

// ---- the rollout ------------------------------------------------------------------

struct Options {
    std::string deployment, image, ns, container, kubectl, verify_url, expect_version, timeout = "300s";
    bool no_verify = false, dry_run = false, json = false;
    int verify_attempts = 5;
};

struct StepRecord {
    std::string step;
    std::vector<std::string> command;  // empty for verification
    bool ok = false;
    std::string result;  // "exit status 0", a timeout, or a verification failure
    std::string stderr_tail;
    double seconds = 0;
};

const char* const kContainersJsonpath =
    "jsonpath={range .spec.template.spec.containers[*]}{.name}{\"\\t\"}{.image}{\"\\n\"}{end}";

class Rollout {
  public:
    explicit Rollout(Options o) : o_(std::move(o)) {}

    int run();

  private:
    Options o_;
    double timeout_s_ = 0;
    std::string expected_version_;
    std::optional<Url> url_;
    std::string container_, from_;
    std::vector<StepRecord> steps_;
    const Clock::time_point start_ = Clock::now();
    // The report.
    std::vector<std::string> failed_command_;
    std::string failed_step_, failure_, undo_state_ = "not needed", image_after_, got_version_;
    bool undo_attempted_ = false, undo_ok_ = false;
    int verify_attempts_used_ = 0;

    // Progress goes to stdout, or to stderr when stdout carries --json.
    std::ostream& out() { return o_.json ? std::cerr : std::cout; }
    void say(const std::string& prefix, const std::string& line) { out() << prefix << ": " << line << std::endl; }

    std::vector<std::string> kubectl(std::vector<std::string> args, const std::vector<std::string>& flags = {}) const {
        args.insert(args.begin(), o_.kubectl);
        if (!o_.ns.empty()) {
            args.push_back("-n");
            args.push_back(o_.ns);
        }
        args.insert(args.end(), flags.begin(), flags.end());
        return args;
    }
    std::vector<std::string> get_containers_cmd() const {
        return kubectl({"get", "deployment", o_.deployment}, {"-o", kContainersJsonpath});
    }
    std::vector<std::string> status_cmd(double budget_s) const {
        const long s = std::max(1L, static_cast<long>(budget_s));
        return kubectl({"rollout", "status", "deployment/" + o_.deployment}, {"--timeout=" + std::to_string(s) + "s"});
    }

    // Runs one kubectl command, echoing it, and with stream its output
    // lines as they come (else only its stderr when it fails).
    Proc step(const std::string& name, const std::vector<std::string>& argv, Clock::time_point deadline,
              const std::string& prefix, bool stream) {
        say(prefix, "$ " + shell_line(argv));
        Proc p = run_process(argv, deadline, [&](bool, const std::string& line) {
            if (stream) say(prefix, line);
        });
        steps_.push_back(StepRecord{name, argv, p.ok(), p.result(), tail_of(p.err), p.seconds});
        if (!p.ok() && !stream && !kzgd::trim(p.err).empty()) say(prefix, tail_of(p.err));
        return p;
    }
    // "exit status 1: <its stderr>", for the report.
    static std::string outcome(const Proc& p) {
        return p.result() + (kzgd::trim(p.err).empty() ? "" : ": " + tail_of(p.err));
    }
    void fail(const std::string& step_name, const std::string& why, const std::vector<std::string>& argv = {}) {
        failed_step_ = step_name;
        failure_ = why;
        failed_command_ = argv;
        say("rollout", "FAILED at " + step_name + ": " + why);
        if (!argv.empty()) say("rollout", "  command: " + shell_line(argv));
    }

    void validate();
    int dry_run();
    // Reads the deployment's containers; sets container_ and *image.
    bool read_image(const std::string& step_name, const std::string& prefix, Clock::time_point deadline,
                    std::string* image, std::string* why);
    std::string verify_once(Clock::time_point deadline);
    bool verify(Clock::time_point deadline);
    void undo();
    int finish(int code);
};

void Rollout::validate() {
    if (o_.deployment.empty() || o_.image.empty()) throw UsageError{"rollout: --deployment and --image are required"};
    if (o_.image.find_first_of(" \t\n") != std::string::npos) throw UsageError{"rollout: bad --image '" + o_.image + "'"};
    const auto t = parse_duration(o_.timeout);
    if (!t) throw UsageError{"rollout: bad --timeout '" + o_.timeout + "' (examples: 300s, 5m, 300)"};
    timeout_s_ = *t;
    if (o_.kubectl.empty()) {
        const char* env_kubectl = std::getenv("KUBECTL");
        o_.kubectl = env_kubectl && *env_kubectl ? env_kubectl : "kubectl";
    }
    if (o_.no_verify) return;
    if (o_.verify_url.empty())
        throw UsageError{"rollout: give --verify-url URL (checked after the rollout) or --no-verify to skip the check"};
    std::string why;
    url_ = parse_url(o_.verify_url, &why);
    if (!url_) throw UsageError{"rollout: bad --verify-url '" + o_.verify_url + "': " + why};
    const std::string tag = image_tag(o_.image);
    expected_version_ = o_.expect_version.empty() ? tag : o_.expect_version;
    if (o_.expect_version.empty() && (tag.empty() || tag == "latest"))
        throw UsageError{"rollout: cannot tell the expected version from --image '" + o_.image +
                         "' (no version tag): pass --expect-version"};
}

int Rollout::dry_run() {
    // The plan, in order; nothing is run (not even the read of the current image).
    std::vector<std::string> plan;
    const std::string c = o_.container.empty() ? "CONTAINER" : o_.container;
    plan.push_back("read the current image of container " +
                   (o_.container.empty() ? "CONTAINER (the pod template's first)" : c) + ": " +
                   shell_line(get_containers_cmd()));
    plan.push_back("change the image: " +
                   shell_line(kubectl({"set", "image", "deployment/" + o_.deployment, c + "=" + o_.image})));
    plan.push_back("wait for the rollout (output streamed; killed at the deadline, " + o_.timeout +
                   " after the start): " + shell_line(status_cmd(timeout_s_)));
    if (o_.no_verify) {
        plan.push_back("verification skipped (--no-verify)");
    } else {
        plan.push_back("verify " + o_.verify_url + " (up to " + std::to_string(o_.verify_attempts) + " attempts, " +
                       std::to_string(kVerifyIntervalS) + " s apart, within the deadline): GET /readyz is 200; GET "
                       "/v1/info version is " + normal_version(expected_version_) +
                       "; POST /v1/blob_to_kzg_commitment (known-answer blob) returns " +
                       std::string(kzgd::ops::kKnownCommitmentHex));
    }
    plan.push_back("on failure, undo and wait for it (another " + o_.timeout + "): " +
                   shell_line(kubectl({"rollout", "undo", "deployment/" + o_.deployment})) + " ; " +
                   shell_line(status_cmd(timeout_s_)) + " ; then read the image again");
    if (o_.json) {
        std::cout << json{{"dry_run", true}, {"plan", plan}}.dump() << "\n";
    } else {
        for (std::size_t i = 0; i < plan.size(); i++) std::cout << "plan " << i + 1 << ": " << plan[i] << "\n";
        std::cout << "dry run: nothing was changed\n";
    }
    return kExitOk;
}

bool Rollout::read_image(const std::string& step_name, const std::string& prefix, Clock::time_point deadline,
                         std::string* image, std::string* why) {
    const Proc p = step(step_name, get_containers_cmd(), deadline, prefix, false);
    if (!p.ok()) {
        *why = outcome(p);
        return false;
    }
    // One "name<TAB>image" line per container, in the pod template's order.
    std::vector<std::pair<std::string, std::string>> containers;
    std::size_t at = 0;
    while (at < p.out.size()) {
        const auto nl = std::min(p.out.find('\n', at), p.out.size());
        const std::string_view line = std::string_view(p.out).substr(at, nl - at);
        at = nl + 1;
        const auto tab = line.find('\t');
        if (tab != std::string_view::npos)
            containers.emplace_back(kzgd::trim(line.substr(0, tab)), kzgd::trim(line.substr(tab + 1)));
    }
    if (containers.empty()) {
        *why = "deployment/" + o_.deployment + " lists no containers (kubectl printed '" + tail_of(p.out) + "')";
        return false;
    }
    const std::string want = container_.empty() ? o_.container : container_;
    if (want.empty()) {
        container_ = containers[0].first;
        *image = containers[0].second;
        return true;
    }
    std::string names;
    for (const auto& [name, img] : containers) {
        if (name == want) {
            container_ = name;
            *image = img;
            return true;
        }
        names += (names.empty() ? "" : ", ") + name;
    }
    *why = "deployment/" + o_.deployment + " has no container '" + want + "' (it has: " + names + ")";
    return false;
}

// One pass of the three checks; "" when they pass, else what failed.
std::string Rollout::verify_once(Clock::time_point deadline) {
    const double left = seconds_left(deadline);
    if (left <= 0) return "no time left before the deadline (--timeout)";
    std::string error;
    auto ready = http_request(*url_, "GET", "/readyz", "", "", std::min(10.0, left), &error);
    if (!ready) return "GET /readyz: " + error;
    if (ready->status != 200) return "GET /readyz: HTTP " + std::to_string(ready->status) + " " + tail_of(ready->body);

    auto info = http_request(*url_, "GET", "/v1/info", "", "", std::min(10.0, seconds_left(deadline)), &error);
    if (!info) return "GET /v1/info: " + error;
    if (info->status != 200) return "GET /v1/info: HTTP " + std::to_string(info->status) + " " + tail_of(info->body);
    try {
        const json j = json::parse(info->body);
        if (!j.is_object() || !j.contains("version") || !j["version"].is_string())
            return "GET /v1/info: no \"version\" string in " + tail_of(info->body);
        got_version_ = j["version"].get<std::string>();
    } catch (const std::exception& e) {
        return std::string("GET /v1/info: not JSON (") + e.what() + ")";
    }
    if (normal_version(got_version_) != normal_version(expected_version_))
        return "version mismatch: /v1/info reports \"" + got_version_ + "\", expected \"" + expected_version_ + "\"";

    // The same fixed blob kzgd's own self-test uses, through the JSON API.
    const auto blob = kzgd::ops::known_answer_blob();
    const std::string body = "{\"blob\":\"" + kzg::hex_encode(*blob) + "\"}";
    auto r = http_request(*url_, "POST", "/v1/blob_to_kzg_commitment", body, "application/json",
                          std::min(30.0, seconds_left(deadline)), &error);
    if (!r) return "POST /v1/blob_to_kzg_commitment: " + error;
    if (r->status != 200)
        return "POST /v1/blob_to_kzg_commitment: HTTP " + std::to_string(r->status) + " " + tail_of(r->body);
    std::string commitment;
    try {
        const json j = json::parse(r->body);
        if (j.is_object() && j.contains("commitment") && j["commitment"].is_string())
            commitment = j["commitment"].get<std::string>();
    } catch (const std::exception&) {
    }
    if (commitment.empty()) return "POST /v1/blob_to_kzg_commitment: no \"commitment\" in " + tail_of(r->body);
    std::transform(commitment.begin(), commitment.end(), commitment.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (commitment != kzgd::ops::kKnownCommitmentHex)
        return "known-answer mismatch: commitment " + commitment + ", expected " +
               std::string(kzgd::ops::kKnownCommitmentHex);
    return "";
}

bool Rollout::verify(Clock::time_point deadline) {
    // Retries: for a moment after the rollout a Service may still route to
    // terminating old pods, or to new ones still warming up.
    const auto t0 = Clock::now();
    std::string why;
    for (int attempt = 1; attempt <= o_.verify_attempts; attempt++) {
        verify_attempts_used_ = attempt;
        why = verify_once(deadline);
        const std::string n = std::to_string(attempt) + "/" + std::to_string(o_.verify_attempts);
        if (why.empty()) {
            say("verify", "attempt " + n + ": ok: ready, version " + got_version_ + ", known-answer commitment matches");
            steps_.push_back(StepRecord{"verify", {}, true, "ok", "", seconds_since(t0)});
            return true;
        }
        say("verify", "attempt " + n + ": " + why);
        if (attempt == o_.verify_attempts || seconds_left(deadline) <= kVerifyIntervalS) break;
        std::this_thread::sleep_for(std::chrono::seconds(kVerifyIntervalS));
    }
    steps_.push_back(StepRecord{"verify", {}, false, why, "", seconds_since(t0)});
    fail("verify", why + " (after " + std::to_string(verify_attempts_used_) + " attempt" +
                       (verify_attempts_used_ == 1 ? "" : "s") + ")");
    return false;
}

void Rollout::undo() {
    // The undo gets its own budget: a rollout that used up --timeout must
    // still be rolled back.
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s_));
    undo_attempted_ = true;
    say("undo", "rolling back deployment/" + o_.deployment + " to " + from_);
    const Proc u = step("undo", kubectl({"rollout", "undo", "deployment/" + o_.deployment}), deadline, "undo", true);
    if (!u.ok()) {
        undo_state_ = "FAILED: kubectl rollout undo: " + outcome(u);
        return;
    }
    const Proc s = step("undo-status", status_cmd(seconds_left(deadline)), deadline, "undo", true);
    if (!s.ok()) {
        undo_state_ = "FAILED: the undo did not finish rolling out: kubectl rollout status: " + outcome(s);
        return;
    }
    std::string why;
    if (!read_image("undo-check", "undo", deadline, &image_after_, &why)) {
        undo_state_ = "FAILED: cannot read the image after the undo: " + why;
        return;
    }
    if (image_after_ != from_) {
        undo_state_ = "FAILED: after the undo the image is " + image_after_ + ", not " + from_;
        return;
    }
    undo_ok_ = true;
    undo_state_ = "succeeded: back on " + from_;
}

int Rollout::finish(int code) {
    if (!failed_step_.empty() && undo_attempted_ && !undo_ok_) code = kExitUndoFailed;
    const double total = seconds_since(start_);
    std::string summary;
    if (failed_step_.empty()) {
        summary = "rollout succeeded: deployment/" + o_.deployment + " container " + container_ + ": " + from_ + " -> " +
                  o_.image + (o_.no_verify ? ", verification skipped (--no-verify)" : ", verified (version " + got_version_ + ", known answer)");
    } else {
        summary = "rollout FAILED at " + failed_step_ + ": " + failure_ + "; undo " + undo_state_;
    }
    summary += " [" + fmt_seconds(total) + " s, exit " + std::to_string(code) + "]";
    if (!o_.json) {
        std::cout << summary << std::endl;
        return code;
    }
    json steps = json::array();
    for (const auto& s : steps_) {
        steps.push_back({{"step", s.step}, {"command", s.command}, {"ok", s.ok}, {"result", s.result},
                         {"stderr", s.stderr_tail}, {"seconds", s.seconds}});
    }
    json report = {{"ok", failed_step_.empty()},
                   {"exit_code", code},
                   {"deployment", o_.deployment},
                   {"namespace", o_.ns.empty() ? json(nullptr) : json(o_.ns)},
                   {"container", container_},
                   {"from", from_},
                   {"to", o_.image},
                   {"failed_step", failed_step_.empty() ? json(nullptr) : json(failed_step_)},
                   {"failed_command", failed_command_.empty() ? json(nullptr) : json(failed_command_)},
                   {"error", failure_.empty() ? json(nullptr) : json(failure_)},
                   {"undo", {{"attempted", undo_attempted_}, {"succeeded", undo_ok_}, {"state", undo_state_},
                             {"image_after", image_after_.empty() ? json(nullptr) : json(image_after_)}}},
                   {"verification", o_.no_verify ? json(nullptr)
                                                 : json{{"url", o_.verify_url},
                                                        {"expected_version", expected_version_},
                                                        {"version", got_version_.empty() ? json(nullptr) : json(got_version_)},
                                                        {"attempts", verify_attempts_used_}}},
                   {"steps", steps},
                   {"seconds", total},
                   {"summary", summary}};
    std::cout << report.dump() << std::endl;
    return code;
}

int Rollout::run() {
    validate();
    if (o_.dry_run) return dry_run();

    // Ctrl-C or a SIGTERM must not leave kubectl behind in its own process
    // group. (The rollout itself is left as it is: the operator stopped us.)
    struct sigaction sa {};
    sa.sa_handler = kill_child_and_die;
    sigemptyset(&sa.sa_mask);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(s, &sa, nullptr);

    const auto deadline = start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s_));
    say("rollout", "deployment/" + o_.deployment + (o_.ns.empty() ? "" : " in namespace " + o_.ns) + " -> " + o_.image +
                       ", deadline in " + fmt_seconds(timeout_s_) + " s");

    // 1. The current image: the report's "from", and what an undo must restore.
    std::string why;
    if (!read_image("get-image", "rollout", deadline, &from_, &why)) {
        fail("get-image", why, get_containers_cmd());
        undo_state_ = "not needed: nothing was changed";
        return finish(kExitNotRead);
    }
    say("rollout", "container " + container_ + ": " + from_ + " -> " + o_.image);
    // When the image is already the target, kubectl rollout undo would go
    // back to an older revision, not to the state before this command.
    const bool unchanged = from_ == o_.image;
    if (unchanged) say("rollout", "the deployment already runs " + o_.image + ": nothing to roll out; verifying only");
    const std::string no_undo = "not run: the deployment already ran " + o_.image +
                                " before this command (an undo would go back to an older revision)";

    // 2. kubectl set image.
    const Proc set = step("set-image", kubectl({"set", "image", "deployment/" + o_.deployment, container_ + "=" + o_.image}),
                          deadline, "rollout", true);
    if (!set.ok()) {
        fail("set-image", outcome(set), set.argv);
        // It may have failed after the API server applied it (a timeout):
        // undo only if the image did change, or an undo would roll back to
        // an older revision.
        std::string now_image;
        if (unchanged) {
            undo_state_ = no_undo;
        } else if (!read_image("get-image-again", "rollout", Clock::now() + std::chrono::seconds(30), &now_image, &why)) {
            undo_state_ = "not run: cannot tell whether the image changed (" + why + "); check kubectl rollout history";
            return finish(kExitUndoFailed);
        } else if (now_image == o_.image) {
            undo();
        } else {
            undo_state_ = "not needed: the deployment still runs " + now_image;
        }
        return finish(kExitSetImage);
    }

    // 3. kubectl rollout status, streamed, within the deadline.
    const Proc status = step("rollout-status", status_cmd(seconds_left(deadline)), deadline, "rollout", true);
    if (!status.ok()) {
        fail("rollout-status", outcome(status), status.argv);
        if (unchanged) undo_state_ = no_undo;
        else undo();
        return finish(kExitRollout);
    }

    // 4. The new version, end to end.
    if (o_.no_verify) {
        say("verify", "skipped (--no-verify)");
    } else if (!verify(deadline)) {
        if (unchanged) undo_state_ = no_undo;
        else undo();
        return finish(kExitVerify);
    }
    return finish(kExitOk);
}

}  // namespace

void register_rollout(CLI::App& app, Env& env) {
    auto* cmd = app.add_subcommand(
        "rollout",
        "roll a Kubernetes Deployment of kzgd to a new image with kubectl, verify the new version, undo on failure");
    cmd->footer(
        "Steps: read the container's current image; kubectl set image; kubectl rollout status (streamed, killed at "
        "the deadline); verify --verify-url: GET /readyz is 200, GET /v1/info reports the expected version (the image "
        "tag without a leading 'v', or --expect-version), and POST /v1/blob_to_kzg_commitment returns the known-answer "
        "commitment (retried, within the deadline). Verification is required: pass --verify-url, or --no-verify to "
        "skip it explicitly. On a failure after the image changed: kubectl rollout undo, then wait for it (its own "
        "--timeout budget). kubectl: --kubectl, else $KUBECTL, else kubectl on PATH; its current context is used.\n"
        "Exit status: 0 rolled out and verified (or --dry-run); 2 bad usage; 4 the deployment could not be read, "
        "nothing changed; 5 kubectl set image failed (unchanged, or undone); 6 the rollout failed or timed out, "
        "undone; 7 verification failed, undone; 8 a step failed and the undo failed or could not be judged: check the "
        "deployment by hand. (6 and 7 without an undo when the deployment already ran the image.)");
    auto o = std::make_shared<Options>();
    cmd->add_option("--deployment", o->deployment, "the Deployment's name")->required();
    cmd->add_option("--image", o->image, "the new image, e.g. registry.example/kzgd:v0.2.0")->required();
    cmd->add_option("--namespace,-n", o->ns, "the namespace (default: kubectl's current context's)");
    cmd->add_option("--container", o->container, "the container to change (default: the pod template's first)");
    cmd->add_option("--timeout", o->timeout,
                    "deadline for the whole rollout and its verification, e.g. 300s, 5m (default 300s); an undo gets "
                    "as much again");
    auto* url = cmd->add_option("--verify-url", o->verify_url,
                                "kzgd's address as seen from here, e.g. http://127.0.0.1:4844 (a port-forward or "
                                "Service IP; an IP address or localhost)");
    auto* no_verify = cmd->add_flag("--no-verify", o->no_verify, "skip the verification (not recommended)");
    url->excludes(no_verify);
    cmd->add_option("--expect-version", o->expect_version,
                    "the version /v1/info must report (default: the image tag, a leading 'v' dropped)");
    cmd->add_option("--verify-attempts", o->verify_attempts, "verification attempts, 2 s apart (default 5)")
        ->check(CLI::Range(1, 100));
    cmd->add_option("--kubectl", o->kubectl, "the kubectl binary (default: $KUBECTL, else kubectl on PATH)");
    cmd->add_flag("--dry-run", o->dry_run, "print the plan (every command and check) and exit without running any");
    cmd->add_flag("--json", o->json, "print the report as one JSON object on stdout (progress goes to stderr)");
    cmd->callback([&env, o] { env.action = [o] { return Rollout(*o).run(); }; });
}

}  // namespace kzgctl

// Routing and request handling, independent of the HTTP library: the server
// hands over the request head, then (once it has read what the plan asks for)
// the rest; the router answers, or decodes, admits and runs the function on
// the worker pool, filling the request's RequestRecord as it goes.
//   route -> decode -> admit -> run -> encode; the server finishes the record
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "service/admission.hpp"
#include "service/api.hpp"
#include "service/config.hpp"
#include "service/request_record.hpp"
#include "service/state.hpp"
#include "service/worker_pool.hpp"

namespace kzgd {

struct RequestHead {
    std::string_view method;
    std::string_view target;
    std::string_view content_type;  // empty when absent
    std::string_view accept;        // empty when absent
    std::string_view authorization; // empty when absent
    std::optional<std::uint64_t> content_length;
    bool chunked = false;
    bool admin = false;  // arrived on the admin listener (/admin/* routes)
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // Retry-After, Allow
    bool close = false;                                        // Connection: close
};

// Observability around the request path (metrics, profiler, health: src/ops,
// wired in by kzgd's main). Every method may be called from any thread; the
// on_* ones come from finish_request() only (request_record.hpp), once per request.
class OpsHooks {
  public:
    virtual ~OpsHooks() = default;
    // A /v1/<function> request finished running (seconds on the worker), or was
    // refused before running (outcome "rejected", seconds < 0). valid: -1 not a
    // verification, else 0/1.
    virtual void on_operation(std::string_view operation, std::string_view outcome, double seconds, int valid) noexcept = 0;
    virtual void on_rejected(std::string_view reason) noexcept = 0;
    virtual void on_http(std::string_view route, int status, double seconds) noexcept = 0;
    // GET endpoints served from cached state on the I/O thread (/metrics,
    // /healthz, /debug/profile): true when `path` is one of them.
    virtual bool serve(std::string_view path, HttpResponse& out) = 0;
    // Why /readyz is 503 besides loading and draining (self-test, saturation); empty: ready.
    virtual std::string not_ready_reason() = 0;
};

// Estimated peak working memory of one request of `fn` with a body of
// `body_bytes` (docs/operations.md#memory-budget has the derivation).
std::uint64_t estimate_working_set(const FunctionSpec& fn, std::uint64_t body_bytes, std::size_t workers);

// What to do with a request once its head is known.
struct Plan {
    bool respond_now = true;
    HttpResponse response;  // when respond_now
    // Otherwise handle() completes the request; for /v1/<function> once the
    // body has been read (reads_body), for GET /debug/cpu-profile (admin
    // listener) after a capture of cpu_profile_seconds, without reading a body.
    bool reads_body = false;
    const FunctionSpec* fn = nullptr;
    bool binary_in = false;
    bool binary_out = false;
    int cpu_profile_seconds = 0;
    Reservations reserved;  // body bytes and working memory, held until the response is sent
};

class Router {
  public:
    // Completes a request: called once, on the caller's thread (errors, 503)
    // or another one (a worker, a timer); the server posts it back to the connection.
    using Done = std::function<void(HttpResponse)>;
    // Runs a task after a delay without holding a thread meanwhile; a task
    // never run (the server stopped first) is destroyed. The server's.
    using Timer = std::function<void(std::chrono::seconds delay, std::function<void()> task)>;

    Router(const Config& cfg, ServiceState& state, Admission& admission, RequestBudgets& budgets, WorkerPool& pool);

    // Routes the request (rec.route, and for answers rec.error and the rest).
    Plan route(const RequestHead& head, RequestRecord& rec);

    // Completes a plan that is not answered at once: decodes the body, admits
    // the request and runs it on the worker pool (or captures a CPU profile).
    // Fills `rec` (the caller's, untouched by it until `done`) and calls `done` once.
    void handle(Plan& plan, std::string body, RequestRecord& rec, Done done);

    // Error answers; each notes its message in `rec` for the access log.
    HttpResponse error(int status, std::string message, RequestRecord& rec) const;
    HttpResponse error(const ApiError& e, RequestRecord& rec) const;
    // 503 with Retry-After.
    HttpResponse unavailable(std::string message, RequestRecord& rec) const;
    // A 503 for a request admission refused: `reason` labels kzg_rejected_requests_total
    // (and the outcome is "rejected" when rec names an operation).
    HttpResponse refuse(std::string_view reason, std::string message, RequestRecord& rec) const;

    // The request is over (its response written): the access log, metrics and profiler.
    void finish(RequestRecord& rec) const { finish_request(rec, cfg_.access_log, ops_); }

    // Observability (optional).
    void set_ops(OpsHooks* ops) { ops_ = ops; }
    void set_timer(Timer timer) { timer_ = std::move(timer); }
    // A bounded route label: a known path, else "other".
    static std::string_view route_label(std::string_view path);
    static const std::vector<std::string>& known_routes();

  private:
    std::string info_json() const;
    // 401 unless the request carries the listener's bearer token (when one is configured).
    std::optional<HttpResponse> check_auth(const RequestHead& head, std::string_view path, RequestRecord& rec) const;
    HttpResponse method_not_allowed(const RequestHead& head, std::string_view allow, RequestRecord& rec) const;
    // The routes (route() picks one).
    HttpResponse log_level_route(const RequestHead& head, RequestRecord& rec) const;
    Plan cpu_profile_route(const RequestHead& head, RequestRecord& rec) const;
    std::optional<HttpResponse> get_route(const RequestHead& head, std::string_view path, RequestRecord& rec) const;
    HttpResponse readiness(RequestRecord& rec) const;
    Plan function_route(const RequestHead& head, std::string_view path, RequestRecord& rec);
    bool check_body(const RequestHead& head, const FunctionSpec& fn, Plan& plan, RequestRecord& rec) const;
    // The steps of handle().
    std::optional<HttpResponse> decode(const Plan& plan, std::string body, Args& args, RequestRecord& rec) const;
    void run(const Plan& plan, std::shared_ptr<Args> args, RequestRecord& rec, Done done);
    HttpResponse execute(const kzg::Context& ctx, const FunctionSpec& fn, const Args& args, bool binary_out,
                         RequestRecord& rec) const;
    void capture_cpu_profile(int seconds, RequestRecord& rec, Done done);

    const Config& cfg_;
    ServiceState& state_;
    Admission& admission_;
    RequestBudgets& budgets_;
    WorkerPool& pool_;
    DecodeLimits limits_;
    OpsHooks* ops_ = nullptr;
    Timer timer_;
};

}  // namespace kzgd

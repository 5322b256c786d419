// Routing and request handling, independent of the HTTP library: the server
// hands over the request head, then (for /v1/<function>) the body; the router
// answers, or decodes, admits and runs the function on the worker pool.
//   request -> codec -> admission -> worker pool -> kzg::Context -> codec -> response
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "service/admission.hpp"
#include "service/api.hpp"
#include "service/config.hpp"
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
    // For the access log, when the request ran on a worker: time queued, time running.
    double queue_ms = -1;
    double work_ms = -1;
    std::string operation;  // the function, for /v1/<function>
    std::string outcome;    // ok, invalid_input, error, rejected (for /v1/<function>)
    std::string error;      // the error message of a 4xx/5xx answer
};

// Observability around the request path (metrics, profiler, health: src/ops,
// wired in by kzgd's main). Every method may be called from any thread.
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
    std::string route;  // the path, for the access log
    bool respond_now = true;
    HttpResponse response;  // when respond_now
    const FunctionSpec* fn = nullptr;
    bool binary_in = false;
    bool binary_out = false;
    Reservation reservation;  // body bytes, held until the response is sent
    Reservation memory;       // estimated working memory, held until the response is sent
    std::string request_id;   // for the logs
    // GET /debug/cpu-profile (admin listener): the router started a capture;
    // the server answers after this many seconds, without blocking its thread.
    int cpu_profile_seconds = 0;
};

class Router {
  public:
    Router(const Config& cfg, ServiceState& state, Admission& admission, ByteBudget& budget, WorkerPool& pool);

    Plan route(const RequestHead& head);

    // Decodes the body, admits the request and runs it on the worker pool.
    // `done` runs once, on this thread (errors, 503) or on a worker thread.
    void handle(Plan& plan, std::string body, std::function<void(HttpResponse)> done);

    HttpResponse error(int status, std::string message) const;
    HttpResponse error(const ApiError& e) const;
    // 503 with Retry-After.
    HttpResponse unavailable(std::string message) const;

    // Observability (optional): hooks, and the memory budget that admission reserves from.
    void set_ops(OpsHooks* ops, ByteBudget* memory) {
        ops_ = ops;
        memory_ = memory;
    }
    // A request answered (the server calls it after writing the response).
    void observe_http(std::string_view route, int status, double seconds) const;
    void observe_rejected(std::string_view reason) const {
        if (ops_) ops_->on_rejected(reason);
    }
    // A bounded route label: a known path, else "other".
    static std::string_view route_label(std::string_view path);
    static const std::vector<std::string>& known_routes();

  private:
    std::string info_json() const;
    // 401 unless the request carries the listener's bearer token (when one is configured).
    std::optional<HttpResponse> check_auth(const RequestHead& head, std::string_view path) const;

    const Config& cfg_;
    ServiceState& state_;
    Admission& admission_;
    ByteBudget& budget_;
    WorkerPool& pool_;
    DecodeLimits limits_;
    OpsHooks* ops_ = nullptr;
    ByteBudget* memory_ = nullptr;
};

}  // namespace kzgd

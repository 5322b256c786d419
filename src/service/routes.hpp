// Routing and request handling, independent of the HTTP library: the server
// hands over the request head, then (for /v1/<function>) the body; the router
// answers, or decodes, admits and runs the function on the worker pool.
//   request -> codec -> admission -> worker pool -> kzg::Context -> codec -> response
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
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
    std::optional<std::uint64_t> content_length;
    bool chunked = false;
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
};

// What to do with a request once its head is known.
struct Plan {
    std::string route;  // the path, for the access log
    bool respond_now = true;
    HttpResponse response;  // when respond_now
    const FunctionSpec* fn = nullptr;
    bool binary_in = false;
    bool binary_out = false;
    Reservation reservation;  // body bytes, held until the response is sent
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

  private:
    std::string info_json() const;

    const Config& cfg_;
    ServiceState& state_;
    Admission& admission_;
    ByteBudget& budget_;
    WorkerPool& pool_;
    DecodeLimits limits_;
};

}  // namespace kzgd

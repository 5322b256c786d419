// One request as observability sees it: filled along the request path
// (server: accept, parse; router: route, decode, admit, run) and finished once,
// after the response is written, by finish_request(): the access log line, the
// metrics and the profiler are fed from there and nowhere else.
//   accept -> parse -> route -> decode -> admit -> run -> encode -> respond -> finish
// The wire response (HttpResponse, routes.hpp) carries none of this.
#pragma once

#include <chrono>
#include <string>

namespace kzgd {

class OpsHooks;

struct RequestRecord {
    using Clock = std::chrono::steady_clock;

    Clock::time_point start;  // the request began (its first byte was read)
    std::string request_id;   // the client's X-Request-Id, else a random one
    std::string method = "-";
    std::string route = "-";  // the path, at most 200 characters
    int status = 0;           // of the response sent
    std::string error;        // the message of a 4xx/5xx answer (at most 300 characters)
    // Why admission refused the request (the label of kzg_rejected_requests_total:
    // connections, not_ready, body_bytes, memory, queue); empty: not refused.
    std::string rejected;
    // /v1/<function>: the function, and ok, invalid_input, error or rejected.
    std::string operation;
    std::string outcome;
    // When the request ran on a worker: time queued, time running.
    bool ran = false;
    Clock::duration queued{};
    Clock::duration worked{};
    int valid = -1;  // a verification's answer: -1 none, else 0/1
    bool finished = false;
};

// The request is over: its response was written, or writing it failed.
// Writes the access log line (when `access_log`) and feeds OpsHooks (when
// set): on_rejected, on_operation, on_http. Once per record: later calls do nothing.
void finish_request(RequestRecord& rec, bool access_log, OpsHooks* ops);

}  // namespace kzgd

// Routes: /v1/<function> (POST), /v1/info, /livez, /readyz (GET, HEAD).
#include "service/routes.hpp"

#include <cctype>
#include <charconv>
#include <chrono>
#include <exception>
#include <memory>
#include <new>

#include "kzg/version.hpp"
#include "service/json_codec.hpp"
#include "service/log.hpp"
#include "service/ssz_codec.hpp"

namespace kzgd {
namespace {

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kOctets = "application/octet-stream";

std::string lower_trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) return "";
    const auto e = s.find_last_not_of(" \t");
    std::string out(s.substr(b, e - b + 1));
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The media type of a Content-Type header, without parameters, lower case.
std::string media_type(std::string_view content_type) { return lower_trim(content_type.substr(0, content_type.find(';'))); }

// q of one Accept entry ("application/json;q=0.5" -> 0.5).
double quality(std::string_view entry) {
    double q = 1;
    std::size_t at = entry.find(';');
    while (at != std::string_view::npos) {
        const std::size_t next = entry.find(';', at + 1);
        const std::string param = lower_trim(entry.substr(at + 1, next == std::string_view::npos ? next : next - at - 1));
        if (param.rfind("q=", 0) == 0) {
            double v = 0;
            auto [p, ec] = std::from_chars(param.data() + 2, param.data() + param.size(), v);
            if (ec == std::errc() && p == param.data() + param.size()) q = v;
        }
        at = next;
    }
    return q;
}

// SSZ out when the client accepts application/octet-stream at least as much as JSON.
bool wants_binary(std::string_view accept) {
    double q_octets = 0, q_json = 0;
    std::size_t start = 0;
    while (start <= accept.size()) {
        const std::size_t comma = accept.find(',', start);
        const std::string_view entry =
            accept.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        const std::string type = media_type(entry);
        if (type == kOctets) q_octets = quality(entry);
        if (type == kJson) q_json = quality(entry);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return q_octets > 0 && q_octets >= q_json;
}

std::string limit_text(std::string_view key, std::uint64_t v) {
    std::string s;
    append_json_string(s, key);
    s += ':';
    s += std::to_string(v);
    return s;
}

std::string seconds_text(std::string_view key, double v) {
    std::string s;
    append_json_string(s, key);
    s += ':';
    s += LogField(key, v).json;  // same %.3f formatting as the logs
    return s;
}

}  // namespace

Router::Router(const Config& cfg, ServiceState& state, Admission& admission, ByteBudget& budget, WorkerPool& pool)
    : cfg_(cfg), state_(state), admission_(admission), budget_(budget), pool_(pool) {
    limits_.max_batch_blobs = cfg.max_batch_blobs;
    limits_.max_cells = cfg.max_cells;
}

HttpResponse Router::error(int status, std::string message) const { return error(ApiError{status, std::move(message), {}}); }

HttpResponse Router::error(const ApiError& e) const {
    HttpResponse r;
    r.status = e.status;
    r.body = encode_json_error(e);
    return r;
}

HttpResponse Router::unavailable(std::string message) const {
    HttpResponse r = error(503, std::move(message));
    r.headers.emplace_back("Retry-After", std::to_string(cfg_.retry_after));
    return r;
}

std::string Router::info_json() const {
    std::string s = "{\"version\":";
    append_json_string(s, kzg::version());
    s += ",\"build\":{\"git_commit\":";
    append_json_string(s, kzg::git_commit());
    s += ",\"blst_version\":";
    append_json_string(s, kzg::blst_version());
    s += "},\"setup\":{\"sha256\":";
    const kzg::Context* ctx = state_.context();
    if (ctx) append_json_string(s, ctx->setup_sha256_hex());
    else s += "null";
    s += ",\"source\":";
    append_json_string(s, state_.setup_source);
    s += ",\"loaded\":";
    s += ctx ? "true" : "false";
    s += ",\"table_cache\":";
    if (state_.options.table_cache_dir.empty()) s += "null";
    else append_json_string(s, state_.options.table_cache_dir);
    s += "},\"precompute\":" + std::to_string(state_.options.precompute);
    s += ",\"blob_window_bits\":" + std::to_string(state_.options.blob_window_bits);
    s += ",\"workers\":" + std::to_string(state_.workers);
    s += ",\"io_threads\":" + std::to_string(cfg_.io_threads);
    s += ",\"cpu\":{\"affinity\":" + std::to_string(state_.cpu.affinity) + ",\"cgroup_quota\":";
    s += state_.cpu.quota > 0 ? LogField("", state_.cpu.quota).json : std::string("null");
    s += "},\"limits\":{" + limit_text("max_body_bytes", cfg_.max_body_bytes) + "," +
         limit_text("max_header_bytes", cfg_.max_header_bytes) + "," +
         limit_text("max_inflight_bytes", cfg_.max_inflight_bytes) + "," +
         limit_text("max_connections", cfg_.max_connections) + "," + limit_text("max_queue", cfg_.max_queue) + "," +
         limit_text("max_batch_blobs", cfg_.max_batch_blobs) + "," + limit_text("max_cells", cfg_.max_cells) + "," +
         seconds_text("read_timeout_s", cfg_.read_timeout) + "," + seconds_text("idle_timeout_s", cfg_.idle_timeout) +
         "," + seconds_text("write_timeout_s", cfg_.write_timeout) + "}";
    s += ",\"functions\":[";
    for (std::size_t i = 0; i < functions().size(); i++) {
        if (i) s += ',';
        append_json_string(s, functions()[i].name);
    }
    s += "],\"state\":{\"ready\":";
    s += state_.ready() ? "true" : "false";
    s += ",\"draining\":";
    s += state_.draining() ? "true" : "false";
    s += ",\"in_flight\":" + std::to_string(admission_.in_flight()) + "}}";
    return s;
}

Plan Router::route(const RequestHead& head) {
    Plan plan;
    const std::string_view path = head.target.substr(0, head.target.find('?'));
    plan.route = std::string(path.substr(0, 200));
    const bool get = head.method == "GET" || head.method == "HEAD";
    auto method_not_allowed = [&](std::string_view allow) {
        plan.response = error(405, "method " + std::string(head.method.substr(0, 20)) + " is not allowed on " +
                                       plan.route + " (allowed: " + std::string(allow) + ")");
        plan.response.headers.emplace_back("Allow", std::string(allow));
        return std::move(plan);
    };

    if (path == "/livez" || path == "/readyz" || path == "/v1/info") {
        if (!get) return method_not_allowed("GET, HEAD");
        if (path == "/livez") {
            plan.response.body = "{\"status\":\"alive\"}";
        } else if (path == "/readyz") {
            if (state_.ready()) plan.response.body = "{\"status\":\"ready\"}";
            else if (state_.draining()) plan.response = error(503, "draining: the service is shutting down");
            else plan.response = error(503, "not ready: the trusted setup is loading");
        } else {
            plan.response.body = info_json();
        }
        return plan;
    }

    const FunctionSpec* fn = path.rfind("/v1/", 0) == 0 ? find_function(path.substr(4)) : nullptr;
    if (fn == nullptr) {
        plan.response = error(404, "unknown route " + plan.route);
        return plan;
    }
    if (head.method != "POST") return method_not_allowed("POST");

    const std::string type = media_type(head.content_type);
    if (type == kJson) {
        plan.binary_in = false;
    } else if (type == kOctets) {
        plan.binary_in = true;
    } else {
        std::string got;
        append_json_string(got, head.content_type.substr(0, 100));
        plan.response = error(415, "Content-Type must be application/json or application/octet-stream, got " +
                                       (head.content_type.empty() ? std::string("none") : got));
        return plan;
    }
    if (head.content_length && *head.content_length > cfg_.max_body_bytes) {
        plan.response = error(413, "request body of " + std::to_string(*head.content_length) +
                                       " bytes is larger than the limit of " + std::to_string(cfg_.max_body_bytes) +
                                       " bytes (max-body-bytes)");
        return plan;
    }
    if (state_.context() == nullptr) {
        plan.response = unavailable("not ready: the trusted setup is loading");
        return plan;
    }
    // Chunked bodies have no announced size: reserve the limit.
    const std::uint64_t reserve = head.content_length ? *head.content_length : head.chunked ? cfg_.max_body_bytes : 0;
    if (!budget_.try_take(reserve)) {
        plan.response = unavailable("overloaded: request bodies in memory are at the limit of " +
                                    std::to_string(budget_.capacity()) + " bytes (max-inflight-bytes)");
        return plan;
    }
    plan.reservation = Reservation(&budget_, reserve);
    plan.fn = fn;
    plan.binary_out = wants_binary(head.accept);
    plan.respond_now = false;
    return plan;
}

void Router::handle(Plan& plan, std::string body, std::function<void(HttpResponse)> done) {
    const FunctionSpec& fn = *plan.fn;
    auto args = std::make_shared<Args>();
    std::optional<ApiError> err;
    try {
        err = plan.binary_in ? decode_ssz_request(fn, body, limits_, *args)
                             : decode_json_request(fn, body, limits_, *args);
    } catch (const std::bad_alloc&) {
        err = ApiError{503, "out of memory while decoding the request", {}};
    }
    std::string().swap(body);  // the decoded arguments are all that is needed now
    if (err) return done(err->status == 503 ? unavailable(err->message) : error(*err));

    if (!admission_.try_enter()) {
        return done(unavailable("overloaded: " + std::to_string(admission_.capacity()) +
                                " requests are running or queued (workers + max-queue)"));
    }
    const kzg::Context* ctx = state_.context();
    const bool binary_out = plan.binary_out;
    const auto queued = std::chrono::steady_clock::now();
    pool_.post([this, ctx, &fn, args, binary_out, queued, done = std::move(done)]() mutable {
        using ms = std::chrono::duration<double, std::milli>;
        const auto started = std::chrono::steady_clock::now();
        HttpResponse r;
        try {
            Outcome out;
            if (auto e = invoke(*ctx, fn, *args, out)) {
                r = error(*e);
            } else if (binary_out) {
                r.content_type = std::string(kOctets);
                r.body = encode_ssz_outcome(out);
            } else {
                r.body = encode_json_outcome(out);
            }
        } catch (const std::bad_alloc&) {
            r = unavailable("out of memory");
        } catch (const std::exception& e) {
            r = error(500, std::string(fn.name) + ": internal error: " + e.what());
        }
        args.reset();
        r.queue_ms = ms(started - queued).count();
        r.work_ms = ms(std::chrono::steady_clock::now() - started).count();
        admission_.leave();
        done(std::move(r));
    });
}

}  // namespace kzgd

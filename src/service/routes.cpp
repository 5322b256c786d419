// Routes: /v1/<function> (POST), /v1/info, /livez, /readyz, and with OpsHooks
// /metrics, /healthz, /debug/profile (GET, HEAD).
#include "service/routes.hpp"

#include <cctype>
#include <charconv>
#include <chrono>
#include <exception>
#include <memory>
#include <new>

#include "kzg/version.hpp"
#include "ops/cpu_profiler.hpp"
#include "service/json_codec.hpp"
#include "service/openapi.hpp"
#include "ops/log.hpp"
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

std::uint64_t mul_sat(std::uint64_t a, std::uint64_t b) { return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b; }

}  // namespace

// Per function: the body (held until decoded) and the decoded arguments (at
// most the body's size: equal for SSZ, about half for 0x-hex JSON), plus the
// library's working memory (src/eip7594/eip7594.cpp's header comment; the
// EIP-4844 figures from src/eip4844) and the encoded response. Deliberately
// on the high side: a request refused is cheap, the OOM killer is not.
std::uint64_t estimate_working_set(const FunctionSpec& fn, std::uint64_t body, std::size_t workers) {
    constexpr std::uint64_t KiB = 1024, MiB = 1024 * 1024;
    const std::uint64_t base = mul_sat(body, 2);
    switch (fn.id) {
        case FunctionId::kBlobToKzgCommitment:  // 128 KiB polynomial, MSM bucket scratch
            return base + 1 * MiB;
        case FunctionId::kComputeKzgProof:  // polynomial and quotient (2 x 128 KiB), MSM scratch
        case FunctionId::kComputeBlobKzgProof:
            return base + 1 * MiB;
        case FunctionId::kVerifyKzgProof:  // a few points
            return base + 64 * KiB;
        case FunctionId::kVerifyBlobKzgProof:  // 128 KiB polynomial, challenge transcript
            return base + 512 * KiB;
        case FunctionId::kVerifyBlobKzgProofBatch:
            // per blob ~0.5 KiB of points and scalars (body / 8 is far above it), one
            // 128 KiB polynomial per parallel piece (workers + 1), the RLC MSM scratch
            return base + body / 8 + (workers + 2) * 256 * KiB;
        case FunctionId::kComputeCells:  // < 0.5 MiB work, 256 KiB of cells, ~0.5 MiB of JSON
            return base + 2 * MiB;
        case FunctionId::kComputeCellsAndKzgProofs:  // < 1 MiB + fixed-base buckets (< 5 MiB at w = 8) + output
            return base + 7 * MiB;
        case FunctionId::kRecoverCellsAndKzgProofs:  // < 2 MiB recovery, then the figure above
            return base + 9 * MiB;
        case FunctionId::kVerifyCellKzgProofBatch:  // ~4.7 KiB per 2 KiB cell: 2.5 x the input
        case FunctionId::kVerifyDataColumnSidecars:  // the same batch, plus one column at a time
            return base + mul_sat(body, 5) / 2 + 512 * KiB;
        case FunctionId::kComputeBlobSidecar:
            // blobs in parallel, each the cells-and-proofs figure; ~13 KiB of proofs per blob out
            return base + body / 8 + (workers + 1) * 7 * MiB;
        case FunctionId::kVerifyBlobSidecars:  // the blob batch's figure
            return base + body / 8 + (workers + 2) * 256 * KiB;
    }
    return base + 16 * MiB;
}

const std::vector<std::string>& Router::known_routes() {
    static const std::vector<std::string> routes = [] {
        std::vector<std::string> r = {"/livez",   "/readyz",        "/healthz",     "/metrics",
                                      "/v1/info", "/debug/profile", "/openapi.json"};
        for (const auto& f : functions()) r.push_back("/v1/" + std::string(f.name));
        return r;
    }();
    return routes;
}

std::string_view Router::route_label(std::string_view path) {
    for (const auto& r : known_routes())
        if (r == path) return r;
    return "other";
}

void Router::observe_http(std::string_view route, int status, double seconds) const {
    if (ops_) ops_->on_http(route_label(route), status, seconds);
}

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
    r.error = e.message.substr(0, 300);  // for the logs: messages name inputs, never contain them
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

namespace {

// Compares without an early exit, so the time taken does not reveal how many
// leading characters of a guessed token were right.
bool same_token(std::string_view given, std::string_view expected) {
    unsigned char diff = given.size() == expected.size() ? 0 : 1;
    for (std::size_t i = 0; i < expected.size(); i++)
        diff |= static_cast<unsigned char>(expected[i] ^ (i < given.size() ? given[i] : 0));
    return diff == 0;
}

}  // namespace

std::optional<HttpResponse> Router::check_auth(const RequestHead& head, std::string_view path) const {
    const std::string& token = head.admin ? cfg_.admin_token : cfg_.api_token;
    if (token.empty()) return std::nullopt;
    // Probes stay open: a kubelet or load balancer sends no token, and they reveal nothing.
    if (!head.admin && (path == "/livez" || path == "/readyz" || path == "/healthz")) return std::nullopt;
    std::string_view given = head.authorization;
    const bool bearer = given.size() > 7 && (given.substr(0, 7) == "Bearer " || given.substr(0, 7) == "bearer ");
    if (bearer && same_token(given.substr(7), token)) return std::nullopt;
    HttpResponse r = error(401, bearer ? "the bearer token is not valid for this listener"
                                       : "authentication required: send Authorization: Bearer <token>");
    r.headers.emplace_back("WWW-Authenticate", bearer ? "Bearer realm=\"kzgd\", error=\"invalid_token\""
                                                      : "Bearer realm=\"kzgd\"");
    return r;
}

Plan Router::route(const RequestHead& head) {
    Plan plan;
    const std::string_view path = head.target.substr(0, head.target.find('?'));
    plan.route = std::string(path.substr(0, 200));
    if (auto denied = check_auth(head, path)) {
        plan.response = std::move(*denied);
        return plan;
    }
    const bool get = head.method == "GET" || head.method == "HEAD";
    auto method_not_allowed = [&](std::string_view allow) {
        plan.response = error(405, "method " + std::string(head.method.substr(0, 20)) + " is not allowed on " +
                                       plan.route + " (allowed: " + std::string(allow) + ")");
        plan.response.headers.emplace_back("Allow", std::string(allow));
        return std::move(plan);
    };

    if (head.admin && path == "/admin/log-level") {
        // GET: the level; PUT ?level=debug|info|warn|error: set it.
        if (head.method == "PUT") {
            const std::string_view query =
                head.target.find('?') == std::string_view::npos ? std::string_view() : head.target.substr(head.target.find('?') + 1);
            const auto at = query.find("level=");
            const std::string_view value = at == std::string_view::npos ? std::string_view() : query.substr(at + 6, query.find('&', at) - at - 6);
            const auto level = parse_log_level(value);
            if (!level) {
                plan.response = error(400, "expected ?level=debug, info, warn or error");
                return plan;
            }
            change_log_level(*level, {"via", "admin"});
        } else if (!get) {
            return method_not_allowed("GET, HEAD, PUT");
        }
        std::string body = "{\"level\":";
        append_json_string(body, log_level_name(log_level()));
        plan.response.body = body + "}";
        return plan;
    }
    if (head.admin && path == "/debug/cpu-profile") {
        if (!get) return method_not_allowed("GET, HEAD");
        const std::string_view query =
            head.target.find('?') == std::string_view::npos ? std::string_view() : head.target.substr(head.target.find('?') + 1);
        int seconds = 10;
        for (std::size_t at = 0; at <= query.size();) {
            const std::size_t end = std::min(query.find('&', at), query.size());
            const std::string_view param = query.substr(at, end - at);
            if (param.rfind("seconds=", 0) == 0) {
                const std::string_view v = param.substr(8);
                seconds = 0;
                bool ok = !v.empty() && v.size() <= 3;
                for (char c : v) {
                    if (c < '0' || c > '9') ok = false;
                    else seconds = seconds * 10 + (c - '0');
                }
                if (!ok || seconds < 1 || seconds > 60) {
                    plan.response = error(400, "seconds must be a whole number from 1 to 60 (default 10)");
                    return plan;
                }
            }
            at = end + 1;
        }
        std::string why;
        if (!ops::CpuProfiler::start(&why)) {
            // 409: another capture is running; 503: the timer or buffer could not be set up.
            plan.response = why.find("already") != std::string::npos ? error(409, why) : error(503, why);
            return plan;
        }
        log_line("info", "cpu profile started", {{"seconds", seconds}});
        plan.respond_now = false;
        plan.cpu_profile_seconds = seconds;
        return plan;
    }
    if (path == "/openapi.json") {  // docs/openapi.json, embedded at build time
        if (!get) return method_not_allowed("GET, HEAD");
        plan.response.body = std::string(openapi_json());
        return plan;
    }
    const bool ops_path = path == "/metrics" || path == "/healthz" || path == "/debug/profile";
    if (path == "/livez" || path == "/readyz" || path == "/v1/info" || (ops_ && ops_path)) {
        if (!get) return method_not_allowed("GET, HEAD");
        if (path == "/livez") {
            plan.response.body = "{\"status\":\"alive\"}";
        } else if (path == "/readyz") {
            const std::string why = state_.ready() && ops_ ? ops_->not_ready_reason() : std::string();
            if (state_.ready() && why.empty()) plan.response.body = "{\"status\":\"ready\"}";
            else if (state_.draining()) plan.response = error(503, "draining: the service is shutting down");
            else if (!why.empty()) plan.response = error(503, "not ready: " + why);
            else plan.response = error(503, "not ready: the trusted setup is loading");
        } else if (ops_path) {
            ops_->serve(path, plan.response);
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
    } else if (type == kOctets && fn->body != Body::kFields) {
        plan.response = error(415, std::string(fn->name) +
                                       " takes the Beacon API's JSON only: Content-Type must be application/json");
        return plan;
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
    auto refuse = [&](std::string_view reason, std::string message) {
        plan.response = unavailable(std::move(message));
        plan.response.operation = std::string(fn->name);
        plan.response.outcome = "rejected";
        if (ops_) {
            ops_->on_rejected(reason);
            ops_->on_operation(fn->name, "rejected", -1, -1);
        }
        return std::move(plan);
    };
    if (state_.context() == nullptr) return refuse("not_ready", "not ready: the trusted setup is loading");
    // Chunked bodies have no announced size: reserve the limit.
    const std::uint64_t reserve = head.content_length ? *head.content_length : head.chunked ? cfg_.max_body_bytes : 0;
    if (!budget_.try_take(reserve)) {
        return refuse("body_bytes", "overloaded: request bodies in memory are at the limit of " +
                                        std::to_string(budget_.capacity()) + " bytes (max-inflight-bytes)");
    }
    plan.reservation = Reservation(&budget_, reserve);
    // The request's estimated working memory, before its body is read.
    if (memory_) {
        const std::uint64_t need = estimate_working_set(*fn, reserve, state_.workers);
        if (!memory_->try_take(need)) {
            plan.reservation.release();
            return refuse("memory", "overloaded: the memory budget cannot hold this request (" + std::to_string(need) +
                                        " bytes estimated, " + std::to_string(memory_->used()) + " of " +
                                        std::to_string(memory_->capacity()) + " reserved)");
        }
        plan.memory = Reservation(memory_, need);
    }
    plan.fn = fn;
    plan.binary_out = fn->body == Body::kFields && wants_binary(head.accept);
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
    if (err) {
        HttpResponse r = err->status == 503 ? unavailable(err->message) : error(*err);
        r.operation = std::string(fn.name);
        r.outcome = err->status == 503 ? "rejected" : "invalid_input";
        if (ops_) {
            if (err->status == 503) ops_->on_rejected("memory");
            ops_->on_operation(fn.name, r.outcome, -1, -1);
        }
        return done(std::move(r));
    }

    if (!admission_.try_enter()) {
        HttpResponse r = unavailable("overloaded: " + std::to_string(admission_.capacity()) +
                                     " requests are running or queued (workers + max-queue)");
        r.operation = std::string(fn.name);
        r.outcome = "rejected";
        if (ops_) {
            ops_->on_rejected("queue");
            ops_->on_operation(fn.name, "rejected", -1, -1);
        }
        return done(std::move(r));
    }
    const kzg::Context* ctx = state_.context();
    const bool binary_out = plan.binary_out;
    const auto queued = std::chrono::steady_clock::now();
    pool_.post([this, ctx, &fn, args, binary_out, queued, request_id = plan.request_id, pool = pool_.shared().get(),
                done = std::move(done)]() mutable {
        using ms = std::chrono::duration<double, std::milli>;
        const auto started = std::chrono::steady_clock::now();
        log_line("debug", "operation started", {{"request_id", request_id}, {"operation", fn.name}});
        HttpResponse r;
        int valid = -1;
        try {
            Outcome out;
            if (auto e = invoke(*ctx, fn, *args, out, pool)) {
                r = error(*e);
                r.outcome = e->status == 400 ? "invalid_input" : "error";
            } else {
                r.outcome = "ok";
                if (out.kind == Output::kValid || out.kind == Output::kSidecarChecks) valid = out.valid ? 1 : 0;
                if (binary_out) {
                    r.content_type = std::string(kOctets);
                    r.body = encode_ssz_outcome(out);
                } else {
                    r.body = encode_json_outcome(out);
                }
            }
        } catch (const std::bad_alloc&) {
            r = unavailable("out of memory");
            r.outcome = "error";
        } catch (const std::exception& e) {
            r = error(500, std::string(fn.name) + ": internal error: " + e.what());
            r.outcome = "error";
        }
        args.reset();
        r.operation = std::string(fn.name);
        const auto finished = std::chrono::steady_clock::now();
        r.queue_ms = ms(started - queued).count();
        r.work_ms = ms(finished - started).count();
        if (ops_) ops_->on_operation(fn.name, r.outcome, std::chrono::duration<double>(finished - started).count(), valid);
        if (r.outcome == "ok") {
            log_line("debug", "operation finished",
                     {{"request_id", request_id}, {"operation", fn.name}, {"outcome", r.outcome}, {"duration_ms", r.work_ms}});
        } else {
            log_line(r.outcome == "error" ? "error" : "info", "operation failed",
                     {{"request_id", request_id},
                      {"operation", fn.name},
                      {"outcome", r.outcome},
                      {"duration_ms", r.work_ms},
                      {"error", r.error}});
        }
        admission_.leave();
        done(std::move(r));
    });
}

}  // namespace kzgd

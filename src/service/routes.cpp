// Routes: /v1/<function> (POST), /v1/info, /livez, /readyz, /openapi.json, and
// with OpsHooks /metrics, /healthz, /debug/profile (GET, HEAD); on the admin
// listener /admin/log-level and /debug/cpu-profile.
#include "service/routes.hpp"

#include <algorithm>
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

Router::Router(const Config& cfg, ServiceState& state, Admission& admission, RequestBudgets& budgets, WorkerPool& pool)
    : cfg_(cfg), state_(state), admission_(admission), budgets_(budgets), pool_(pool) {
    limits_.max_batch_blobs = cfg.max_batch_blobs;
    limits_.max_cells = cfg.max_cells;
}

HttpResponse Router::error(int status, std::string message, RequestRecord& rec) const {
    return error(ApiError{status, std::move(message), {}}, rec);
}

HttpResponse Router::error(const ApiError& e, RequestRecord& rec) const {
    HttpResponse r;
    r.status = e.status;
    r.body = encode_json_error(e);
    rec.error = e.message.substr(0, 300);  // for the logs: messages name inputs, never contain them
    return r;
}

HttpResponse Router::unavailable(std::string message, RequestRecord& rec) const {
    HttpResponse r = error(503, std::move(message), rec);
    r.headers.emplace_back("Retry-After", std::to_string(cfg_.retry_after));
    return r;
}

HttpResponse Router::refuse(std::string_view reason, std::string message, RequestRecord& rec) const {
    rec.rejected = std::string(reason);
    if (!rec.operation.empty()) rec.outcome = "rejected";
    return unavailable(std::move(message), rec);
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

std::string_view query_of(std::string_view target) {
    const auto q = target.find('?');
    return q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

// ?seconds= of GET /debug/cpu-profile: 10 when absent; nullopt when not a whole number from 1 to 60.
std::optional<int> profile_seconds(std::string_view query) {
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
            if (!ok || seconds < 1 || seconds > 60) return std::nullopt;
        }
        at = end + 1;
    }
    return seconds;
}

Plan answer(HttpResponse r) {
    Plan plan;
    plan.response = std::move(r);
    return plan;
}

HttpResponse json_body(std::string body) {
    HttpResponse r;
    r.body = std::move(body);
    return r;
}

// A capture of the CPU profiler: stopped by finish(), or when destroyed
// unfinished (the server stopped during the window).
class CpuCapture {
  public:
    CpuCapture() = default;
    CpuCapture(const CpuCapture&) = delete;
    CpuCapture& operator=(const CpuCapture&) = delete;
    ~CpuCapture() {
        if (running_) ops::CpuProfiler::stop();
    }
    ops::CpuProfiler::Result finish() {
        running_ = false;
        return ops::CpuProfiler::stop();
    }

  private:
    bool running_ = true;
};

}  // namespace

std::optional<HttpResponse> Router::check_auth(const RequestHead& head, std::string_view path, RequestRecord& rec) const {
    const std::string& token = head.admin ? cfg_.admin_token : cfg_.api_token;
    if (token.empty()) return std::nullopt;
    // Probes stay open: a kubelet or load balancer sends no token, and they reveal nothing.
    if (!head.admin && (path == "/livez" || path == "/readyz" || path == "/healthz")) return std::nullopt;
    std::string_view given = head.authorization;
    const bool bearer = given.size() > 7 && (given.substr(0, 7) == "Bearer " || given.substr(0, 7) == "bearer ");
    if (bearer && same_token(given.substr(7), token)) return std::nullopt;
    HttpResponse r = error(401, bearer ? "the bearer token is not valid for this listener"
                                       : "authentication required: send Authorization: Bearer <token>", rec);
    r.headers.emplace_back("WWW-Authenticate", bearer ? "Bearer realm=\"kzgd\", error=\"invalid_token\""
                                                      : "Bearer realm=\"kzgd\"");
    return r;
}

HttpResponse Router::method_not_allowed(const RequestHead& head, std::string_view allow, RequestRecord& rec) const {
    HttpResponse r = error(405, "method " + std::string(head.method.substr(0, 20)) + " is not allowed on " + rec.route +
                                    " (allowed: " + std::string(allow) + ")", rec);
    r.headers.emplace_back("Allow", std::string(allow));
    return r;
}

Plan Router::route(const RequestHead& head, RequestRecord& rec) {
    const std::string_view path = head.target.substr(0, head.target.find('?'));
    rec.route = std::string(path.substr(0, 200));
    if (auto denied = check_auth(head, path, rec)) return answer(std::move(*denied));
    if (head.admin && path == "/admin/log-level") return answer(log_level_route(head, rec));
    if (head.admin && path == "/debug/cpu-profile") return cpu_profile_route(head, rec);
    if (auto r = get_route(head, path, rec)) return answer(std::move(*r));
    return function_route(head, path, rec);
}

// GET: the level; PUT ?level=debug|info|warn|error: set it.
HttpResponse Router::log_level_route(const RequestHead& head, RequestRecord& rec) const {
    if (head.method == "PUT") {
        const std::string_view query = query_of(head.target);
        const auto at = query.find("level=");
        const std::string_view value = at == std::string_view::npos ? std::string_view() : query.substr(at + 6, query.find('&', at) - at - 6);
        const auto level = parse_log_level(value);
        if (!level) return error(400, "expected ?level=debug, info, warn or error", rec);
        change_log_level(*level, {"via", "admin"});
    } else if (head.method != "GET" && head.method != "HEAD") {
        return method_not_allowed(head, "GET, HEAD, PUT", rec);
    }
    std::string body = "{\"level\":";
    append_json_string(body, log_level_name(log_level()));
    return json_body(body + "}");
}

// GET /debug/cpu-profile?seconds=N: handle() captures, then answers, without blocking a thread.
Plan Router::cpu_profile_route(const RequestHead& head, RequestRecord& rec) const {
    if (head.method != "GET" && head.method != "HEAD") return answer(method_not_allowed(head, "GET, HEAD", rec));
    const auto seconds = profile_seconds(query_of(head.target));
    if (!seconds) return answer(error(400, "seconds must be a whole number from 1 to 60 (default 10)", rec));
    Plan plan;
    plan.respond_now = false;
    plan.cpu_profile_seconds = *seconds;
    return plan;
}

// The GET routes answered at once: /openapi.json, /livez, /readyz, /v1/info,
// and with OpsHooks /metrics, /healthz, /debug/profile. nullopt: another route.
std::optional<HttpResponse> Router::get_route(const RequestHead& head, std::string_view path, RequestRecord& rec) const {
    const bool ops_path = path == "/metrics" || path == "/healthz" || path == "/debug/profile";
    const bool openapi = path == "/openapi.json";  // docs/openapi.json, embedded at build time
    if (!openapi && path != "/livez" && path != "/readyz" && path != "/v1/info" && !(ops_ && ops_path))
        return std::nullopt;
    if (head.method != "GET" && head.method != "HEAD") return method_not_allowed(head, "GET, HEAD", rec);
    if (openapi) return json_body(std::string(openapi_json()));
    if (path == "/livez") return json_body("{\"status\":\"alive\"}");
    if (path == "/readyz") return readiness(rec);
    if (path == "/v1/info") return json_body(info_json());
    HttpResponse r;
    ops_->serve(path, r);
    return r;
}

HttpResponse Router::readiness(RequestRecord& rec) const {
    const std::string why = state_.ready() && ops_ ? ops_->not_ready_reason() : std::string();
    if (state_.ready() && why.empty()) return json_body("{\"status\":\"ready\"}");
    if (state_.draining()) return error(503, "draining: the service is shutting down", rec);
    if (!why.empty()) return error(503, "not ready: " + why, rec);
    return error(503, "not ready: the trusted setup is loading", rec);
}

// POST /v1/<function>: checks the head, then admission's byte budgets (before the body is read).
Plan Router::function_route(const RequestHead& head, std::string_view path, RequestRecord& rec) {
    const FunctionSpec* fn = path.rfind("/v1/", 0) == 0 ? find_function(path.substr(4)) : nullptr;
    if (fn == nullptr) return answer(error(404, "unknown route " + rec.route, rec));
    if (head.method != "POST") return answer(method_not_allowed(head, "POST", rec));
    Plan plan;
    if (!check_body(head, *fn, plan, rec)) return plan;
    // Chunked bodies have no announced size: reserve the limit. The estimated
    // working memory is reserved too, before the body is read.
    const std::uint64_t reserve = head.content_length ? *head.content_length : head.chunked ? cfg_.max_body_bytes : 0;
    std::optional<Refusal> refused;
    if (state_.context() == nullptr) refused = Refusal{"not_ready", "not ready: the trusted setup is loading"};
    else refused = budgets_.reserve(reserve, estimate_working_set(*fn, reserve, state_.workers), plan.reserved);
    if (refused) {
        rec.operation = std::string(fn->name);
        return answer(refuse(refused->reason, std::move(refused->message), rec));
    }
    plan.fn = fn;
    plan.binary_out = fn->body == Body::kFields && wants_binary(head.accept);
    plan.respond_now = false;
    plan.reads_body = true;
    return plan;
}

// Content-Type (sets plan.binary_in) and Content-Length of a /v1 request:
// false with the answer (415, 413) in plan.response when they do not do.
bool Router::check_body(const RequestHead& head, const FunctionSpec& fn, Plan& plan, RequestRecord& rec) const {
    const std::string type = media_type(head.content_type);
    if (type == kOctets && fn.body != Body::kFields) {
        plan.response = error(415, std::string(fn.name) +
                                       " takes the Beacon API's JSON only: Content-Type must be application/json", rec);
        return false;
    }
    if (type != kJson && type != kOctets) {
        std::string got;
        append_json_string(got, head.content_type.substr(0, 100));
        plan.response = error(415, "Content-Type must be application/json or application/octet-stream, got " +
                                       (head.content_type.empty() ? std::string("none") : got), rec);
        return false;
    }
    plan.binary_in = type == kOctets;
    if (head.content_length && *head.content_length > cfg_.max_body_bytes) {
        plan.response = error(413, "request body of " + std::to_string(*head.content_length) +
                                       " bytes is larger than the limit of " + std::to_string(cfg_.max_body_bytes) +
                                       " bytes (max-body-bytes)", rec);
        return false;
    }
    return true;
}

void Router::handle(Plan& plan, std::string body, RequestRecord& rec, Done done) {
    if (plan.cpu_profile_seconds > 0) return capture_cpu_profile(plan.cpu_profile_seconds, rec, std::move(done));
    rec.operation = std::string(plan.fn->name);
    auto args = std::make_shared<Args>();
    if (auto refused = decode(plan, std::move(body), *args, rec)) return done(std::move(*refused));
    if (!admission_.try_enter()) {
        return done(refuse("queue", "overloaded: " + std::to_string(admission_.capacity()) +
                                        " requests are running or queued (workers + max-queue)", rec));
    }
    run(plan, std::move(args), rec, std::move(done));
}

// The body into `args` (the body is freed here): the error answer, else nullopt.
std::optional<HttpResponse> Router::decode(const Plan& plan, std::string body, Args& args, RequestRecord& rec) const {
    const FunctionSpec& fn = *plan.fn;
    std::optional<ApiError> err;
    try {
        err = plan.binary_in ? decode_ssz_request(fn, body, limits_, args) : decode_json_request(fn, body, limits_, args);
    } catch (const std::bad_alloc&) {
        err = ApiError{503, "out of memory while decoding the request", {}};
    }
    std::string().swap(body);  // the decoded arguments are all that is needed now
    if (!err) return std::nullopt;
    if (err->status == 503) return refuse("memory", err->message, rec);
    rec.outcome = "invalid_input";
    return error(*err, rec);
}

// On a worker: runs the admitted request, then leaves admission and calls `done`.
void Router::run(const Plan& plan, std::shared_ptr<Args> args, RequestRecord& rec, Done done) {
    const kzg::Context* ctx = state_.context();
    const auto queued = RequestRecord::Clock::now();
    pool_.post([this, ctx, &fn = *plan.fn, args = std::move(args), binary_out = plan.binary_out, queued, rec = &rec,
                done = std::move(done)]() mutable {
        const auto started = RequestRecord::Clock::now();
        log_line("debug", "operation started", {{"request_id", rec->request_id}, {"operation", fn.name}});
        HttpResponse r = execute(*ctx, fn, *args, binary_out, *rec);
        args.reset();
        const auto finished = RequestRecord::Clock::now();
        rec->ran = true;
        rec->queued = started - queued;
        rec->worked = finished - started;
        const double work_ms = std::chrono::duration<double, std::milli>(rec->worked).count();
        if (rec->outcome == "ok") {
            log_line("debug", "operation finished",
                     {{"request_id", rec->request_id}, {"operation", fn.name}, {"outcome", rec->outcome}, {"duration_ms", work_ms}});
        } else {
            log_line(rec->outcome == "error" ? "error" : "info", "operation failed",
                     {{"request_id", rec->request_id},
                      {"operation", fn.name},
                      {"outcome", rec->outcome},
                      {"duration_ms", work_ms},
                      {"error", rec->error}});
        }
        admission_.leave();
        done(std::move(r));
    });
}

// Runs `fn`: the answer; the outcome (and a verification's answer) in `rec`.
HttpResponse Router::execute(const kzg::Context& ctx, const FunctionSpec& fn, const Args& args, bool binary_out,
                             RequestRecord& rec) const {
    HttpResponse r;
    try {
        Outcome out;
        if (auto e = invoke(ctx, fn, args, out, pool_.shared().get())) {
            r = error(*e, rec);
            rec.outcome = e->status == 400 ? "invalid_input" : "error";
            return r;
        }
        rec.outcome = "ok";
        if (out.kind == Output::kValid || out.kind == Output::kSidecarChecks) rec.valid = out.valid ? 1 : 0;
        if (binary_out) {
            r.content_type = std::string(kOctets);
            r.body = encode_ssz_outcome(out);
        } else {
            r.body = encode_json_outcome(out);
        }
    } catch (const std::bad_alloc&) {
        r = unavailable("out of memory", rec);
        rec.outcome = "error";
    } catch (const std::exception& e) {
        r = error(500, std::string(fn.name) + ": internal error: " + e.what(), rec);
        rec.outcome = "error";
    }
    return r;
}

// GET /debug/cpu-profile: starts a capture; the server's timer ends it and
// completes the request through `done`, like a worker's answer.
void Router::capture_cpu_profile(int seconds, RequestRecord& rec, Done done) {
    std::string why;
    if (!timer_) return done(error(503, "cpu profiles need the server's timers", rec));
    if (!ops::CpuProfiler::start(&why)) {
        // 409: another capture is running; 503: the timer or buffer could not be set up.
        return done(why.find("already") != std::string::npos ? error(409, why, rec) : error(503, why, rec));
    }
    log_line("info", "cpu profile started", {{"seconds", seconds}});
    auto capture = std::make_shared<CpuCapture>();
    timer_(std::chrono::seconds(seconds), [capture, done = std::move(done)] {
        ops::CpuProfiler::Result r = capture->finish();
        log_line("info", "cpu profile captured", {{"seconds", r.seconds}, {"samples", r.samples}, {"dropped", r.dropped}});
        HttpResponse res;
        res.content_type = "text/plain; charset=utf-8";
        res.body = std::move(r.folded);
        res.headers.emplace_back("X-Profile-Samples", std::to_string(r.samples));
        res.headers.emplace_back("X-Profile-Dropped", std::to_string(r.dropped));
        done(std::move(res));
    });
}

}  // namespace kzgd

// The HTTP/1.1 server on Boost.Beast (see server.hpp).
//
// One strand per connection; the acceptor, signals and drain timers share a
// control strand. A connection reads a whole request (headers, then body,
// under one read deadline), hands it to the Router and reads nothing more
// until the response has been written: crypto runs on the worker pool (and a
// CPU profile on a timer), whose completion is posted back to the connection's
// strand. The request's RequestRecord is finished once it has been written.
#include "service/server.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <functional>
#include <mutex>
#include <random>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include "kzg/version.hpp"
#include "service/handover.hpp"
#include "service/sd_notify.hpp"
#include "ops/log.hpp"

namespace kzgd {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

namespace {

// Connections over max-connections get a 503; beyond this many more, they are closed at once.
constexpr std::size_t kRejectSlack = 64;
constexpr std::size_t kFirstReadBytes = 16 * 1024;
// Beyond max-header-bytes, room for one read of body bytes in the connection buffer.
constexpr std::size_t kReadSlack = 64 * 1024;
constexpr auto kLinger = std::chrono::seconds(2);
// While draining, a connection that has not sent its first request yet gets this
// long to send it (it was accepted, so its request is served) before it is closed.
constexpr auto kDrainGrace = std::chrono::seconds(1);

Clock::duration seconds(double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

std::string new_request_id() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static const char* digits = "0123456789abcdef";
    std::string s(32, '0');
    for (int half = 0; half < 2; half++) {
        std::uint64_t v = rng();
        for (int i = 0; i < 16; i++, v >>= 4) s[static_cast<std::size_t>(half * 16 + i)] = digits[v & 15];
    }
    return s;
}

// A client's X-Request-Id is echoed when it is 1-128 visible ASCII characters.
bool valid_request_id(std::string_view s) {
    if (s.empty() || s.size() > 128) return false;
    for (char c : s)
        if (c < 0x21 || c > 0x7e) return false;
    return true;
}

std::string endpoint_text(const tcp::endpoint& ep) {
    const std::string a = ep.address().to_string();
    return (ep.address().is_v6() ? "[" + a + "]" : a) + ":" + std::to_string(ep.port());
}

}  // namespace

// What the server needs of a connection, whatever its stream.
class SessionBase {
  public:
    virtual ~SessionBase() = default;
    virtual void start() = 0;
    virtual void reject() = 0;
    virtual void drain() = 0;
};

struct Server::Impl {
    Impl(const Config& c, ServiceState& s, Router& r)
        : cfg(c),
          state(s),
          router(r),
          ioc(static_cast<int>(c.io_threads)),
          control(asio::make_strand(ioc)),
          acceptor(control),
          admin_acceptor(control),
          signals(control, SIGTERM, SIGINT),
          level_signals(control, SIGUSR1, SIGUSR2),
          delay_timer(control),
          drain_timer(control),
          retry_timer(control) {
        // The router's deferred completions (GET /debug/cpu-profile) run on the
        // I/O threads' timers, like the connections' own.
        router.set_timer([this](std::chrono::seconds delay, std::function<void()> task) {
            auto timer = std::make_shared<asio::steady_timer>(ioc, delay);
            timer->async_wait([timer, task = std::move(task)](beast::error_code) { task(); });
        });
    }
    ~Impl() { router.set_timer(nullptr); }

    void add(const std::shared_ptr<SessionBase>& s);
    void remove(SessionBase* s);
    void do_accept();
    void start_session(tcp::socket socket);
    void do_admin_accept();
    void on_signal(const beast::error_code& ec, int signo);
    void on_level_signal(const beast::error_code& ec, int signo);
    void begin_drain();
    void check_drained();
    void stop_now();
    void on_handed_over(long new_pid);
    std::optional<std::string> listen_on(tcp::acceptor& a, const tcp::endpoint& ep, const std::string& what);
    std::optional<std::string> adopt_listener(tcp::acceptor& a, int fd, const std::string& what);
    std::optional<std::string> load_tls();

    const Config& cfg;
    ServiceState& state;
    Router& router;

    // Declared before the io_context: sessions destroyed with it unregister here.
    std::mutex sessions_mutex;
    std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
    std::atomic<std::size_t> connections{0};
    std::atomic<bool> closing{false};  // keep-alive connections end after their current request
    std::atomic<bool> stopped{false};
    std::atomic<int> exit_status{0};
    bool drain_started = false;  // control strand only
    // Single-host upgrades (handover.hpp): listeners taken over from the old
    // process (accepting waits for start_accepting()), and our own upgrade socket.
    handover::Listeners adopted;
    bool accept_deferred = false;
    std::mutex upgrade_mutex;  // serve_upgrades() runs on the loader thread
    std::unique_ptr<handover::Listener> upgrade;
    bool upgrades_stopped = false;
    void stop_upgrades() {
        std::lock_guard<std::mutex> lock(upgrade_mutex);
        upgrades_stopped = true;
        if (upgrade) upgrade->stop();
    }
    std::optional<asio::ssl::context> tls;  // --tls-cert/--tls-key: the API listener speaks TLS

    asio::io_context ioc;
    asio::strand<asio::io_context::executor_type> control;
    tcp::acceptor acceptor;
    tcp::acceptor admin_acceptor;  // --admin-listen (/admin/* routes); not limited by max-connections
    asio::signal_set signals;
    asio::signal_set level_signals;  // SIGUSR1: more verbose, SIGUSR2: less
    asio::steady_timer delay_timer;
    asio::steady_timer drain_timer;
    asio::steady_timer retry_timer;
};

template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
    static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  public:
    // args: what the stream is made from (the socket; and the TLS context).
    template <class... Args>
    Session(Server::Impl& srv, bool admin, Args&&... args)
        : stream_(std::forward<Args>(args)...),
          srv_(srv),
          admin_(admin),
          // Bounds what one connection buffers unparsed: a header section,
          // a chunk-size line, its extensions and the trailers all must fit
          // (Beast's header limit does not cover the chunked framing).
          buffer_(static_cast<std::size_t>(srv.cfg.max_header_bytes) + kReadSlack) {}
    ~Session() { srv_.remove(this); }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    void start() override {
        asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
            self->handshake([self] { self->wait_request(); });
        });
    }

    // Over max-connections: answered 503 (after the TLS handshake, if any), then closed.
    void reject() override {
        asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
            self->handshake([self] { self->send_rejection(); });
        });
    }

    // The server started draining: an idle keep-alive connection closes now; a
    // new one that has not sent anything yet gets kDrainGrace to do so.
    void drain() override {
        asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
            if (!self->idle_) return;
            if (self->served_ > 0) return self->close_now();
            self->grace_.emplace(self->stream_.get_executor());
            self->grace_->expires_after(kDrainGrace);
            self->grace_->async_wait([self](beast::error_code ec) {
                if (!ec && self->idle_) self->close_now();
            });
        });
    }

  private:
    beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

    // TLS: the handshake, under the read deadline, before anything else. Plain: nothing.
    template <class Next>
    void handshake(Next next) {
        if constexpr (kTls) {
            lowest().expires_after(seconds(cfg().read_timeout));
            stream_.async_handshake(asio::ssl::stream_base::server,
                                    [self = this->shared_from_this(), next](beast::error_code ec) {
                                        if (ec) {
                                            log_line("debug", "TLS handshake failed", {{"error", ec.message()}});
                                            return self->close_now();
                                        }
                                        next();
                                    });
        } else {
            next();
        }
    }

    // Over max-connections: a 503 without reading the request, then close.
    void send_rejection() {
        begin_request();
        HttpResponse r = srv_.router.refuse("connections", "too many connections (max-connections " +
                                                               std::to_string(srv_.cfg.max_connections) + ")",
                                            record_);
        r.close = true;
        send(std::move(r));
    }

    const Config& cfg() const { return srv_.cfg; }

    void wait_request() {
        idle_ = true;
        const bool closing = srv_.closing.load();
        if (closing && served_ > 0) return close_now();  // keep-alive ends with the drain
        if (buffer_.size() > 0) {  // pipelined
            idle_ = false;
            return read_header();
        }
        // A large body grew the buffer: give the memory back while idle.
        if (buffer_.capacity() > 4 * kFirstReadBytes) buffer_.shrink_to_fit();
        const auto idle = seconds(cfg().idle_timeout);
        lowest().expires_after(closing ? std::min<Clock::duration>(idle, kDrainGrace) : idle);
        stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                                beast::bind_front_handler(&Session::on_first_bytes, this->shared_from_this()));
    }

    void on_first_bytes(beast::error_code ec, std::size_t n) {
        idle_ = false;
        if (grace_) grace_->cancel();
        if (ec) return close_now();  // idle timeout, client closed, or drain
        buffer_.commit(n);
        read_header();
    }

    void begin_request() {
        record_ = RequestRecord{};
        record_.start = Clock::now();
        record_.request_id = new_request_id();
        deadline_ = record_.start + seconds(cfg().read_timeout);
        head_ = false;
        keep_alive_ = false;
        version_ = 11;
        unread_body_ = false;
        plan_ = Plan{};
    }

    void read_header() {
        begin_request();
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(cfg().max_header_bytes));
        parser_->body_limit(boost::none);  // checked against the route first (413 before reading)
        lowest().expires_at(deadline_);
        http::async_read_header(stream_, buffer_, *parser_,
                                beast::bind_front_handler(&Session::on_header, this->shared_from_this()));
    }

    void on_header(beast::error_code ec, std::size_t) {
        if (ec) return on_read_error(ec);
        served_++;
        auto& req = parser_->get();
        record_.method = std::string(req.method_string().substr(0, 20));
        if (const auto id = req["X-Request-Id"]; valid_request_id(id)) record_.request_id = std::string(id);
        keep_alive_ = req.keep_alive();
        version_ = req.version();
        head_ = req.method() == http::verb::head;
        if (auto refused = check_framing(req)) return send(std::move(*refused));
        const RequestHead head = request_head(req);
        plan_ = srv_.router.route(head, record_);
        // A body left unread: the connection cannot be reused.
        const bool has_body = (head.content_length && *head.content_length > 0) || head.chunked;
        unread_body_ = has_body && !plan_.reads_body;
        if (plan_.respond_now) return send(std::move(plan_.response));
        if (!plan_.reads_body) return run(std::string());  // GET /debug/cpu-profile
        parser_->body_limit(cfg().max_body_bytes);
        if (beast::iequals(req[http::field::expect], "100-continue")) {
            auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, version_);
            lowest().expires_at(deadline_);
            http::async_write(stream_, *cont, [self = this->shared_from_this(), cont](beast::error_code wec, std::size_t) {
                if (wec) return self->close_now();
                self->read_body();
            });
            return;
        }
        read_body();
    }

    RequestHead request_head(const http::request<http::string_body>& req) const {
        RequestHead head;
        head.method = req.method_string();
        head.target = req.target();
        head.content_type = req[http::field::content_type];
        head.accept = req[http::field::accept];
        head.authorization = req[http::field::authorization];
        if (auto n = parser_->content_length()) head.content_length = *n;
        head.chunked = parser_->chunked();
        head.admin = admin_;
        return head;
    }

    // RFC 9112 6.1: without "chunked" last the body cannot be framed (400, and
    // close, or the body would be read as the next request); any coding
    // besides chunked is not implemented (501).
    std::optional<HttpResponse> check_framing(const http::request<http::string_body>& req) {
        const auto te = req[http::field::transfer_encoding];
        if (te.empty() || beast::iequals(te, "chunked")) return std::nullopt;
        const std::string shown = "\"" + std::string(te.substr(0, 60)) + "\"";
        HttpResponse r = parser_->chunked()
                             ? srv_.router.error(501, "unsupported transfer coding in Transfer-Encoding " + shown +
                                                          " (only chunked)", record_)
                             : srv_.router.error(400, "Transfer-Encoding " + shown +
                                                          " does not end in chunked: the body cannot be framed", record_);
        r.close = true;
        return r;
    }

    void read_body() {
        if (parser_->is_done()) return on_body({}, 0);
        lowest().expires_at(deadline_);
        http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_body, this->shared_from_this()));
    }

    void on_body(beast::error_code ec, std::size_t) {
        if (ec == http::error::body_limit) {
            HttpResponse r = srv_.router.error(413, "request body is larger than the limit of " +
                                                        std::to_string(cfg().max_body_bytes) +
                                                        " bytes (max-body-bytes)", record_);
            r.close = true;
            return send(std::move(r));
        }
        if (ec) return on_read_error(ec);
        std::string body = std::move(parser_->get().body());
        parser_.reset();
        run(std::move(body));
    }

    // The request is read: the router completes it (a worker's answer, a CPU
    // profile's) and its answer is posted back to this connection's strand.
    void run(std::string body) {
        lowest().expires_never();  // crypto (or a capture's) time is not the client's
        srv_.router.handle(plan_, std::move(body), record_, [self = this->shared_from_this()](HttpResponse r) {
            asio::post(self->stream_.get_executor(),
                       [self, r = std::move(r)]() mutable { self->send(std::move(r)); });
        });
    }

    void on_read_error(beast::error_code ec) {
        if (ec == http::error::header_limit) {
            HttpResponse r = srv_.router.error(431, "request headers are larger than the limit of " +
                                                        std::to_string(cfg().max_header_bytes) +
                                                        " bytes (max-header-bytes)", record_);
            r.close = true;
            return send(std::move(r));
        }
        if (ec == beast::error::timeout) {
            log_line("warn", "read timeout: connection closed",
                     {{"request_id", record_.request_id}, {"method", record_.method}, {"route", record_.route}});
            return close_now();
        }
        if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == asio::error::eof ||
            ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
            ec == asio::error::bad_descriptor || ec == asio::error::broken_pipe)
            return close_now();
        HttpResponse r = srv_.router.error(400, "malformed HTTP request: " + ec.message(), record_);
        r.close = true;
        send(std::move(r));
    }

    void send(HttpResponse r) {
        plan_.reserved.release();
        record_.status = r.status;
        const bool keep = keep_alive_ && !r.close && !unread_body_ && !srv_.closing.load();
        auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), version_);
        res->set(http::field::server, "kzgd/" + std::string(kzg::version()));
        res->set(http::field::content_type, r.content_type);
        res->set("X-Request-Id", record_.request_id);
        for (auto& [name, value] : r.headers) res->set(name, value);
        res->body() = std::move(r.body);
        res->prepare_payload();
        res->keep_alive(keep);
        if (head_) {
            const auto n = res->body().size();
            res->body().clear();
            res->content_length(n);
        }
        res_ = res;
        lowest().expires_after(seconds(cfg().write_timeout));
        http::async_write(stream_, *res_,
                          beast::bind_front_handler(&Session::on_write, this->shared_from_this(), keep));
    }

    void on_write(bool keep, beast::error_code ec, std::size_t) {
        res_.reset();
        srv_.router.finish(record_);  // the access log line, metrics, profiler
        if (ec) return close_now();
        if (!keep) return linger_close();
        wait_request();
    }

    // Half-close, then discard what the client still sends (bounded), so the
    // response is not lost to a reset.
    void linger_close() {
        if constexpr (kTls) {
            // close_notify, then close; a client that never answers it gets kLinger.
            lowest().expires_after(kLinger);
            stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->close_now(); });
            return;
        }
        beast::error_code ec;
        lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
        if (ec) return close_now();
        lowest().expires_after(kLinger);
        discard();
    }

    void discard() {
        stream_.async_read_some(asio::buffer(scratch_), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->close_now();
            self->discard();
        });
    }

    void close_now() {
        if (grace_) grace_->cancel();
        beast::error_code ec;
        lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
        lowest().socket().close(ec);
    }

    Stream stream_;
    Server::Impl& srv_;
    const bool admin_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::shared_ptr<http::response<http::string_body>> res_;
    std::array<char, 4096> scratch_{};
    bool idle_ = false;
    std::size_t served_ = 0;  // requests read on this connection
    std::optional<asio::steady_timer> grace_;
    // The current request.
    RequestRecord record_;  // what observability sees of it; finished once written
    Clock::time_point deadline_;
    unsigned version_ = 11;
    bool head_ = false;
    bool keep_alive_ = false;
    bool unread_body_ = false;  // it has a body that is not read: close after answering
    Plan plan_;
};

void Server::Impl::add(const std::shared_ptr<SessionBase>& s) {
    std::lock_guard<std::mutex> lock(sessions_mutex);
    sessions.emplace(s.get(), s);
    connections.fetch_add(1);
}

void Server::Impl::remove(SessionBase* s) {
    std::size_t left = 0;
    {
        std::lock_guard<std::mutex> lock(sessions_mutex);
        sessions.erase(s);
        left = connections.fetch_sub(1) - 1;
    }
    if (left == 0 && closing.load() && !stopped.load()) asio::post(control, [this] { check_drained(); });
}

void Server::Impl::do_accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
        if (!ec) start_session(std::move(socket));  // accepted, even if the drain began meanwhile: serve it
        if (ec == asio::error::operation_aborted || !acceptor.is_open() || closing.load()) return;
        if (ec) {
            // Out of descriptors or similar: back off instead of spinning.
            log_line("warn", "accept failed", {{"error", ec.message()}});
            retry_timer.expires_after(std::chrono::milliseconds(100));
            retry_timer.async_wait([this](beast::error_code tec) {
                if (!tec) do_accept();
            });
            return;
        }
        do_accept();
    });
}

void Server::Impl::do_admin_accept() {
    admin_acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
        if (!ec) {
            auto s = std::make_shared<Session<PlainStream>>(*this, true, std::move(socket));
            add(s);
            s->start();
        }
        if (ec == asio::error::operation_aborted || !admin_acceptor.is_open() || closing.load()) return;
        if (ec) {
            log_line("warn", "admin accept failed", {{"error", ec.message()}});
            return;
        }
        do_admin_accept();
    });
}

void Server::Impl::start_session(tcp::socket socket) {
    beast::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    const std::size_t n = connections.load();
    if (n >= cfg.max_connections + kRejectSlack) {
        socket.close(ec);
        return;
    }
    std::shared_ptr<SessionBase> s;
    if (tls) s = std::make_shared<Session<TlsStream>>(*this, false, std::move(socket), *tls);
    else s = std::make_shared<Session<PlainStream>>(*this, false, std::move(socket));
    add(s);
    if (n >= cfg.max_connections) s->reject();
    else s->start();
}

void Server::Impl::on_signal(const beast::error_code& ec, int signo) {
    if (ec) return;
    if (drain_started) {
        log_line("warn", "second signal: stopping without waiting for in-flight requests", {{"signal", signo}});
        exit_status = 1;
        return stop_now();
    }
    drain_started = true;
    state.set_draining();
    // systemd: the stop has begun (a drain of up to shutdown-delay +
    // drain-timeout; the unit's TimeoutStopSec covers it). Not sent after a
    // handover (on_handed_over: the service goes on in the new process), nor
    // by a new process stopped before it took over (accept_deferred: kzgctl
    // upgrade gave up on it; the old main process still serves).
    if (!accept_deferred) sd::notify_logged("STOPPING=1\nSTATUS=draining");
    log_line("info", "draining: readiness is now 503",
             {{"signal", signo}, {"shutdown_delay_s", cfg.shutdown_delay}, {"connections", connections.load()}});
    signals.async_wait([this](const beast::error_code& e, int s) { on_signal(e, s); });
    delay_timer.expires_after(seconds(cfg.shutdown_delay));
    delay_timer.async_wait([this](beast::error_code tec) {
        if (!tec) begin_drain();
    });
}

void Server::Impl::on_level_signal(const beast::error_code& ec, int signo) {
    if (ec) return;
    const int now = static_cast<int>(log_level());
    const int next = signo == SIGUSR1 ? std::max(0, now - 1) : std::min(3, now + 1);
    change_log_level(static_cast<LogLevel>(next), {"signal", signo});
    level_signals.async_wait([this](const beast::error_code& e, int s) { on_level_signal(e, s); });
}

void Server::Impl::begin_drain() {
    closing = true;
    beast::error_code ec;
    acceptor.cancel(ec);
    // Serve the connections the kernel has already accepted, then stop accepting.
    acceptor.non_blocking(true, ec);
    for (;;) {
        tcp::socket s(asio::make_strand(ioc));
        acceptor.accept(s, ec);
        if (ec) break;
        start_session(std::move(s));
    }
    stop_upgrades();  // its duplicates of the listeners too: nothing keeps a dead queue open
    acceptor.close(ec);
    admin_acceptor.close(ec);
    std::vector<std::shared_ptr<SessionBase>> live;
    {
        std::lock_guard<std::mutex> lock(sessions_mutex);
        for (auto& [p, w] : sessions)
            if (auto s = w.lock()) live.push_back(std::move(s));
    }
    log_line("info", "stopped accepting; finishing in-flight requests",
             {{"connections", live.size()}, {"drain_timeout_s", cfg.drain_timeout}});
    for (auto& s : live) s->drain();
    live.clear();
    drain_timer.expires_after(seconds(cfg.drain_timeout));
    drain_timer.async_wait([this](beast::error_code tec) {
        if (tec) return;
        log_line("warn", "drain timeout: closing the remaining connections", {{"connections", connections.load()}});
        stop_now();
    });
    check_drained();
}

void Server::Impl::check_drained() {
    if (!closing.load() || stopped.load() || connections.load() != 0) return;
    log_line("info", "drained");
    stop_now();
}

void Server::Impl::stop_now() {
    if (stopped.exchange(true)) return;
    closing = true;
    beast::error_code ec;
    signals.cancel(ec);
    level_signals.cancel(ec);
    delay_timer.cancel();
    drain_timer.cancel();
    retry_timer.cancel();
    acceptor.close(ec);
    admin_acceptor.close(ec);
    stop_upgrades();
    ioc.stop();
}

// The new process accepts on our listening sockets now: drain at once (no
// shutdown delay: nothing needs to notice, the socket never stopped accepting).
void Server::Impl::on_handed_over(long new_pid) {
    if (drain_started) return;
    drain_started = true;
    state.set_draining();
    log_line("info", "handed over to a new process: draining", {{"new_pid", new_pid}, {"connections", connections.load()}});
    signals.async_wait([this](const beast::error_code& e, int s) { on_signal(e, s); });
    begin_drain();
}

std::optional<std::string> Server::Impl::listen_on(tcp::acceptor& a, const tcp::endpoint& ep, const std::string& what) {
    beast::error_code ec;
    a.open(ep.protocol(), ec);
    if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) a.bind(ep, ec);
    if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return "cannot listen on " + what + ": " + ec.message();
    return std::nullopt;
}

std::optional<std::string> Server::Impl::adopt_listener(tcp::acceptor& a, int fd, const std::string& what) {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
        (addr.ss_family != AF_INET && addr.ss_family != AF_INET6)) {
        ::close(fd);
        return "the " + what + " socket handed over is not a TCP listener";
    }
    beast::error_code ec;
    a.assign(addr.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), fd, ec);
    if (ec) {
        ::close(fd);
        return "cannot use the " + what + " socket handed over: " + ec.message();
    }
    return std::nullopt;
}

std::optional<std::string> Server::Impl::load_tls() {
    if (cfg.tls_cert.empty()) return std::nullopt;
    tls.emplace(asio::ssl::context::tls_server);
    beast::error_code ec;
    // TLS 1.2 and 1.3 only; the library's default cipher list otherwise.
    tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                     ec);
    if (!ec) tls->use_certificate_chain_file(cfg.tls_cert, ec);
    if (ec) return "cannot load tls-cert " + cfg.tls_cert + ": " + ec.message();
    tls->use_private_key_file(cfg.tls_key, asio::ssl::context::pem, ec);
    if (ec) return "cannot load tls-key " + cfg.tls_key + ": " + ec.message();
    if (SSL_CTX_check_private_key(tls->native_handle()) != 1)
        return "tls-key " + cfg.tls_key + " does not match the certificate in " + cfg.tls_cert;
    return std::nullopt;
}

Server::Server(const Config& cfg, ServiceState& state, Router& router)
    : impl_(std::make_unique<Impl>(cfg, state, router)) {}

Server::~Server() = default;

void Server::adopt(int api_fd, int admin_fd) {
    impl_->adopted = handover::Listeners{api_fd, admin_fd};
    impl_->accept_deferred = true;
}

std::optional<std::string> Server::open() {
    Impl& m = *impl_;
    if (auto err = m.load_tls()) return err;
    beast::error_code ec;
    if (m.adopted.api >= 0) {
        if (auto err = m.adopt_listener(m.acceptor, m.adopted.api, "API")) return err;
    } else {
        tcp::endpoint ep;
        const auto addr = asio::ip::make_address(m.cfg.listen_host, ec);
        if (!ec) {
            ep = tcp::endpoint(addr, m.cfg.listen_port);
        } else {
            tcp::resolver resolver(m.ioc);
            auto results = resolver.resolve(m.cfg.listen_host, std::to_string(m.cfg.listen_port),
                                            tcp::resolver::passive | tcp::resolver::numeric_service, ec);
            if (ec || results.empty()) return "cannot resolve " + m.cfg.listen_host + ": " + ec.message();
            ep = *results.begin();
        }
        if (auto err = m.listen_on(m.acceptor, ep, m.cfg.listen)) return err;
    }
    const tcp::endpoint bound = m.acceptor.local_endpoint(ec);
    if (ec) return "cannot read the bound address: " + ec.message();
    if (!m.cfg.ports_file.empty()) {
        const std::string tmp = m.cfg.ports_file + ".tmp." + std::to_string(::getpid());
        {
            std::ofstream out(tmp, std::ios::trunc);
            out << bound.port() << "\n";
            out.close();
            if (!out) return "cannot write the ports file " + tmp;
        }
        if (std::rename(tmp.c_str(), m.cfg.ports_file.c_str()) != 0) {
            std::remove(tmp.c_str());
            return "cannot write the ports file " + m.cfg.ports_file;
        }
    }
    log_line("info", m.adopted.api >= 0 ? "listening (socket taken over)" : "listening",
             {{"address", endpoint_text(bound)}, {"port", bound.port()}, {"tls", m.tls.has_value()}});
    if (m.adopted.admin >= 0) {
        if (auto err = m.adopt_listener(m.admin_acceptor, m.adopted.admin, "admin")) return err;
    } else if (!m.cfg.admin_listen.empty() && m.adopted.api < 0) {
        const auto admin_addr = asio::ip::make_address(m.cfg.admin_host, ec);
        if (ec) return "admin-listen must be an IP address: " + m.cfg.admin_listen;
        if (auto err = m.listen_on(m.admin_acceptor, tcp::endpoint(admin_addr, m.cfg.admin_port),
                                   m.cfg.admin_listen + " (admin-listen)"))
            return err;
    }
    if (m.admin_acceptor.is_open()) {
        const tcp::endpoint abound = m.admin_acceptor.local_endpoint(ec);
        log_line("info", "admin listening", {{"address", endpoint_text(abound)}, {"port", abound.port()}});
    }
    return std::nullopt;
}

std::optional<std::string> Server::serve_upgrades(bool take_path) {
    Impl& m = *impl_;
    if (m.cfg.upgrade_socket.empty()) return std::nullopt;
    // The listener hands over duplicates, so that closing our acceptors never
    // races with a handover in progress.
    handover::Listeners dups{::fcntl(m.acceptor.native_handle(), F_DUPFD_CLOEXEC, 0),
                             m.admin_acceptor.is_open() ? ::fcntl(m.admin_acceptor.native_handle(), F_DUPFD_CLOEXEC, 0) : -1};
    if (dups.api < 0) return "cannot duplicate the listening socket";
    handover::Listener::Hooks hooks;
    hooks.draining = [&m] { return m.closing.load() || m.state.draining(); };
    hooks.handed_over = [&m](long pid) { asio::post(m.control, [&m, pid] { m.on_handed_over(pid); }); };
    auto listener = std::make_unique<handover::Listener>(m.cfg.upgrade_socket, dups, std::move(hooks));
    {
        std::lock_guard<std::mutex> lock(m.upgrade_mutex);
        if (m.upgrades_stopped) return std::nullopt;
    }
    if (auto err = listener->start(take_path)) return err;
    std::lock_guard<std::mutex> lock(m.upgrade_mutex);
    if (m.upgrades_stopped) return std::nullopt;  // draining already: no handovers
    m.upgrade = std::move(listener);
    return std::nullopt;
}

void Server::start_accepting() {
    Impl& m = *impl_;
    asio::post(m.control, [&m] {
        if (!m.accept_deferred || m.closing.load()) return;
        m.accept_deferred = false;
        m.do_accept();
        if (m.admin_acceptor.is_open()) m.do_admin_accept();
    });
}

int Server::run() {
    Impl& m = *impl_;
    m.signals.async_wait([&m](const beast::error_code& ec, int signo) { m.on_signal(ec, signo); });
    m.level_signals.async_wait([&m](const beast::error_code& ec, int signo) { m.on_level_signal(ec, signo); });
    if (!m.accept_deferred) {  // after a takeover: from start_accepting(), once the self-test passed
        asio::dispatch(m.control, [&m] { m.do_accept(); });
        if (m.admin_acceptor.is_open()) asio::dispatch(m.control, [&m] { m.do_admin_accept(); });
    }
    auto run_loop = [&m] {
        for (;;) {
            try {
                m.ioc.run();
                return;
            } catch (const std::exception& e) {
                log_line("error", "unexpected exception in an I/O thread", {{"error", e.what()}});
            }
        }
    };
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < m.cfg.io_threads; i++) threads.emplace_back(run_loop);
    run_loop();
    for (auto& t : threads) t.join();
    log_line("info", "stopped", {{"exit_status", m.exit_status.load()}});
    return m.exit_status.load();
}

void Server::fatal(int status) {
    Impl& m = *impl_;
    asio::post(m.control, [&m, status] {
        m.exit_status = status;
        m.stop_now();
    });
}

}  // namespace kzgd

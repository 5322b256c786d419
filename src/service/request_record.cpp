#include "service/request_record.hpp"

#include <vector>

#include "ops/log.hpp"
#include "service/routes.hpp"

namespace kzgd {

void finish_request(RequestRecord& rec, bool access_log, OpsHooks* ops) {
    if (rec.finished) return;
    rec.finished = true;
    using ms = std::chrono::duration<double, std::milli>;
    const double duration_ms = ms(RequestRecord::Clock::now() - rec.start).count();
    if (ops) {
        if (!rec.rejected.empty()) ops->on_rejected(rec.rejected);
        if (!rec.operation.empty()) {
            const double seconds = rec.ran ? std::chrono::duration<double>(rec.worked).count() : -1;
            ops->on_operation(rec.operation, rec.outcome, seconds, rec.valid);
        }
        ops->on_http(Router::route_label(rec.route), rec.status, duration_ms / 1000);
    }
    if (!access_log) return;
    // Names, sizes and timings only: never a blob, cell or other payload.
    std::vector<LogField> f = {{"request_id", rec.request_id},
                               {"method", rec.method},
                               {"route", rec.route},
                               {"status", rec.status},
                               {"duration_ms", duration_ms}};
    if (rec.ran) {
        f.emplace_back("queue_ms", ms(rec.queued).count());
        f.emplace_back("work_ms", ms(rec.worked).count());
    }
    if (!rec.operation.empty()) f.emplace_back("operation", rec.operation);
    if (!rec.outcome.empty()) f.emplace_back("outcome", rec.outcome);
    if (!rec.error.empty()) f.emplace_back("error", rec.error);
    log_line(rec.status >= 500 ? "warn" : "info", "request", f);
}

}  // namespace kzgd

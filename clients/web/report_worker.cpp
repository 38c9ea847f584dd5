// See report_worker.hpp.
#include "clients/web/report_worker.hpp"

#include <sched.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "clients/lib/json.hpp"
#include "clients/report/report_source.hpp"
#include "clients/report/stamp_accounting.hpp"
#include "engine/access.hpp"
#include "engine/state.hpp"

namespace stampd::web {
namespace {

report_result refused(unsigned status, std::string code, std::string message) {
    return report_result{
        .http_status = status, .code = std::move(code), .message = std::move(message)};
}

const char* extension(report::format how) {
    return how == report::format::pdf ? ".pdf" : how == report::format::csv ? ".csv" : ".json";
}

const char* content_type(report::format how) {
    return how == report::format::pdf   ? "application/pdf"
           : how == report::format::csv ? "text/csv; charset=utf-8"
                                        : "application/json";
}

bool read_back(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream bytes;
    bytes << in.rdbuf();
    out = std::move(bytes).str();
    return true;
}

bool has_role(const state& s, user_id viewer, role r) {
    return s.has_user(viewer) && (s.user_at(viewer).roles & role_bit(r)) != 0;
}

// Finance and admin: the office's figures. Never a consignee user, whatever else it holds.
bool office(const state& s, user_id viewer) {
    return (has_role(s, viewer, role::finance) || has_role(s, viewer, role::admin)) &&
           !has_role(s, viewer, role::consignee);
}

}  // namespace

report_worker::report_worker(asio::io_context& context, std::string data_dir, std::string warehouse)
    : _context(context), _data_dir(std::move(data_dir)), _warehouse(std::move(warehouse)) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/stamp-web-reports-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("cannot make a directory for reports (" + pattern +
                                 "): " + std::strerror(errno));
    }
    _scratch = pattern;
    _thread = std::thread([this] { run(); });
}

report_worker::~report_worker() {
    stop();
}

void report_worker::stop() {
    {
        std::lock_guard lock(_mutex);
        if (_stopping) return;
        _stopping = true;
    }
    _wake.notify_one();
    _thread.join();
    // The handlers waiting hold their browsers' connections, which hold the server: let go here,
    // on the caller's thread (the io_context's, or main's once it has stopped).
    _jobs.clear();
    ::rmdir(_scratch.c_str());
}

bool report_worker::submit(report_job job, done_fn done) {
    {
        std::lock_guard lock(_mutex);
        if (_stopping || _jobs.size() >= reports_waiting_max) return false;
        _jobs.emplace_back(std::move(job), std::move(done));
    }
    _wake.notify_one();
    return true;
}

std::size_t report_worker::waiting() const {
    std::lock_guard lock(_mutex);
    return _jobs.size();
}

// The loop is bounded by the jobs submitted: each pass takes one or stops.
void report_worker::run() {
    // Background work, as stamp-report's: the kernel runs it when stampd and the io_context's
    // thread do not want the CPU (Linux: this thread only).
    sched_param none{};
    (void)::sched_setscheduler(0, SCHED_IDLE, &none);
    for (;;) {
        std::pair<report_job, done_fn> next;
        {
            std::unique_lock lock(_mutex);
            _wake.wait(lock, [this] { return _stopping || !_jobs.empty(); });
            if (_stopping) return;
            next = std::move(_jobs.front());
            _jobs.pop_front();
        }
        report_result result = compute(next.first);
        // The handler holds the browser's connection: it is run, and let go, on the io_context's
        // thread only — this thread keeps nothing of it once posted.
        asio::post(_context, [done = std::move(next.second), result = std::move(result)]() mutable {
            done(std::move(result));
        });
    }
}

report_result report_worker::history(const report_job& job) {
    std::unique_ptr<wal::data_dir> dir;
    wal::status st = wal::data_dir::open_for_reading(_data_dir, dir);
    if (st.ok()) st = _history.catch_up(*dir);
    if (!st.ok()) return refused(500, "DATA", "the data directory: " + st.message());
    json::array steps;
    for (const stamp_order_step& step : _history.steps(job.stamp_order)) {
        steps.push_back(json::object{{"lsn", step.lsn},
                                     {"time", report::format_utc_time(step.time_us)},
                                     {"time_us", std::int64_t{step.time_us}},
                                     {"user", std::uint64_t{step.user}},
                                     {"what", step.what},
                                     {"bundles", std::uint64_t{step.bundles}},
                                     {"note", step.note}});
    }
    report_result out{.content_type = "application/json"};
    out.from.to_lsn = out.from.log_end_lsn = _history.lsn();
    out.from.chain = _history.chain();
    out.body =
        json::to_string(json::value(json::object{{"type", "StampOrderHistory"},
                                                 {"stamp_order", std::uint64_t{job.stamp_order}},
                                                 {"steps", std::move(steps)},
                                                 {"to_lsn", _history.lsn()}}));
    out.filename = "stamp-order-" + std::to_string(job.stamp_order) + ".json";
    return out;
}

report_result report_worker::compute(const report_job& job) {
    if (job.what == report_job::kind::stamp_order_history) return history(job);
    // The state is millions of allocations for a large warehouse: held only while one report is
    // made, then freed here, off the io_context's thread.
    auto s = std::make_unique<state>();
    report::provenance from;
    const report::source_options source{.data_dir = _data_dir, .at_lsn = job.at_lsn};
    if (const wal::status st = report::load_state(source, *s, from); !st.ok()) {
        return refused(st.code == ERANGE ? 400 : 500, "DATA",
                       "the data directory: " + st.message());
    }
    report_result out{.from = from};
    const std::string path = _scratch + "/report" + extension(job.how);
    std::string error;
    bool written = false;
    if (job.what == report_job::kind::stamp_accounting) {
        if (!office(*s, job.viewer)) {
            return refused(403, "FORBIDDEN", "the Stamp Accounting is finance's and the admin's");
        }
        report::stamp_accounting accounting =
            report::compute_stamp_accounting(*s, from, job.span, {}, false);
        accounting.warehouse = _warehouse;
        written = report::render_stamp_accounting(accounting, job.how, path, error);
        out.filename = "stamp-accounting-" + job.span.label + extension(job.how);
    } else {
        // The engine's rule, on the state the document is made from: a consignee user sees its
        // own consignee's invoices once issued, never a draft; staff other than finance and
        // admin have no invoice documents here.
        const bool allowed = office(*s, job.viewer) || has_role(*s, job.viewer, role::consignee);
        if (!allowed) return refused(403, "FORBIDDEN", "invoices are finance's and the admin's");
        if (!may_see_invoice(*s, job.viewer, job.invoice)) {
            return refused(404, "NOT_FOUND", "no invoice " + std::to_string(job.invoice));
        }
        written =
            report::render_invoices(*s, from, {job.invoice}, _warehouse, job.how, path, error);
        out.filename = std::string{s->invoice_at(job.invoice).number.view()} + extension(job.how);
    }
    if (!written) return refused(500, "REPORT", error);
    const bool read = read_back(path, out.body);
    std::remove(path.c_str());
    if (!read) return refused(500, "REPORT", "cannot read back " + path);
    out.content_type = content_type(job.how);
    return out;
}

}  // namespace stampd::web

// stamp-web's reports: the Stamp Accounting report and invoice documents, computed by the report
// library (clients/report, the renderer stamp-report uses) from stampd's data directory opened
// read-only, as stamp-report's batch jobs read it (the newest snapshot, then the log). One report
// is computed at a time, on a thread of its own, so the io_context never waits on a load; at most
// reports_waiting_max more wait, and a report beyond them is refused at once (the page is told
// to retry). Who may have what is checked here against the loaded state's own user table, with
// the engine's rule for invoices (engine/access.hpp may_see_invoice): finance and admin any
// invoice and the Stamp Accounting; a consignee user its own consignee's invoices once issued,
// never a draft, never the accounting. A stamp order's history (who took each step, when) is
// read from the log, kept, and brought up to date from the log's tail (stamp_order_history.hpp).
// Threads: submit() and the results on the io_context's thread; the loading and rendering on
// the worker's thread, which touches nothing of the io_context's but posting the result to it.
#pragma once

#include <utility>  // Boost 1.74's asio uses std::exchange without including it

#include <boost/asio.hpp>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "clients/report/render.hpp"
#include "clients/report/report_period.hpp"
#include "clients/web/stamp_order_history.hpp"
#include "engine/types.hpp"

namespace stampd::web {

namespace asio = boost::asio;

inline constexpr std::size_t reports_waiting_max = 3;  // besides the one being computed
inline constexpr int report_retry_after_s = 5;         // told to a report refused as busy

struct report_job {
    enum class kind { stamp_accounting, invoice, stamp_order_history };
    kind what = kind::stamp_accounting;
    report::format how = report::format::json;
    report::period span;       // stamp accounting
    std::uint64_t at_lsn = 0;  // 0: the end of the log
    invoice_id invoice = id_none;
    stamp_order_id stamp_order = id_none;
    user_id viewer = id_none;  // checked against the loaded state's users
};

struct report_result {
    unsigned http_status = 200;  // 200, or 403 / 404 / 500 with code and message
    std::string code, message;
    std::string body, content_type, filename;
    report::provenance from;
};

class report_worker {
public:
    using done_fn = std::function<void(report_result)>;
    // `warehouse`: printed at the head of the documents (stamp-report's --warehouse). Throws
    // std::runtime_error when no temporary directory can be made for the renderer's files.
    report_worker(asio::io_context& context, std::string data_dir, std::string warehouse);
    ~report_worker();  // stop()
    // Waits for the report being computed (its result is still posted); those waiting are
    // dropped, their handlers never called. Idempotent.
    void stop();
    // False when reports_waiting_max wait already: nothing is done and `done` is not called.
    // Otherwise `done` is called once, on the io_context's thread.
    bool submit(report_job job, done_fn done);
    std::size_t waiting() const;

private:
    void run();
    report_result compute(const report_job& job);
    report_result history(const report_job& job);

    asio::io_context& _context;
    const std::string _data_dir, _warehouse;
    std::string _scratch;          // a private directory for the renderer's output files
    stamp_order_history _history;  // the worker thread's
    mutable std::mutex _mutex;
    std::condition_variable _wake;
    std::deque<std::pair<report_job, done_fn>> _jobs;  // at most reports_waiting_max
    bool _busy = false, _stopping = false;
    std::thread _thread;
};

}  // namespace stampd::web

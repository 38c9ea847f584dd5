// What /metrics says about stampd (server.hpp, metrics_text): the runtime's log and snapshots,
// the requests answered, the connections, and the stamp balance of each region. The format is
// metrics.hpp's; docs/operations.md says which figures to alert on.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>

#include "engine/build_info.hpp"
#include "net/metrics.hpp"
#include "net/server.hpp"
#include "net/server_state.hpp"

namespace stampd::net {
namespace {

// How long a scrape waits for the writer to read the balances: past it they are left out (the
// writer is stuck or far behind; stampd_balances_read says so).
constexpr std::chrono::milliseconds balances_wait{500};

const std::chrono::system_clock::time_point process_started = std::chrono::system_clock::now();

double seconds_since_epoch(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    return static_cast<double>(duration_cast<microseconds>(t.time_since_epoch()).count()) / 1e6;
}

void process_metrics(prometheus_text& out) {
    out.family("process_start_time_seconds", "gauge",
               "When stampd started, in seconds since the Unix epoch.");
    out.sample("process_start_time_seconds", seconds_since_epoch(process_started));
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) == 0) {
        out.family("process_cpu_seconds_total", "counter",
                   "CPU time stampd used, user and system.");
        const auto secs = [](const timeval& t) {
            return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
        };
        out.sample("process_cpu_seconds_total", secs(usage.ru_utime) + secs(usage.ru_stime));
    }
    std::ifstream statm("/proc/self/statm");
    std::uint64_t pages = 0, resident = 0;
    if (statm >> pages >> resident) {
        out.family("process_resident_memory_bytes", "gauge", "Resident memory.");
        out.sample("process_resident_memory_bytes",
                   static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)));
    }
    std::error_code ec;
    std::uint64_t fds = 0;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
        ++fds;
    }
    out.family("process_open_fds", "gauge", "File descriptors open.");
    out.sample("process_open_fds", static_cast<double>(fds));
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
        out.family("process_max_fds", "gauge", "The limit of file descriptors open.");
        out.sample("process_max_fds", static_cast<double>(files.rlim_cur));
    }
}

}  // namespace

std::string server::metrics_text() {
    prometheus_text out;
    out.family("stampd_build_info", "gauge", "The version, commit and build type, as labels.");
    out.sample("stampd_build_info",
               {{"version", std::string{build_version()}},
                {"commit", std::string{build_commit()}},
                {"build_type", std::string{build_type()}}},
               1);
    std::string why;
    out.family("stampd_ready", "gauge",
               "1 when recovered, listening and committing; 0 when stopping or commits fail.");
    out.sample("stampd_ready", ready(why) ? 1 : 0);

    // The requests answered.
    const auto requests = [&](bool commands, std::string_view name, std::string_view help) {
        out.family(name, "counter", help);
        for (const request_counts::row& r : _impl->requests.read(commands)) {
            out.sample(name, {{"kind", std::string{r.kind}}, {"code", std::string{r.outcome}}},
                       static_cast<double>(r.count));
        }
    };
    requests(true, "stampd_commands_total",
             "Commands answered, by kind and answer code (OK, a rejection, DUPLICATE for a retry "
             "answered again, SHUTTING_DOWN, STORAGE_UNAVAILABLE).");
    requests(false, "stampd_reads_total",
             "Reads, dry runs, Hellos and subscriptions answered, by kind and answer code.");
    out.family("stampd_events_total", "counter", "Durable events in the log, by kind.");
    std::uint64_t confirms = 0;
    for (std::size_t k = 0; k < event_counts::kinds; ++k) {
        const std::uint64_t n = _impl->events.of(k);
        if (event_counts::name(k) == "box_confirmed") confirms = n;
        if (n == 0) continue;
        out.sample("stampd_events_total", {{"kind", std::string{event_counts::name(k)}}},
                   static_cast<double>(n));
    }
    out.family("stampd_confirms_total", "counter", "Boxes confirmed, durable (box_confirmed).");
    out.sample("stampd_confirms_total", static_cast<double>(confirms));

    // The writer, the log and the snapshots.
    const wal::runtime_stats rs = _impl->runtime->stats();
    out.family("stampd_ingress_depth", "gauge", "Commands and reads waiting for the writer.");
    out.sample("stampd_ingress_depth", rs.ingress_queued);
    out.family("stampd_ingress_capacity", "gauge", "The ingress' bound (ingress_max).");
    out.sample("stampd_ingress_capacity", rs.ingress_capacity);
    out.family("stampd_durable_lsn", "gauge", "The last LSN written and synced.");
    out.sample("stampd_durable_lsn", static_cast<double>(rs.durable_lsn));
    out.family("stampd_records_total", "counter", "Log records written and synced.");
    out.sample("stampd_records_total", static_cast<double>(rs.records));
    out.family("stampd_commits_total", "counter",
               "Group commits (one LMDB write transaction, synced, each).");
    out.sample("stampd_commits_total", static_cast<double>(rs.commits));
    out.family("stampd_commit_failures_total", "counter",
               "Commits that failed (their commands were refused STORAGE_UNAVAILABLE).");
    out.sample("stampd_commit_failures_total", static_cast<double>(rs.failed_commits));
    out.family("stampd_slow_commits_total", "counter", "Commits over slow_commit_ms.");
    out.sample("stampd_slow_commits_total", static_cast<double>(rs.slow_commits));
    out.family("stampd_storage_degraded", "gauge",
               "1 while commits fail and writes are refused until one succeeds.");
    out.sample("stampd_storage_degraded", rs.degraded ? 1 : 0);
    const wal::commit_progress& progress = _impl->runtime->progress();
    out.histogram<17>("stampd_commit_duration_seconds",
                      "A commit's time: LMDB's write transaction and its sync.",
                      progress.commit_time_us.read(), 1e-6);
    out.histogram<11>("stampd_commit_batch_records", "Records in one group commit.",
                      progress.group_records.read(), 1);
    out.family("stampd_snapshot_lsn", "gauge", "The LSN of the newest snapshot.");
    out.sample("stampd_snapshot_lsn", static_cast<double>(rs.snapshot_lsn));
    out.family("stampd_records_since_snapshot", "gauge",
               "Durable records after the newest snapshot: what a recovery would replay.");
    out.sample("stampd_records_since_snapshot",
               static_cast<double>(rs.durable_lsn - std::min(rs.durable_lsn, rs.snapshot_lsn)));
    out.family("stampd_snapshots_total", "counter", "Snapshots written since stampd started.");
    out.sample("stampd_snapshots_total", static_cast<double>(rs.snapshots));
    out.family("stampd_snapshot_failures_total", "counter", "Snapshots that could not be written.");
    out.sample("stampd_snapshot_failures_total", static_cast<double>(rs.snapshot_failures));
    if (rs.snapshot_written_us != 0) {
        const double written = static_cast<double>(rs.snapshot_written_us) / 1e6;
        out.family("stampd_snapshot_last_success_timestamp_seconds", "gauge",
                   "When stampd last wrote a snapshot, in seconds since the Unix epoch.");
        out.sample("stampd_snapshot_last_success_timestamp_seconds", written);
        out.family("stampd_snapshot_age_seconds", "gauge",
                   "Seconds since stampd last wrote a snapshot.");
        out.sample("stampd_snapshot_age_seconds",
                   seconds_since_epoch(std::chrono::system_clock::now()) - written);
        out.family("stampd_snapshot_duration_seconds", "gauge",
                   "How long the last snapshot took: replaying up to it, encoding, writing.");
        out.sample("stampd_snapshot_duration_seconds",
                   static_cast<double>(rs.snapshot_duration_us) / 1e6);
    }
    out.family("stampd_log_damaged_lsn", "gauge",
               "The first damaged LSN the background check of the log found (0: none).");
    out.sample("stampd_log_damaged_lsn", static_cast<double>(rs.log_damaged_lsn));
    out.family("stampd_log_check_done", "gauge",
               "1 once the background check of the log before the recovered snapshot is done.");
    out.sample("stampd_log_check_done", rs.log_check_done ? 1 : 0);

    // The connections.
    const server_stats ss = stats();
    out.family("stampd_connections", "gauge", "Connections open.");
    out.sample("stampd_connections", static_cast<double>(ss.connections));
    out.family("stampd_connections_max", "gauge", "connections_max.");
    out.sample("stampd_connections_max", _impl->options.connections_max);
    const auto counter = [&](std::string_view name, std::string_view help, std::uint64_t n) {
        out.family(name, "counter", help);
        out.sample(name, static_cast<double>(n));
    };
    counter("stampd_connections_accepted_total", "Connections accepted.", ss.accepted);
    counter("stampd_connections_refused_total",
            "Connections refused: over connections_max or the per-address limit.", ss.refused);
    counter("stampd_connections_evicted_total",
            "Connections closed before their Hello to make room for a newer one.", ss.evicted);
    counter("stampd_connections_closed_for_errors_total",
            "Connections closed for a protocol error or for reading too slowly.",
            ss.closed_for_errors);
    counter("stampd_accept_failures_total",
            "accept() refused by the kernel (the file limit, memory).", ss.accept_failures);
    counter("stampd_auth_failures_total", "Hellos with a wrong token or password.",
            _impl->auth_failures.load());
    counter("stampd_frames_total", "Frames received.", ss.frames);
    counter("stampd_output_pauses_total",
            "Times a connection stopped being read because its answers were not read.",
            ss.output_pauses);
    out.family("stampd_output_buffered_bytes", "gauge",
               "Answers and pushes written to no socket yet, all connections.");
    out.sample("stampd_output_buffered_bytes", static_cast<double>(ss.output_buffered));
    out.family("stampd_subscriptions", "gauge", "Subscriptions to POs and consignees.");
    out.sample("stampd_subscriptions", static_cast<double>(_impl->subs.count()));

    // The stamps, as the writer holds them (applied; durable a commit later at most).
    struct balances {
        per_region<i64> balance{}, reserved{};
        std::uint64_t lsn = 0;
    };
    auto seen = std::make_shared<balances>();
    const bool read = inspect(
        [seen](const state& s, std::uint64_t lsn) {
            for (std::size_t r = 0; r < region_count; ++r) {
                seen->balance[r] = s.regions[r].balance;
                seen->reserved[r] = s.regions[r].reserved;
            }
            seen->lsn = lsn;
        },
        balances_wait);
    out.family("stampd_balances_read", "gauge",
               "1 when the writer answered this scrape's read of the stamp balances in time.");
    out.sample("stampd_balances_read", read ? 1 : 0);
    if (read) {
        out.family("stampd_stamps_balance", "gauge", "Stamps on hand, by region.");
        for (std::size_t r = 0; r < region_count; ++r) {
            out.sample("stampd_stamps_balance",
                       {{"region", std::string{to_string(all_regions[r])}}},
                       static_cast<double>(seen->balance[r]));
        }
        out.family("stampd_stamps_reserved", "gauge",
                   "Stamps reserved by POs whose runs have started, by region.");
        for (std::size_t r = 0; r < region_count; ++r) {
            out.sample("stampd_stamps_reserved",
                       {{"region", std::string{to_string(all_regions[r])}}},
                       static_cast<double>(seen->reserved[r]));
        }
    }
    process_metrics(out);
    return out.text();
}

}  // namespace stampd::net

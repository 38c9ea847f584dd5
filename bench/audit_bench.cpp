// stamp-audit verify (issue 6): the rate at which `verify` checks and replays a log of
// `2 × boxes` records (every box received, then confirmed), against recovery's full replay from
// LSN 1 measured in the same run as the baseline. The data directory is written directly
// (decide + apply in memory, records encoded and appended 4,096 to a commit, unsynced, with a
// snapshot after the set-up and one at the end) — quicker than going through the runtime
// and byte for byte the same format.
// Usage: audit_bench [--boxes N] [--dir DIR] [--keep] [--reuse]
//   --keep leaves the directory for `stamp-audit verify --data DIR`; --reuse measures an
//   existing one.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "bench/workload.hpp"
#include "clients/audit/verify.hpp"
#include "wal/storage/data_dir.hpp"
#include "wal/storage/log_appender.hpp"
#include "wal/storage/recovery.hpp"

namespace {

using namespace stampd;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

// Appends accepted commands to the log as the writer would (wal::log_appender), in commits of
// batch_max records.
class log_writer {
public:
    static constexpr std::size_t batch_max = 4096;

    explicit log_writer(const std::string& dir) {
        const wal::status s =
            wal::data_dir::open_for_writing({.path = dir,
                                             .sync = false,
                                             .log_map_size = std::size_t{16} << 30,
                                             .snapshot_map_size = std::size_t{16} << 30},
                                            _dir);
        if (!s.ok()) {
            std::fprintf(stderr, "cannot create %s: %s\n", dir.c_str(), s.message().c_str());
            std::exit(1);
        }
    }

    void send(user_id who, const command& c) {
        const context ctx{
            .lsn = _appender.next_lsn(), .time_us = _now += 7, .user = who, .station = 1};
        if (!execute(_state, c, ctx, _events).ok()) {
            std::fprintf(stderr, "refused: %.*s\n", int(command_name(c).size()),
                         command_name(c).data());
            std::exit(1);
        }
        _appender.add(_events, ctx, _batch);
        if (_batch.size() == batch_max) flush();
    }

    void flush() {
        if (_batch.empty()) return;
        if (const wal::status s = _dir->log().append(_batch.values()); !s.ok()) {
            std::fprintf(stderr, "%s\n", s.message().c_str());
            std::exit(1);
        }
        _batch.clear();
    }

    void snapshot() {
        flush();
        std::vector<std::uint8_t> value;
        wal::encode_snapshot_value(_state, _appender.chain(), value);
        if (!_dir->snapshots()->put_and_trim(_state.last_lsn, value, 3).ok()) std::exit(1);
    }

    std::uint64_t lsn() const { return _state.last_lsn; }

private:
    std::unique_ptr<wal::data_dir> _dir;
    state _state;
    event_list _events;
    wal::log_appender _appender{0, 0};
    wal::record_batch _batch;
    i64 _now = 1'767'225'600'000'000;
};

void build(const std::string& dir, std::uint32_t boxes) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const auto start = clock_type::now();
    log_writer w(dir);
    constexpr std::uint32_t per_po = 100'000;
    bench::workload::setup(boxes, per_po, true,
                           [&](const bench::workload::step& st) { w.send(st.user, st.cmd); });
    w.snapshot();
    for (std::uint32_t i = 0; i < boxes; ++i)
        w.send(bench::workload::stamper_id, confirm_box{.po = 1 + i / per_po, .box = i + 1});
    w.snapshot();
    std::printf("built %llu records in %.1f s\n", static_cast<unsigned long long>(w.lsn()),
                seconds_since(start));
}

void measure_recovery(const wal::data_dir& dir) {
    state s;
    wal::recovery_result r;
    const auto start = clock_type::now();
    // Recovery's replay from LSN 1, as if there were no snapshot.
    if (const wal::status st = wal::replay(dir.log(), s, r.lsn, r.chain, UINT64_MAX, r.replayed);
        !st.ok()) {
        std::fprintf(stderr, "%s\n", st.message().c_str());
        std::exit(1);
    }
    const double seconds = seconds_since(start);
    std::printf("baseline: recovery's full replay from LSN 1   %.2f s  %.2f M records/s\n", seconds,
                r.replayed / seconds / 1e6);
}

double measure_verify(const wal::data_dir& dir, bool threaded) {
    const audit::verify_report r = audit::verify(dir, {.threaded = threaded, .quiet = true});
    if (!r.findings.empty()) {
        std::fprintf(stderr, "verify found: %s\n", r.findings[0].message.c_str());
        std::exit(1);
    }
    const double seconds = r.replay_seconds - r.digest_seconds;
    const double rate = r.records_applied / seconds / 1e6;
    std::printf(
        "verify (%s): check + replay %.2f s  %.2f M records/s; + %.2f s of digests at "
        "snapshot LSNs; whole run %.2f s (snapshots checked, invariants)\n",
        threaded ? "2 threads" : "1 thread ", seconds, rate, r.digest_seconds, r.total_seconds);
    return rate;
}

}  // namespace

int main(int argc, char** argv) {
    std::uint32_t boxes = 2'000'000;
    std::string dir = "/tmp/stampd-audit-bench";
    bool keep = false, reuse = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--boxes") == 0 && i + 1 < argc) {
            boxes = static_cast<std::uint32_t>(std::stoul(argv[++i]));
        } else if (std::strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
            dir = argv[++i];
        } else if (std::strcmp(argv[i], "--keep") == 0) {
            keep = true;
        } else if (std::strcmp(argv[i], "--reuse") == 0) {
            reuse = keep = true;
        } else {
            std::fprintf(stderr, "usage: audit_bench [--boxes N] [--dir DIR] [--keep] [--reuse]\n");
            return 2;
        }
    }
    if (!reuse) build(dir, boxes);
    std::unique_ptr<wal::data_dir> d;
    if (const wal::status s = wal::data_dir::open_for_reading(dir, d); !s.ok()) {
        return std::fprintf(stderr, "%s\n", s.message().c_str()), 1;
    }
    measure_recovery(*d);
    measure_verify(*d, false);
    measure_verify(*d, true);
    if (!keep) std::filesystem::remove_all(dir);
    return 0;
}

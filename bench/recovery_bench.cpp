// Recovery (issue 4): time to recover a log of `2 × boxes` records (every box received, then
// confirmed) from its newest snapshot, and the full replay rate from LSN 1 with no snapshot, in
// the same run. Also the snapshot's size and how long the snapshot thread takes to write it —
// time spent off the writer thread, which never waits for a snapshot.
// Usage: recovery_bench [--boxes N] [--dir DIR] [--keep]   (N = 5,000,000: 10 million records)
//   --keep   leave DIR (to profile a replay of it: stamp-audit verify --single-thread --data DIR)
//   --reuse  recover the log DIR already holds (kept by --keep) instead of writing one; keeps it
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <string>

#include "bench/workload.hpp"
#include "engine/engine.hpp"
#include "tests/support/runtime_harness.hpp"
#include "wal/storage/data_dir.hpp"
#include "wal/storage/recovery.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

// Writes the log through the runtime (unsynced: only the bytes matter here, not the fsyncs).
void build_log(const std::string& dir, std::uint32_t boxes) {
    stampd::testing::runtime_harness h;
    if (!h.open(dir, {.storage = {.sync = false,
                                  .log_map_size = std::size_t{16} << 30,
                                  .snapshot_map_size = std::size_t{16} << 30},
                      .ingress_max = 1u << 20,
                      .snapshot_every_records = UINT64_MAX / 2,
                      .snapshot_every_seconds = 1'000'000})
             .ok()) {
        std::fprintf(stderr, "open: %s\n", h.error.c_str());
        std::exit(1);
    }
    std::deque<std::uint64_t> window;
    auto send = [&](stampd::user_id user, const stampd::command& c) {
        if (window.size() >= 8192) {
            if (!h.wait(window.front()).verdict.ok()) std::exit(1);
            window.pop_front();
        }
        window.push_back(h.submit(user, c));
    };
    constexpr std::uint32_t per_po = 100'000;
    stampd::bench::workload::setup(
        boxes, per_po, true,
        [&](const stampd::bench::workload::step& st) { send(st.user, st.cmd); });
    for (std::uint32_t i = 0; i < boxes; ++i) {
        send(stampd::bench::workload::stamper_id,
             stampd::confirm_box{.po = 1 + i / per_po, .box = i + 1});
    }
    while (!window.empty()) {
        h.wait(window.front());
        window.pop_front();
    }
    const auto start = clock_type::now();
    h.runtime->stop();  // the final snapshot, written by the snapshot thread
    std::printf("records                     %llu\n",
                static_cast<unsigned long long>(h.runtime->stats().durable_lsn));
    std::printf("final snapshot written in   %.2f s (snapshot thread; the writer had stopped)\n",
                seconds_since(start));
}

}  // namespace

int main(int argc, char** argv) {
    std::uint32_t boxes = 5'000'000;
    std::string dir = "/tmp/stampd-recovery-bench";
    bool keep = false, reuse = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--boxes") == 0 && i + 1 < argc)
            boxes = std::stoul(argv[++i]);
        else if (std::strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (std::strcmp(argv[i], "--keep") == 0)
            keep = true;
        else if (std::strcmp(argv[i], "--reuse") == 0)
            reuse = keep = true;
        else {
            std::fprintf(stderr,
                         "usage: recovery_bench [--boxes N] [--dir DIR] [--keep] [--reuse]\n");
            return 2;
        }
    }
    if (reuse && std::filesystem::exists(dir + "/log/data.mdb")) {
        std::printf("reusing the log in %s\n", dir.c_str());
    } else {
        std::filesystem::remove_all(dir);
        build_log(dir, boxes);
    }
    std::unique_ptr<stampd::wal::data_dir> d;
    if (const stampd::wal::status st = stampd::wal::data_dir::open_for_reading(dir, d); !st.ok()) {
        std::fprintf(stderr, "cannot open %s: %s\n", dir.c_str(), st.message().c_str());
        return 1;
    }
    // The blocks the file holds: its size is LMDB's map, sparse beyond what was written.
    struct stat snapshots {};
    ::stat((dir + "/snapshots/data.mdb").c_str(), &snapshots);
    std::printf("snapshot file               %.0f MB on disk\n",
                static_cast<double>(snapshots.st_blocks) * 512 / 1e6);
    {
        stampd::state s;
        stampd::wal::recovery_result r;
        const auto start = clock_type::now();
        if (const stampd::wal::status st = stampd::wal::recover(*d, s, r); !st.ok())
            return std::fprintf(stderr, "%s\n", st.message().c_str()), 1;
        std::printf(
            "recovery from the snapshot  %.2f s (snapshot at LSN %llu, %llu records replayed after "
            "it)\n",
            seconds_since(start), static_cast<unsigned long long>(r.snapshot_lsn),
            static_cast<unsigned long long>(r.replayed));
        // What recovery no longer pays (snapshot_reading::recover hashes the stored bytes): the
        // digest by encoding the state again, as stamp-audit's verify still checks it.
        const auto digest_start = clock_type::now();
        const stampd::u64 digest = stampd::state_digest(s);
        std::printf(
            "digest by encoding again    %.2f s (%016llx; stamp-audit verify pays it, recovery "
            "not)\n",
            seconds_since(digest_start), static_cast<unsigned long long>(digest));
    }
    {
        stampd::state s;
        stampd::wal::recovery_result r;
        const auto start = clock_type::now();
        if (const stampd::wal::status st =
                stampd::wal::replay(d->log(), s, r.lsn, r.chain, UINT64_MAX, r.replayed);
            !st.ok())
            return std::fprintf(stderr, "%s\n", st.message().c_str()), 1;
        const double seconds = seconds_since(start);
        std::printf("full replay from LSN 1      %.2f s, %.2f million records/s\n", seconds,
                    r.replayed / seconds / 1e6);
    }
    if (!keep) std::filesystem::remove_all(dir);
    return 0;
}

// The log against the disk's own limit, in one run (issue 4):
//   raw    — LMDB durable appends of 180-byte values with MDB_APPEND, N per transaction;
//   log    — the runtime (wal/runtime.hpp): confirm_box commands through decide/apply, record
//   encoding and
//            group commit, acknowledged only once synced;
//   fdatasync latency after a 4 KiB append.
// Ratios log / raw are at the same batch size. Usage: wal_bench [--quick] [--dir DIR]
// With --raw-batches 8,64,1024 only fdatasync and the raw appends run, at those batch sizes, and
// the results come as one JSON object (bench/run's physical limit).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "bench/workload.hpp"
#include "wal/runtime.hpp"
#include "wal/storage/lmdb_env.hpp"
#include "wal/storage/record.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

// Raw durable appends: records per second at `batch` records per transaction.
double raw_rate(const std::string& dir, std::size_t batch, std::size_t records, bool sync) {
    std::filesystem::remove_all(dir);
    std::unique_ptr<stampd::wal::lmdb_env> env;
    if (!stampd::wal::lmdb_env::open({.path = dir, .sync = sync, .map_size = std::size_t{8} << 30},
                                     "records", env)
             .ok()) {
        std::fprintf(stderr, "cannot open %s\n", dir.c_str());
        std::exit(1);
    }
    std::vector<std::uint8_t> value(180, 0x5A);
    std::vector<stampd::wal::keyed_value> values(batch);
    std::uint64_t lsn = 0;
    const auto start = clock_type::now();
    while (lsn < records) {
        for (auto& v : values)
            v = {.lsn = ++lsn, .bytes = value};
        if (!env->append(values).ok()) std::exit(1);
    }
    return lsn / seconds_since(start);
}

std::vector<double> fdatasync_latencies_us(const std::string& dir, int n) {
    std::filesystem::create_directories(dir);
    const std::string path = dir + "/fsync-probe";
    const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    std::vector<char> page(4096, 'x');
    std::vector<double> out;
    for (int i = 0; i < n; ++i) {
        if (::write(fd, page.data(), page.size()) != 4096) std::exit(1);
        const auto start = clock_type::now();
        ::fdatasync(fd);
        out.push_back(seconds_since(start) * 1e6);
    }
    ::close(fd);
    return out;
}

struct log_result {
    double rate = 0;
    double p50_us = 0, p99_us = 0;
    double mean_batch = 0;
};

// Sends the warehouse set-up through the runtime, then confirms every box with up to
// `in_flight` commands outstanding; each confirm's latency runs from submit to its durable answer.
// The client is lean on purpose (an atomic count and a latency array, no locks), so the figure
// is the engine's, not the harness's.
log_result log_rate(const std::string& dir, std::uint32_t boxes, std::uint32_t batch_max,
                    std::size_t in_flight, bool sync) {
    std::filesystem::remove_all(dir);
    constexpr std::uint32_t boxes_per_po = 100'000;
    constexpr std::uint64_t confirm_tag = 1ull << 40;  // tags of confirms: confirm_tag + index
    std::vector<std::int64_t> submitted_ns(boxes), latency_ns(boxes);
    std::atomic<std::uint64_t> answered{0};
    std::atomic<bool> refused{false};
    auto now_ns = [] {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   clock_type::now().time_since_epoch())
            .count();
    };
    auto on_answers = [&](std::span<const stampd::wal::answer> answers) {
        const std::int64_t now = now_ns();
        for (const stampd::wal::answer& a : answers) {
            if (!a.result.verdict.ok()) refused = true;
            if (a.tag >= confirm_tag)
                latency_ns[a.tag - confirm_tag] = now - submitted_ns[a.tag - confirm_tag];
        }
        answered.fetch_add(answers.size(), std::memory_order_release);
        answered.notify_all();  // once a batch
    };
    std::unique_ptr<stampd::wal::runtime> engine;
    const stampd::wal::status opened = stampd::wal::runtime::open(
        {.storage = {.path = dir, .sync = sync, .log_map_size = std::size_t{8} << 30},
         .batch_size_max = batch_max,
         .ingress_max = 1u << 20,
         .snapshot_every_records = UINT64_MAX / 2,
         .snapshot_every_seconds = 1'000'000},
        {.answers = on_answers}, engine);
    if (!opened.ok()) {
        std::fprintf(stderr, "open: %s\n", opened.message().c_str());
        std::exit(1);
    }
    std::uint64_t sent = 0;
    auto send = [&](stampd::user_id user, stampd::command&& c, std::uint64_t tag) {
        for (std::uint64_t a = answered.load(std::memory_order_acquire); sent - a >= in_flight;
             a = answered.load(std::memory_order_acquire)) {
            answered.wait(a);  // blocks: a spinning client would take the engine's core
        }
        while (!engine->input().submit(
            stampd::wal::submission{.cmd = std::move(c), .user = user, .tag = tag}))
            std::this_thread::yield();
        ++sent;
    };
    auto drain = [&] {
        for (std::uint64_t a = answered.load(std::memory_order_acquire); a < sent;
             a = answered.load(std::memory_order_acquire)) {
            answered.wait(a);
        }
    };
    stampd::bench::workload::setup(boxes, boxes_per_po, true,
                                   [&](const stampd::bench::workload::step& st) {
                                       send(st.user, stampd::command{st.cmd}, 0);
                                   });
    drain();
    const stampd::wal::runtime_stats before = engine->stats();
    const auto start = clock_type::now();
    for (std::uint32_t i = 0; i < boxes; ++i) {
        submitted_ns[i] = now_ns();
        send(stampd::bench::workload::stamper_id,
             stampd::confirm_box{.po = 1 + i / boxes_per_po, .box = i + 1}, confirm_tag + i);
    }
    drain();
    const double elapsed = seconds_since(start);
    const stampd::wal::runtime_stats after = engine->stats();
    engine->stop();
    if (refused) {
        std::fprintf(stderr, "a command was refused\n");
        std::exit(1);
    }
    log_result r;
    r.rate = boxes / elapsed;
    std::vector<double> us(latency_ns.begin(), latency_ns.end());
    for (double& v : us)
        v /= 1000.0;
    r.p50_us = percentile(us, 0.5);
    r.p99_us = percentile(us, 0.99);
    r.mean_batch = double(after.records - before.records) /
                   double(std::max<std::uint64_t>(1, after.commits - before.commits));
    std::filesystem::remove_all(dir);
    return r;
}

// Records per raw run at a batch size: enough commits to average over the disk's jitter.
std::size_t raw_records(std::size_t batch, bool quick) {
    return quick ? std::min<std::size_t>(batch * 30, 100'000)
                 : std::max<std::size_t>(batch * 300, 2'000);
}

// fdatasync latency and raw durable appends at the given batch sizes, as one JSON object.
int raw_only(const std::string& dir, const std::vector<std::size_t>& batches, bool quick) {
    const std::vector<double> fsync = fdatasync_latencies_us(dir + "/fsync", quick ? 100 : 500);
    std::printf("{\"fdatasync_p50_us\":%.0f,\"fdatasync_p99_us\":%.0f,\"raw\":[",
                percentile(fsync, 0.5), percentile(fsync, 0.99));
    for (std::size_t i = 0; i < batches.size(); ++i) {
        const double rate =
            raw_rate(dir + "/raw", batches[i], raw_records(batches[i], quick), true);
        std::printf("%s{\"batch\":%zu,\"records_per_s\":%.0f}", i == 0 ? "" : ",", batches[i],
                    rate);
    }
    std::printf("]}\n");
    std::filesystem::remove_all(dir);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    bool quick = false;
    std::string dir = "/tmp/stampd-wal-bench";
    std::vector<std::size_t> raw_batches;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0) {
            quick = true;
        } else if (std::strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
            dir = argv[++i];
        } else if (std::strcmp(argv[i], "--raw-batches") == 0 && i + 1 < argc) {
            for (const char* p = argv[++i]; *p != '\0';) {
                char* end = nullptr;
                const unsigned long batch = std::strtoul(p, &end, 10);
                if (end == p || batch == 0 || batch > 65'536)
                    return std::fprintf(stderr, "wal_bench: bad --raw-batches\n"), 2;
                raw_batches.push_back(batch);
                p = *end == ',' ? end + 1 : end;
                if (*end != ',' && *end != '\0')
                    return std::fprintf(stderr, "wal_bench: bad --raw-batches\n"), 2;
            }
        } else {
            std::fprintf(stderr,
                         "usage: wal_bench [--quick] [--dir DIR] [--raw-batches N,N,...]\n");
            return 2;
        }
    }
    if (!raw_batches.empty()) return raw_only(dir, raw_batches, quick);
    const std::vector<double> fsync = fdatasync_latencies_us(dir + "/fsync", quick ? 50 : 500);
    std::printf("fdatasync after 4 KiB: p50 %.0f us, p99 %.0f us\n", percentile(fsync, 0.5),
                percentile(fsync, 0.99));
    const std::uint32_t boxes = quick ? 50'000 : 1'000'000;
    std::printf("%-7s %13s %13s %13s %7s %10s %9s %9s %13s\n", "batch", "raw durable/s",
                "raw nosync/s", "log durable/s", "log/raw", "mean batch", "p50 us", "p99 us",
                "log nosync/s");
    for (const std::uint32_t batch : {16u, 256u, 4096u}) {
        const std::size_t records = raw_records(batch, quick);
        const double durable = raw_rate(dir + "/raw", batch, records, true);
        const double unsafe = raw_rate(dir + "/raw", batch, records, false);
        const log_result log = log_rate(dir + "/log", boxes, batch, 2 * batch, true);
        const log_result log_unsafe = log_rate(dir + "/log", boxes, batch, 2 * batch, false);
        std::printf("%-7u %13.0f %13.0f %13.0f %7.2f %10.0f %9.0f %9.0f %13.0f\n", batch, durable,
                    unsafe, log.rate, log.rate / durable, log.mean_batch, log.p50_us, log.p99_us,
                    log_unsafe.rate);
        std::fflush(stdout);
    }
    std::filesystem::remove_all(dir);
    return 0;
}

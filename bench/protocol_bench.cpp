// The per-command cost of REQUEST_REUSED's fingerprint (net::command_fingerprint), beside what a
// confirmation already pays on its way in: verifying and decoding its Request frame. Run in the
// same session, so the ratio holds where absolute times drift (bench/RESULTS.md).
#include <benchmark/benchmark.h>

#include "net/metrics.hpp"
#include "net/protocol/command_codec.hpp"

namespace stampd::bench {
namespace {

const command confirm = confirm_box{.po = 12, .box = 345'678, .action = box_action::confirm};

// The baseline: verify + decode of one ConfirmBox request, as every session does.
void confirm_box_verify_and_decode(benchmark::State& st) {
    flatbuffers::FlatBufferBuilder b;
    net::build_command_request(b, 1'000, confirm);
    const std::span<const std::uint8_t> bytes{b.GetBufferPointer(), b.GetSize()};
    command out;
    for (auto _ : st) {
        const proto::Request* request = nullptr;
        benchmark::DoNotOptimize(net::verify_request(bytes, request));
        benchmark::DoNotOptimize(net::decode_command(*request, out));
        benchmark::ClobberMemory();
    }
}
BENCHMARK(confirm_box_verify_and_decode)->Unit(benchmark::kNanosecond)->MinTime(1.0);

// What a client with an id adds: the fingerprint of the decoded command.
void confirm_box_fingerprint(benchmark::State& st) {
    flatbuffers::FlatBufferBuilder scratch(256);
    for (auto _ : st) {
        benchmark::DoNotOptimize(net::command_fingerprint(confirm, scratch));
    }
}
BENCHMARK(confirm_box_fingerprint)->Unit(benchmark::kNanosecond)->MinTime(1.0);

// What /metrics adds to each confirmation (issue 17): the session counts the answer by kind and
// code, the committer counts its event by kind. Relaxed atomic increments on counters no other
// thread writes; compare with the verify + decode above.
void confirm_box_metrics_counters(benchmark::State& st) {
    static net::request_counts answers;
    static net::event_counts events;
    const event confirmed = box_confirmed{};
    for (auto _ : st) {
        answers.count(true, proto::Body::ConfirmBox, proto::Code::OK);
        events.count(confirmed);
        benchmark::ClobberMemory();
    }
}
BENCHMARK(confirm_box_metrics_counters)->Unit(benchmark::kNanosecond)->MinTime(1.0);

// Once a commit, not a confirmation: its time and its size into the two histograms (a commit
// of a 64x16 load holds hundreds of confirmations).
void commit_histograms(benchmark::State& st) {
    static wal::commit_time_histogram times(wal::commit_time_bounds_us);
    static wal::group_size_histogram sizes(wal::group_size_bounds);
    std::uint64_t n = 0;
    for (auto _ : st) {
        times.observe(90 + (n & 1023));  // a sync of ~0.1-1 ms, as FIGURES.md's disk gives
        sizes.observe(n++ & 1023);
        benchmark::ClobberMemory();
    }
}
BENCHMARK(commit_histograms)->Unit(benchmark::kNanosecond)->MinTime(1.0);

}  // namespace
}  // namespace stampd::bench

BENCHMARK_MAIN();

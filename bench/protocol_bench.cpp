// The per-command cost of REQUEST_REUSED's fingerprint (net::command_fingerprint), beside what a
// confirmation already pays on its way in: verifying and decoding its Request frame. Run in the
// same session, so the ratio holds where absolute times drift (bench/RESULTS.md).
#include <benchmark/benchmark.h>

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

}  // namespace
}  // namespace stampd::bench

BENCHMARK_MAIN();

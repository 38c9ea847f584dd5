// confirm_box decide + apply on one core, the writer's hot path (issue 2's goal: ≥ 5 million/s),
// beside a naive baseline doing the same bookkeeping with hash maps and strings, run in the same
// session so the ratio holds where absolute times drift.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "bench/workload.hpp"

namespace stampd::bench {
namespace {

constexpr u32 boxes = 1'000'000;

// confirm_box through decide + apply, every box of 1 M in its run's queue order.
void confirm_box_decide_apply(benchmark::State& st) {
    auto w = std::make_unique<workload>(boxes);
    std::vector<queue_item> queue = run_queue(w->s, w->pos[0]);
    std::size_t po_index = 0, next = 0;
    event_list out;
    for (auto _ : st) {
        if (next == queue.size()) {
            st.PauseTiming();
            if (++po_index == w->pos.size()) {
                w = std::make_unique<workload>(boxes);
                po_index = 0;
            }
            queue = run_queue(w->s, w->pos[po_index]);
            next = 0;
            st.ResumeTiming();
        }
        const command c = confirm_box{.po = w->pos[po_index], .box = queue[next++].box};
        const rejection r = execute(w->s, c, w->next_context(w->stamper), out);
        if (!r.ok()) st.SkipWithError("confirm refused");
        benchmark::DoNotOptimize(r);
    }
    st.SetItemsProcessed(st.iterations());
}
BENCHMARK(confirm_box_decide_apply)->Unit(benchmark::kNanosecond)->MinTime(2.0);

// Decide only: the validation half, as a dry run would cost.
void confirm_box_decide_only(benchmark::State& st) {
    workload w(100'000);
    const std::vector<queue_item> queue = run_queue(w.s, w.pos[0]);
    event_list out;
    std::size_t next = 0;
    const context ctx = w.next_context(w.stamper);
    for (auto _ : st) {
        const command c = confirm_box{.po = w.pos[0], .box = queue[next].box};
        next = next + 1 == queue.size() ? 0 : next + 1;
        benchmark::DoNotOptimize(decide(w.s, c, ctx, out));
    }
    st.SetItemsProcessed(st.iterations());
}
BENCHMARK(confirm_box_decide_only)->Unit(benchmark::kNanosecond)->MinTime(1.0);

// The baseline: what a straightforward implementation does per confirm — look the box up by
// barcode in a hash map of strings, check and mark it, update a balance found by region name,
// and append a ledger row holding strings.
void baseline_hash_map_confirm(benchmark::State& st) {
    struct naive_box {
        std::string po;
        int units = 10;
        bool confirmed = false;
    };
    struct naive_entry {
        std::string region, kind, box;
        long quantity, balance_after;
    };
    std::unordered_map<std::string, naive_box> by_barcode;
    std::vector<std::string> barcodes;
    for (u32 i = 0; i < boxes; ++i) {
        barcodes.push_back(workload::barcode(i));
        by_barcode.emplace(barcodes.back(), naive_box{"PO-000001"});
    }
    std::unordered_map<std::string, long> balance{{"FED", 1'000'000'000}};
    std::vector<naive_entry> ledger;
    std::size_t next = 0;
    for (auto _ : st) {
        if (next == barcodes.size()) {
            st.PauseTiming();
            for (auto& [_, b] : by_barcode)
                b.confirmed = false;
            ledger.clear();
            next = 0;
            st.ResumeTiming();
        }
        naive_box& b = by_barcode.at(barcodes[next]);
        if (b.confirmed || b.po != "PO-000001") st.SkipWithError("bad box");
        b.confirmed = true;
        long& bal = balance["FED"];
        bal -= b.units;
        ledger.push_back({"FED", "USAGE", barcodes[next], -b.units, bal});
        ++next;
    }
    st.SetItemsProcessed(st.iterations());
}
BENCHMARK(baseline_hash_map_confirm)->Unit(benchmark::kNanosecond)->MinTime(2.0);

}  // namespace
}  // namespace stampd::bench

BENCHMARK_MAIN();

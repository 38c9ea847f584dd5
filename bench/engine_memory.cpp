// Resident memory per box (issue 2's goal: ≤ 64 bytes a received box at 1 million boxes),
// measured as the growth of this process's RSS, beside a naive hash-map-of-strings table of the
// same boxes measured the same way in the same run. Also reports the cost of running every box
// through a stamp run (queue entry + ledger entry). Usage: engine_memory [--boxes N]
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <unordered_map>

#include "bench/workload.hpp"

namespace {

long resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    long size_pages = 0, resident_pages = 0;
    statm >> size_pages >> resident_pages;
    return resident_pages * sysconf(_SC_PAGESIZE);
}

struct naive_box {
    std::uint32_t shipment, product, units, damaged, claimed;
};

}  // namespace

int main(int argc, char** argv) {
    std::uint32_t boxes = 1'000'000;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--boxes") == 0 && i + 1 < argc) {
            boxes = static_cast<std::uint32_t>(std::strtoul(argv[++i], nullptr, 10));
        } else {
            std::fprintf(stderr, "usage: engine_memory [--boxes N]\n");
            return 2;
        }
    }
    using stampd::bench::workload;

    // Each phase starts from memory handed back to the kernel, so a freed table's pages are not
    // reused unseen by the next one.
    malloc_trim(0);
    const long before = resident_bytes();
    auto received = std::make_unique<workload>(boxes, 100'000, /*start_runs=*/false);
    const double per_box = double(resident_bytes() - before) / boxes;
    received.reset();
    malloc_trim(0);

    const long before_naive = resident_bytes();
    auto naive = std::make_unique<std::unordered_map<std::string, naive_box>>();
    for (std::uint32_t i = 0; i < boxes; ++i) {
        naive->emplace(workload::barcode(i), naive_box{1, 1, 10, 0, 0});
    }
    const double naive_per_box = double(resident_bytes() - before_naive) / boxes;
    naive.reset();
    malloc_trim(0);

    // Every box through a run: the queue entry and the USAGE ledger entry it adds.
    const long before_runs = resident_bytes();
    workload run(boxes);
    const long after_setup = resident_bytes();
    stampd::event_list out;
    for (const stampd::po_id po : run.pos) {
        for (const stampd::queue_item& item : stampd::run_queue(run.s, po)) {
            const auto r = stampd::execute(run.s, stampd::confirm_box{.po = po, .box = item.box},
                                           run.next_context(run.stamper), out);
            if (!r.ok()) {
                std::fprintf(stderr, "confirm refused: %s\n", stampd::describe(r).c_str());
                return 1;
            }
        }
    }
    const double per_started = double(after_setup - before_runs) / boxes;
    const double per_confirmed = double(resident_bytes() - before_runs) / boxes;

    std::printf("boxes                          %u\n", boxes);
    std::printf("received box, stampd           %.1f bytes\n", per_box);
    std::printf("received box, naive hash map   %.1f bytes\n", naive_per_box);
    std::printf("ratio stampd / naive           %.2f\n", per_box / naive_per_box);
    std::printf("box with its run started       %.1f bytes\n", per_started);
    std::printf("box confirmed (queue + ledger) %.1f bytes\n", per_confirmed);
    std::printf(
        "{\"boxes\": %u, \"received_bytes_per_box\": %.1f, \"naive_bytes_per_box\": %.1f, "
        "\"started_bytes_per_box\": %.1f, \"confirmed_bytes_per_box\": %.1f}\n",
        boxes, per_box, naive_per_box, per_started, per_confirmed);
    return 0;
}

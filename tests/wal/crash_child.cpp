// The crash loop's child: opens the data directory, submits tagged stamp orders from several
// threads as fast as it can, and prints "ACK client request" for each acknowledgement the
// moment it arrives — until the parent kills it with SIGKILL.
// Usage: wal_crash_child DATA_DIR CLIENT_ID
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "tests/support/runtime_harness.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: wal_crash_child DATA_DIR CLIENT_ID\n");
        return 2;
    }
    using namespace stampd;
    const std::uint64_t client = std::strtoull(argv[2], nullptr, 10);
    testing::runtime_harness h;
    std::map<std::uint64_t, std::uint64_t> request_of_tag;
    std::mutex mutex;
    // Written on the committer thread, after the record is durable: what the parent may count on.
    h.on_answer = [&](std::uint64_t tag, const outcome& o) {
        if (!o.verdict.ok() || o.duplicate) return;
        std::lock_guard lock(mutex);
        const auto it = request_of_tag.find(tag);
        if (it == request_of_tag.end()) return;
        std::printf("ACK %llu %llu\n", static_cast<unsigned long long>(client),
                    static_cast<unsigned long long>(it->second));
        std::fflush(stdout);
    };
    if (!h.open(argv[1], {.batch_size_max = 256, .snapshot_every_records = 700}).ok()) {
        std::fprintf(stderr, "open: %s\n", h.error.c_str());
        return 1;
    }
    if (h.runtime->recovered_lsn() == 0) testing::bootstrap(h);
    std::printf("READY\n");
    std::fflush(stdout);
    std::uint64_t request = 0;
    for (;;) {
        std::vector<std::uint64_t> tags;
        for (int i = 0; i < 64; ++i) {
            ++request;
            std::lock_guard lock(mutex);
            const std::uint64_t tag = h.submit(
                testing::workload_finance, testing::tagged_order(client, request), client, request);
            request_of_tag[tag] = request;
            tags.push_back(tag);
        }
        for (const std::uint64_t tag : tags)
            h.wait(tag);
    }
}
